//! Connections: the pool, each connection's prepared statements, and the
//! server named without its password.

use postgres::config::Host;
use postgres::{Client, Config, NoTls, Statement};
use std::collections::HashMap;

/// A pooled connection and the statements prepared on it.
pub(super) struct Conn {
    pub(super) client: Client,
    pub(super) statements: HashMap<&'static str, Statement>,
}

/// Opens connections for the pool (plain TCP or a Unix socket; see the
/// store's docs for TLS).
#[derive(Debug)]
pub(super) struct Manager {
    pub(super) config: Config,
}

impl Manager {
    pub(super) fn connect_client(&self) -> Result<Client, postgres::Error> {
        self.config.connect(NoTls)
    }
}

impl r2d2::ManageConnection for Manager {
    type Connection = Conn;
    type Error = postgres::Error;

    fn connect(&self) -> Result<Conn, postgres::Error> {
        Ok(Conn {
            client: self.connect_client()?,
            statements: HashMap::new(),
        })
    }

    fn is_valid(&self, conn: &mut Conn) -> Result<(), postgres::Error> {
        conn.client.simple_query("").map(drop)
    }

    fn has_broken(&self, conn: &mut Conn) -> bool {
        conn.client.is_closed()
    }
}

/// The server and database a configuration names, for messages: user,
/// hosts, ports and database, never the password.
pub(super) fn describe(config: &Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(name) => name.clone(),
            #[cfg(unix)]
            Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let ports: Vec<String> = config.get_ports().iter().map(u16::to_string).collect();
    let mut out = String::from("PostgreSQL ");
    if let Some(user) = config.get_user() {
        out.push_str(user);
        out.push('@');
    }
    out.push_str(if hosts.is_empty() { "localhost" } else { "" });
    out.push_str(&hosts.join(","));
    if !ports.is_empty() {
        out.push(':');
        out.push_str(&ports.join(","));
    }
    out.push('/');
    out.push_str(config.get_dbname().or(config.get_user()).unwrap_or(""));
    out
}
