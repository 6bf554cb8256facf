//! E-mail: parsing what arrives (any charset, text and HTML, attachments, broken MIME), telling
//! auto-replies and bounces from people, the reply token that threads answers, quoted-reply
//! trimming for display, and building the replies we send.
//!
//! The key decision: parsing never fails. A message that is not valid MIME is still a message
//! a customer sent, so it is kept as text (decoded leniently) rather than dropped; the worst
//! that can happen is a less pretty display. Everything here is pure: no network, no store.

mod classify;
mod outgoing;
mod parse;
mod quote;
mod token;

pub use classify::MailKind;
pub use outgoing::{OutgoingMail, build_reply};
pub use parse::{AttachmentLimits, MailAttachment, ParsedMail, parse};
pub use quote::{split_quoted, trim_quoted};
pub use token::{ReplyToken, message_id_for, normalise_message_id, normalise_subject, plus_address};
