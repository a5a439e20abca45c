//! One blocking connection that saves round trips: a transaction's `BEGIN`
//! travels with its first statement, and a finished read's `ROLLBACK` is
//! sent without waiting for the answer (the next request on the connection
//! queues behind it). A one-statement read is thus one round trip, as a
//! hand-written query is. Several queries can go at once, and a bulk
//! write's inserts go without waiting for their answers (a failure is
//! reported by the next request or the commit).
//!
//! The client is `tokio-postgres` on a runtime of this connection's own
//! (current-thread, no thread of its own), and the connection is driven
//! only while a call blocks: every call blocks until its answer is in, as
//! the synchronous `postgres` crate does, which cannot pipeline.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::Arc;
use std::task::Poll;
use tokio::runtime::{Builder, Runtime};
use tokio_postgres::tls::NoTlsStream;
use tokio_postgres::types::ToSql;
use tokio_postgres::{
    Client, Config, Connection, Error, NoTls, Row, Socket, Statement, ToStatement,
};

/// A write sent without waiting for its answer.
type Deferred = Pin<Box<dyn Future<Output = Result<u64, Error>> + Send>>;

/// An owned statement parameter, for a deferred write.
pub(super) type OwnedParam = Box<dyn ToSql + Sync + Send>;

/// The connection's protocol driver (until it ends), and the writes sent
/// without waiting for their answers.
struct Driver {
    connection: Option<Pin<Box<Connection<Socket, NoTlsStream>>>>,
    /// In the order sent, which is the order answered.
    deferred: VecDeque<Deferred>,
    /// The first deferred write that failed: every later request of the
    /// transaction reports it (the server has aborted the transaction).
    failure: Option<Error>,
}

impl Driver {
    /// Lets the deferred writes take their answers, then the connection
    /// write what is queued and read what has come in; whether no deferred
    /// write is left. Once the connection ends (the server went away, or a
    /// protocol error) it is not polled again; requests then fail with a
    /// closed-connection error.
    fn poll(&mut self, cx: &mut std::task::Context<'_>) -> bool {
        loop {
            let before = self.deferred.len();
            // Answers come in the order sent: only the oldest can be complete
            // (polling each of thousands every time would be quadratic).
            while let Some(oldest) = self.deferred.front_mut() {
                match oldest.as_mut().poll(cx) {
                    Poll::Ready(outcome) => {
                        if let Err(e) = outcome {
                            self.failure.get_or_insert(e);
                        }
                        self.deferred.pop_front();
                    }
                    Poll::Pending => break,
                }
            }
            if let Some(connection) = &mut self.connection {
                if connection.as_mut().poll(cx).is_ready() {
                    self.connection = None;
                }
            }
            // Again while answers keep coming in (the connection reads on
            // only once the oldest write has taken what it was handed).
            if self.deferred.is_empty() || self.deferred.len() == before {
                return self.deferred.is_empty();
            }
        }
    }

    /// Sends a write: its first poll queues it, and it is polled again
    /// only once the writes sent before it are answered.
    fn send(&mut self, mut write: Deferred, cx: &mut std::task::Context<'_>) {
        match write.as_mut().poll(cx) {
            Poll::Ready(Err(e)) => {
                self.failure.get_or_insert(e);
            }
            Poll::Ready(Ok(_)) => {}
            Poll::Pending => self.deferred.push_back(write),
        }
    }
}

/// A statement parameter.
pub(super) type Param<'a> = &'a (dyn ToSql + Sync);

/// Why a connection could not be opened.
#[derive(Debug)]
pub(super) enum ConnectError {
    /// The server refused or could not be reached.
    Postgres(Error),
    /// No runtime could be made for the connection (out of file handles).
    Runtime(std::io::Error),
}

/// A connection, and where its current transaction stands.
pub(super) struct Wire {
    // In this order: the client closes, then its driver, then the runtime.
    client: Arc<Client>,
    driver: Driver,
    runtime: Runtime,
    /// A `BEGIN` not sent yet: it goes out with the next request.
    pending_begin: Option<&'static str>,
    /// A transaction is open (or about to be, with `pending_begin`).
    in_transaction: bool,
    /// In a transaction nothing of which has been answered yet.
    untouched: bool,
    /// A request of the untouched transaction failed without a SQLSTATE:
    /// the connection was found broken before anything ran.
    broken_at_start: bool,
}

impl Wire {
    /// Connects (the caller refuses to run inside an async task first).
    pub(super) fn connect(config: &Config) -> Result<Wire, ConnectError> {
        let runtime = Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(ConnectError::Runtime)?;
        let (client, connection) = runtime
            .block_on(config.connect(NoTls))
            .map_err(ConnectError::Postgres)?;
        Ok(Wire {
            client: Arc::new(client),
            driver: Driver {
                connection: Some(Box::pin(connection)),
                deferred: VecDeque::new(),
                failure: None,
            },
            runtime,
            pending_begin: None,
            in_transaction: false,
            untouched: false,
            broken_at_start: false,
        })
    }

