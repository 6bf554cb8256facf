//! Courtesy: the politeness strategies of a request, weighted as in Danescu-Niculescu-Mizil et al. (ACL 2013).
//!
//! The weights are the signs and rough sizes that paper reports for each strategy (gratitude,
//! deference, greetings, "please", hedges and indirect requests raise politeness; direct questions,
//! "you" or "so"/"but" at the start of a sentence, factuality and negative words lower it). They are
//! general findings about English requests, not fitted to any data set of this project.
//!
//! Strategies the paper does not have (consulting the hearer, challenges, criticism, emphasis and
//! emphatic punctuation) come from the wider politeness literature (Brown and Levinson 1987;
//! Culpeper 1996 on impoliteness; Heritage 2002 on negative questions) and borrow the weight of the
//! paper's nearest strategy. Each marker is read in its context: a request form inside a wh-question
//! ("How can you…") is no request, "like" counts as positive only as the verb of liking, and an
//! insult word in a speaker's own "stupid question" is humility, not abuse.

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
    /// Asking for the hearer's opinion or advice ("What do you think?", "any suggestions?", "che ne
    /// pensa?"): it defers to the hearer's judgement, as a counterfactual modal leaves them the choice.
    Consultation,
    /// A challenge: a question that presupposes a fault of the hearer ("did you even", "is there a
    /// reason", "what's the point") or a negative question opening a sentence ("Don't you think…",
    /// "Can't you…"), which expects agreement with the speaker's view.
    Challenge,
    /// Emphatic punctuation: a run of two or more question or exclamation marks ("??", "?!", "!!").
    EmphaticPunctuation,
    /// Criticism of the hearer's question or work ("unclear", "makes no sense", "poco chiaro"), unless
    /// the speaker owns the difficulty ("unclear to me").
    Criticism,
    /// A joint action proposed to the hearer ("let's", "shall we", "maybe we could", "proviamo").
    Inclusive,
    /// An offer of further help ("Let me know if you need anything", "Feel free to ask", "Non esiti a
    /// contattarci").
    Offer,
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
            // Not features of the 2013 paper. Consulting the hearer leaves them the decision, like the
            // paper's counterfactual modal ("could/would you", 0.47); a challenge and emphatic marks
            // insist on the speaker's view, like factuality.
            CourtesyKind::Consultation => 0.47,
            CourtesyKind::Challenge => -0.38,
            CourtesyKind::EmphaticPunctuation => -0.38,
            // A judgement stated as fact about the hearer's work, so factuality's weight as well.
            CourtesyKind::Criticism => -0.38,
            // The paper's first person plural (0.08), read only in its inclusive forms.
            CourtesyKind::Inclusive => 0.08,
            // An offer closes a service message as a farewell does, so the greeting's weight.
            CourtesyKind::Offer => 0.43,
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

/// Wh-words that, opening a clause, make an indirect-request form after them part of a wh-question
/// ("How can you say that?", "Why would you do that?", "What have you tried?"): a challenge or a
/// plain question, not a conventional indirect request, which is a yes/no question about the
/// hearer's ability or will.
const WH_CLAUSE_WORDS: &[&str] = &[
    "why", "how", "what", "where", "who", "when", "which", "perché", "perchè", "come", "cosa", "dove", "chi",
];

/// How far back (in words) a wh-word may open the clause of an indirect-request form: "How many of
/// these could you…" is five words; the bound keeps the look-back constant on long texts.
const WH_REACH: usize = 10;

/// Discourse words that may stand before the real opening of a clause ("So why would you…",
/// "But don't you think…").
const DISCOURSE_WORDS: &[&str] =
    &["so", "now", "and", "but", "then", "ok", "okay", "well", "again", "quindi", "allora", "e", "ma"];

/// Tentative modals after an opening "you": a hedged suggestion ("You may want to…", "You could
/// try…"), not the statement about the hearer that the paper's second-person start captures.
const TENTATIVE_MODALS: &[&str] = &["may", "might", "could", "potresti", "potreste"];

/// Words before "like" that make it the verb of liking ("I like", "would you like", "I'd like"),
/// not the preposition ("a problem like this", "seems like").
const LIKE_SUBJECTS: &[&str] = &[
    "i", "you", "we", "they", "he", "she", "would", "d", "do", "does", "did", "really", "also", "still",
    "just", "to", "ll", "might", "will", "people",
];

