//! Text analysis for full-text search, done in Rust so both store backends index the same
//! tokens and Italian and English stemming work the same on SQLite and PostgreSQL.
//!
//! A document is indexed as lower-cased, accent-folded stems in its own language (guessed
//! from stop words). A query term matches either its Italian or its English stem, so a
//! search works whatever language the agent types in.

use rust_stemmers::{Algorithm, Stemmer};

/// A language the analyser knows how to stem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    It,
    En,
}

const ITALIAN_STOP: &[&str] = &[
    "il",
    "lo",
    "la",
    "gli",
    "le",
    "di",
    "del",
    "della",
    "che",
    "non",
    "per",
    "con",
    "una",
    "sono",
    "mi",
    "ho",
    "è",
    "e",
    "un",
    "ma",
    "se",
    "come",
    "anche",
    "ancora",
    "questo",
    "alla",
    "nel",
    "al",
    "da",
    "ci",
    "vi",
    "io",
    "si",
    "grazie",
    "buongiorno",
    "salve",
    "ordine",
    "perché",
    "dei",
    "delle",
];
const ENGLISH_STOP: &[&str] = &[
    "the", "and", "is", "are", "to", "of", "my", "i", "you", "it", "in", "for", "not", "that", "this",
    "have", "was", "with", "on", "be", "please", "thanks", "hello", "hi", "order", "can", "your", "we", "do",
    "an", "a", "at", "me", "but", "why",
];

/// Guesses whether `text` is Italian or English from its stop words; English on a tie.
pub fn guess_language(text: &str) -> Lang {
    let (mut italian, mut english) = (0u32, 0u32);
    for word in words(text).take(400) {
        if ITALIAN_STOP.contains(&word.as_str()) {
            italian += 1;
        }
        if ENGLISH_STOP.contains(&word.as_str()) {
            english += 1;
        }
    }
    if italian > english { Lang::It } else { Lang::En }
}

/// Lower-cased words of `text`: runs of letters and digits, apostrophes splitting elisions
/// (`l'ordine` gives `l` and `ordine`).
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && w.chars().count() <= 64)
        .map(str::to_lowercase)
}

fn fold_accents(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ä' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            other => other,
        })
        .collect()
}

fn stemmer(lang: Lang) -> Stemmer {
    Stemmer::create(match lang {
        Lang::It => Algorithm::Italian,
        Lang::En => Algorithm::English,
    })
}

/// The tokens to index for a document: its stems in its guessed language, space-separated,
/// at most `max_tokens` of them so a huge message cannot bloat the index.
pub fn index_tokens(text: &str, max_tokens: usize) -> String {
    let stemmer = stemmer(guess_language(text));
    let mut out = String::new();
    for word in words(text).take(max_tokens) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&fold_accents(&stemmer.stem(&word)));
    }
    out
}

/// A parsed search query: every term must match, each in one of its forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// One entry per term; the strings are the term's alternative stems.
    pub terms: Vec<Vec<String>>,
}

impl Query {
    /// Parses what a person typed. Terms are capped at 16; an empty query has no terms.
    pub fn parse(input: &str) -> Self {
        let italian = stemmer(Lang::It);
        let english = stemmer(Lang::En);
        let mut terms: Vec<Vec<String>> = Vec::new();
        for word in words(input).take(16) {
            let mut forms = vec![fold_accents(&italian.stem(&word)), fold_accents(&english.stem(&word))];
            forms.sort();
            forms.dedup();
            if !terms.contains(&forms) {
                terms.push(forms);
            }
        }
        Self { terms }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether a document's index tokens satisfy this query (used by tests and as a
    /// reference for the backends).
    pub fn matches(&self, tokens: &str) -> bool {
        let tokens: Vec<&str> = tokens.split(' ').collect();
        self.terms.iter().all(|forms| forms.iter().any(|f| tokens.contains(&f.as_str())))
    }

    /// The query as an SQLite FTS5 expression: `("a" OR "b") AND ("c")`.
    pub fn to_fts5(&self) -> String {
        self.terms
            .iter()
            .map(|forms| {
                let alternatives: Vec<String> = forms.iter().map(|f| format!("\"{f}\"")).collect();
                format!("({})", alternatives.join(" OR "))
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// The query as a PostgreSQL `tsquery` in the `simple` configuration: `(a | b) & c`.
    pub fn to_tsquery(&self) -> String {
        self.terms.iter().map(|forms| format!("({})", forms.join(" | "))).collect::<Vec<_>>().join(" & ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn italian_plural_finds_singular() {
        let doc = index_tokens("Buongiorno, non ho ancora ricevuto i rimborsi per il mio ordine", 1000);
        assert!(Query::parse("rimborso").matches(&doc), "{doc}");
        assert!(Query::parse("ordini ricevuti").matches(&doc), "{doc}");
    }

    #[test]
    fn english_inflections_match() {
        let doc = index_tokens("Hello, my parcel was delivered damaged and I want a refund", 1000);
        assert!(Query::parse("refunds").matches(&doc), "{doc}");
        assert!(Query::parse("damage deliver").matches(&doc), "{doc}");
        assert!(!Query::parse("invoice").matches(&doc));
    }

    #[test]
    fn accents_do_not_matter() {
        let doc = index_tokens("La consegna è in ritardo, perché?", 1000);
        assert!(Query::parse("perche").matches(&doc), "{doc}");
    }

    #[test]
    fn query_syntax_cannot_be_injected() {
        let query = Query::parse("\"foo\" OR bar* NEAR(x)");
        for forms in &query.terms {
            for form in forms {
                assert!(form.chars().all(char::is_alphanumeric), "{form}");
            }
        }
    }

    #[test]
    fn index_is_capped() {
        assert_eq!(index_tokens(&"parola ".repeat(100), 10).split(' ').count(), 10);
    }
}