    /// Whether the connection is known to be gone.
    pub(super) fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    /// Starts a transaction with `begin` (a `BEGIN ...` statement), sent
    /// with the first request of the transaction.
    pub(super) fn begin(&mut self, begin: &'static str) {
        self.pending_begin = Some(begin);
        self.driver.deferred.clear();
        self.driver.failure = None;
        self.in_transaction = true;
        self.untouched = true;
        self.broken_at_start = false;
    }

    /// Whether the transaction failed on a broken connection before any of
    /// it ran (so it can run again elsewhere, whatever it was).
    pub(super) fn broken_at_start(&self) -> bool {
        self.broken_at_start
    }

    /// Commits once every write sent before is answered; a failed
    /// unawaited write is the answer then (the server rolled back).
    pub(super) fn commit(&mut self) -> Result<(), Error> {
        // Whatever the answer, the server has ended the transaction.
        self.in_transaction = false;
        if self.pending_begin.take().is_some() {
            // Nothing was sent: there is nothing to commit.
            return Ok(());
        }
        let Wire {
            client,
            driver,
            runtime,
            ..
        } = self;
        let outcome = drive(runtime, driver, client.batch_execute("COMMIT"));
        self.settle(outcome)
    }

    /// Ends the open transaction, if any, undone, without waiting for the
    /// server's answer: `ROLLBACK` is written to the socket now, and its
    /// answer is read (and dropped) before the next request's.
    pub(super) fn rollback(&mut self) {
        self.untouched = false;
        if !std::mem::replace(&mut self.in_transaction, false)
            || self.pending_begin.take().is_some()
        {
            return;
        }
        let Wire {
            client,
            driver,
            runtime,
            ..
        } = self;
        // Whatever the deferred writes answer no longer matters.
        driver.deferred.clear();
        driver.failure = None;
        let mut rollback = pin!(client.batch_execute("ROLLBACK"));
        runtime.block_on(std::future::poll_fn(|cx| {
            // One poll puts the request in the queue, one poll of the driver
            // writes it out; its answer is not waited for.
            let _ = rollback.as_mut().poll(cx);
            driver.poll(cx);
            Poll::Ready(())
        }));
    }

    pub(super) fn prepare(&mut self, sql: &str) -> Result<Statement, Error> {
        let Wire {
            client,
            driver,
            runtime,
            ..
        } = self;
        let outcome = drive(runtime, driver, client.prepare(sql));
        self.settle(outcome)
    }

