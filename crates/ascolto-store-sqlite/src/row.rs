//! Reading typed values out of rows and preparing values to bind.

use std::borrow::Cow;
use std::str::FromStr;

use ascolto_core::{AttachmentMeta, ParseError};
use ascolto_store::{Cursor, PageRequest, StoreResult};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::sqlite::SqliteRow;
use sqlx::{Decode, Row, Sqlite, Type};

use crate::error::{corrupt, db};

/// How many stems of one message go into the search index: enough for any real message,
/// and a 1 MB paste cannot bloat the index.
pub(crate) const MAX_INDEX_TOKENS: usize = 10_000;

/// One column of a row, its decoding error mapped.
pub(crate) fn get<'r, T>(row: &'r SqliteRow, column: &str) -> StoreResult<T>
where
    T: Decode<'r, Sqlite> + Type<Sqlite>,
{
    row.try_get(column).map_err(db)
}

pub(crate) fn ms(time: DateTime<Utc>) -> i64 {
    time.timestamp_millis()
}

pub(crate) fn opt_ms(time: Option<DateTime<Utc>>) -> Option<i64> {
    time.map(ms)
}

pub(crate) fn time(row: &SqliteRow, column: &str) -> StoreResult<DateTime<Utc>> {
    let millis: i64 = get(row, column)?;
    DateTime::from_timestamp_millis(millis)
        .ok_or_else(|| corrupt(format!("{column} = {millis} is not a time")))
}

pub(crate) fn opt_time(row: &SqliteRow, column: &str) -> StoreResult<Option<DateTime<Utc>>> {
    let millis: Option<i64> = get(row, column)?;
    millis
        .map(|m| {
            DateTime::from_timestamp_millis(m).ok_or_else(|| corrupt(format!("{column} = {m} is not a time")))
        })
        .transpose()
}

/// A column holding one of `ascolto_core`'s words (a status, a channel, a role).
pub(crate) fn word<T: FromStr<Err = ParseError>>(row: &SqliteRow, column: &str) -> StoreResult<T> {
    let text: String = get(row, column)?;
    text.parse().map_err(|error: ParseError| corrupt(error.to_string()))
}

/// A column holding a JSON list.
pub(crate) fn json_list<T: DeserializeOwned>(row: &SqliteRow, column: &str) -> StoreResult<Vec<T>> {
    let text: String = get(row, column)?;
    serde_json::from_str(&text).map_err(|error| corrupt(format!("{column}: {error}")))
}

/// A value as JSON text, for a list column.
pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(ascolto_store::StoreError::backend)
}

/// Text without NUL bytes. PostgreSQL refuses NUL in text, and both backends must store the
/// same thing, so a message carrying one (a broken mail client, a fuzzer) is stored without it
/// rather than refused.
pub(crate) fn clean(text: &str) -> Cow<'_, str> {
    if text.contains('\0') { Cow::Owned(text.replace('\0', "")) } else { Cow::Borrowed(text) }
}

pub(crate) fn clean_opt(text: Option<&str>) -> Option<Cow<'_, str>> {
    text.map(clean)
}

/// Attachment metadata without NUL bytes, field by field (the JSON form would only escape
/// them, and PostgreSQL's JSONB refuses the escape too).
pub(crate) fn clean_attachments(attachments: &[AttachmentMeta]) -> Vec<AttachmentMeta> {
    let owned = |text: &str| clean(text).into_owned();
    attachments
        .iter()
        .map(|a| AttachmentMeta {
            filename: owned(&a.filename),
            content_type: owned(&a.content_type),
            size_bytes: a.size_bytes,
            content_id: a.content_id.as_deref().map(owned),
            skipped: a.skipped.as_deref().map(owned),
        })
        .collect()
}

/// The limit to fetch for a page: one more row than asked, to learn whether more follow.
pub(crate) fn fetch_limit(page: &PageRequest) -> i64 {
    i64::from(page.limit) + 1
}

/// A cursor over one time key (milliseconds) and the id.
pub(crate) fn cursor1(key: DateTime<Utc>, id: i64) -> Cursor {
    Cursor::new(vec![ms(key)], id)
}

/// The ids as a JSON array, for `IN (SELECT value FROM json_each(?))`: one statement text
/// whatever the number of ids, so the prepared statement is cached once.
pub(crate) fn id_array(ids: impl IntoIterator<Item = i64>) -> String {
    let ids: Vec<i64> = ids.into_iter().collect();
    serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into())
}
