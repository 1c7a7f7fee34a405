//! Statements the desk runs again and again are prepared once and kept: SQLite parses and
//! plans a statement on every `prepare`, which for a receipt's dozens of statements costs
//! more than the work itself.

use rusqlite::{Connection, Params, Row};

pub trait Cached {
    /// `query_row` through the statement cache.
    fn qrow<T, P: Params, F: FnOnce(&Row<'_>) -> rusqlite::Result<T>>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T>;
    /// `execute` through the statement cache.
    fn exec<P: Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize>;
}

impl Cached for Connection {
    fn qrow<T, P: Params, F: FnOnce(&Row<'_>) -> rusqlite::Result<T>>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T> {
        self.prepare_cached(sql)?.query_row(params, f)
    }
    fn exec<P: Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize> {
        self.prepare_cached(sql)?.execute(params)
    }
}
