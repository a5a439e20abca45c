//! The PostgreSQL store at scale, each figure beside its floor: recognition
//! beside a hand-written prepared query over one connection, keyword search
//! beside a hand-written `tsvector` query, the import rate, and a merge.
//!
//! The server is `CASEBOOK_TEST_POSTGRES` (a key=value connection string of
//! a role that may create databases); `scripts/with-postgres` starts a
//! throwaway one. Each size runs in a fresh database, dropped afterwards.

use super::{
    add_cases_n, engine, import_all, lookup_phone, merge_bench, recognize_known,
    report_against_floor, Loaded, Plan, PROBLEMS, PRODUCTS,
};
use casebook::PostgresStore;
use casebook_benches::measure::{race, Contender, Results};
use casebook_benches::Rng;
use postgres::{Client, NoTls};

/// A fresh database on the bench server, dropped on drop.
struct BenchDatabase {
    server: String,
    name: String,
}

impl BenchDatabase {
    fn new(label: &str) -> BenchDatabase {
        let server = std::env::var("CASEBOOK_TEST_POSTGRES").expect(
            "CASEBOOK_TEST_POSTGRES names the bench server (run through scripts/with-postgres)",
        );
        let name = format!("casebook_bench_{label}");
        let mut admin = Client::connect(&server, NoTls).expect("bench server");
        // One statement each: several in one string run as a transaction.
        for sql in [
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            format!("CREATE DATABASE {name}"),
        ] {
            admin.batch_execute(&sql).expect("bench database");
        }
        BenchDatabase { server, name }
    }

    fn conninfo(&self) -> String {
        format!("{} dbname={}", self.server, self.name)
    }
}

impl Drop for BenchDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = Client::connect(&self.server, NoTls) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// The same query text the store sends: every word exact, the last a prefix.
fn text_query(words: &str) -> String {
    let tokens: Vec<String> = words
        .split_whitespace()
        .map(|w| w.to_ascii_lowercase())
        .collect();
    let Some((last, exact)) = tokens.split_last() else {
        return String::new();
    };
    let mut terms: Vec<String> = exact.iter().map(|t| format!("'{t}'")).collect();
    terms.push(format!("'{last}':*"));
    terms.join(" & ")
}

/// Import, recognition and keyword search at one size.
pub(super) fn benches(
    plan: &Plan,
    people: usize,
    loaded: &Loaded,
    results: &mut Results,
    wants: &dyn Fn(&str) -> bool,
) {
    let db = BenchDatabase::new(&people.to_string());
    let cb = engine(PostgresStore::open(&db.conninfo()).expect("postgres store"));
    let n = loaded.customer_ids.len();
    import_all(&cb, &loaded.data, results, "postgres store");
    if !(wants("recognize") || wants("search") || wants("postgres")) {
        return;
    }
    add_cases_n(&cb, loaded, n, results, "postgres store");
    let mut floor = Client::connect(&db.conninfo(), NoTls).expect("floor connection");
    floor.batch_execute("ANALYZE").expect("analyze");
    if wants("recognize") || wants("postgres") {
        let query = floor
            .prepare(
                "SELECT p.body FROM profile_keys k JOIN profiles p ON p.id = k.profile_id \
                 WHERE k.key = $1",
            )
            .expect("floor query");
        let keys: Vec<(String, String)> = loaded
            .unique_mobiles
            .iter()
            .map(|m| (m.clone(), format!("phone:{m}")))
            .collect();
        let stats = race(
            &keys,
            plan.rounds,
            &mut [
                Contender::new("hand-written query", |(_, key): &(String, String)| {
                    floor
                        .query(&query, &[key])
                        .expect("query")
                        .iter()
                        .map(|row| row.get::<_, String>(0).len())
                        .sum()
                }),
                Contender::new("postgres lookup", |(number, _): &(String, String)| {
                    lookup_phone(&cb, number)
                }),
                Contender::new("postgres recognize", |(number, _): &(String, String)| {
                    recognize_known(&cb, number)
                }),
            ],
        );
        report_against_floor(
            results,
            n,
            [
                "hand-written query",
                "postgres lookup",
                "postgres recognize",
            ],
            &stats,
        );
    }
    if wants("search") || wants("postgres") {
        let search = floor
            .prepare(
                "SELECT id FROM cases WHERE search @@ $1::text::tsquery ORDER BY seq DESC LIMIT 20",
            )
            .expect("floor search");
        let mut rng = Rng::new(13);
        let queries: Vec<(String, String)> = (0..plan.queries.min(500))
            .map(|i| {
                let words = match i % 3 {
                    0 => rng.pick(PRODUCTS).to_string(),
                    1 => format!("{} {}", rng.pick(PRODUCTS), rng.pick(PROBLEMS)),
                    _ => format!("SN{}", rng.digits(3)),
                };
                let query = text_query(&words);
                (words, query)
            })
            .collect();
        let stats = race(
            &queries,
            plan.rounds,
            &mut [
                Contender::new(
                    "hand-written tsvector query",
                    |(_, q): &(String, String)| floor.query(&search, &[q]).expect("search").len(),
                ),
                Contender::new("postgres search", |(words, _): &(String, String)| {
                    cb.search_cases(words, 20).expect("search").len()
                }),
            ],
        );
        for (name, s) in ["hand-written tsvector query", "postgres search"]
            .iter()
            .zip(&stats)
        {
            results.add_stats("search_cases", n, &format!("{name} top 20"), *s);
        }
        results.add(
            "search_cases",
            n,
            "postgres search / hand-written (median)",
            stats[1].median / stats[0].median,
            "x",
        );
    }
}

/// A merge of a profile with `cases` cases and `contacts` contacts.
pub(super) fn merge(size: (usize, usize), results: &mut Results) {
    let db = BenchDatabase::new(&format!("merge_{}", size.0));
    let store = PostgresStore::open(&db.conninfo()).expect("postgres store");
    merge_bench(size, &engine(store), results, "postgres store");
}