    pub(super) fn query<T>(&mut self, query: &T, params: &[Param<'_>]) -> Result<Vec<Row>, Error>
    where
        T: ?Sized + ToStatement,
    {
        let Wire {
            client,
            driver,
            runtime,
            pending_begin,
            ..
        } = self;
        let begin = pending_begin.take().map(|b| client.batch_execute(b));
        let outcome = drive_after(runtime, driver, begin, client.query(query, params));
        self.settle(outcome)
    }

    /// Sends several queries at once and waits for all their answers.
    pub(super) fn query_all(
        &mut self,
        queries: &[(&Statement, &[Param<'_>])],
    ) -> Result<Vec<Vec<Row>>, Error> {
        let Wire {
            client,
            driver,
            runtime,
            pending_begin,
            ..
        } = self;
        let begin = pending_begin
            .take()
            .map(|b| Box::pin(client.batch_execute(b)));
        let requests = queries
            .iter()
            .map(|(stmt, params)| Box::pin(client.query(*stmt, params)))
            .collect();
        let outcome = drive(runtime, driver, all_answers(begin, requests));
        self.settle(outcome)
    }

    pub(super) fn execute<T>(&mut self, query: &T, params: &[Param<'_>]) -> Result<u64, Error>
    where
        T: ?Sized + ToStatement,
    {
        let Wire {
            client,
            driver,
            runtime,
            pending_begin,
            ..
        } = self;
        let begin = pending_begin.take().map(|b| client.batch_execute(b));
        let outcome = drive_after(runtime, driver, begin, client.execute(query, params));
        self.settle(outcome)
    }

    /// Sends a write without waiting for its answer: a failure is reported
    /// by the transaction's next request or its commit (the server aborts
    /// the transaction, so nothing after it takes effect either).
    pub(super) fn execute_deferred(&mut self, stmt: &Statement, params: Vec<OwnedParam>) {
        let mut writes: Vec<Deferred> = Vec::with_capacity(2);
        if let Some(begin) = self.pending_begin.take() {
            let client = Arc::clone(&self.client);
            writes.push(Box::pin(async move {
                client.batch_execute(begin).await.map(|()| 0)
            }));
        }
        let client = Arc::clone(&self.client);
        let stmt = stmt.clone();
        writes.push(Box::pin(async move {
            let params = params.iter().map(|p| p.as_ref() as &(dyn ToSql + Sync));
            client.execute_raw(&stmt, params).await
        }));
        self.untouched = false;
        let Wire {
            driver, runtime, ..
        } = self;
        runtime.block_on(std::future::poll_fn(|cx| {
            for write in writes.drain(..) {
                driver.send(write, cx);
            }
            // Writes it out, and takes in the answers come meanwhile.
            driver.poll(cx);
            Poll::Ready(())
        }));
    }

    /// Runs statements without parameters (the simple query protocol).
    pub(super) fn batch_execute(&mut self, sql: &str) -> Result<(), Error> {
        let Wire {
            client,
            driver,
            runtime,
            pending_begin,
            ..
        } = self;
        let begin = pending_begin.take().map(|b| client.batch_execute(b));
        let outcome = drive_after(runtime, driver, begin, client.batch_execute(sql));
        self.settle(outcome)
    }

    /// Notes what an answer says about the transaction.
    fn settle<T>(&mut self, outcome: Result<T, Error>) -> Result<T, Error> {
        // A deferred write that failed comes first: it is why the
        // transaction is aborted, whatever this request answered.
        let outcome = match self.driver.failure.take() {
            Some(e) => Err(e),
            None => outcome,
        };
        match &outcome {
            Err(e) if self.untouched && e.code().is_none() => self.broken_at_start = true,
            _ => {}
        }
        self.untouched = false;
        outcome
    }
}

/// Blocks until `request` is answered (and every deferred write sent before
/// it), driving the connection meanwhile.
fn drive<F: Future>(runtime: &Runtime, driver: &mut Driver, request: F) -> F::Output {
    let mut request = pin!(request);
    let mut answer = None;
    runtime.block_on(std::future::poll_fn(|cx| {
        // The request first, so that the driver's poll writes it out.
        if answer.is_none() {
            if let Poll::Ready(a) = request.as_mut().poll(cx) {
                answer = Some(a);
            }
        }
        let settled = driver.poll(cx);
        match (settled, answer.take()) {
            (true, Some(a)) => Poll::Ready(a),
            (_, a) => {
                answer = a;
                Poll::Pending
            }
        }
    }))
}

/// Waits for `begin` (if any) and every request, polled in order so they
/// are queued in order; every answer, or the first error.
async fn all_answers<B, F, T>(
    mut begin: Option<Pin<Box<B>>>,
    mut requests: Vec<Pin<Box<F>>>,
) -> Result<Vec<T>, Error>
where
    B: Future<Output = Result<(), Error>>,
    F: Future<Output = Result<T, Error>>,
{
    let mut begun: Option<Result<(), Error>> = None;
    let mut answers: Vec<Option<Result<T, Error>>> = requests.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        if let Some(b) = begin.as_mut() {
            if begun.is_none() {
                if let Poll::Ready(r) = b.as_mut().poll(cx) {
                    begun = Some(r);
                }
            }
        }
        let mut pending = begin.is_some() && begun.is_none();
        for (request, answer) in requests.iter_mut().zip(answers.iter_mut()) {
            if answer.is_none() {
                match request.as_mut().poll(cx) {
                    Poll::Ready(r) => *answer = Some(r),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
    if let Some(Err(e)) = begun {
        return Err(e);
    }
    // Every answer is in once the loop above ends.
    answers.into_iter().flatten().collect()
}

/// [`drive`], with a pending `BEGIN` sent just before `request`.
fn drive_after<T>(
    runtime: &Runtime,
    driver: &mut Driver,
    begin: Option<impl Future<Output = Result<(), Error>>>,
    request: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    match begin {
        None => drive(runtime, driver, request),
        Some(begin) => drive(runtime, driver, after_begin(begin, request)),
    }
}

/// Sends `begin` and `request` together and waits for both answers; the
/// request's, or the first error.
async fn after_begin<T>(
    begin: impl Future<Output = Result<(), Error>>,
    request: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    let mut begin = pin!(begin);
    let mut request = pin!(request);
    let mut begun: Option<Result<(), Error>> = None;
    let mut answered: Option<Result<T, Error>> = None;
    // Polled in this order, the two requests are queued in this order.
    std::future::poll_fn(|cx| {
        if begun.is_none() {
            if let Poll::Ready(r) = begin.as_mut().poll(cx) {
                begun = Some(r);
            }
        }
        if answered.is_none() {
            if let Poll::Ready(r) = request.as_mut().poll(cx) {
                answered = Some(r);
            }
        }
        match (begun.take(), answered.take()) {
            (Some(b), Some(a)) => Poll::Ready(b.and(a)),
            (b, a) => {
                begun = b;
                answered = a;
                Poll::Pending
            }
        }
    })
    .await
}
