//! Finds lexicon phrases in a token stream: compiled once into an index by first word, then matched per token.

use std::sync::OnceLock;

use crate::fxhash::FxMap;
use crate::lexicon::{Cat, LEXICON, NEGATORS};
use crate::text::{Analysed, Kind, Token, prefix_stem};

/// One word of a compiled phrase: exact words are interned, so matching compares integers.
#[derive(Debug, Clone)]
enum Piece {
    Exact(u32),
    Prefix(String),
    Any,
}

/// The id of a token whose word is in no phrase.
const UNKNOWN: u32 = u32::MAX;

impl Piece {
    fn matches(&self, id: u32, word: &str) -> bool {
        match self {
            Piece::Exact(exact) => *exact == id,
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

/// The compiled lexicon: every exact phrase word interned to an id, phrases indexed by the id of their
/// first word, or by the first three chars of a prefix.
#[derive(Debug)]
pub(crate) struct Matcher {
    phrases: Vec<Phrase>,
    ids: FxMap<String, u32>,
    /// Phrases starting with each word id.
    by_id: Vec<Vec<u32>>,
    /// Whether each word id is a negator.
    negator: Vec<bool>,
    by_prefix: FxMap<String, Vec<u32>>,
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
        let mut matcher = Matcher {
            phrases: Vec::new(),
            ids: FxMap::default(),
            by_id: Vec::new(),
            negator: Vec::new(),
            by_prefix: FxMap::default(),
        };
        for negator in NEGATORS {
            let id = matcher.intern(negator);
            matcher.negator[id as usize] = true;
        }
        for entry in LEXICON {
            for phrase in entry.phrases {
                matcher.add(entry.cat, phrase);
            }
        }
        matcher
    }

    fn intern(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.ids.get(word) {
            return id;
        }
        let id = u32::try_from(self.by_id.len()).unwrap_or(UNKNOWN - 1);
        self.ids.insert(word.to_string(), id);
        self.by_id.push(Vec::new());
        self.negator.push(false);
        id
    }

    fn add(&mut self, cat: Cat, phrase: &str) {
        let words: Vec<&str> = phrase
            .split(|c: char| c.is_whitespace() || c == '\'' || c == '’')
            .filter(|word| !word.is_empty())
            .collect();
        let mut pieces = Vec::with_capacity(words.len());
        for word in words {
            pieces.push(match word {
                "_" => Piece::Any,
                _ if word.ends_with('*') && word.chars().count() > PREFIX_KEY_CHARS => {
                    Piece::Prefix(word.trim_end_matches('*').to_lowercase())
                }
                _ => Piece::Exact(self.intern(&word.trim_end_matches('*').to_lowercase())),
            });
        }
        let index = u32::try_from(self.phrases.len()).unwrap_or(u32::MAX);
        match pieces.first() {
            Some(Piece::Exact(id)) => self.by_id[*id as usize].push(index),
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
        let lookup = |word: &str| self.ids.get(word).copied();
        let ids: Vec<u32> = tokens
            .iter()
            .map(|t| lookup(&t.lower).or_else(|| t.alt.as_deref().and_then(lookup)).unwrap_or(UNKNOWN))
            .collect();
        let negators: Vec<bool> =
            ids.iter().map(|&id| self.negator.get(id as usize).copied().unwrap_or(false)).collect();
        let mut hits = Vec::new();
        for (first, token) in tokens.iter().enumerate() {
            let exact = self.by_id.get(ids[first] as usize).into_iter().flatten();
            let prefixed =
                self.by_prefix.get(prefix_stem(&token.lower, PREFIX_KEY_CHARS)).into_iter().flatten();
            let mut negated = None;
            for &index in exact.chain(prefixed) {
                let phrase = &self.phrases[index as usize];
                if let Some(end) = match_at(text, &ids, first, phrase) {
                    // A phrase that carries its own negator ("nessuna risposta", "frega niente", "mai
                    // più") agrees with a "non" before it (Italian negative concord: "non ho avuto
                    // nessuna risposta"); it is not negated twice.
                    let negated = *negated.get_or_insert_with(|| negated_with(text, &negators, first))
                        && !negators[first..end].contains(&true);
                    hits.push(Hit { cat: phrase.cat, first, end, negated });
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
}

fn match_at(text: &Analysed<'_>, ids: &[u32], first: usize, phrase: &Phrase) -> Option<usize> {
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
        .zip(&ids[first..end])
        .all(|((piece, token), &id)| token.sentence == sentence && piece.matches(id, &token.lower));
    all.then_some(end)
}

/// True when a negator (flags computed once per text) appears in the few words before token
/// `first`, in the same sentence.
fn negated_with(text: &Analysed<'_>, negators: &[bool], first: usize) -> bool {
    let tokens = &text.tokens;
    let Some(token) = tokens.get(first) else {
        return false;
    };
    // An emoji or emoticon stands outside the syntax of its sentence: "senza di te ❤" does not
    // negate the heart.
    if token.kind == Kind::Emoji {
        return false;
    }
    // Walk back at most a few words, stopping at a clause break or a conjunction: in "No, but I can"
    // and "non è arrivato e domani parto" the negation does not reach the later words. Punctuation
    // that ends a sentence but was typed without a space ("età...un", "no!bello") breaks it too.
    let mut index = first;
    while index > 0 && first - index < NEGATION_WINDOW {
        let previous = &tokens[index - 1];
        let gap = &text.text[previous.end..tokens[index].start];
        let conjunction =
            matches!(previous.lower.as_str(), "e" | "ed" | "and" | "ma" | "but" | "però" | "o" | "or");
        if previous.sentence != token.sentence
            || gap.contains([',', ';', ':', '(', ')', '.', '…', '!', '?'])
            || conjunction
        {
            return false;
        }
        if negators[index - 1] {
            return !focus_or_comparison(tokens, index - 1, first) && !scope_closed(text, index - 1, first);
        }
        index -= 1;
    }
    false
}

/// Italian copulas: after "non è" the negation bears on the predicate that follows.
const COPULAS: &[&str] = &[
    "è", "é", "sono", "era", "erano", "sia", "siano", "fosse", "fossero", "sarà", "sarebbe", "sei", "siete",
];

/// Words that leave the predicate of a negated copula open: "non è affatto blasfema", "non è così una
/// merda", "non è stato bello".
const TRANSPARENT: &[&str] = &[
    "affatto",
    "così",
    "cosi",
    "molto",
    "poi",
    "proprio",
    "per",
    "niente",
    "nulla",
    "tanto",
    "troppo",
    "davvero",
    "veramente",
    "mica",
    "certo",
    "più",
    "piu",
    "mai",
    "stato",
    "stata",
    "stati",
    "state",
    "un",
    "una",
    "uno",
    "il",
    "la",
    "lo",
    "del",
    "della",
    "di",
    "da",
    "sempre",
    "neanche",
    "nemmeno",
    "tutto",
];

/// True when the negation ended before the hit, or was cancelled. After "non è" + a predicate word
/// the clause moves on ("non è possibile fate schifo": the negation bears on "possibile"). A
/// demonstrative right after the negator negates a phrase by contrast, not the evaluation in it ("il
/// grano italiano e non quelle schifezze"). Verbs of knowing keep the negation; a second "non"
/// cancels it.
fn scope_closed(text: &Analysed<'_>, negator: usize, first: usize) -> bool {
    let tokens = &text.tokens;
    let Some(next) = tokens.get(negator + 1) else {
        return false;
    };
    let demonstrative = tokens[negator].lower == "non"
        && matches!(
            next.lower.as_str(),
            "quel"
                | "quella"
                | "quelle"
                | "quei"
                | "quegli"
                | "quello"
                | "questo"
                | "questa"
                | "questi"
                | "queste"
        );
    let predicate_before = COPULAS.contains(&next.lower.as_str())
        && tokens
            .get(negator + 2..first)
            .unwrap_or_default()
            .iter()
            .any(|t| t.is_word() && !TRANSPARENT.contains(&t.lower.as_str()));
    // "Non capisco cosa c'entra", "non so se è buono": knowing and understanding take the negation
    // themselves (unlike "credo", "penso", which pass it on to their clause); the evaluation after
    // them stands. (English "don't know" is left as it was: the reply-side rules were measured with it.)
    let italian = matches!(tokens[negator].lower.as_str(), "non" | "nn");
    let knowing = first > negator + 1
        && (italian
            && matches!(
                next.lower.as_str(),
                "capisco"
                    | "capisce"
                    | "capisci"
                    | "capiamo"
                    | "capite"
                    | "capiscono"
                    | "so"
                    | "sa"
                    | "sai"
                    | "sappiamo"
                    | "sapete"
                    | "sanno"
                    | "ricordo"
            ));
    // "Non riesco a non ascoltarla", "non posso non amarla": two negations within a few words make an
    // affirmation (litotes).
    let double = italian && {
        let mut index = negator;
        let mut found = false;
        while index > 0 && negator - index < 3 && !found {
            let gap = &text.text[tokens[index - 1].end..tokens[index].start];
            if tokens[index - 1].sentence != tokens[negator].sentence || gap.contains([',', ';', ':', '.']) {
                break;
            }
            found = matches!(tokens[index - 1].lower.as_str(), "non" | "nn");
            index -= 1;
        }
        found
    };
    demonstrative || predicate_before || knowing || double
}

/// Negators that do not negate what follows them. "Non solo bella ma anche brava", "not only fast":
/// "solo"/"only" focuses the negation on the restriction, so the praise stands. "Mai sentita una voce
/// così bella", "niente di più bello", "never seen anything so good": a negative existential with a
/// degree word before the evaluation says that nothing equals it, which is praise at its strongest.
fn focus_or_comparison(tokens: &[Token], negator: usize, first: usize) -> bool {
    let focus = tokens.get(negator + 1).is_some_and(|next| {
        negator + 1 < first && matches!(next.lower.as_str(), "solo" | "soltanto" | "only")
    });
    let existential = matches!(
        tokens[negator].lower.as_str(),
        "mai" | "niente" | "nulla" | "nessun" | "nessuno" | "nessuna" | "never" | "nothing" | "nobody"
    );
    // The degree word may open the phrase itself ("so good").
    let is_degree =
        |t: &Token| matches!(t.lower.as_str(), "così" | "cosi" | "più" | "piu" | "tanto" | "so" | "more");
    let degree = first > negator + 1 && (is_degree(&tokens[first - 1]) || is_degree(&tokens[first]));
    focus || existential && degree
}

/// Hits of one category.
pub(crate) fn of(hits: &[Hit], cat: Cat) -> impl Iterator<Item = &Hit> {
    hits.iter().filter(move |hit| hit.cat == cat)
}

/// True when any hit has the category.
pub(crate) fn has(hits: &[Hit], cat: Cat) -> bool {
    hits.iter().any(|hit| hit.cat == cat)
}