/// Determiners before "kind" that make it the noun ("what kind", "this kind"), not the adjective.
const KIND_DETERMINERS: &[&str] = &[
    "what", "this", "that", "these", "those", "some", "any", "a", "the", "which", "every", "same", "other",
    "no", "one",
];

pub(crate) fn courtesy_of(text: &Analysed<'_>, hits: &[Hit]) -> Courtesy {
    let mut markers = Vec::new();
    let sentence_start = |hit: &Hit| {
        text.sentences.get(text.tokens[hit.first].sentence).and_then(|s| opening(text, s)) == Some(hit.first)
    };
    // Hits come in text order, so these token indices are sorted (binary search below).
    let consulting: Vec<usize> =
        hits.iter().filter(|hit| hit.cat == Cat::Consult && !hit.negated).map(|hit| hit.first).collect();
    let evaluations: Vec<usize> =
        hits.iter().filter(|hit| evaluation(hit.cat)).map(|hit| hit.first).collect();
    let offers: Vec<usize> = hits.iter().filter(|hit| hit.cat == Cat::Offer).map(|hit| hit.first).collect();
    let softened = softened_sentences(text, hits);
    let humble = |hit: &Hit| self_deprecating(text, &softened, hit);
    // Words read as part of a larger strategy, and so not counted again on their own: an insult word in
    // self-deprecation ("a stupid question"), a negative word inside a criticism, an apology or a
    // hedge ("sorry" is the apology, "missing" in "am I missing something" the hedge, not a second,
    // negative strategy), an indirect request inside a challenge ("is there any reason…").
    let covered = |cat: Cat| -> Vec<(usize, usize)> {
        hits.iter()
            .filter(|hit| hit.cat == cat && (cat != Cat::SelfDeprecation || humble(hit)))
            .map(|hit| (hit.first, hit.end))
            .collect()
    };
    let (belittled, criticism, challenge, apology, hedge) = (
        covered(Cat::SelfDeprecation),
        covered(Cat::Criticism),
        covered(Cat::Challenge),
        covered(Cat::Apology),
        covered(Cat::Hedge),
    );
    // The hits of one category never overlap and are in text order, so the only span that can overlap
    // a hit is the first one ending after the hit starts.
    let within = |spans: &[(usize, usize)], hit: &Hit| {
        let index = spans.partition_point(|&(_, end)| end <= hit.first);
        spans.get(index).is_some_and(|&(start, _)| start < hit.end)
    };
    for hit in hits {
        let kind = match hit.cat {
            Cat::Thanks if !hit.negated => CourtesyKind::Gratitude,
            Cat::Deference
                if (sentence_start(hit) || after_copula(text, hit.first))
                    && !hit.negated
                    && !alternative(text, hit) =>
            {
                CourtesyKind::Deference
            }
            Cat::Greeting if sentence_start(hit) => CourtesyKind::Greeting,
            // Farewells and answers to thanks ("Have a nice day", "You're welcome", "Buona giornata")
            // close a conversation as a greeting opens it.
            Cat::Closing if sentence_start(hit) && !hit.negated => CourtesyKind::Greeting,
            // "Excuse me?" alone is indignation; "Sorry?" alone asks to repeat: neither apologises.
            Cat::Apology => match alone_in_question(text, hit) {
                true if text.tokens[hit.first].lower == "excuse" => CourtesyKind::Challenge,
                true => continue,
                false => CourtesyKind::Apology,
            },
            Cat::Please if sentence_start(hit) && !presenting(text, &offers, hit) => {
                CourtesyKind::PleaseStart
            }
            Cat::Please => CourtesyKind::Please,
            Cat::Indirect if !in_wh_clause(text, hit.first) && !within(&challenge, hit) => {
                CourtesyKind::Indirect
            }
            Cat::Hedge if !kind_to_someone(text, hit.first) => CourtesyKind::Hedge,
            Cat::SelfDeprecation if humble(hit) => CourtesyKind::Hedge,
            Cat::Factuality if !intensifying(text, &evaluations, hit) => CourtesyKind::Factuality,
            Cat::Consult if !hit.negated => CourtesyKind::Consultation,
            Cat::Inclusive if !hit.negated => CourtesyKind::Inclusive,
            Cat::Offer => CourtesyKind::Offer,
            Cat::Challenge => CourtesyKind::Challenge,
            Cat::NegativeQuestion if opens_question(text, hit.first) => CourtesyKind::Challenge,
            Cat::Criticism if !hit.negated && !owned(text, hit) => CourtesyKind::Criticism,
            Cat::Pos | Cat::PosStrong if !hit.negated && evaluative(text, hit) => CourtesyKind::Positive,
            Cat::Neg | Cat::NegStrong
                if !hit.negated
                    && !within(&belittled, hit)
                    && !within(&criticism, hit)
                    && !apologised_for(text, &apology, hit)
                    && !within(&hedge, hit) =>
            {
                CourtesyKind::Negative
            }
            Cat::Abuse if !within(&belittled, hit) => CourtesyKind::Abuse,
            _ => continue,
        };
        let (start, end) = text.span_of(hit.first, hit.end);
        markers.push(CourtesyMarker { kind, start, end });
    }
    for sentence in &text.sentences {
        let Some(index) = opening(text, sentence) else {
            continue;
        };
        let first = &text.tokens[index];
        let word = first.lower.as_str();
        let next = text.tokens.get(index + 1).filter(|t| t.sentence == first.sentence);
        if let Some(marker) = or_not(text, sentence) {
            markers.push(marker);
        }
        let kind = if sentence.question_mark && DIRECT_QUESTION_WORDS.contains(&word) {
            // "What do you think?" asks for the hearer's view: consultation, not a direct question.
            if consulting.binary_search(&index).is_ok() {
                continue;
            }
            CourtesyKind::DirectQuestion
        } else if DIRECT_START_WORDS.contains(&word) {
            CourtesyKind::DirectStart
        } else if SECOND_PERSON_WORDS.contains(&word) {
            if next.is_some_and(|t| TENTATIVE_MODALS.contains(&t.lower.as_str())) {
                continue;
            }
            CourtesyKind::SecondPersonStart
        } else {
            continue;
        };
        markers.push(CourtesyMarker { kind, start: first.start, end: first.end });
    }
    markers.sort_by_key(|m| (m.start, m.end, m.kind));
    // One span, one strategy: where two strategies start on the same word, the longer reading wins
    // ("could you not" is a challenge, not "could you"), then the stronger ("thanks" is gratitude
    // more than a positive word, "No problem" assent more than a closing).
    markers.dedup_by(|later, kept| {
        if later.start != kept.start {
            return false;
        }
        let rank = |m: &CourtesyMarker| (m.end, m.kind.weight().abs());
        if rank(later) > rank(kept) {
            std::mem::swap(later, kept);
        }
        true
    });
    // Emphasis is how words are written, not a strategy, so it stays beside the words' strategy
    // ("WHY did you", "Where is it??").
    markers.extend(emphasis(text));
    markers.extend(emphatic_punctuation(text, hits));
    markers.sort_by_key(|m| (m.start, m.end, m.kind));
    let score: f32 = markers.iter().map(|m| m.kind.weight()).sum();
    Courtesy { score: crate::customer::round2(score), markers }
}

