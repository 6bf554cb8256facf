//! The customer side: sentiment, emotions, urgency, questions, what was already tried, abuse and thanks.

use crate::lexicon::Cat;
use crate::matcher::{Hit, has, matcher, of};
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
    // Evaluative words inside a non-evaluative idiom ("e basta", "alla fine") or a sarcastic thanks
    // ("grazie per niente") count for nothing on their own.
    let evaluative: Vec<Hit>;
    let hits = if hits.iter().any(|hit| is_idiom(hit.cat)) {
        let idioms = IdiomReach::new(text, hits);
        evaluative = hits.iter().filter(|hit| !idioms.covers(hit)).copied().collect();
        evaluative.as_slice()
    } else {
        hits
    };
    let questions = questions(text);
    // A bare "grazie" closing a request is the courtesy of asking, not gratitude felt: it stays in
    // `thanks` but carries no sentiment or joy.
    let felt = felt(text, hits, !questions.is_empty());
    let felt = felt.as_deref().unwrap_or(hits);
    let moved = moved(felt);
    let anger = emotion(text, felt, &[Cat::Anger], shouting_weight(text, felt));
    // Tears are sadness unless the message praises or thanks: then they are tears of emotion.
    let sadness: &[Cat] = if moved { &[Cat::Sadness] } else { &[Cat::Sadness, Cat::Tears] };
    CustomerReport {
        language: lang::detect(text, fallback),
        sentiment: round2(sentiment(text, felt, moved)),
        emotions: Emotions {
            anger,
            sadness: emotion(text, felt, sadness, 0.0),
            fear: emotion(text, felt, &[Cat::Fear], 0.0),
            joy: emotion(text, felt, &[Cat::Joy], 0.0),
        },
        urgency: 0.0,
        urgency_reasons: urgency_reasons(text, hits),
        questions,
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

/// Where the non-evaluative idioms and sarcastic thanks of a text reach, computed once so that each
/// hit is checked in constant time.
struct IdiomReach {
    /// For each token, the furthest end of an idiom that starts before it.
    before: Vec<usize>,
    /// For each token, the furthest end of an idiom that starts on it.
    at: Vec<usize>,
}

impl IdiomReach {
    fn new(text: &Analysed<'_>, hits: &[Hit]) -> IdiomReach {
        let count = text.tokens.len();
        let mut at = vec![0; count];
        for hit in hits.iter().filter(|hit| is_idiom(hit.cat)) {
            at[hit.first] = at[hit.first].max(hit.end);
        }
        let mut before = vec![0; count];
        for index in 1..count {
            before[index] = before[index - 1].max(at[index - 1]);
        }
        IdiomReach { before, at }
    }

    /// True when `hit` lies inside a longer idiom ("basta" in "e basta").
    fn covers(&self, hit: &Hit) -> bool {
        !is_idiom(hit.cat) && (self.before[hit.first] >= hit.end || self.at[hit.first] > hit.end)
    }
}

fn is_idiom(cat: Cat) -> bool {
    matches!(cat, Cat::NotEvaluative | Cat::NotThanks)
}

/// The hits that carry feeling: all but the praise, joy and thanks read on a thanks formula that
/// closes a request ("Quando arriva il pacco? Grazie", "fatemi sapere, grazie in anticipo"). A
/// thanks followed by what it is for ("grazie per la pazienza", "grazie a voi") is felt.
fn felt(text: &Analysed<'_>, hits: &[Hit], asks: bool) -> Option<Vec<Hit>> {
    let tokens = &text.tokens;
    if !(asks || has(hits, Cat::Please)) || !has(hits, Cat::Thanks) {
        return None;
    }
    let last_sentence = tokens.last().map(|t| t.sentence);
    let mut formula = vec![false; tokens.len()];
    let formulas = of(hits, Cat::Thanks)
        .filter(|hit| {
            let word = tokens[hit.first].lower.as_str();
            let plain = word.starts_with("grazie") || word.starts_with("thank") || word == "thx";
            let next = tokens.get(hit.end).filter(|t| t.sentence == tokens[hit.first].sentence);
            let bare = next.is_none_or(|t| !matches!(t.lower.as_str(), "per" | "di" | "a" | "for" | "to"));
            let advance = next.is_some_and(|t| t.lower == "in")
                && tokens
                    .get(hit.end + 1)
                    .is_some_and(|t| matches!(t.lower.as_str(), "anticipo" | "advance"));
            plain && (bare && Some(tokens[hit.first].sentence) == last_sentence || advance)
        })
        .inspect(|hit| formula[hit.first..hit.end].iter_mut().for_each(|f| *f = true))
        .count();
    if formulas == 0 {
        return None;
    }
    let felt = hits
        .iter()
        .filter(|hit| {
            !matches!(hit.cat, Cat::Pos | Cat::PosStrong | Cat::Joy | Cat::Thanks)
                || !formula[hit.first..hit.end].iter().all(|&f| f)
        })
        .copied()
        .collect();
    Some(felt)
}

/// True when the message praises, rejoices or thanks (without negation; sarcastic thanks are already
/// gone with their idiom), so that tears in it are tears of emotion ("che bello, ho pianto").
fn moved(hits: &[Hit]) -> bool {
    hits.iter()
        .any(|hit| !hit.negated && matches!(hit.cat, Cat::Pos | Cat::PosStrong | Cat::Joy | Cat::Thanks))
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
/// (as people put their real point after the contrast), a conceded clause ("anche se", "although")
/// less. Overlapping phrases count once, longest first, with the strongest value of the same sign
/// found inside them ("siete fantastici" is thanks and strong praise). Tears count −1, or nothing
/// when the message is `moved`.
fn sentiment(text: &Analysed<'_>, hits: &[Hit], moved: bool) -> f32 {
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
                Cat::Thanks => 1.0,
                Cat::Anger | Cat::Sadness | Cat::Fear => -1.0,
                Cat::RepeatedContact | Cat::MoneyLost | Cat::BusinessStopped => -1.0,
                Cat::CancelThreat | Cat::LegalThreat => -1.5,
                // "Thanks for nothing" is a reproach.
                Cat::NotThanks => -1.0,
                Cat::Tears if !moved => -1.0,
                // Idioms and tears of emotion cover their words and count nothing.
                Cat::NotEvaluative | Cat::Tears => 0.0,
                _ => return None,
            };
            Some((hit, value))
        })
        .collect();
    strongest_inside(&mut polar);
    polar.sort_by(|a, b| {
        let length = |hit: &Hit| hit.end - hit.first;
        (length(b.0), b.1.abs(), a.0.first)
            .partial_cmp(&(length(a.0), a.1.abs(), b.0.first))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let contrasts = last_contrasts(text);
    let conceded = conceded(text);
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
        if conceded[hit.first] {
            value *= 0.5;
        }
        if scare_quoted(text, hit) {
            value *= -0.5;
        }
        // A question does not assert its evaluation ("è buona o fa male?"): half weight.
        if text.sentences.get(text.tokens[hit.first].sentence).is_some_and(|s| s.question_mark) {
            value *= 0.5;
        }
        total += value;
        mass += value.abs();
    }
    // Repeated or mixed question marks ("quando arriva??", "ma avete visto?!") are impatience and
    // indignation, not a neutral question: a weak negative cue of its own.
    if ["??", "?!", "!?"].iter().any(|run| text.text.contains(run)) {
        total -= 0.5;
        mass += 0.5;
    }
    if mass == 0.0 { 0.0 } else { (total / (mass + 1.0)).clamp(-1.0, 1.0) }
}

