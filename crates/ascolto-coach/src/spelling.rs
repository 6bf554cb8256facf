//! Spelling with Hunspell-compatible dictionaries, built from their text (reading files is the caller's job).

use std::collections::BTreeSet;
use std::fmt;

use crate::Language;
use crate::fxhash::FxSet;
use crate::text::{Analysed, Kind, Token};

/// Italian and English dictionaries plus a workspace's own words. Build it once and share it:
/// parsing a dictionary takes tens of milliseconds, checking a word a few microseconds.
#[derive(Default)]
pub struct Spelling {
    italian: Option<spellbook::Dictionary>,
    english: Option<spellbook::Dictionary>,
    extra_words: BTreeSet<String>,
    /// The words of the coach's own vocabulary that a loaded dictionary accepts, found when the
    /// dictionary is added. Most words of a service reply are among them, and a hash lookup costs a
    /// small fraction of a dictionary check; the set only holds words a dictionary accepts, so every
    /// answer is the one the dictionaries would give.
    known: FxSet<Box<str>>,
}

impl fmt::Debug for Spelling {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Spelling")
            .field("italian", &self.italian.is_some())
            .field("english", &self.english.is_some())
            .field("extra_words", &self.extra_words.len())
            .finish()
    }
}

/// A dictionary's `.aff` or `.dic` text could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpellingError {
    /// Which dictionary failed.
    pub language: Language,
    /// The parser's explanation.
    pub reason: String,
}

impl fmt::Display for SpellingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot parse the {} dictionary: {}", self.language.code(), self.reason)
    }
}

impl std::error::Error for SpellingError {}

impl Spelling {
    /// No dictionaries and no words: spelling is off until a dictionary is added.
    pub fn new() -> Spelling {
        Spelling::default()
    }

    /// Parses a Hunspell dictionary (the `.aff` and `.dic` file contents) for `language`.
    pub fn add_dictionary(&mut self, language: Language, aff: &str, dic: &str) -> Result<(), SpellingError> {
        let dictionary = spellbook::Dictionary::new(aff, dic)
            .map_err(|error| SpellingError { language, reason: error.to_string() })?;
        match language {
            Language::It => self.italian = Some(dictionary),
            Language::En => self.english = Some(dictionary),
        }
        // Rebuilt from scratch: a dictionary may replace an earlier one for the same language.
        let dictionaries: Vec<&spellbook::Dictionary> =
            self.italian.iter().chain(self.english.iter()).collect();
        self.known = crate::matcher::matcher()
            .vocabulary()
            .filter(|word| dictionaries.iter().any(|dictionary| dictionary.check(word)))
            .map(Box::from)
            .collect();
        Ok(())
    }

    /// Adds words that are always correct (product names, trade terms), compared without case.
    pub fn add_words<I, S>(&mut self, words: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for word in words {
            let word = word.as_ref().trim();
            if !word.is_empty() {
                self.extra_words.insert(word.to_lowercase());
            }
        }
    }

    /// True when a dictionary for `language` is loaded.
    pub fn has(&self, language: Language) -> bool {
        self.dictionary(language).is_some()
    }

    fn dictionary(&self, language: Language) -> Option<&spellbook::Dictionary> {
        match language {
            Language::It => self.italian.as_ref(),
            Language::En => self.english.as_ref(),
        }
    }

    /// True when `word` is correct in `language`, in the other loaded language, or a workspace word.
    pub fn is_correct(&self, word: &str, language: Language) -> bool {
        let other = match language {
            Language::It => Language::En,
            Language::En => Language::It,
        };
        self.known.contains(word)
            || [language, other]
                .into_iter()
                .filter_map(|language| self.dictionary(language))
                .any(|dictionary| dictionary.check(word))
            || self.extra_words.contains(&word.to_lowercase())
    }

    /// Spelling suggestions for a word. Slow (tens of milliseconds): never call it per keystroke.
    pub fn suggest(&self, word: &str, language: Language) -> Vec<String> {
        let mut suggestions = Vec::new();
        if let Some(dictionary) = self.dictionary(language) {
            dictionary.suggest(word, &mut suggestions);
        }
        suggestions
    }
}

/// The result of checking a text: how many words were looked up and the misspelled token indices.
#[derive(Debug, Default)]
pub(crate) struct Checked {
    pub enabled: bool,
    pub checked: usize,
    pub misspelled: Vec<usize>,
}

/// Checks the words of a text worth checking: lowercase words of three letters or more that are not
/// function words, not next to an apostrophe or a hyphen (elisions, contractions, compounds), and not
/// names (capitalised), acronyms, numbers, codes, URLs or e-mail addresses.
pub(crate) fn check(text: &Analysed<'_>, language: Language, spelling: Option<&Spelling>) -> Checked {
    let Some(spelling) = spelling.filter(|s| s.has(language)) else {
        return Checked::default();
    };
    let mut result = Checked { enabled: true, ..Checked::default() };
    for (index, token) in text.tokens.iter().enumerate() {
        if token.unapostrophed {
            // "dont": check the word as written, once (on its first half), so it is still flagged.
            let Some(tail) = text.tokens.get(index + 1).filter(|t| t.unapostrophed && t.start == token.end)
            else {
                continue;
            };
            let whole = text.text[token.start..tail.end].to_lowercase();
            if !token.capitalised {
                result.checked += 1;
                if !spelling.is_correct(&whole, language) {
                    result.misspelled.push(index);
                }
            }
            continue;
        }
        if !worth_checking(text.text, token) {
            continue;
        }
        result.checked += 1;
        if !spelling.is_correct(&token.lower, language) {
            result.misspelled.push(index);
        }
    }
    result
}

fn worth_checking(text: &str, token: &Token) -> bool {
    if token.kind != Kind::Word || token.capitalised || token.lower.chars().count() < 3 {
        return false;
    }
    if token.stop_it || token.stop_en {
        return false;
    }
    let mut before = text[..token.start].chars().rev();
    let mut after = text[token.end..].chars();
    let (before_1, before_2) = (before.next(), before.next());
    let (after_1, after_2) = (after.next(), after.next());
    let glue = |c: Option<char>| matches!(c, Some('\'' | '’' | '`' | '-' | '_' | '/' | '@' | '#'));
    // A dot glues only inside a word ("shop.it"), not at the end of a sentence.
    let dot_glue =
        |c: Option<char>, next: Option<char>| c == Some('.') && next.is_some_and(char::is_alphanumeric);
    !(glue(before_1) || glue(after_1) || dot_glue(before_1, before_2) || dot_glue(after_1, after_2))
}
