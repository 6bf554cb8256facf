//! Language detection between Italian and English from function words, accents and endings.

use crate::Language;
use crate::text::Analysed;

/// Votes for each language: function words weigh most, accented letters and typical endings a little.
pub(crate) fn votes(text: &Analysed<'_>) -> (f32, f32) {
    let (mut italian, mut english) = (0.0_f32, 0.0_f32);
    for token in text.tokens.iter().filter(|t| t.is_word()) {
        let word = token.lower.as_str();
        if token.stop_it {
            italian += 1.0;
        }
        if token.stop_en {
            english += 1.0;
        }
        if word.contains(['à', 'è', 'ì', 'ò', 'ù']) {
            italian += 0.5;
        }
        if word.len() > 3 && word.ends_with(['a', 'e', 'i', 'o']) && !word.ends_with("ee") {
            italian += 0.1;
        } else if word.len() > 3 && (word.ends_with("ing") || word.ends_with("ed") || word.ends_with("ly")) {
            english += 0.3;
        }
    }
    (italian, english)
}

/// The majority language of a text; `fallback` breaks ties (no words, or as many clues for each).
pub(crate) fn detect(text: &Analysed<'_>, fallback: Language) -> Language {
    let (italian, english) = votes(text);
    if (italian - english).abs() < f32::EPSILON {
        fallback
    } else if italian > english {
        Language::It
    } else {
        Language::En
    }
}