/// True when an evaluative word of one or two words stands alone between quotation marks ("questa
/// pubblicità così "geniale""): scare quotes distance the writer from the word, usually in irony.
fn scare_quoted(text: &Analysed<'_>, hit: &Hit) -> bool {
    if hit.end - hit.first > 2 {
        return false;
    }
    let (start, end) = text.span_of(hit.first, hit.end);
    let before = text.text[..start].chars().next_back();
    let after = text.text[end..].chars().next();
    matches!(before, Some('"' | '“' | '«')) && matches!(after, Some('"' | '”' | '»'))
}

/// Gives each polar hit the strongest value of the same sign among the hits inside its span, so that
/// the longest phrase, which wins the overlap, does not lose the strength of a word it contains.
/// `polar` is in text order (first token, then end), and phrases are a few words long, so the inner
/// scan is short.
fn strongest_inside(polar: &mut [(&Hit, f32)]) {
    let mut group = 0;
    for index in 0..polar.len() {
        let (hit, value) = polar[index];
        if polar[group].0.first != hit.first {
            group = index;
        }
        let mut strongest = value;
        for &(other, other_value) in polar[group..].iter().take_while(|(o, _)| o.first < hit.end) {
            if other.end <= hit.end && other_value * value > 0.0 && other_value.abs() > strongest.abs() {
                strongest = other_value;
            }
        }
        polar[index].1 = strongest;
    }
}

