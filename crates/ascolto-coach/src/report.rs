//! The coach's inputs and outputs: the types that cross the crate boundary and their JSON shape.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A language the coach reads and writes explanations in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Italian.
    It,
    /// English.
    #[default]
    En,
}

impl Language {
    /// The ISO 639-1 code, as used in the JSON output.
    pub fn code(self) -> &'static str {
        match self {
            Language::It => "it",
            Language::En => "en",
        }
    }

    /// Parses `it` or `en` (case-insensitive); anything else is `None`.
    pub fn parse(code: &str) -> Option<Language> {
        match code.trim().to_ascii_lowercase().as_str() {
            "it" | "ita" | "italian" | "italiano" => Some(Language::It),
            "en" | "eng" | "english" | "inglese" => Some(Language::En),
            _ => None,
        }
    }
}

/// The soft skills the coach scores. The serde ids are stable: stores and APIs rely on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Skill {
    /// Every question answered, long or emotional messages restated, nothing suggested twice.
    Listening,
    /// Feelings acknowledged when the customer is upset or something is at stake.
    Empathy,
    /// Readable sentences, no bureaucratic phrasing, correct spelling.
    Clarity,
    /// No deflection or blame; first-person commitments.
    Ownership,
    /// Refusals, limits and changes come with their reason.
    Why,
    /// A concrete action, who does it and when.
    NextSteps,
    /// What we can do, not only what we can't.
    Positivity,
    /// No shouting, sarcasm or "as I already said".
    Calm,
    /// Name used when known, no unfilled placeholders, no unchanged macro in an emotional conversation.
    Personal,
    /// A change comes with its benefit to the customer.
    Persuasion,
}

impl Skill {
    /// Every skill, in report order.
    pub const ALL: [Skill; 10] = [
        Skill::Listening,
        Skill::Empathy,
        Skill::Clarity,
        Skill::Ownership,
        Skill::Why,
        Skill::NextSteps,
        Skill::Positivity,
        Skill::Calm,
        Skill::Personal,
        Skill::Persuasion,
    ];

    /// The stable id, identical to the serde name.
    pub fn id(self) -> &'static str {
        match self {
            Skill::Listening => "listening",
            Skill::Empathy => "empathy",
            Skill::Clarity => "clarity",
            Skill::Ownership => "ownership",
            Skill::Why => "why",
            Skill::NextSteps => "next_steps",
            Skill::Positivity => "positivity",
            Skill::Calm => "calm",
            Skill::Personal => "personal",
            Skill::Persuasion => "persuasion",
        }
    }
}

/// How much a finding matters. `Info` is also used for strengths ("feelings acknowledged here").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A note or a strength; costs little or nothing.
    Info,
    /// Worth fixing before sending.
    Warn,
    /// Hurts the conversation; fix it.
    Problem,
}

/// Which text a finding's span points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// The reply being analysed.
    Reply,
    /// One of the customer's messages; `Finding::message_index` says which.
    Customer,
}

/// One explained observation about a reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The skill this finding is about.
    pub skill: Skill,
    /// How much it matters.
    pub severity: Severity,
    /// Which text `start..end` points into.
    pub target: Target,
    /// Index into `ReplyContext::customer_messages` when `target` is `Customer`, else `None`.
    pub message_index: Option<usize>,
    /// Byte offset of the first byte at fault; always on a char boundary.
    pub start: usize,
    /// Byte offset one past the last byte at fault; always on a char boundary, `>= start`.
    pub end: usize,
    /// What was noticed, in the UI language.
    pub message: String,
    /// What to do about it, in the UI language.
    pub suggestion: String,
    /// A stable machine code for the rule that fired (for evaluation and statistics).
    /// Not part of the JSON contract.
    #[serde(skip)]
    pub code: &'static str,
}

impl Finding {
    /// True when the finding praises something the reply does well.
    pub fn is_strength(&self) -> bool {
        self.code.starts_with("good_")
    }
}

/// A skill's score in a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillScore {
    /// 0 (poor) to 100 (nothing to improve).
    pub score: u8,
}