/// The token a sentence really opens with: past any leading `@name` (an address to someone, outside
/// the clause: "@Ann Hi." is a greeting, "@Ann: why…?" a direct question).
fn opening(text: &Analysed<'_>, sentence: &crate::text::Sentence) -> Option<usize> {
    let mut index = sentence.first_token;
    while index + 1 < sentence.end_token && mentioned(text, index) {
        index += 1;
    }
    (index < sentence.end_token).then_some(index)
}

/// A question closed by "or not?" ("o no?"): it demands a yes or a no, as in the 2013 paper's own
/// example of a direct start, "So can you retrieve it or not?". An embedded question ("I wanted to
/// ask if it is OK or not?", "se va bene o no") only reports one.
fn or_not(text: &Analysed<'_>, sentence: &crate::text::Sentence) -> Option<CourtesyMarker> {
    if !sentence.question_mark || sentence.end_token < sentence.first_token + 3 {
        return None;
    }
    let tokens = &text.tokens[sentence.first_token..sentence.end_token];
    if tokens.iter().any(|t| matches!(t.lower.as_str(), "if" | "whether" | "se")) {
        return None;
    }
    let (or, not) = (&text.tokens[sentence.end_token - 2], &text.tokens[sentence.end_token - 1]);
    matches!((or.lower.as_str(), not.lower.as_str()), ("or", "not") | ("o", "no") | ("o", "meno"))
        .then_some(CourtesyMarker { kind: CourtesyKind::Challenge, start: or.start, end: not.end })
}

