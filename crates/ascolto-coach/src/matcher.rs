//! Finds lexicon phrases in a token stream: compiled once into an index by first word, then matched per token.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::lexicon::{Cat, LEXICON, NEGATORS};
use crate::text::{Analysed, prefix_stem};

/// One word of a compiled phrase.
#[derive(Debug, Clone)]
enum Piece {
    Exact(String),
    Prefix(String),
    Any,
}

impl Piece {
    fn matches(&self, word: &str) -> bool {
        match self {
            Piece::Exact(exact) => exact == word,
            Piece::Prefix(prefix) => word.starts_with(prefix.as_str()),
            Piece::Any => true,
        }
    }
}

#[derive(Debug)]
struct Phrase {
    cat: Cat,
    pieces: Vec<Piece>,
}

/// The compiled lexicon: phrases indexed by their exact first word, or by the first three chars of a prefix.
#[derive(Debug)]
pub(crate) struct Matcher {
    phrases: Vec<Phrase>,
    by_word: HashMap<String, Vec<usize>>,
    by_prefix: HashMap<String, Vec<usize>>,
}

/// A phrase found in a text: token range `first..end` and whether a negation precedes it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    pub cat: Cat,
    pub first: usize,
    pub end: usize,
    pub negated: bool,
}

const PREFIX_KEY_CHARS: usize = 3;
const NEGATION_WINDOW: usize = 4;

/// The shared compiled lexicon; immutable after its first use.
pub(crate) fn matcher() -> &'static Matcher {
    static MATCHER: OnceLock<Matcher> = OnceLock::new();
    MATCHER.get_or_init(Matcher::compile)
}

impl Matcher {
    fn compile() -> Matcher {
        let mut matcher = Matcher { phrases: Vec::new(), by_word: HashMap::new(), by_prefix: HashMap::new() };
        for entry in LEXICON {
            for phrase in entry.phrases {
                matcher.add(entry.cat, phrase);
            }
        }
        matcher
    }

    fn add(&mut self, cat: Cat, phrase: &str) {
        let pieces: Vec<Piece> = phrase
            .split(|c: char| c.is_whitespace() || c == '\'' || c == '’')
            .filter(|word| !word.is_empty())
            .map(|word| match word {
                "_" => Piece::Any,
                _ if word.ends_with('*') && word.chars().count() > PREFIX_KEY_CHARS => {
                    Piece::Prefix(word.trim_end_matches('*').to_lowercase())
                }
                _ => Piece::Exact(word.trim_end_matches('*').to_lowercase()),
            })
            .collect();
        let index = self.phrases.len();
        match pieces.first() {
            Some(Piece::Exact(word)) => self.by_word.entry(word.clone()).or_default().push(index),
            Some(Piece::Prefix(prefix)) => {
                let key = prefix_stem(prefix, PREFIX_KEY_CHARS).to_string();
                self.by_prefix.entry(key).or_default().push(index);
            }
            // A phrase must start with a word; an empty or wildcard-led phrase is a lexicon mistake.
            Some(Piece::Any) | None => return,
        }
        self.phrases.push(Phrase { cat, pieces });
    }

    /// Every phrase occurrence, leftmost-longest and non-overlapping within a category, in text order.
    pub fn find(&self, text: &Analysed<'_>) -> Vec<Hit> {
        let tokens = &text.tokens;
        let mut hits = Vec::new();
        for (first, token) in tokens.iter().enumerate() {
            let exact = self.by_word.get(token.lower.as_str()).into_iter().flatten();
            let prefixed = self.by_prefix.get(prefix_stem(&token.lower, PREFIX_KEY_CHARS)).into_iter().flatten();
            for &index in exact.chain(prefixed) {
                let phrase = &self.phrases[index];
                if let Some(end) = self.match_at(text, first, phrase) {
                    hits.push(Hit { cat: phrase.cat, first, end, negated: negated_before(text, first) });
                }
            }
        }
        hits.sort_by(|a, b| (a.cat, a.first, b.end).cmp(&(b.cat, b.first, a.end)));
        let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
        for hit in hits {
            if let Some(last) = kept.last()
                && last.cat == hit.cat
                && hit.first < last.end
            {
                continue;
            }
            kept.push(hit);
        }
        kept.sort_by_key(|hit| (hit.first, hit.end, hit.cat));
        kept
    }

    fn match_at(&self, text: &Analysed<'_>, first: usize, phrase: &Phrase) -> Option<usize> {
        let tokens = &text.tokens;
        let sentence = tokens[first].sentence;
        let end = first + phrase.pieces.len();
        if end > tokens.len() {
            return None;
        }
        let all = phrase
            .pieces
            .iter()
            .zip(&tokens[first..end])
            .all(|(piece, token)| token.sentence == sentence && piece.matches(&token.lower));
        all.then_some(end)
    }
}

/// True when a negator appears in the few words before token `first`, in the same sentence.
pub(crate) fn negated_before(text: &Analysed<'_>, first: usize) -> bool {
    let tokens = &text.tokens;
    let Some(token) = tokens.get(first) else {
        return false;
    };
    // Walk back at most a few words, stopping at a clause break: "No, but I can" is not negated.
    let mut index = first;
    while index > 0 && first - index < NEGATION_WINDOW {
        let previous = &tokens[index - 1];
        let gap = &text.text[previous.end..tokens[index].start];
        if previous.sentence != token.sentence || gap.contains([',', ';', ':', '(', ')']) {
            return false;
        }
        if NEGATORS.contains(&previous.lower.as_str()) {
            return true;
        }
        index -= 1;
    }
    false
}

/// Hits of one category.
pub(crate) fn of(hits: &[Hit], cat: Cat) -> impl Iterator<Item = &Hit> {
    hits.iter().filter(move |hit| hit.cat == cat)
}

/// True when any hit has the category.
pub(crate) fn has(hits: &[Hit], cat: Cat) -> bool {
    hits.iter().any(|hit| hit.cat == cat)
}
