//! The customer side: sentiment, emotions, urgency, questions, what was already tried, abuse and thanks.

use crate::lexicon::Cat;
use crate::matcher::{Hit, matcher, of};
use crate::text::{Analysed, Kind};
use crate::{CustomerReport, Emotion, Emotions, Language, Span, UrgencyKind, UrgencyReason, lang};

/// Analyses one customer message. Deterministic, no I/O; spans are byte ranges into `text`.
pub fn analyze_customer(text: &str) -> CustomerReport {
    let analysed = Analysed::new(text);
    let hits = matcher().find(&analysed);
    report(&analysed, &hits, Language::It)
}

/// Builds the report from a tokenised message and its lexicon hits.
pub(crate) fn report(text: &Analysed<'_>, hits: &[Hit], fallback: Language) -> CustomerReport {
    let anger = emotion(text, hits, Cat::Anger, shouting_weight(text, hits));
    CustomerReport {
        language: lang::detect(text, fallback),
        sentiment: round2(sentiment(text, hits)),
        emotions: Emotions {
            anger,
            sadness: emotion(text, hits, Cat::Sadness, 0.0),
            fear: emotion(text, hits, Cat::Fear, 0.0),
            joy: emotion(text, hits, Cat::Joy, 0.0),
        },
        urgency: 0.0,
        urgency_reasons: urgency_reasons(text, hits),
        questions: questions(text),
        tried: tried(text, hits),
        abuse: spans(text, of(hits, Cat::Abuse)),
        thanks: thanks(text, hits),
    }
    .with_urgency()
}

impl CustomerReport {
    fn with_urgency(mut self) -> CustomerReport {
        let mut calm = 1.0_f32;
        let mut seen: Vec<UrgencyKind> = Vec::new();
        for reason in &self.urgency_reasons {
            if !seen.contains(&reason.kind) {
                seen.push(reason.kind);
                calm *= 1.0 - urgency_weight(reason.kind);
            }
        }
        calm *= 1.0 - 0.3 * self.emotions.anger.score;
        self.urgency = round2(1.0 - calm);
        self
    }
}

fn urgency_weight(kind: UrgencyKind) -> f32 {
    match kind {
        UrgencyKind::Deadline => 0.45,
        UrgencyKind::UrgentWord => 0.5,
        UrgencyKind::RepeatedContact => 0.4,
        UrgencyKind::CancelThreat => 0.5,
        UrgencyKind::LegalThreat => 0.6,
        UrgencyKind::MoneyLost => 0.3,
        UrgencyKind::BusinessStopped => 0.6,
    }
}

pub(crate) fn round2(value: f32) -> f32 {
    (value * 100.0).round() / 100.0
}

fn span_of(text: &Analysed<'_>, hit: &Hit) -> Span {
    let (start, end) = text.span_of(hit.first, hit.end);
    Span { start, end }
}

fn spans<'h>(text: &Analysed<'_>, hits: impl Iterator<Item = &'h Hit>) -> Vec<Span> {
    hits.map(|hit| span_of(text, hit)).collect()
}