/// The readability of a text, with the formula suited to its language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Readability {
    /// `gulpease` for Italian, `flesch` for English.
    pub formula: String,
    /// The index (Gulpease 0–100, Flesch reading ease usually 0–100); `None` for text without words.
    pub index: Option<f32>,
    /// Words counted.
    pub words: usize,
    /// Sentences counted.
    pub sentences: usize,
    /// Words per sentence (0 without sentences).
    pub avg_sentence_words: f32,
}

/// Whether spelling was checked, and how much.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpellingSummary {
    /// False when no dictionary for the reply's language was available: spelling is off.
    pub enabled: bool,
    /// Words looked up in the dictionary (names, numbers, codes and addresses are skipped).
    pub checked: usize,
    /// Words not found in either dictionary nor in the workspace's own words.
    pub misspelled: usize,
}

/// What `analyze_reply` returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplyReport {
    /// The reply's language (majority language when mixed).
    pub language: Language,
    /// One score per skill, every skill present, in `Skill` order.
    pub skills: BTreeMap<Skill, SkillScore>,
    /// Findings sorted by target, message index, start, then skill.
    pub findings: Vec<Finding>,
    /// Readability of the reply.
    pub readability: Readability,
    /// Whether spelling was checked.
    pub spelling: SpellingSummary,
}

/// What the coach knows about the conversation around a reply.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReplyContext {
    /// The customer's recent messages, oldest first.
    pub customer_messages: Vec<String>,
    /// The customer's name, when known.
    pub customer_name: Option<String>,
    /// True when the reply text was inserted from a macro (canned reply) and sent as it is.
    pub from_macro: bool,
    /// The language of messages and suggestions, independent of the reply's language.
    pub ui_language: Language,
}

/// A byte range in a text, always on char boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// One emotion's strength and the words that show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Emotion {
    /// 0 (absent) to 1 (strong).
    pub score: f32,
    /// The words that carry it.
    pub evidence: Vec<Span>,
}

/// The emotions the coach looks for in a customer message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Emotions {
    /// Anger, outrage, exasperation.
    pub anger: Emotion,
    /// Sadness, disappointment, frustration.
    pub sadness: Emotion,
    /// Fear, worry, anxiety.
    pub fear: Emotion,
    /// Joy, satisfaction, gratitude.
    pub joy: Emotion,
}

/// Why a message is urgent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UrgencyKind {
    /// A date or deadline is at stake.
    Deadline,
    /// "urgente", "subito", "asap".
    UrgentWord,
    /// The customer has written or called before about this.
    RepeatedContact,
    /// The customer threatens to cancel or leave.
    CancelThreat,
    /// The customer mentions lawyers, courts, consumer associations.
    LegalThreat,
    /// Money was lost or charged wrongly.
    MoneyLost,
    /// The customer's business or work is stopped.
    BusinessStopped,
}

impl UrgencyKind {
    /// A short explanation in the UI language.
    pub fn describe(self, ui: Language) -> &'static str {
        crate::messages::urgency(self, ui)
    }
}

/// One reason a customer message is urgent, with the words that show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UrgencyReason {
    /// Which kind of reason.
    pub kind: UrgencyKind,
    /// First byte of the words that show it.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// What `analyze_customer` returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerReport {
    /// The message's language.
    pub language: Language,
    /// −1 (very negative) to 1 (very positive).
    pub sentiment: f32,
    /// Emotion scores with evidence.
    pub emotions: Emotions,
    /// 0 (can wait) to 1 (act now).
    pub urgency: f32,
    /// Why it is urgent, in text order.
    pub urgency_reasons: Vec<UrgencyReason>,
    /// The questions the customer asked.
    pub questions: Vec<Span>,
    /// What the customer says they already tried.
    pub tried: Vec<Span>,
    /// Abusive or profane words.
    pub abuse: Vec<Span>,
    /// Thanks or praise (feeds the wins wall).
    pub thanks: Vec<Span>,
}
