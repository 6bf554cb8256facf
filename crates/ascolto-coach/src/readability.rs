//! Readability indices: Gulpease for Italian, Flesch reading ease for English.

use crate::text::Analysed;
use crate::{Language, Readability};

/// Computes the readability of a text with the formula suited to `language`.
pub(crate) fn readability(text: &Analysed<'_>, language: Language) -> Readability {
    let words: Vec<&str> = text
        .tokens
        .iter()
        .filter(|t| t.is_word() || t.kind == crate::text::Kind::Number)
        .map(|t| t.lower.as_str())
        .collect();
    let sentences = text.sentences.iter().filter(|s| s.end_token > s.first_token).count();
    let word_count = words.len();
    let avg_sentence_words = if sentences == 0 { 0.0 } else { word_count as f32 / sentences as f32 };
    let index = (word_count > 0 && sentences > 0).then(|| match language {
        Language::It => gulpease(&words, sentences),
        Language::En => flesch(&words, sentences),
    });
    Readability {
        formula: match language {
            Language::It => "gulpease",
            Language::En => "flesch",
        }
        .to_string(),
        index: index.map(round1),
        words: word_count,
        sentences,
        avg_sentence_words: round1(avg_sentence_words),
    }
}

fn round1(value: f32) -> f32 {
    (value * 10.0).round() / 10.0
}

/// Gulpease (Lucisano and Piemontese, 1988): 89 + (300 × sentences − 10 × letters) / words, clamped to 0–100.
fn gulpease(words: &[&str], sentences: usize) -> f32 {
    let letters: usize = words.iter().map(|w| w.chars().filter(|c| c.is_alphanumeric()).count()).sum();
    let value = 89.0 + (300.0 * sentences as f32 - 10.0 * letters as f32) / words.len() as f32;
    value.clamp(0.0, 100.0)
}

/// Flesch reading ease: 206.835 − 1.015 × words/sentences − 84.6 × syllables/words, clamped to 0–100.
fn flesch(words: &[&str], sentences: usize) -> f32 {
    let syllables: usize = words.iter().map(|w| english_syllables(w)).sum();
    let value = 206.835
        - 1.015 * (words.len() as f32 / sentences as f32)
        - 84.6 * (syllables as f32 / words.len() as f32);
    value.clamp(0.0, 100.0)
}

/// Counts vowel groups, dropping a silent final `e`; at least one per word.
fn english_syllables(word: &str) -> usize {
    let is_vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
    let mut count = 0;
    let mut previous_vowel = false;
    for c in word.chars() {
        let vowel = is_vowel(c);
        if vowel && !previous_vowel {
            count += 1;
        }
        previous_vowel = vowel;
    }
    if word.ends_with('e') && !word.ends_with("le") && count > 1 {
        count -= 1;
    }
    count.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_english_syllables() {
        assert_eq!(english_syllables("refund"), 2);
        assert_eq!(english_syllables("make"), 1);
        assert_eq!(english_syllables("table"), 2);
        assert_eq!(english_syllables("immediately"), 5);
    }

    #[test]
    fn simple_italian_reads_easily() {
        let text = Analysed::new("Il pacco è partito oggi. Arriva domani.");
        let report = readability(&text, Language::It);
        assert!(report.index.is_some_and(|index| index > 70.0));
    }
}
