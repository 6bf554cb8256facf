//! Courtesy: the politeness strategies of a request, weighted as in Danescu-Niculescu-Mizil et al. (ACL 2013).
//!
//! The weights are the signs and rough sizes that paper reports for each strategy (gratitude,
//! deference, greetings, "please", hedges and indirect requests raise politeness; direct questions,
//! "you" or "so"/"but" at the start of a sentence, factuality and negative words lower it). They are
//! general findings about English requests, not fitted to any data set of this project.

use serde::{Deserialize, Serialize};

use crate::lexicon::Cat;
use crate::matcher::{Hit, matcher};
use crate::text::Analysed;

/// A politeness strategy found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CourtesyKind {
    /// Thanks or appreciation.
    Gratitude,
    /// A compliment opening a sentence ("Good point, …").
    Deference,
    /// A greeting opening a sentence.
    Greeting,
    /// An apology.
    Apology,
    /// "please" inside a sentence.
    Please,
    /// "please" opening a sentence, read as an order.
    PleaseStart,
    /// An indirect request ("could you", "would you mind", "by the way").
    Indirect,
    /// A hedge ("I think", "maybe").
    Hedge,
    /// Factuality ("actually", "obviously").
    Factuality,
    /// A direct question ("Why …?", "What …?").
    DirectQuestion,
    /// A sentence opening with "so", "then", "but", "and".
    DirectStart,
    /// A sentence opening with "you".
    SecondPersonStart,
    /// A positive word.
    Positive,
    /// A negative word.
    Negative,
    /// Emphasis put on a word: a function word in capitals ("MUCH more specific", "WHY") or a word
    /// between asterisks or underscores (`*whole point*`): it insists, like factuality.
    Emphasis,
    /// Profanity or insults.
    Abuse,
}

impl CourtesyKind {
    /// How much the strategy adds to (or takes from) politeness.
    pub fn weight(self) -> f32 {
        match self {
            CourtesyKind::Gratitude => 0.87,
            CourtesyKind::Deference => 0.78,
            CourtesyKind::Greeting => 0.43,
            CourtesyKind::Apology => 0.36,
            CourtesyKind::Please => 0.49,
            CourtesyKind::PleaseStart => -0.30,
            CourtesyKind::Indirect => 0.47,
            CourtesyKind::Hedge => 0.14,
            CourtesyKind::Factuality => -0.38,
            CourtesyKind::DirectQuestion => -0.27,
            CourtesyKind::DirectStart => -0.43,
            CourtesyKind::SecondPersonStart => -0.30,
            CourtesyKind::Positive => 0.12,
            CourtesyKind::Negative => -0.13,
            // Not a feature of the 2013 paper: given factuality's weight, as both insist on the point.
            CourtesyKind::Emphasis => -0.38,
            CourtesyKind::Abuse => -1.0,
        }
    }
}

/// One strategy and the words that show it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CourtesyMarker {
    /// Which strategy.
    pub kind: CourtesyKind,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// The courtesy of a text: the sum of its strategies' weights (above zero reads as polite).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Courtesy {
    /// Sum of the markers' weights.
    pub score: f32,
    /// The strategies found, in text order.
    pub markers: Vec<CourtesyMarker>,
}

/// Finds the politeness strategies of a text (a request, a reply) and sums their weights.
pub fn courtesy(text: &str) -> Courtesy {
    let analysed = Analysed::new(text);
    let hits = matcher().find(&analysed);
    courtesy_of(&analysed, &hits)
}

const DIRECT_QUESTION_WORDS: &[&str] =
    &["why", "what", "how", "where", "when", "perché", "perchè", "cosa", "come"];
const DIRECT_START_WORDS: &[&str] = &["so", "then", "but", "and", "quindi", "allora", "ma", "e"];
const SECOND_PERSON_WORDS: &[&str] = &["you", "your", "tu", "voi"];

