//! Cursor pagination: every list is read in pages of at most [`MAX_PAGE`] rows, continued from
//! an opaque cursor that names the last row's sort keys.
//!
//! Keyset pagination, not offsets: a page costs the same at row 10 and at row 10 million,
//! and a row inserted while someone pages does not shift what they see next.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

/// The most rows one page may hold.
pub const MAX_PAGE: u32 = 200;
/// Rows per page when the caller does not say.
pub const DEFAULT_PAGE: u32 = 50;

/// The sort keys of the last row of a page, in the list's sort order, then its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// Sort key values (timestamps in milliseconds, ranks), as many as the list's sort uses.
    pub keys: Vec<i64>,
    pub id: i64,
}

/// A cursor from a client could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the cursor is not one this server gave out")]
pub struct BadCursor;

impl Cursor {
    pub fn new(keys: Vec<i64>, id: i64) -> Self {
        Self { keys, id }
    }

    /// The opaque text form handed to clients.
    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    /// Reads a cursor a client sent back. Anything malformed is [`BadCursor`].
    pub fn decode(text: &str) -> Result<Self, BadCursor> {
        if text.len() > 512 {
            return Err(BadCursor);
        }
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| BadCursor)?;
        let cursor: Cursor = serde_json::from_slice(&bytes).map_err(|_| BadCursor)?;
        if cursor.keys.len() > 4 {
            return Err(BadCursor);
        }
        Ok(cursor)
    }
}

/// Which page to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    /// Continue after this row; `None` reads the first page.
    pub after: Option<Cursor>,
    /// At most this many rows, 1 to [`MAX_PAGE`].
    pub limit: u32,
}

impl PageRequest {
    pub fn first(limit: u32) -> Self {
        Self { after: None, limit: limit.clamp(1, MAX_PAGE) }
    }

    pub fn after(cursor: Cursor, limit: u32) -> Self {
        Self { after: Some(cursor), limit: limit.clamp(1, MAX_PAGE) }
    }

    /// The `after` cursor's keys when it has exactly `n` of them; a cursor made for another
    /// sort order is treated as absent, which restarts the list instead of mixing orders.
    pub fn keys(&self, n: usize) -> Option<(&[i64], i64)> {
        self.after.as_ref().filter(|c| c.keys.len() == n).map(|c| (c.keys.as_slice(), c.id))
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self::first(DEFAULT_PAGE)
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Present when more rows may follow.
    pub next: Option<Cursor>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows read from the database: the extra row, if
    /// present, only proves there is a next page and is dropped.
    pub fn from_rows(mut rows: Vec<T>, limit: u32, cursor_of: impl Fn(&T) -> Cursor) -> Self {
        let limit = limit as usize;
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next = if more { rows.last().map(cursor_of) } else { None };
        Self { items: rows, next }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), next: self.next }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips() {
        let cursor = Cursor::new(vec![1_700_000_000_000, 2], 42);
        assert_eq!(Cursor::decode(&cursor.encode()), Ok(cursor));
    }

    #[test]
    fn garbage_cursors_are_refused() {
        for text in ["", "!!!", "bm90IGpzb24", &"A".repeat(600)] {
            assert_eq!(Cursor::decode(text), Err(BadCursor), "{text}");
        }
    }

    #[test]
    fn extra_row_makes_a_next_cursor() {
        let page = Page::from_rows(vec![1, 2, 3], 2, |n| Cursor::new(vec![], *n));
        assert_eq!(page.items, vec![1, 2]);
        assert_eq!(page.next, Some(Cursor::new(vec![], 2)));
        let last = Page::from_rows(vec![1, 2], 2, |n| Cursor::new(vec![], *n));
        assert_eq!(last.next, None);
    }
}
