//! E-mail: storing fetched mail in the right conversation exactly once, fetching it over IMAP,
//! and sending replies over SMTP.
//!
//! The key decision: a mail's idempotency key is its Message-ID plus a hash of its content
//! (see `ParsedMail::dedupe_key`), and the IMAP position (`UIDVALIDITY`, last UID) is advanced
//! only after the mail is stored. So a crash, a re-sync, a renumbered folder or the same mail
//! in two folders can only make the fetcher meet a mail again, and meeting it again stores
//! nothing; while two different mails that reuse a Message-ID are both kept.

mod fetch;
mod ingest;
pub mod local;
mod send;

pub use fetch::{FetchError, fetch_mailbox, run_mail};
pub use ingest::MailOutcome;
pub use send::EmailDeliverer;