/// Concessive conjunctions: the clause they open concedes a point the writer then sets aside
/// ("anche se costa un po', è ottima"; "although it was late, it works"), so it weighs half.
const CONCESSIVES: &[&[&str]] = &[
    &["anche", "se"],
    &["sebbene"],
    &["benché"],
    &["benche"],
    &["nonostante"],
    &["malgrado"],
    &["seppure"],
    &["seppur"],
    &["although"],
    &["even", "though"],
    &["even", "if"],
    &["despite"],
];

/// For each token, whether it lies in a conceded clause: from a concessive conjunction to the next
/// comma, semicolon, colon or the end of the sentence.
fn conceded(text: &Analysed<'_>) -> Vec<bool> {
    let tokens = &text.tokens;
    let mut conceded = vec![false; tokens.len()];
    let mut index = 0;
    while index < tokens.len() {
        let opener = matches!(
            tokens[index].lower.as_str(),
            "anche"
                | "sebbene"
                | "benché"
                | "benche"
                | "nonostante"
                | "malgrado"
                | "seppure"
                | "seppur"
                | "although"
                | "even"
                | "despite"
        );
        let starts = opener
            .then(|| {
                CONCESSIVES.iter().find(|phrase| {
                    tokens.len() - index >= phrase.len()
                        && phrase.iter().enumerate().all(|(offset, word)| {
                            tokens[index + offset].lower == *word
                                && tokens[index + offset].sentence == tokens[index].sentence
                        })
                })
            })
            .flatten();
        let Some(phrase) = starts else {
            index += 1;
            continue;
        };
        let sentence = tokens[index].sentence;
        let mut end = index + phrase.len();
        while end < tokens.len()
            && tokens[end].sentence == sentence
            && !text.text[tokens[end - 1].end..tokens[end].start].contains([',', ';', ':'])
        {
            end += 1;
        }
        conceded[index..end].iter_mut().for_each(|c| *c = true);
        index = end;
    }
    conceded
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
    "profondamente",
    "decisamente",
    "infinitamente",
    "immensamente",
    "enormemente",
    "terribilmente",
    "tremendamente",
    "follemente",
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

/// An intensifier just before the hit, or the hit's word itself stretched ("bellooo", "sooo bad") or
/// in capitals ("STUPENDA"), or an exclamative "che" opening the clause ("Che squallore!").
fn intensified(text: &Analysed<'_>, first: usize) -> bool {
    let tokens = &text.tokens;
    tokens[first].elongated
        || tokens[first].all_caps && tokens[first].lower.chars().count() >= 3
        || first > 0 && {
            let previous = &tokens[first - 1];
            previous.sentence == tokens[first].sentence
                && (INTENSIFIERS.contains(&previous.lower.as_str())
                    || previous.elongated && previous.lower == "so"
                    || previous.lower == "che" && opens_clause(text, first - 1))
        }
}

/// True when token `index` opens its sentence or follows a comma, a dash or an interjection.
fn opens_clause(text: &Analysed<'_>, index: usize) -> bool {
    let tokens = &text.tokens;
    index == 0 || {
        let previous = &tokens[index - 1];
        previous.sentence != tokens[index].sentence
            || text.text[previous.end..tokens[index].start].contains([',', ';', ':', '-', '–', '.'])
            || matches!(
                previous.lower.as_str(),
                "ma" | "oh" | "ah" | "eh" | "mamma" | "mia" | "dio" | "oddio"
            )
    }
}

/// Contrast words. "Though" is left out: after a clause ("nice, though") it closes the contrast
/// rather than opening it; the concessives ("although", "anche se") have their own rule.
const CONTRASTS: &[&str] = &["ma", "però", "tuttavia", "but", "however"];

/// For each sentence, the last contrast word ("ma", "but") in it, found once per text. "Ma anche",
/// "but also" add rather than contrast ("non solo bella ma anche brava").
fn last_contrasts(text: &Analysed<'_>) -> Vec<Option<usize>> {
    let mut last = vec![None; text.sentences.len()];
    for (index, token) in text.tokens.iter().enumerate() {
        let additive = text
            .tokens
            .get(index + 1)
            .is_some_and(|next| matches!(next.lower.as_str(), "anche" | "pure" | "also"));
        if CONTRASTS.contains(&token.lower.as_str())
            && !additive
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

/// Extra anger from shouting: capitals or "!!" in a message that also carries negative words. A run
/// of marks counts as one anger word, capitals (which are also emphasis) as a little over half of one.
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
    // "!!", "??" and "?!" (exasperated repetition, indignant disbelief) raise the voice; with a
    // complaint they are anger as plainly as an anger word is.
    let bangs = ["!!", "??", "?!", "!?"].iter().any(|run| text.text.contains(run));
    (if caps >= 2 { 0.6 } else { 0.0 }) + if bangs { 1.0 } else { 0.0 }
}

fn emotion(text: &Analysed<'_>, hits: &[Hit], cats: &[Cat], extra: f32) -> Emotion {
    let mut found: Vec<&Hit> = hits.iter().filter(|hit| cats.contains(&hit.cat) && !hit.negated).collect();
    let mut weight = extra;
    for hit in &found {
        weight += if intensified(text, hit.first) { 1.5 } else { 1.0 };
    }
    if cats.len() > 1 {
        found.sort_by_key(|hit| (hit.first, hit.end));
    }
    if cats.contains(&Cat::Anger) {
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
                Cat::MoneyLost | Cat::MoneyMention => UrgencyKind::MoneyLost,
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
    &["fatemi", "sapere"],
    &["fammi", "sapere"],
    &["mi", "fate", "sapere"],
    &["mi", "fai", "sapere"],
    &["mi", "fa", "sapere"],
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
            let words = &text.tokens[sentence.first_token..sentence.end_token];
            // A customer writing "posso cambiare l'indirizzo" or "potete richiamarmi" is asking.
            let closed = text.text[sentence.start..sentence.end].trim_end().ends_with(['.', '!']);
            let asks_it = words.len() >= 3
                && !closed
                && matches!(
                    words[0].lower.as_str(),
                    "posso" | "possiamo" | "potete" | "potreste" | "può" | "potrebbe"
                );
            // Each asking phrase is tried only where one of their first words stands.
            asks_it
                || words.iter().enumerate().any(|(at, word)| {
                    matches!(
                        word.lower.as_str(),
                        "vorrei"
                            | "volevo"
                            | "mi"
                            | "i"
                            | "let"
                            | "can"
                            | "tell"
                            | "show"
                            | "fatemi"
                            | "fammi"
                    ) && ASKING.iter().any(|phrase| {
                        phrase[0] == word.lower
                            && words.len() - at >= phrase.len()
                            && phrase.iter().zip(&words[at..]).all(|(w, t)| *w == t.lower)
                    })
                })
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

/// Thanks that are not negated. Sarcastic thanks ("thanks for nothing", "grazie tante per niente")
/// are already gone with the idiom that covers them.
fn thanks(text: &Analysed<'_>, hits: &[Hit]) -> Vec<Span> {
    of(hits, Cat::Thanks).filter(|hit| !hit.negated).map(|hit| span_of(text, hit)).collect()
}
