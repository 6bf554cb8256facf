//! The coach: explainable soft-skill analysis of customer-service replies and customer messages,
//! in Italian and English.
//!
//! **The key design decision:** every judgement comes from a hand-written rule over a hand-written,
//! bilingual lexicon (phrases with cheap prefix stems and negation handling), never from a trained
//! model. That makes each finding explainable down to the exact words at fault, keeps the coach fast
//! enough to run on every keystroke (0.1–0.2 ms per reply on one core), and makes it deterministic.
//! The price is recall: rules miss paraphrases a model would catch. `docs/COACH.md` gives the
//! measured figures.
//!
//! Entry points: [`analyze_reply`] for an agent's draft in its context, [`analyze_customer`] for a
//! customer's message, [`courtesy`] for the politeness strategies of any text, and [`Spelling`] for
//! Hunspell dictionaries, built from their text by the caller (reading files is not this crate's job)
//! and passed to `analyze_reply` by reference.
//!
//! # Invariants
//! - **Every span lies on char boundaries inside its text** (`start <= end <= text.len()`): the reply
//!   for `Target::Reply`, `context.customer_messages[message_index]` for `Target::Customer`.
//! - **Deterministic:** the same input gives the same output, findings in a fixed order (target,
//!   message index, start, skill). No hash-map order reaches the output.
//! - **Pure:** no I/O, no clock, no randomness, no global mutable state (the compiled lexicon is
//!   built once and immutable afterwards).
//! - **Never panics**, whatever the input (empty, megabytes, arbitrary Unicode).
//! - Messages and suggestions are written in `ReplyContext::ui_language`, independent of the reply's
//!   language.

mod customer;
mod frames;
mod fxhash;
mod lang;
mod lexicon;
mod matcher;
mod messages;
mod readability;
mod reply;
mod report;
mod spelling;
mod text;
mod tone;

pub use customer::analyze_customer;
pub use reply::analyze_reply;
pub use report::{
    CustomerReport, Emotion, Emotions, Finding, Language, Readability, ReplyContext, ReplyReport, Severity,
    Skill, SkillScore, Span, SpellingSummary, Target, UrgencyKind, UrgencyReason,
};
pub use spelling::{Spelling, SpellingError};
pub use tone::{Courtesy, CourtesyKind, CourtesyMarker, courtesy};

/// Compiles the lexicon now instead of on first use (about 120 ms and 10 MiB, once per process), so the
/// first message a server coaches is as fast as the others. Calling it again does nothing.
pub fn prepare() {
    let _ = matcher::matcher();
}

/// Detects whether a text is Italian or English (ties and texts without clues give `fallback`).
pub fn detect_language(text: &str, fallback: Language) -> Language {
    lang::detect(&text::Analysed::new(text), fallback)
}
