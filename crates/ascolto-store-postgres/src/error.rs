//! Turning PostgreSQL's errors into [`StoreError`]s, where the query is made.

use ascolto_store::StoreError;

/// Maps a database error: a unique violation is a `Conflict`, a foreign-key violation is
/// `Invalid` (the change names a row that does not exist), anything else is `Backend`.
///
/// Callers that know which constraint can fail map it themselves first, to say which value
/// clashed; this is the fallback.
pub(crate) fn db(error: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(database) = &error {
        if database.is_unique_violation() {
            return StoreError::Conflict("the value is already in use".into());
        }
        if database.is_foreign_key_violation() {
            return StoreError::Invalid("the change refers to a row that does not exist".into());
        }
    }
    StoreError::backend(error)
}

/// Like [`db`], with a unique violation described by `conflict`.
pub(crate) fn db_or_conflict(error: sqlx::Error, conflict: impl FnOnce() -> String) -> StoreError {
    match &error {
        sqlx::Error::Database(database) if database.is_unique_violation() => StoreError::Conflict(conflict()),
        _ => db(error),
    }
}

/// Data read back from the database did not make sense (an unknown status word, a time out
/// of range): the file was changed by something other than this store.
#[derive(Debug)]
pub(crate) struct Corrupt(pub String);

impl std::fmt::Display for Corrupt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unexpected data in the database: {}", self.0)
    }
}

impl std::error::Error for Corrupt {}

pub(crate) fn corrupt(what: impl Into<String>) -> StoreError {
    StoreError::backend(Corrupt(what.into()))
}