/// True when an apology is the whole of a question ("Excuse me?", "Sorry?", "Scusi?").
fn alone_in_question(text: &Analysed<'_>, hit: &Hit) -> bool {
    let Some(sentence) = text.tokens.get(hit.first).and_then(|t| text.sentences.get(t.sentence)) else {
        return false;
    };
    sentence.question_mark && opening(text, sentence) == Some(hit.first) && sentence.end_token == hit.end
}

/// Which sentences hold an apology or a hedge; computed only when a text belittles a question,
/// since only self-deprecation asks.
fn softened_sentences(text: &Analysed<'_>, hits: &[Hit]) -> Vec<bool> {
    if !hits.iter().any(|hit| hit.cat == Cat::SelfDeprecation) {
        return Vec::new();
    }
    let mut flags = vec![false; text.sentences.len()];
    for hit in hits.iter().filter(|hit| matches!(hit.cat, Cat::Apology | Cat::Hedge)) {
        if let Some(flag) = flags.get_mut(text.tokens[hit.first].sentence) {
            *flag = true;
        }
    }
    flags
}

/// Self-deprecation counts when it is plainly about the speaker's own question: with an apology or a
/// hedge in its sentence ("Sorry if this is a stupid question", "forse è una domanda stupida"),
/// after "my", or conceding before "but" ("Dumb question, but…"). "That's a stupid question" is
/// none of these and stays abuse.
fn self_deprecating(text: &Analysed<'_>, softened: &[bool], hit: &Hit) -> bool {
    let tokens = &text.tokens;
    let sentence = tokens[hit.first].sentence;
    let mine = hit.first.checked_sub(1).is_some_and(|i| matches!(tokens[i].lower.as_str(), "my" | "mia"));
    let conceding = tokens
        .get(hit.end)
        .is_some_and(|t| t.sentence == sentence && matches!(t.lower.as_str(), "but" | "ma" | "però"));
    softened.get(sentence).copied().unwrap_or(false) || mine || conceding
}

/// True when a criticism is owned by the speaker ("unclear to me", "I'm not clear about", "sorry if
/// I was vague"): a hedge on their own understanding or wording, not a judgement of the hearer.
fn owned(text: &Analysed<'_>, hit: &Hit) -> bool {
    let sentence = text.tokens[hit.first].sentence;
    let word = |i: usize| text.tokens.get(i).filter(|t| t.sentence == sentence).map(|t| t.lower.as_str());
    let before = |n: usize| hit.first.checked_sub(n).and_then(word);
    let to_me = matches!(word(hit.end), Some("to" | "for")) && word(hit.end + 1) == Some("me");
    // "I'm not clear", "I'm being vague", "I was a bit unclear": the speaker is the subject.
    let i_am = (1..=3).any(|n| matches!(before(n), Some("m" | "am" | "was")) && before(n + 1) == Some("i"));
    to_me || i_am
}

/// How many words after an apology its object may reach ("sorry for the long delay", "ci scusiamo
/// per il grave disagio").
const APOLOGY_SCOPE: usize = 4;

/// True when a negative word is the apology itself ("sorry") or what it apologises for, a few words
/// after it in its sentence ("sorry for the delay", "scusate il ritardo"): the offence named in an
/// apology is part of the apology, not a second, negative strategy.
fn apologised_for(text: &Analysed<'_>, apologies: &[(usize, usize)], hit: &Hit) -> bool {
    let index = apologies.partition_point(|&(start, _)| start <= hit.first);
    let Some(&(_, end)) = index.checked_sub(1).and_then(|i| apologies.get(i)) else {
        return false;
    };
    if hit.first < end {
        return true;
    }
    if hit.first >= end + APOLOGY_SCOPE {
        return false;
    }
    // The object follows in the same clause: "sorry, but this is wrong" apologises for nothing.
    text.tokens[end - 1..=hit.first].windows(2).all(|pair| {
        let gap = &text.text[pair[0].end..pair[1].start];
        pair[1].sentence == pair[0].sentence
            && !gap.contains([',', ';', ':', '(', ')', '—', '–'])
            && !matches!(pair[1].lower.as_str(), "but" | "ma" | "però" | "and" | "e")
    })
}