/// Lexicon valence: ±1 for ordinary words, ±2 for strong ones; negation flips and softens; an
/// intensifier just before strengthens; a clause after "ma"/"but" weighs more than the one before
/// (as people put their real point after the contrast). Overlapping phrases count once, longest first.
fn sentiment(text: &Analysed<'_>, hits: &[Hit]) -> f32 {
    let sarcastic = sarcastic_thanks(text, hits);
    let mut polar: Vec<(&Hit, f32)> = hits
        .iter()
        .filter_map(|hit| {
            let value = match hit.cat {
                Cat::Pos => 1.0,
                Cat::PosStrong => 2.0,
                Cat::Neg => -1.0,
                Cat::NegStrong => -2.0,
                Cat::Abuse => -1.5,
                // Emotions and complaint signals carry valence too: gratitude and joy are positive;
                // anger, sadness, fear, threats, repeated contact and losses are negative.
                Cat::Joy => 1.0,
                Cat::Thanks if !sarcastic.get(hit.first).copied().unwrap_or(false) => 1.0,
                Cat::Anger | Cat::Sadness | Cat::Fear => -1.0,
                Cat::RepeatedContact | Cat::MoneyLost | Cat::BusinessStopped => -1.0,
                Cat::CancelThreat | Cat::LegalThreat => -1.5,
                _ => return None,
            };
            Some((hit, value))
        })
        .collect();
    polar.sort_by(|a, b| {
        let length = |hit: &Hit| hit.end - hit.first;
        (length(b.0), b.1.abs(), a.0.first)
            .partial_cmp(&(length(a.0), a.1.abs(), b.0.first))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let contrasts = last_contrasts(text);
    let mut covered = vec![false; text.tokens.len()];
    let (mut total, mut mass) = (0.0_f32, 0.0_f32);
    for (hit, value) in polar {
        if covered[hit.first..hit.end].iter().any(|&c| c) {
            continue;
        }
        covered[hit.first..hit.end].iter_mut().for_each(|c| *c = true);
        let mut value = if hit.negated { -0.7 * value } else { value };
        if intensified(text, hit.first) {
            value *= 1.5;
        }
        value *= contrast_weight(text, &contrasts, hit.first);
        total += value;
        mass += value.abs();
    }
    if mass == 0.0 { 0.0 } else { (total / (mass + 1.0)).clamp(-1.0, 1.0) }
}

const INTENSIFIERS: &[&str] = &[
    "molto",
    "davvero",
    "veramente",
    "troppo",
    "super",
    "proprio",
    "tanto",
    "così",
    "tantissimo",
    "estremamente",
    "assolutamente",
    "parecchio",
    "particolarmente",
    "incredibilmente",
    "very",
    "really",
    "so",
    "extremely",
    "totally",
    "absolutely",
    "truly",
    "incredibly",
    "super",
    "such",
    "completely",
    "utterly",
    "seriously",
];

/// An intensifier just before the hit, or the hit's word itself stretched ("bellooo", "sooo bad").
fn intensified(text: &Analysed<'_>, first: usize) -> bool {
    text.tokens[first].elongated
        || first > 0 && {
            let previous = &text.tokens[first - 1];
            previous.sentence == text.tokens[first].sentence
                && (INTENSIFIERS.contains(&previous.lower.as_str())
                    || previous.elongated && previous.lower == "so")
        }
}

const CONTRASTS: &[&str] = &["ma", "però", "tuttavia", "but", "however", "though", "although"];

/// For each sentence, the last contrast word ("ma", "but") in it, found once per text.
fn last_contrasts(text: &Analysed<'_>) -> Vec<Option<usize>> {
    let mut last = vec![None; text.sentences.len()];
    for (index, token) in text.tokens.iter().enumerate() {
        if CONTRASTS.contains(&token.lower.as_str())
            && let Some(slot) = last.get_mut(token.sentence)
        {
            *slot = Some(index);
        }
    }
    last
}

fn contrast_weight(text: &Analysed<'_>, contrasts: &[Option<usize>], position: usize) -> f32 {
    match contrasts.get(text.tokens[position].sentence).copied().flatten() {
        Some(i) if position < i => 0.5,
        Some(i) if position > i => 1.5,
        _ => 1.0,
    }
}

/// Extra anger from shouting: capitals or "!!" in a message that also carries negative words.
fn shouting_weight(text: &Analysed<'_>, hits: &[Hit]) -> f32 {
    let negative = hits.iter().any(|h| {
        matches!(
            h.cat,
            Cat::Neg
                | Cat::NegStrong
                | Cat::Anger
                | Cat::Abuse
                | Cat::CancelThreat
                | Cat::LegalThreat
                | Cat::RepeatedContact
        )
    });
    if !negative {
        return 0.0;
    }
    let caps = text
        .tokens
        .iter()
        .filter(|t| t.all_caps && t.kind == Kind::Word && t.lower.chars().count() >= 3)
        .count();
    // "!!" and "??" (exasperated repetition) both raise the voice.
    let bangs = text.text.contains("!!") || text.text.contains("??");
    (if caps >= 2 { 0.6 } else { 0.0 }) + if bangs { 0.4 } else { 0.0 }
}

fn emotion(text: &Analysed<'_>, hits: &[Hit], cat: Cat, extra: f32) -> Emotion {
    let mut found: Vec<&Hit> = of(hits, cat).filter(|hit| !hit.negated).collect();
    let mut weight = extra;
    for hit in &found {
        weight += if intensified(text, hit.first) { 1.5 } else { 1.0 };
    }
    if cat == Cat::Anger {
        weight += of(hits, Cat::Abuse).count() as f32;
        // A threat to leave or to sue is anger put into action; having to write again is its start.
        // They are evidence of anger too.
        for hit in hits.iter().filter(|h| !h.negated || conditional(text, h.first)) {
            let share = match hit.cat {
                Cat::CancelThreat | Cat::LegalThreat => 1.0,
                Cat::RepeatedContact => 0.5,
                _ => continue,
            };
            weight += share;
            found.push(hit);
        }
        found.sort_by_key(|hit| (hit.first, hit.end));
    }
    Emotion { score: round2(1.0 - (-0.8 * weight).exp()), evidence: spans(text, found.into_iter()) }
}

fn urgency_reasons(text: &Analysed<'_>, hits: &[Hit]) -> Vec<UrgencyReason> {
    hits.iter()
        .filter(|hit| !hit.negated || conditional(text, hit.first))
        .filter_map(|hit| {
            let kind = match hit.cat {
                Cat::Deadline => UrgencyKind::Deadline,
                Cat::UrgentWord => UrgencyKind::UrgentWord,
                Cat::RepeatedContact => UrgencyKind::RepeatedContact,
                Cat::CancelThreat => UrgencyKind::CancelThreat,
                Cat::LegalThreat => UrgencyKind::LegalThreat,
                Cat::MoneyLost => UrgencyKind::MoneyLost,
                Cat::BusinessStopped => UrgencyKind::BusinessStopped,
                _ => return None,
            };
            let span = span_of(text, hit);
            Some(UrgencyReason { kind, start: span.start, end: span.end })
        })
        .collect()
}

/// True when the sentence puts a condition before `position` ("se non risolvete, disdico"): the
/// negation belongs to the condition, not to the threat.
fn conditional(text: &Analysed<'_>, position: usize) -> bool {
    let sentence = text.tokens[position].sentence;
    text.tokens[..position]
        .iter()
        .rev()
        .take(12)
        .take_while(|t| t.sentence == sentence)
        .any(|t| matches!(t.lower.as_str(), "se" | "if" | "unless" | "altrimenti" | "otherwise" | "or"))
}

/// Greetings and discourse words that may come before the words that make a question.
const LEADING_WORDS: &[&str] = &[
    "hi", "hello", "hey", "well", "so", "and", "but", "ok", "okay", "please", "oh", "ciao", "salve", "allora",
];

/// Auxiliaries and modals that, put before their subject, make an English question ("do you",
/// "have you", "is it", "could we").
pub(crate) const AUXILIARIES: &[&str] = &[
    "do", "does", "did", "is", "are", "was", "were", "am", "have", "has", "had", "can", "could", "would",
    "will", "should", "shall", "may", "might", "must", "r",
];

/// Subjects that follow an inverted auxiliary.
const SUBJECTS: &[&str] = &[
    "you",
    "u",
    "i",
    "we",
    "they",
    "he",
    "she",
    "it",
    "there",
    "that",
    "this",
    "your",
    "anyone",
    "anybody",
    "someone",
    "somebody",
    "things",
    "everything",
    "everyone",
];

/// English wh-words that open a question when an auxiliary or a subject follows ("what do you",
/// "how long have", "why not").
pub(crate) const WH_WORDS: &[&str] =
    &["what", "how", "why", "when", "where", "which", "who", "whom", "whose"];

/// Italian interrogative words at the start of a sentence (word order does not change in Italian,
/// so the question is in the word).
const WH_IT: &[&str] = &[
    "quando", "dove", "perché", "perchè", "quanto", "quanti", "quanta", "quante", "quale", "quali", "cosa",
    "come", "chi", "cos",
];

/// Italian openings that ask without a question mark ("come mai", "sai se", "hai provato a", "ti va
/// di", "che ne pensi").
const ASKING_IT: &[&[&str]] = &[
    &["come", "mai"],
    &["sai", "se"],
    &["sa", "se"],
    &["sapete", "se"],
    &["ti", "va", "di"],
    &["le", "va", "di"],
    &["che", "ne", "pensi"],
    &["che", "ne", "pensa"],
    &["cosa", "ne", "pensi"],
    &["cosa", "ne", "pensa"],
    &["che", "ne", "dici"],
    &["che", "ne", "dice"],
    &["hai", "provato"],
    &["ha", "provato"],
    &["hai", "mai"],
    &["ha", "mai"],
    &["avete", "provato"],
    &["mi", "sai", "dire"],
    &["mi", "sa", "dire"],
];

/// Phrases that ask for information anywhere in a sentence.
const ASKING: &[&[&str]] = &[
    &["vorrei", "sapere"],
    &["volevo", "sapere"],
    &["mi", "sapete", "dire"],
    &["mi", "potete", "dire"],
    &["mi", "può", "dire"],
    &["i", "would", "like", "to", "know"],
    &["i", "d", "like", "to", "know"],
    &["i", "want", "to", "know"],
    &["i", "wonder"],
    &["i", "was", "wondering"],
    &["let", "me", "know"],
    &["can", "you", "tell", "me"],
    &["tell", "me", "how"],
    &["show", "me", "how"],
];

/// True when a sentence asks something: it ends with a question mark, or its words have the form of
/// a question without one. English: an auxiliary before its subject ("have you tried", "do you
/// think", but not "do not" or "can't"), a wh-word followed by an auxiliary or a subject ("what do
/// you", "how long have", "how about", "why not"); Italian: an interrogative word that is not a
/// statement opener ("come" and "cosa" only before a verb-like word), or a fixed asking phrase
/// ("come mai", "sai se", "ti va di"). A sentence ending in "." or "!" is only read as a question
/// for the strong English inversion.
pub(crate) fn interrogative(text: &Analysed<'_>, sentence: &crate::text::Sentence) -> bool {
    if sentence.question_mark {
        return true;
    }
    let tokens = &text.tokens[sentence.first_token..sentence.end_token];
    if tokens.len() < 2 {
        return false;
    }
    // Greetings and discourse words may open a question without a question mark ("hi how are you",
    // "well what else do you enjoy").
    let skip = tokens.iter().take_while(|t| LEADING_WORDS.contains(&t.lower.as_str())).count();
    let tokens = &tokens[skip.min(tokens.len().saturating_sub(2))..];
    let word = |i: usize| tokens.get(i).map_or("", |t| t.lower.as_str());
    let (first, second, third) = (word(0), word(1), word(2));
    let closed = text.text[sentence.start..sentence.end].trim_end().ends_with(['.', '!', '…']);
    let negated_aux = matches!(second, "t" | "not" | "n");
    let inversion = AUXILIARIES.contains(&first)
        && (SUBJECTS.contains(&second) || negated_aux && SUBJECTS.contains(&third))
        && tokens.len() >= 3;
    if inversion {
        return true;
    }
    if closed {
        return false;
    }
    // "Is the parcel lost", "can my son use it": a determiner after the auxiliary ("do the following"
    // and "have a nice day" are orders, so not after "do" or "have").
    let determined = AUXILIARIES.contains(&first)
        && !matches!(first, "do" | "does" | "did" | "have")
        && matches!(second, "the" | "my" | "our" | "his" | "her" | "their" | "any" | "a" | "an")
        && tokens.len() >= 3;
    let wh = WH_WORDS.contains(&first)
        && (AUXILIARIES.contains(&second)
            || matches!(
                second,
                "about"
                    | "not"
                    | "long"
                    | "much"
                    | "many"
                    | "often"
                    | "come"
                    | "else"
                    | "s"
                    | "kind"
                    | "other"
                    | "type"
                    | "types"
                    | "sort"
                    | "sorts"
                    | "r"
                    | "u"
            ));
    let italian =
        (WH_IT.contains(&first) && !matches!(first, "come" | "cosa" | "chi" | "cos") && tokens.len() >= 3)
            || ASKING_IT.iter().any(|phrase| {
                tokens.len() >= phrase.len() && phrase.iter().enumerate().all(|(i, w)| word(i) == *w)
            });
    determined || wh || italian
}

/// Sentences that ask something (see `interrogative`), or that ask for information in so many words
/// ("vorrei sapere", "let me know").
pub(crate) fn questions(text: &Analysed<'_>) -> Vec<Span> {
    text.sentences
        .iter()
        .filter(|sentence| {
            if interrogative(text, sentence) {
                return true;
            }
            let words: Vec<&str> = text.tokens[sentence.first_token..sentence.end_token]
                .iter()
                .map(|t| t.lower.as_str())
                .collect();
            // A customer writing "posso cambiare l'indirizzo" or "potete richiamarmi" is asking.
            let closed = text.text[sentence.start..sentence.end].trim_end().ends_with(['.', '!']);
            let asks_it = words.len() >= 3
                && !closed
                && matches!(words[0], "posso" | "possiamo" | "potete" | "potreste" | "può" | "potrebbe");
            asks_it || ASKING.iter().any(|phrase| words.windows(phrase.len()).any(|w| w == *phrase))
        })
        .map(|sentence| Span { start: sentence.start, end: sentence.end })
        .collect()
}

const CLAUSE_BREAKERS: &[&str] = &["ma", "però", "but", "and", "e", "still", "ancora", "however", "yet"];

/// "I already tried …" up to the end of the clause (a comma, a semicolon, "but", or twelve words).
fn tried(text: &Analysed<'_>, hits: &[Hit]) -> Vec<Span> {
    let mut found: Vec<Span> = Vec::new();
    for hit in of(hits, Cat::Tried).filter(|hit| !hit.negated) {
        let sentence = text.tokens[hit.first].sentence;
        let mut last = hit.end - 1;
        let limit = (hit.end + 12).min(text.tokens.len());
        for index in hit.end..limit {
            let token = &text.tokens[index];
            let gap = &text.text[text.tokens[index - 1].end..token.start];
            if token.sentence != sentence
                || gap.contains([',', ';', ':', '('])
                || CLAUSE_BREAKERS.contains(&token.lower.as_str())
            {
                break;
            }
            last = index;
        }
        let span = Span { start: text.tokens[hit.first].start, end: text.tokens[last].end };
        if found.last().is_none_or(|s| span.start >= s.end) {
            found.push(span);
        }
    }
    found
}

/// Tokens inside a sarcastic "thanks" ("thanks for nothing", "grazie tante per niente").
fn sarcastic_thanks(text: &Analysed<'_>, hits: &[Hit]) -> Vec<bool> {
    let mut sarcastic = vec![false; text.tokens.len()];
    for hit in of(hits, Cat::NotThanks) {
        sarcastic[hit.first..hit.end].iter_mut().for_each(|c| *c = true);
    }
    sarcastic
}

fn thanks(text: &Analysed<'_>, hits: &[Hit]) -> Vec<Span> {
    let sarcastic = sarcastic_thanks(text, hits);
    of(hits, Cat::Thanks)
        .filter(|hit| !hit.negated && !sarcastic[hit.first])
        .map(|hit| span_of(text, hit))
        .collect()
}