pub(crate) fn courtesy_of(text: &Analysed<'_>, hits: &[Hit]) -> Courtesy {
    let mut markers = Vec::new();
    let sentence_start = |hit: &Hit| {
        text.sentences.get(text.tokens[hit.first].sentence).is_some_and(|s| s.first_token == hit.first)
    };
    for hit in hits {
        let kind = match hit.cat {
            Cat::Thanks if !hit.negated => CourtesyKind::Gratitude,
            Cat::Deference if sentence_start(hit) && !hit.negated => CourtesyKind::Deference,
            Cat::Greeting if sentence_start(hit) => CourtesyKind::Greeting,
            Cat::Apology => CourtesyKind::Apology,
            Cat::Please if sentence_start(hit) => CourtesyKind::PleaseStart,
            Cat::Please => CourtesyKind::Please,
            Cat::Indirect => CourtesyKind::Indirect,
            Cat::Hedge => CourtesyKind::Hedge,
            Cat::Factuality => CourtesyKind::Factuality,
            Cat::Pos | Cat::PosStrong if !hit.negated => CourtesyKind::Positive,
            Cat::Neg | Cat::NegStrong if !hit.negated => CourtesyKind::Negative,
            Cat::Abuse => CourtesyKind::Abuse,
            _ => continue,
        };
        let (start, end) = text.span_of(hit.first, hit.end);
        markers.push(CourtesyMarker { kind, start, end });
    }
    for sentence in &text.sentences {
        let Some(first) =
            text.tokens.get(sentence.first_token).filter(|_| sentence.end_token > sentence.first_token)
        else {
            continue;
        };
        let word = first.lower.as_str();
        let kind = if sentence.question_mark && DIRECT_QUESTION_WORDS.contains(&word) {
            CourtesyKind::DirectQuestion
        } else if DIRECT_START_WORDS.contains(&word) {
            CourtesyKind::DirectStart
        } else if SECOND_PERSON_WORDS.contains(&word) {
            CourtesyKind::SecondPersonStart
        } else {
            continue;
        };
        markers.push(CourtesyMarker { kind, start: first.start, end: first.end });
    }
    markers.extend(emphasis(text));
    markers.sort_by_key(|m| (m.start, m.end, m.kind));
    let score: f32 = markers.iter().map(|m| m.kind.weight()).sum();
    Courtesy { score: crate::customer::round2(score), markers }
}

/// Words people write in capitals to insist ("MUCH", "NEVER", "WHY"), besides function words;
/// acronyms (PDF, HTML, IVA) are never among them, so they are not read as emphasis.
const EMPHATIC: &[&str] = &[
    "much",
    "really",
    "very",
    "never",
    "always",
    "all",
    "every",
    "any",
    "only",
    "must",
    "need",
    "please",
    "more",
    "most",
    "less",
    "exactly",
    "whole",
    "entire",
    "nothing",
    "everything",
    "anything",
    "still",
    "again",
    "sempre",
    "mai",
    "tutto",
    "niente",
    "nulla",
    "molto",
    "solo",
    "ancora",
    "subito",
];

/// Emphasis: a function word or an insisting word in capitals, or words between asterisks or
/// underscores in the same sentence (`*whole point*`, `_now_`).
fn emphasis(text: &Analysed<'_>) -> Vec<CourtesyMarker> {
    let mut found = Vec::new();
    let tokens = &text.tokens;
    let mut index = 0;
    while index < tokens.len() {
        let token = &tokens[index];
        let capitals = token.is_word()
            && token.all_caps
            && token.lower.chars().count() >= 3
            && (token.stop_en || token.stop_it || EMPHATIC.contains(&token.lower.as_str()));
        if capitals {
            found.push(CourtesyMarker { kind: CourtesyKind::Emphasis, start: token.start, end: token.end });
            index += 1;
            continue;
        }
        let opener = text.text[..token.start].chars().next_back().filter(|c| matches!(c, '*' | '_'));
        let closing = opener.and_then(|mark| {
            (index..tokens.len())
                .take_while(|&i| tokens[i].sentence == token.sentence)
                .find(|&i| text.text[tokens[i].end..].starts_with(mark))
        });
        match closing {
            Some(last) if token.is_word() => {
                found.push(CourtesyMarker {
                    kind: CourtesyKind::Emphasis,
                    start: token.start,
                    end: tokens[last].end,
                });
                index = last + 1;
            }
            _ => index += 1,
        }
    }
    found
}