/// True when "please" opens a presentation or an offer rather than an order ("Please find attached",
/// "Please let me know if you need anything", "Please feel free to ask"): the paper's please-start
/// is the order ("Please do not remove warnings").
fn presenting(text: &Analysed<'_>, offers: &[usize], hit: &Hit) -> bool {
    let next = text.tokens.get(hit.end).filter(|t| t.sentence == text.tokens[hit.first].sentence);
    next.is_some_and(|t| t.lower == "find" || t.lower == "trovi" || offers.binary_search(&hit.end).is_ok())
}

/// True when an assent or a compliment is one term of an alternative ("Yes or no?", "sì o no?",
/// "good or bad?"), not assent.
fn alternative(text: &Analysed<'_>, hit: &Hit) -> bool {
    text.tokens.get(hit.end).is_some_and(|t| {
        t.sentence == text.tokens[hit.first].sentence && matches!(t.lower.as_str(), "or" | "o")
    })
}

/// Words that may open a sentence before a compliment ("That's a good idea", "This is a great
/// question", "What a nice idea", "È un'ottima idea", "Che bella domanda").
const COPULA_OPENING: &[&str] = &[
    "that", "this", "it", "what", "s", "is", "was", "sounds", "seems", "looks", "a", "an", "such", "really",
    "very", "so", "pretty", "è", "un", "una", "che", "davvero", "proprio", "molto",
];

/// True when a compliment follows only a demonstrative and a copula at the start of its sentence, so
/// it still opens the sentence's judgement ("That's a good idea" as much as "Good idea").
fn after_copula(text: &Analysed<'_>, first: usize) -> bool {
    let Some(sentence) = text.tokens.get(first).and_then(|t| text.sentences.get(t.sentence)) else {
        return false;
    };
    let Some(opening) = opening(text, sentence) else {
        return false;
    };
    opening < first
        && first - opening <= 4
        && text.tokens[opening..first].iter().all(|t| COPULA_OPENING.contains(&t.lower.as_str()))
}

/// True when the token is written right after an `@` (a mention of a user).
fn mentioned(text: &Analysed<'_>, index: usize) -> bool {
    text.tokens.get(index).is_some_and(|t| text.text[..t.start].ends_with('@'))
}

/// True when the token at `first` stands in a clause opened by a wh-word (past discourse words and
/// mentions): "How can you…", "so why would you…", but not "I wonder what you could…".
fn in_wh_clause(text: &Analysed<'_>, first: usize) -> bool {
    let tokens = &text.tokens;
    let Some(token) = tokens.get(first) else {
        return false;
    };
    // Walk back to the start of the clause (the sentence start or a clause break); a clause start out
    // of reach means the form is deep in a long clause, not right after an opening wh-word.
    let mut start = first;
    while start > 0 && tokens[start - 1].sentence == token.sentence {
        let gap = &text.text[tokens[start - 1].end..tokens[start].start];
        if gap.contains([',', ';', ':', '(', ')', '—', '–']) || gap.contains(" - ") {
            break;
        }
        if first - start >= WH_REACH {
            return false;
        }
        start -= 1;
    }
    let mut index = start;
    while index < first && (DISCOURSE_WORDS.contains(&tokens[index].lower.as_str()) || mentioned(text, index))
    {
        index += 1;
    }
    index < first && WH_CLAUSE_WORDS.contains(&tokens[index].lower.as_str())
}

/// True when the token at `first` opens a question, past discourse words and mentions ("Don't you
/// think…?", "So can't you…?"); "Why don't you…?" is a suggestion formula and does not count.
fn opens_question(text: &Analysed<'_>, first: usize) -> bool {
    let tokens = &text.tokens;
    let Some(sentence) = tokens.get(first).and_then(|t| text.sentences.get(t.sentence)) else {
        return false;
    };
    if !sentence.question_mark {
        return false;
    }
    let Some(mut index) = opening(text, sentence) else {
        return false;
    };
    while index < first && DISCOURSE_WORDS.contains(&tokens[index].lower.as_str()) {
        index += 1;
    }
    index == first
}

/// Whether a positive lexicon word is used in its evaluative sense: "like" as the verb of liking,
/// "kind" as the adjective, "well" as the adverb ("works well"), not the discourse marker opening a
/// sentence ("Well, …") nor "as well".
fn evaluative(text: &Analysed<'_>, hit: &Hit) -> bool {
    if hit.end != hit.first + 1 {
        return true;
    }
    let tokens = &text.tokens;
    let sentence = tokens[hit.first].sentence;
    let previous = hit
        .first
        .checked_sub(1)
        .map(|i| &tokens[i])
        .filter(|t| t.sentence == sentence)
        .map(|t| t.lower.as_str());
    let next = tokens.get(hit.end).filter(|t| t.sentence == sentence).map(|t| t.lower.as_str());
    match tokens[hit.first].lower.as_str() {
        "like" => previous.is_some_and(|p| LIKE_SUBJECTS.contains(&p)),
        "kind" => {
            (next != Some("of") || kind_to_someone(text, hit.first))
                && !previous.is_some_and(|p| KIND_DETERMINERS.contains(&p))
        }
        "well" => previous.is_some_and(|p| p != "as"),
        _ => true,
    }
}

/// True when "kind" at `index` is followed by "of" and a person ("kind of you"): the adjective, not
/// the noun of "what kind of" nor the hedge "kind of".
fn kind_to_someone(text: &Analysed<'_>, index: usize) -> bool {
    let word = |i: usize| text.tokens.get(i).map_or("", |t| t.lower.as_str());
    word(index) == "kind"
        && word(index + 1) == "of"
        && matches!(word(index + 2), "you" | "him" | "her" | "them" | "us")
}

/// Categories that evaluate or express a feeling: "really" before one of them is a degree adverb.
fn evaluation(cat: Cat) -> bool {
    matches!(
        cat,
        Cat::Pos | Cat::PosStrong | Cat::Neg | Cat::NegStrong | Cat::Thanks | Cat::Feeling | Cat::Apology
    )
}

/// True when a factuality word is a degree adverb before an evaluation ("really hard", "really
/// helpful", "really sorry"): it intensifies the feeling, it does not insist on the facts as "Do
/// you really want…?" does.
fn intensifying(text: &Analysed<'_>, evaluations: &[usize], hit: &Hit) -> bool {
    hit.end == hit.first + 1
        && text.tokens[hit.first].lower == "really"
        && text.tokens.get(hit.end).is_some_and(|t| t.sentence == text.tokens[hit.first].sentence)
        && evaluations.binary_search(&hit.end).is_ok()
}

/// Runs of two or more question or exclamation marks ("??", "?!", "!!!") that end a word: raised
/// voice in writing. A run glued to a following word (`!!x` in code) is not counted, nor a run of
/// exclamation marks in a sentence that praises, thanks or greets ("Happy holidays!!"): that is
/// enthusiasm.
fn emphatic_punctuation(text: &Analysed<'_>, hits: &[Hit]) -> Vec<CourtesyMarker> {
    let mut found = Vec::new();
    let mut run: Option<(usize, usize, usize, bool)> = None;
    // Which sentences are warm, computed once and only if a run of exclamation marks needs it.
    let mut warm: Option<Vec<bool>> = None;
    let source = text.text;
    for (index, c) in source.char_indices().chain(std::iter::once((source.len(), ' '))) {
        if matches!(c, '?' | '!' | '？' | '！') {
            let (start, _, count, asking) = run.unwrap_or((index, index, 0, false));
            run = Some((start, index + c.len_utf8(), count + 1, asking || matches!(c, '?' | '？')));
            continue;
        }
        let Some((start, end, count, asking)) = run.take() else {
            continue;
        };
        if count < 2 || !(c.is_whitespace() || matches!(c, ')' | '"' | '\'' | '»' | '”' | '.')) {
            continue;
        }
        let sentence = text.sentences.partition_point(|s| s.start <= start).saturating_sub(1);
        let enthusiastic = !asking
            && warm.get_or_insert_with(|| warm_sentences(text, hits)).get(sentence).copied().unwrap_or(false);
        if !enthusiastic {
            found.push(CourtesyMarker { kind: CourtesyKind::EmphaticPunctuation, start, end });
        }
    }
    found
}

/// Which sentences have a positive word, thanks, a greeting or a wish.
fn warm_sentences(text: &Analysed<'_>, hits: &[Hit]) -> Vec<bool> {
    let mut flags = vec![false; text.sentences.len()];
    for hit in hits {
        if matches!(hit.cat, Cat::Pos | Cat::PosStrong | Cat::Thanks | Cat::Greeting | Cat::Wish)
            && !hit.negated
            && let Some(flag) = flags.get_mut(text.tokens[hit.first].sentence)
        {
            *flag = true;
        }
    }
    flags
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
