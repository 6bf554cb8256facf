//! The reply side: one detector per skill, each turning lexicon hits and the context into findings.

use std::collections::{BTreeMap, BTreeSet};

use crate::lexicon::Cat;
use crate::matcher::{Hit, has, matcher, of};
use crate::messages::finding_text;
use crate::text::{Analysed, Kind, prefix_stem};
use crate::{
    CustomerReport, Finding, Language, ReplyContext, ReplyReport, Severity, Skill, SkillScore, Spelling,
    SpellingSummary, Target, UrgencyKind, customer, lang, readability, spelling, tone,
};

/// Words that may surround a greeting question without making it a real one ("Hi! How are you
/// doing today?").
const PHATIC_FILLERS: &[&str] = &[
    "you",
    "u",
    "ti",
    "la",
    "le",
    "vi",
    "hi",
    "hello",
    "hey",
    "there",
    "today",
    "tonight",
    "doing",
    "now",
    "this",
    "morning",
    "evening",
    "afternoon",
    "so",
    "and",
    "then",
    "dear",
    "ciao",
    "salve",
    "buongiorno",
    "buonasera",
    "oggi",
    "stasera",
    "adesso",
    "e",
    "allora",
];

/// Words that may come before a suggestion that opens a question ("So, how about…?", "E perché
/// non provi…?").
const QUESTION_OPENERS: &[&str] = &[
    "so", "well", "and", "but", "then", "ok", "okay", "also", "or", "e", "ma", "allora", "quindi", "oppure",
];

/// Tags that turn the statement before them into a question ("…, right?", "…, is that correct?").
const QUESTION_TAGS: &[&str] = &[
    "right", "correct", "yes", "no", "ok", "okay", "yeah", "true", "is", "isn", "t", "that", "it", "am", "i",
    "aren", "don", "you", "do", "did", "didn", "wasn", "was", "would", "wouldn", "innit", "eh", "huh",
];

/// Discourse openers a declarative question may start with ("Oh, so you…?", "I see, you…?").
const DECLARATIVE_OPENERS: &[&str] = &["oh", "ah", "hmm", "wow", "i", "see", "sorry", "yes", "yeah", "no"];

/// Words a first-person story may open with ("Honestly, I…", "Yeah, when I was…").
const OPENERS_FIRST_PERSON: &[&str] = &[
    "oh",
    "well",
    "yeah",
    "yes",
    "yep",
    "honestly",
    "personally",
    "actually",
    "and",
    "but",
    "so",
    "also",
    "ha",
    "haha",
    "lol",
    "wow",
];

/// Words that mark a first-person sentence as an experience shared with the reader ("too", "as
/// well", "myself") or as the writer's past.
const SHARING_MARKERS: &[&str] = &[
    "too",
    "also",
    "myself",
    "either",
    "personally",
    "same",
    "similar",
    "similarly",
    "once",
    "before",
    "used",
    "growing",
    "younger",
    "college",
    "school",
    "childhood",
    "kid",
    "ex",
    "mine",
];

/// Units after "last" that place a story in the past ("last year", "last Christmas").
const TIME_UNITS: &[&str] =
    &["year", "week", "month", "summer", "winter", "spring", "fall", "autumn", "christmas", "time", "night"];

/// Past or habitual verbs that tell a story about the writer ("I lost my job", "I was fifteen").
const NARRATIVE_VERBS: &[&str] = &[
    "was",
    "had",
    "went",
    "lost",
    "got",
    "felt",
    "did",
    "lived",
    "worked",
    "struggled",
    "failed",
    "moved",
    "left",
    "started",
    "dealt",
    "suffered",
    "experienced",
    "loved",
    "hated",
    "cried",
    "learned",
    "learnt",
    "realized",
    "realised",
    "quit",
    "grew",
    "been",
    "gone",
    "broke",
    "divorced",
    "married",
    "graduated",
    "survived",
    "recovered",
    "battled",
    "fought",
    "lived",
    "live",
    "love",
    "struggle",
    "suffer",
];

/// Verbs of the work an agent does for a customer: a first-person sentence with one reports service.
const SERVICE_VERBS: &[&str] = &[
    "checked",
    "sent",
    "forwarded",
    "refunded",
    "contacted",
    "emailed",
    "escalated",
    "processed",
    "updated",
    "issued",
    "arranged",
    "added",
    "requested",
    "confirmed",
    "reviewed",
    "noted",
    "shipped",
    "cancelled",
    "canceled",
    "attached",
    "included",
    "credited",
    "applied",
    "opened",
    "logged",
    "reset",
    "fixed",
    "resolved",
    "replaced",
    "order",
    "account",
    "ticket",
    "refund",
    "delivery",
    "parcel",
    "package",
    "invoice",
    "ordine",
    "pacco",
    "rimborso",
];

/// Words an imperative sentence may open with before its verb ("Just try…", "Maybe talk…", "So,
/// please go…").
const IMPERATIVE_OPENERS: &[&str] = &[
    "just",
    "maybe",
    "perhaps",
    "also",
    "so",
    "then",
    "please",
    "and",
    "but",
    "definitely",
    "really",
    "always",
    "sometimes",
    "first",
    "firstly",
    "next",
    "finally",
    "instead",
    "now",
    "ok",
    "okay",
    "well",
    "honestly",
    "simply",
    "still",
];

/// Verbs of advice in the base form an imperative takes.
const IMPERATIVE_VERBS: &[&str] = &[
    "try",
    "talk",
    "speak",
    "call",
    "text",
    "write",
    "go",
    "get",
    "take",
    "make",
    "find",
    "look",
    "ask",
    "tell",
    "let",
    "give",
    "keep",
    "stay",
    "stop",
    "start",
    "begin",
    "focus",
    "remember",
    "think",
    "consider",
    "avoid",
    "spend",
    "use",
    "join",
    "watch",
    "read",
    "listen",
    "set",
    "plan",
    "practice",
    "practise",
    "exercise",
    "eat",
    "sleep",
    "rest",
    "breathe",
    "relax",
    "meditate",
    "walk",
    "change",
    "learn",
    "visit",
    "contact",
    "reach",
    "seek",
    "apply",
    "check",
    "search",
    "save",
    "put",
    "leave",
    "move",
    "share",
    "reconnect",
    "distract",
    "treat",
    "allow",
    "forgive",
    "accept",
    "believe",
    "trust",
    "stand",
    "surround",
    "pursue",
    "strengthen",
    "channel",
    "express",
    "vent",
    "confront",
    "explain",
    "limit",
    "cut",
    "reduce",
    "schedule",
    "organize",
    "organise",
    "prepare",
    "study",
    "research",
    "volunteer",
    "connect",
    "celebrate",
    "remind",
    "imagine",
    "picture",
    "journal",
    "list",
    "pick",
    "choose",
    "decide",
    "wait",
    "slow",
    "ignore",
    "unplug",
    "switch",
    "lean",
    "rely",
    "confide",
    "invite",
    "cook",
    "dance",
    "play",
    "pray",
    "hug",
    "buy",
    "hire",
    "quit",
    "email",
    "message",
    "reply",
    "respond",
    "follow",
    "click",
    "restart",
    "update",
    "download",
    "install",
    "enter",
    "select",
    "fill",
    "send",
    "see",
    "approach",
    "discuss",
    "address",
    "mention",
    "figure",
    "work",
    "note",
    "sit",
    "step",
    "block",
    "delete",
    "report",
    "record",
    "document",
    "negotiate",
    "budget",
    "obey",
    "respect",
    "value",
    "cherish",
    "appreciate",
    "embrace",
    "open",
    "show",
    "help",
    "turn",
    "clear",
    "drink",
    "do",
];

/// Imperative verbs that, before "me" or "us", ask for something ("tell me more", "let us know").
const REQUEST_VERBS: &[&str] =
    &["tell", "let", "ask", "give", "send", "call", "text", "email", "message", "show", "help", "do"];

/// What may follow the verb of an imperative: objects, reflexives, prepositions and particles.
const IMPERATIVE_NEXT: &[&str] = &[
    "the",
    "a",
    "an",
    "your",
    "yourself",
    "yourselves",
    "some",
    "it",
    "them",
    "him",
    "her",
    "me",
    "us",
    "to",
    "on",
    "with",
    "about",
    "up",
    "out",
    "off",
    "down",
    "in",
    "into",
    "back",
    "for",
    "time",
    "more",
    "less",
    "care",
    "what",
    "how",
    "that",
    "this",
    "those",
    "these",
    "something",
    "someone",
    "somebody",
    "anything",
    "anyone",
    "any",
    "each",
    "every",
    "all",
    "other",
    "another",
    "our",
    "their",
    "his",
    "slowly",
    "easy",
    "away",
    "over",
    "through",
    "around",
    "at",
    "by",
    "from",
    "outside",
    "home",
    "help",
    "advantage",
    "action",
    "steps",
    "note",
    "notes",
    "things",
    "people",
    "friends",
    "family",
    "deep",
    "breaks",
    "walks",
    "positive",
    "calm",
    "busy",
    "active",
    "hydrated",
    "ahead",
    "forward",
    "one",
    "two",
    "small",
    "baby",
    "good",
    "whatever",
    "everything",
    "nothing",
    "why",
    "where",
    "when",
    "if",
    "whether",
    "track",
];

/// Adjectives after an imperative "be" that make it advice ("Be kind to yourself", "Be patient").
const BE_IMPERATIVE: &[&str] = &[
    "kind",
    "patient",
    "gentle",
    "honest",
    "open",
    "strong",
    "brave",
    "careful",
    "positive",
    "calm",
    "easy",
    "there",
    "proud",
    "good",
    "nice",
    "yourself",
    "true",
    "firm",
    "clear",
    "direct",
    "understanding",
    "supportive",
    "present",
    "mindful",
    "grateful",
    "confident",
    "assertive",
    "realistic",
    "upfront",
    "polite",
    "respectful",
];

/// Verbs that, after "can you"/"could you", ask for information or a favour rather than propose a
/// step ("can you tell me more?", "could you send the invoice?").
const INFORMATION_VERBS: &[&str] = &[
    "tell",
    "describe",
    "explain",
    "share",
    "say",
    "give",
    "send",
    "clarify",
    "elaborate",
    "confirm",
    "remember",
    "recall",
    "think",
    "imagine",
    "provide",
    "let",
    "help",
    "be",
    "please",
    "do",
    "hear",
    "see",
    "understand",
    "forward",
    "attach",
    "specify",
    "repeat",
    "believe",
    "ask",
    "answer",
];

/// Words that open a subordinate clause in which a feeling is only mentioned, not named as the
/// customer's ("if you feel", "how you feel", "what you're going through", "se ti senti").
const SUBORDINATORS: &[&str] = &[
    "if", "how", "what", "why", "when", "whenever", "whether", "where", "unless", "until", "se", "come",
    "cosa", "quando", "perché",
];

/// Most findings of one kind reported for one reply, so a bad draft stays readable.
const MAX_REPEATS: usize = 5;
const STEM_CHARS: usize = 5;

/// One customer message, analysed once.
struct CustomerView<'a> {
    text: Analysed<'a>,
    hits: Vec<Hit>,
    report: CustomerReport,
}

impl CustomerView<'_> {
    fn upset(&self) -> bool {
        let e = &self.report.emotions;
        let stakes = self.report.urgency_reasons.iter().any(|r| {
            matches!(r.kind, UrgencyKind::MoneyLost | UrgencyKind::Deadline | UrgencyKind::BusinessStopped)
        });
        e.anger.score >= 0.45
            || e.sadness.score >= 0.45
            || e.fear.score >= 0.45
            || stakes
            || self.report.sentiment <= -0.4
    }

    fn emotional(&self) -> bool {
        let e = &self.report.emotions;
        e.anger.score >= 0.5 || e.sadness.score >= 0.5 || e.fear.score >= 0.5 || !self.report.abuse.is_empty()
    }
}

/// Working state while analysing one reply.
struct Coach<'a> {
    reply: Analysed<'a>,
    hits: Vec<Hit>,
    customers: Vec<CustomerView<'a>>,
    context: &'a ReplyContext,
    language: Language,
    findings: Vec<Finding>,
    /// Computed once by `clarity`, reused by the report.
    readability: Option<crate::Readability>,
}

/// Analyses a reply draft in its context. See the crate documentation for the guarantees.
pub fn analyze_reply(reply: &str, context: &ReplyContext, spelling: Option<&Spelling>) -> ReplyReport {
    let matcher = matcher();
    let customers: Vec<CustomerView<'_>> = context
        .customer_messages
        .iter()
        .map(|message| {
            let text = Analysed::new(message);
            let hits = matcher.find(&text);
            let report = customer::report(&text, &hits, Language::It);
            CustomerView { text, hits, report }
        })
        .collect();
    let reply_text = Analysed::new(reply);
    // Ties go to the customer's language, else Italian: never to the UI language, which must not change findings.
    let fallback = customers.last().map_or(Language::It, |c| c.report.language);
    let language = lang::detect(&reply_text, fallback);
    let hits = matcher.find(&reply_text);
    let mut coach = Coach {
        reply: reply_text,
        hits,
        customers,
        context,
        language,
        findings: Vec::new(),
        readability: None,
    };
    let checked = spelling::check(&coach.reply, language, spelling);
    if coach.reply.tokens.is_empty() {
        coach.push(Skill::Clarity, Severity::Problem, "empty_reply", (0, 0), "");
    } else {
        coach.listening();
        coach.empathy();
        coach.clarity(&checked);
        coach.ownership();
        coach.why();
        coach.next_steps();
        coach.positivity();
        coach.calm();
        coach.personal();
        coach.persuasion();
    }
    coach.finish(&checked)
}

impl<'a> Coach<'a> {
    fn push(
        &mut self,
        skill: Skill,
        severity: Severity,
        code: &'static str,
        span: (usize, usize),
        argument: &str,
    ) {
        self.push_at(skill, severity, code, Target::Reply, None, span, argument);
    }

    #[allow(clippy::too_many_arguments, reason = "a flat constructor reads better than a builder here")]
    fn push_at(
        &mut self,
        skill: Skill,
        severity: Severity,
        code: &'static str,
        target: Target,
        message_index: Option<usize>,
        (start, end): (usize, usize),
        argument: &str,
    ) {
        let repeats = self.findings.iter().filter(|f| f.code == code).count();
        if repeats >= MAX_REPEATS {
            return;
        }
        let (message, suggestion) = finding_text(code, self.context.ui_language, argument);
        self.findings.push(Finding {
            skill,
            severity,
            target,
            message_index,
            start,
            end,
            message,
            suggestion,
            code,
        });
    }

    fn hit_span(&self, hit: &Hit) -> (usize, usize) {
        self.reply.span_of(hit.first, hit.end)
    }

    fn hit_text(&self, hit: &Hit) -> &'a str {
        let (start, end) = self.hit_span(hit);
        &self.reply.text[start..end]
    }

    /// The first sentence of the reply: where an opening acknowledgement or restatement belongs.
    fn opening(&self) -> (usize, usize) {
        self.reply.sentences.first().map_or((0, 0), |s| (s.start, s.end))
    }

    fn whole(&self) -> (usize, usize) {
        match (self.reply.sentences.first(), self.reply.sentences.last()) {
            (Some(first), Some(last)) => (first.start, last.end),
            _ => (0, 0),
        }
    }

    fn found(&self, cat: Cat) -> Vec<Hit> {
        of(&self.hits, cat).filter(|hit| !hit.negated).copied().collect()
    }

    fn words(&self) -> usize {
        self.reply.word_count()
    }

    /// Stems of the reply's content words.
    fn reply_stems(&self) -> BTreeSet<&str> {
        content_stems(&self.reply, 0, self.reply.tokens.len())
    }

    fn listening(&mut self) {
        let reply_stems: BTreeSet<String> = self.reply_stems().into_iter().map(str::to_string).collect();
        let mut unanswered = Vec::new();
        for (index, view) in self.customers.iter().enumerate() {
            for question in &view.report.questions {
                let (first, end) = token_range(&view.text, question.start, question.end);
                let stems = content_stems(&view.text, first, end);
                if !stems.is_empty() && !stems.iter().any(|stem| reply_stems.contains(*stem)) {
                    unanswered.push((index, question.start, question.end));
                }
            }
        }
        for (index, start, end) in unanswered {
            self.push_at(
                Skill::Listening,
                Severity::Warn,
                "unanswered_question",
                Target::Customer,
                Some(index),
                (start, end),
                "",
            );
        }
        self.restatement(&reply_stems);
        self.already_tried();
        self.vague_request();
        let restated = self.restatements().first().map(|hit| self.hit_span(hit));
        let checked = self.declarative_checks().first().copied();
        if let Some(span) = restated.into_iter().chain(checked).min() {
            self.push(Skill::Listening, Severity::Info, "good_restatement", span, "");
        }
        if let Some(question) = self.reply.sentences.iter().find(|s| customer::interrogative(&self.reply, s))
        {
            let span = (question.start, question.end);
            self.push(Skill::Listening, Severity::Info, "good_question", span, "");
        }
    }

    fn restatement(&mut self, reply_stems: &BTreeSet<String>) {
        let needs = self.customers.iter().find(|view| view.text.word_count() >= 60 || view.emotional());
        let Some(view) = needs else {
            return;
        };
        let shared = content_stems(&view.text, 0, view.text.tokens.len())
            .into_iter()
            .filter(|stem| reply_stems.contains(*stem))
            .count();
        let restated = !self.restatements().is_empty() || shared >= 3;
        if !restated {
            let span = self.opening();
            self.push(Skill::Listening, Severity::Warn, "no_restatement", span, "");
        }
    }

    fn already_tried(&mut self) {
        let mut tried_stems: BTreeSet<String> = BTreeSet::new();
        for view in &self.customers {
            for tried in &view.report.tried {
                let (first, end) = token_range(&view.text, tried.start, tried.end);
                // Skip the "I already tried" words themselves: keep what was tried.
                let from = view.hits.partition_point(|h| h.first < first);
                let marker_end = view.hits[from..]
                    .iter()
                    .take_while(|h| h.first == first)
                    .find(|h| h.cat == Cat::Tried)
                    .map_or(first, |h| h.end);
                tried_stems
                    .extend(content_stems(&view.text, marker_end, end).into_iter().map(str::to_string));
            }
        }
        if tried_stems.is_empty() || has(&self.hits, Cat::AlreadyAcknowledged) {
            return;
        }
        let suggestions: Vec<Hit> = self.found(Cat::Suggestion);
        let mut flagged_sentences = BTreeSet::new();
        for hit in suggestions {
            let sentence_index = self.reply.tokens[hit.first].sentence;
            if !flagged_sentences.insert(sentence_index) {
                continue;
            }
            let sentence = &self.reply.sentences[sentence_index];
            let matching: Vec<usize> = (sentence.first_token..sentence.end_token)
                .filter(|&i| {
                    let token = &self.reply.tokens[i];
                    is_content(token) && tried_stems.contains(prefix_stem(&token.lower, STEM_CHARS))
                })
                .collect();
            if let (Some(&first), Some(&last)) = (matching.first(), matching.last()) {
                let span = self.reply.span_of(first, last + 1);
                let words = &self.reply.text[span.0..span.1];
                self.push(Skill::Listening, Severity::Problem, "already_tried", span, words);
            }
        }
    }

    fn vague_request(&mut self) {
        let Some(last) = self.customers.last() else {
            return;
        };
        let specific = last
            .text
            .tokens
            .iter()
            .any(|t| matches!(t.kind, Kind::Number | Kind::Code | Kind::Url | Kind::Email));
        let vague = has(&last.hits, Cat::Vague) && last.text.word_count() <= 15 && !specific;
        if vague && !self.reply.sentences.iter().any(|s| self.asks(s)) {
            let span = self.opening();
            self.push(Skill::Listening, Severity::Warn, "vague_no_question", span, "");
        }
    }

    /// Restatement phrases, except those after an inverted auxiliary ("do you feel", "have you
    /// been" ask about the customer, they do not restate what the customer said), after a
    /// subordinating word ("how you feel matters") or inside an ordinary question.
    fn restatements(&self) -> Vec<Hit> {
        self.found(Cat::Restatement)
            .into_iter()
            .filter(|hit| !self.after_auxiliary(hit) && !self.subordinate(hit) && !self.inside_question(hit))
            .collect()
    }

    /// The hit follows an inverted auxiliary: "[Do] you feel…", "how [do] you feel", "so [have] you
    /// been…": the auxiliary opens the sentence or follows a wh-word or an opener. "The problem is
    /// you feel…" and "you will, you seem…" are statements.
    fn after_auxiliary(&self, hit: &Hit) -> bool {
        let Some(auxiliary) = hit.first.checked_sub(1) else {
            return false;
        };
        let tokens = &self.reply.tokens;
        let sentence = tokens[hit.first].sentence;
        if tokens[auxiliary].sentence != sentence
            || !customer::AUXILIARIES.contains(&tokens[auxiliary].lower.as_str())
        {
            return false;
        }
        let before = auxiliary.checked_sub(1).map(|i| &tokens[i]).filter(|t| t.sentence == sentence);
        before.is_none_or(|t| {
            let word = t.lower.as_str();
            customer::WH_WORDS.contains(&word) || QUESTION_OPENERS.contains(&word)
        })
    }

    /// English declarative questions about the customer: a statement about "you" said as a question
    /// ("So you didn't have time to study?", "You're worried about the move, right?"). The word order
    /// of a statement with a question mark asks the customer to confirm what was understood, so it
    /// restates. The clause before a tag ("right?", "correct?") is the one read; a clause that opens
    /// with an auxiliary or a wh-word is an ordinary question. Italian word order does not mark
    /// questions, so only English replies are read.
    fn declarative_checks(&self) -> Vec<(usize, usize)> {
        self.reply.sentences.iter().filter_map(|sentence| self.declarative(sentence)).collect()
    }

    /// The span of a sentence that is a declarative question about the customer (see
    /// `declarative_checks`), or `None`.
    fn declarative(&self, sentence: &crate::text::Sentence) -> Option<(usize, usize)> {
        if self.language != Language::En || !sentence.question_mark {
            return None;
        }
        let tokens = &self.reply.tokens;
        let (first, end) = (sentence.first_token, sentence.end_token);
        let clause_start = |to: usize| {
            (first..to)
                .rev()
                .find(|&i| {
                    i > first
                        && self.reply.text[tokens[i - 1].end..tokens[i].start].contains([',', ';', ':', '-'])
                })
                .unwrap_or(first)
        };
        let mut from = clause_start(end);
        let tag = (from..end).all(|i| QUESTION_TAGS.contains(&tokens[i].lower.as_str()));
        let mut to = end;
        if tag && from > first {
            to = from;
            from = clause_start(from);
        }
        let words: Vec<&str> = (from..to)
            .map(|i| tokens[i].lower.as_str())
            .skip_while(|w| QUESTION_OPENERS.contains(w) || DECLARATIVE_OPENERS.contains(w))
            .collect();
        let opening = *words.first()?;
        let about_you = words.iter().any(|w| matches!(*w, "you" | "your" | "yourself"));
        let statement =
            matches!(opening, "you" | "your" | "it" | "that" | "this" | "she" | "he" | "they" | "there")
                && !customer::AUXILIARIES.contains(&words.get(1).copied().unwrap_or(""));
        (about_you && statement && words.len() >= 4).then(|| (tokens[from].start, sentence.end))
    }

    /// The hit lies inside an ordinary question, past its opening words: "Is there something that
    /// happened to make you feel this way?" asks, it neither restates nor names a feeling. A
    /// declarative question ("So you feel left out?") is not ordinary: it checks what was understood.
    fn inside_question(&self, hit: &Hit) -> bool {
        let tokens = &self.reply.tokens;
        let sentence = &self.reply.sentences[tokens[hit.first].sentence];
        // The clause the hit is in starts after the last comma, semicolon or colon before it: a tag
        // such as "…, is that right?" opens its own clause.
        let clause = (sentence.first_token + 1..=hit.first)
            .rev()
            .find(|&i| self.reply.text[tokens[i - 1].end..tokens[i].start].contains([',', ';', ':']))
            .unwrap_or(sentence.first_token);
        let opens = (clause..hit.first).all(|i| QUESTION_OPENERS.contains(&tokens[i].lower.as_str()));
        customer::interrogative(&self.reply, sentence) && self.declarative(sentence).is_none() && !opens
    }

    /// A sentence that asks something specific enough to clarify a request: interrogative, and not
    /// a greeting or service-opening formula ("How are you today?", "How can I help you?"), which is
    /// a `Phatic` phrase plus at most a few filler words. Such a formula is still an open question
    /// (`good_question`), but it does not clarify a vague request.
    fn asks(&self, sentence: &crate::text::Sentence) -> bool {
        if !customer::interrogative(&self.reply, sentence) {
            return false;
        }
        let (first, end) = (sentence.first_token, sentence.end_token);
        let phatic = of(&self.hits, Cat::Phatic).find(|hit| hit.first >= first && hit.end <= end);
        let Some(phatic) = phatic else {
            return true;
        };
        let filler = |i: usize| {
            let token = &self.reply.tokens[i];
            !token.is_word() || PHATIC_FILLERS.contains(&token.lower.as_str())
        };
        !((first..phatic.first).all(filler) && (phatic.end..end).all(filler))
    }

    /// Feelings named: a feeling word said of the customer in a statement ("you seem exhausted", "it
    /// sounds like you're feeling left out"), and restatements that name a feeling later in the same
    /// sentence ("it sounds like this loneliness is getting to you"), spanning both. Not after an
    /// inverted auxiliary ("do you feel…?" asks) nor inside a clause opened by "if", "how", "what"
    /// ("if you feel sad", "tell me how you feel": no feeling is named).
    fn reflections(&self) -> Vec<Hit> {
        let mut found: Vec<Hit> = self
            .found(Cat::Reflection)
            .into_iter()
            .filter(|hit| !self.after_auxiliary(hit) && !self.subordinate(hit) && !self.inside_question(hit))
            .collect();
        let feelings = self.found(Cat::Feeling);
        for restatement in self.restatements() {
            if self.subordinate(&restatement) {
                continue;
            }
            let sentence = self.reply.tokens[restatement.first].sentence;
            let feeling = feelings
                .iter()
                .copied()
                .find(|f| f.first >= restatement.end && self.reply.tokens[f.first].sentence == sentence);
            if let Some(feeling) = feeling {
                found.push(Hit {
                    cat: Cat::Reflection,
                    first: restatement.first,
                    end: feeling.end,
                    negated: false,
                });
            }
        }
        found.sort_by_key(|hit| (hit.first, hit.end));
        found
    }

    /// Sympathy: sorrow, concern or warmth for what happened ("I'm so sorry to hear that", "that
    /// must be hard", "oh no"). "Do you feel…?" asks about the feeling; it does not acknowledge it.
    fn sympathies(&self) -> Vec<Hit> {
        self.found(Cat::EmpathyAck)
            .into_iter()
            .filter(|hit| self.reply.tokens[hit.first].lower != "you" || !self.after_auxiliary(hit))
            .collect()
    }

    /// Validation: the feeling or the reaction is understandable, normal, shared by anyone ("that's
    /// understandable", "anyone would be upset", "break-ups can be so hard"). A "can be hard" inside
    /// a sympathy phrase ("that can be hard") is the sympathy.
    fn validations(&self) -> Vec<Hit> {
        let sympathies = self.sympathies();
        self.found(Cat::Validation)
            .into_iter()
            .filter(|hit| !sympathies.iter().any(|s| s.first <= hit.first && hit.end <= s.end))
            .filter(|hit| !self.subordinate(hit))
            .collect()
    }

    /// Experiences of one's own: the sharing phrases ("I've been there", "same here") and sentences
    /// told in the first person about the writer's own life, marked as shared or as past ("I lost my
    /// job last year too", "When I was in school I had the same fear", "My mother was ill as well").
    /// Sentences about what the writer does for the customer ("I have also checked your order", "I'll
    /// call the courier") are service, not a story, and are left out.
    fn relatings(&self) -> Vec<Hit> {
        let mut found = self.found(Cat::SharedExperience);
        let tokens = &self.reply.tokens;
        for sentence in &self.reply.sentences {
            let (first, end) = (sentence.first_token, sentence.end_token);
            let words: Vec<&str> = (first..end).map(|i| tokens[i].lower.as_str()).collect();
            let skip = words.iter().take_while(|w| OPENERS_FIRST_PERSON.contains(w)).count();
            let Some(&subject) = words.get(skip) else {
                continue;
            };
            let verb = words.get(skip + 1).copied().unwrap_or("");
            let first_person = matches!(subject, "i" | "my" | "me" | "mine" | "myself")
                || (matches!(subject, "when" | "as") && matches!(verb, "i" | "a" | "an"));
            if !first_person || customer::interrogative(&self.reply, sentence) {
                continue;
            }
            let verb_after_i = if verb == "m" || verb == "ve" || verb == "d" || verb == "ll" {
                words.get(skip + 2).copied().unwrap_or("")
            } else {
                verb
            };
            let serving = words.iter().any(|w| SERVICE_VERBS.contains(w))
                || (subject == "i"
                    && matches!(verb, "will" | "ll" | "can" | "could" | "d" | "would" | "shall"))
                || (subject == "i"
                    && matches!(verb_after_i, "going" | "happy" | "glad" | "here" | "sorry" | "sure"));
            let about_you = words.iter().any(|w| matches!(*w, "you" | "your" | "yours"));
            let shared = words.iter().enumerate().any(|(i, w)| {
                SHARING_MARKERS.contains(w)
                    || (*w == "ago" && i > 0)
                    || (*w == "when" && words.get(i + 1) == Some(&"i"))
                    || (*w == "last" && words.get(i + 1).is_some_and(|n| TIME_UNITS.contains(n)))
            });
            let narrative = !about_you && subject == "i" && NARRATIVE_VERBS.contains(&verb_after_i);
            if !serving && (shared || narrative) {
                found.push(Hit { cat: Cat::SharedExperience, first, end, negated: false });
            }
        }
        found.sort_by_key(|hit| (hit.first, hit.end));
        found
    }

    /// The hit sits in a clause opened by a subordinating word right before it ("if you feel",
    /// "how you feel", "what you're going through"): it describes no one's actual feeling.
    fn subordinate(&self, hit: &Hit) -> bool {
        let Some(previous) = hit.first.checked_sub(1).map(|i| &self.reply.tokens[i]) else {
            return false;
        };
        previous.sentence == self.reply.tokens[hit.first].sentence
            && SUBORDINATORS.contains(&previous.lower.as_str())
    }

    /// Reassurance and encouragement. In a short closing turn ("You're welcome, good luck!") the
    /// wishes and the "no worries" that answer thanks are the farewell ritual, not reassurance; so are
    /// the wish words of a festive greeting or a "hope this helps" (`Cat::Ritual`), in any turn.
    fn reassurances(&self) -> Vec<Hit> {
        let rituals = self.found(Cat::Ritual);
        let ritual = |hit: &Hit| rituals.iter().any(|r| r.first <= hit.first && hit.end <= r.end);
        let closings = self.found(Cat::Closing);
        let closing_turn = !closings.is_empty() && self.words() <= 30;
        let inside_closing = |hit: &Hit| closings.iter().any(|c| c.first <= hit.first && hit.first < c.end);
        // "Walking is a great way to clear your head" proposes; the praise inside it is the proposal's.
        let suggestions = self.found(Cat::Suggestion);
        let proposed = |hit: &Hit| suggestions.iter().any(|s| s.first <= hit.first && hit.end <= s.end);
        let mut found: Vec<Hit> = self
            .found(Cat::Reassurance)
            .into_iter()
            .filter(|hit| !(proposed(hit) || ritual(hit) || closing_turn && inside_closing(hit)))
            .collect();
        if !closing_turn {
            found.extend(self.found(Cat::Wish).into_iter().filter(|hit| !ritual(hit)));
        }
        found.sort_by_key(|hit| (hit.first, hit.end));
        found
    }

    /// Suggestions that propose something: not the words of an encouragement ("you can do this",
    /// "you can get through this" are reassurance), and, inside a question, only a suggestion that
    /// opens it ("have you considered…?", "how about…?"); "do you have someone you can talk to?"
    /// explores, it does not propose.
    fn proposals(&self) -> Vec<Hit> {
        let encouragements: Vec<Hit> = self
            .hits
            .iter()
            .filter(|h| matches!(h.cat, Cat::Reassurance | Cat::Wish) && !h.negated)
            .copied()
            .collect();
        let mut found: Vec<Hit> = self.found(Cat::Suggestion);
        found.extend(self.imperatives());
        found.extend(self.proposing_questions());
        found.sort_by_key(|hit| (hit.first, hit.end));
        let mut found: Vec<Hit> = found
            .into_iter()
            .filter(|hit| !encouragements.iter().any(|r| r.first <= hit.first && hit.end <= r.end))
            .filter(|hit| {
                let sentence = &self.reply.sentences[self.reply.tokens[hit.first].sentence];
                !customer::interrogative(&self.reply, sentence)
                    || (sentence.first_token..hit.first)
                        .all(|i| QUESTION_OPENERS.contains(&self.reply.tokens[i].lower.as_str()))
            })
            .collect();
        // Inside a question, a proposing clause proposes wherever it is ("Do you have anyone you could
        // talk to?").
        found.extend(self.found(Cat::ProposingClause).into_iter().filter(|hit| {
            let sentence = &self.reply.sentences[self.reply.tokens[hit.first].sentence];
            customer::interrogative(&self.reply, sentence)
        }));
        found.sort_by_key(|hit| (hit.first, std::cmp::Reverse(hit.end)));
        found
    }

    /// Imperatives of advice: a sentence that opens with a verb of advice in its base form, followed
    /// by what an imperative takes (an object, a preposition, a particle: "Talk to her", "Take a
    /// walk", "Be kind to yourself", "Don't stay in bed all day"). A noun reading of the same word
    /// ("Change is hard", "Walks help") has none of those after it. Requests for information ("tell
    /// me", "let us know") and formulas ("have a nice day", "feel free") are not advice. The hit
    /// spans the verb (and a "don't" before it).
    fn imperatives(&self) -> Vec<Hit> {
        let tokens = &self.reply.tokens;
        let mut found = Vec::new();
        for sentence in &self.reply.sentences {
            let (first, end) = (sentence.first_token, sentence.end_token);
            let mut index = first;
            while index < end && IMPERATIVE_OPENERS.contains(&tokens[index].lower.as_str()) {
                index += 1;
            }
            let start = index;
            let negative = |i: usize| {
                i + 1 < end
                    && matches!(
                        (tokens[i].lower.as_str(), tokens[i + 1].lower.as_str()),
                        ("don", "t") | ("do", "not")
                    )
            };
            if negative(index) {
                index += 2;
            }
            if index + 1 >= end {
                continue;
            }
            let (verb, next) = (tokens[index].lower.as_str(), tokens[index + 1].lower.as_str());
            let advice = if verb == "be" {
                BE_IMPERATIVE.contains(&next)
            } else {
                IMPERATIVE_VERBS.contains(&verb)
                    && IMPERATIVE_NEXT.contains(&next)
                    && !(REQUEST_VERBS.contains(&verb) && matches!(next, "me" | "us"))
            };
            if advice {
                found.push(Hit { cat: Cat::Suggestion, first: start, end: index + 1, negated: false });
            }
        }
        found
    }

    /// Questions that propose by their form: opening with "maybe"/"perhaps"/"magari" ("Maybe a
    /// walk after dinner?"), or asking whether the person can do something ("Could you meet them
    /// outside?", "Can you see your doctor?") with a verb that is not a request for information
    /// ("can you tell me", "could you send"). The hit spans the opening words.
    fn proposing_questions(&self) -> Vec<Hit> {
        let mut found = Vec::new();
        for sentence in &self.reply.sentences {
            let (first, end) = (sentence.first_token, sentence.end_token);
            let skip = (first..end)
                .take_while(|&i| QUESTION_OPENERS.contains(&self.reply.tokens[i].lower.as_str()))
                .count();
            let lower = |k: usize| {
                let index = first + skip + k;
                if index < end { self.reply.tokens[index].lower.as_str() } else { "" }
            };
            if end - first < 2 || !customer::interrogative(&self.reply, sentence) {
                continue;
            }
            let opening = if matches!(lower(0), "maybe" | "perhaps" | "magari") {
                Some(1)
            } else if matches!(lower(0), "could" | "can") && lower(1) == "you" {
                let verb = if matches!(lower(2), "perhaps" | "maybe" | "possibly" | "also" | "not" | "t") {
                    lower(3)
                } else {
                    lower(2)
                };
                (!verb.is_empty() && !INFORMATION_VERBS.contains(&verb)).then_some(3)
            } else {
                None
            };
            if let Some(length) = opening {
                let end = (first + skip + length).min(end);
                found.push(Hit { cat: Cat::Suggestion, first: first + skip, end, negated: false });
            }
        }
        found
    }

    fn empathy(&mut self) {
        let reflections = self.reflections();
        let sympathies = self.sympathies();
        let validations = self.validations();
        let acknowledged = !reflections.is_empty() || !sympathies.is_empty() || !validations.is_empty();
        let upset = self.customers.iter().any(CustomerView::upset);
        if upset && !acknowledged {
            match self.found(Cat::FormulaicApology).first() {
                Some(hit) => {
                    let (span, words) = (self.hit_span(hit), self.hit_text(hit));
                    self.push(Skill::Empathy, Severity::Warn, "formulaic_apology", span, words);
                }
                None => {
                    let span = self.opening();
                    self.push(Skill::Empathy, Severity::Problem, "no_empathy", span, "");
                }
            }
        }
        let strengths = [
            ("good_reflection", reflections.first().copied()),
            ("good_empathy", sympathies.first().copied()),
            ("good_validation", validations.first().copied()),
            ("good_reassurance", self.reassurances().first().copied()),
            ("good_relating", self.relatings().first().copied()),
        ];
        for (code, hit) in strengths {
            if let Some(hit) = hit {
                let span = self.hit_span(&hit);
                self.push(Skill::Empathy, Severity::Info, code, span, "");
            }
        }
    }

    fn clarity(&mut self, checked: &spelling::Checked) {
        let readability = readability::readability(&self.reply, self.language);
        let (words, index) = (readability.words, readability.index);
        self.readability = Some(readability);
        if words >= 25
            && let Some(index) = index
        {
            let (warn, problem) = match self.language {
                Language::It => (50.0, 40.0),
                Language::En => (50.0, 30.0),
            };
            let severity = if index < problem {
                Some(Severity::Problem)
            } else {
                (index < warn).then_some(Severity::Warn)
            };
            if let Some(severity) = severity {
                let span = self.whole();
                self.push(Skill::Clarity, severity, "hard_to_read", span, &format!("{index:.0}"));
            }
        }
        let limit = match self.language {
            Language::It => 35,
            Language::En => 30,
        };
        let long: Vec<(usize, usize, usize)> = self
            .reply
            .sentences
            .iter()
            .map(|s| {
                (
                    s.start,
                    s.end,
                    self.reply.tokens[s.first_token..s.end_token].iter().filter(|t| t.is_word()).count(),
                )
            })
            .filter(|&(_, _, words)| words > limit)
            .collect();
        for (start, end, words) in long {
            self.push(Skill::Clarity, Severity::Warn, "long_sentence", (start, end), &words.to_string());
        }
        for hit in self.found(Cat::Bureaucratic) {
            let (span, words) = (self.hit_span(&hit), self.hit_text(&hit));
            self.push(Skill::Clarity, Severity::Warn, "bureaucratic", span, words);
        }
        for hit in self.found(Cat::Wordy) {
            let (span, words) = (self.hit_span(&hit), self.hit_text(&hit));
            self.push(Skill::Clarity, Severity::Info, "wordy", span, words);
        }
        for &index in &checked.misspelled {
            let token = &self.reply.tokens[index];
            // An apostrophe-less contraction ("dont") is flagged as the whole word.
            let end = match self.reply.tokens.get(index + 1) {
                Some(next) if token.unapostrophed && next.unapostrophed && next.start == token.end => {
                    next.end
                }
                _ => token.end,
            };
            let (span, word) = ((token.start, end), &self.reply.text[token.start..end]);
            self.push(Skill::Clarity, Severity::Warn, "misspelled", span, word);
        }
        let words = self.words();
        if words > 300 {
            let span = self.whole();
            self.push(Skill::Clarity, Severity::Info, "too_long", span, &words.to_string());
        }
    }

    fn ownership(&mut self) {
        for hit in self.found(Cat::Deflection) {
            let (span, words) = (self.hit_span(&hit), self.hit_text(&hit));
            self.push(Skill::Ownership, Severity::Problem, "deflection", span, words);
        }
        for hit in self.found(Cat::Blame) {
            let (span, words) = (self.hit_span(&hit), self.hit_text(&hit));
            self.push(Skill::Ownership, Severity::Problem, "blame", span, words);
        }
        match self.found(Cat::Commitment).first() {
            Some(hit) => {
                let span = self.hit_span(hit);
                self.push(Skill::Ownership, Severity::Info, "good_commitment", span, "");
            }
            None if self.words() >= 15 => {
                let span = self.opening();
                self.push(Skill::Ownership, Severity::Info, "no_commitment", span, "");
            }
            None => {}
        }
    }

    /// Refusals that are not part of an acknowledgement: in "I can't imagine how hard that must be"
    /// or "non posso immaginare quanto sia dura" the "I can't" measures how much the writer feels for
    /// the person; it refuses nothing, and needs neither a reason nor an alternative.
    fn refusals(&self) -> Vec<Hit> {
        let acknowledgements: Vec<Hit> = self
            .hits
            .iter()
            .filter(|h| matches!(h.cat, Cat::EmpathyAck | Cat::Reflection | Cat::Validation) && !h.negated)
            .copied()
            .collect();
        self.found(Cat::Refusal)
            .into_iter()
            .filter(|r| !acknowledgements.iter().any(|a| a.first < r.end && r.first < a.end))
            .collect()
    }

    fn why(&mut self) {
        for hit in self.found(Cat::NonReason) {
            let (span, words) = (self.hit_span(&hit), self.hit_text(&hit));
            self.push(Skill::Why, Severity::Problem, "non_reason", span, words);
        }
        if has(&self.hits, Cat::Reason) || has(&self.hits, Cat::NonReason) {
            return;
        }
        let refusals = self.refusals();
        let limit = self
            .hits
            .iter()
            .filter(|hit| hit.cat == Cat::Change && !hit.negated)
            .chain(&refusals)
            .min_by_key(|hit| (hit.first, hit.end, hit.cat))
            .copied();
        if let Some(hit) = limit {
            let (span, words) = (self.hit_span(&hit), self.hit_text(&hit));
            self.push(Skill::Why, Severity::Warn, "refusal_without_reason", span, words);
        }
    }

    fn next_steps(&mut self) {
        let actions: Vec<Hit> = self
            .hits
            .iter()
            .filter(|h| matches!(h.cat, Cat::Action | Cat::Commitment) && !h.negated)
            .copied()
            .collect();
        let suggestions = self.found(Cat::Suggestion);
        if actions.is_empty() && suggestions.is_empty() && self.words() >= 12 {
            let span = self.opening();
            self.push(Skill::NextSteps, Severity::Warn, "no_next_step", span, "");
        }
        let precise = has(&self.hits, Cat::Timing);
        let topic_in_reply = self.found(Cat::ReturnTopic).first().copied();
        let topic_in_customer = self.customers.last().is_some_and(|c| has(&c.hits, Cat::ReturnTopic));
        if !precise && (topic_in_reply.is_some() || topic_in_customer) {
            let span = topic_in_reply.map_or_else(|| self.opening(), |hit| self.hit_span(&hit));
            self.push(Skill::NextSteps, Severity::Warn, "no_timing", span, "");
        }
        if !precise && let Some(hit) = self.found(Cat::VagueTiming).first() {
            let (span, words) = (self.hit_span(hit), self.hit_text(hit));
            self.push(Skill::NextSteps, Severity::Info, "vague_timing", span, words);
        }
        if let Some(hit) = actions.first() {
            let span = self.hit_span(hit);
            self.push(Skill::NextSteps, Severity::Info, "good_next_step", span, "");
        }
        if let Some(hit) = self.proposals().first() {
            let span = self.hit_span(hit);
            self.push(Skill::NextSteps, Severity::Info, "good_suggestion", span, "");
        }
    }

    fn positivity(&mut self) {
        let refusals = self.refusals();
        let mut refused = vec![false; self.reply.tokens.len()];
        for refusal in &refusals {
            refused[refusal.first..refusal.end].iter_mut().for_each(|c| *c = true);
        }
        let overlaps = |hit: &Hit| refused[hit.first..hit.end].iter().any(|&c| c);
        let can_do = self.found(Cat::CanDo).iter().any(|hit| !overlaps(hit))
            || self.found(Cat::Suggestion).iter().any(|hit| !overlaps(hit));
        if !can_do && let Some(hit) = refusals.first() {
            let (span, words) = (self.hit_span(hit), self.hit_text(hit));
            self.push(Skill::Positivity, Severity::Warn, "only_negative", span, words);
        }
        let last_commitment = self.found(Cat::Commitment).last().map(|c| c.first);
        for hit in self.found(Cat::Apathy) {
            let followed_up = last_commitment.is_some_and(|c| c > hit.first);
            let single_word =
                hit.end - hit.first == 1 && matches!(self.reply.tokens[hit.first].lower.as_str(), "capita");
            if !followed_up && !single_word {
                let (span, words) = (self.hit_span(&hit), self.hit_text(&hit));
                self.push(Skill::Positivity, Severity::Warn, "apathy", span, words);
            }
        }
    }

    fn calm(&mut self) {
        for (start, end) in shouting_runs(&self.reply) {
            let words = &self.reply.text[start..end];
            self.push(Skill::Calm, Severity::Warn, "shouting_caps", (start, end), words);
        }
        for (start, end) in exclamation_runs(self.reply.text) {
            let marks = &self.reply.text[start..end];
            self.push(Skill::Calm, Severity::Warn, "exclamations", (start, end), marks);
        }
        for hit in self.found(Cat::AlreadySaid) {
            let (span, words) = (self.hit_span(&hit), self.hit_text(&hit));
            self.push(Skill::Calm, Severity::Problem, "already_said", span, words);
        }
        for hit in self.found(Cat::Sarcasm) {
            let severity = if hit.end - hit.first >= 2 { Severity::Warn } else { Severity::Info };
            let (span, words) = (self.hit_span(&hit), self.hit_text(&hit));
            self.push(Skill::Calm, severity, "sarcasm", span, words);
        }
        let courtesy = tone::courtesy_of(&self.reply, &self.hits);
        let softened = courtesy.markers.iter().any(|m| m.kind.weight() > 0.3);
        if courtesy.score <= -0.5
            && !softened
            && let Some(marker) = courtesy.markers.iter().find(|m| m.kind.weight() < 0.0)
        {
            let span = (marker.start, marker.end);
            let sentence =
                self.reply.sentences.iter().find(|s| s.start <= span.0 && span.0 < s.end.max(s.start + 1));
            let span = sentence.map_or(span, |s| (s.start, s.end));
            let words = &self.reply.text[span.0..span.1];
            self.push(Skill::Calm, Severity::Info, "brusque", span, words);
        }
    }

    fn personal(&mut self) {
        for (start, end) in placeholders(self.reply.text) {
            let words = &self.reply.text[start..end];
            self.push(Skill::Personal, Severity::Problem, "placeholder", (start, end), words);
        }
        if let Some(name) = self.context.customer_name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            let parts: Vec<String> = name
                .split(|c: char| !c.is_alphanumeric())
                .filter(|part| part.chars().count() >= 2)
                .map(str::to_lowercase)
                .collect();
            let named = self.reply.tokens.iter().any(|t| parts.contains(&t.lower));
            if !named && !parts.is_empty() {
                let span = self.opening();
                self.push(Skill::Personal, Severity::Warn, "no_name", span, name);
            }
        }
        if self.context.from_macro && self.customers.iter().any(|c| c.upset()) {
            let span = self.opening();
            self.push(Skill::Personal, Severity::Warn, "canned_emotional", span, "");
        }
    }

    fn persuasion(&mut self) {
        if has(&self.hits, Cat::Benefit) {
            return;
        }
        if let Some(hit) = self.found(Cat::Change).first() {
            let (span, words) = (self.hit_span(hit), self.hit_text(hit));
            self.push(Skill::Persuasion, Severity::Warn, "change_without_benefit", span, words);
        }
    }

    fn finish(mut self, checked: &spelling::Checked) -> ReplyReport {
        self.findings.sort_by(|a, b| {
            (a.target, a.message_index, a.start, a.skill, a.end, a.code).cmp(&(
                b.target,
                b.message_index,
                b.start,
                b.skill,
                b.end,
                b.code,
            ))
        });
        let skills: BTreeMap<Skill, SkillScore> = Skill::ALL
            .iter()
            .map(|&skill| (skill, SkillScore { score: score(&self.findings, skill) }))
            .collect();
        ReplyReport {
            language: self.language,
            skills,
            readability: match self.readability.take() {
                Some(readability) => readability,
                None => readability::readability(&self.reply, self.language),
            },
            spelling: SpellingSummary {
                enabled: checked.enabled,
                checked: checked.checked,
                misspelled: checked.misspelled.len(),
            },
            findings: self.findings,
        }
    }
}

/// 100 minus a penalty per finding: 40 for a problem, 20 for a warning, 5 for a note; strengths cost nothing.
fn score(findings: &[Finding], skill: Skill) -> u8 {
    let penalty: u32 = findings
        .iter()
        .filter(|f| f.skill == skill && !f.is_strength())
        .map(|f| match f.severity {
            Severity::Problem => 40,
            Severity::Warn => 20,
            Severity::Info => 5,
        })
        .sum();
    100u32.saturating_sub(penalty) as u8
}

fn is_content(token: &crate::text::Token) -> bool {
    let lower = token.lower.as_str();
    !token.stop_it && !token.stop_en && lower.chars().count() >= 4 && lower.chars().all(char::is_alphabetic)
}

/// Five-letter stems of the content words in `tokens[first..end]`.
fn content_stems<'t>(text: &'t Analysed<'_>, first: usize, end: usize) -> BTreeSet<&'t str> {
    text.tokens[first.min(end)..end.min(text.tokens.len())]
        .iter()
        .filter(|t| t.is_word() && is_content(t))
        .map(|t| prefix_stem(&t.lower, STEM_CHARS))
        .collect()
}

/// The tokens lying inside a byte range.
fn token_range(text: &Analysed<'_>, start: usize, end: usize) -> (usize, usize) {
    // Tokens are in text order, so both ends are binary searches (questions can be many in long text).
    let first = text.tokens.partition_point(|t| t.start < start);
    let last = text.tokens.partition_point(|t| t.end <= end);
    (first, last.max(first))
}

const ACRONYM_MAX_LETTERS: usize = 5;

/// Runs of capitalised words that read as shouting: two or more all-caps words of three letters or
/// more in a row, or one long all-caps word (short ones are usually acronyms: IVA, PDF, DHL).
fn shouting_runs(text: &Analysed<'_>) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut index = 0;
    while index < text.tokens.len() {
        let shouty = |i: usize| {
            let t = &text.tokens[i];
            t.kind == Kind::Word && t.all_caps && t.lower.chars().count() >= 3
        };
        if !shouty(index) {
            index += 1;
            continue;
        }
        let start = index;
        while index < text.tokens.len()
            && shouty(index)
            && text.tokens[index].sentence == text.tokens[start].sentence
        {
            index += 1;
        }
        let long_word = text.tokens[start].lower.chars().count() > ACRONYM_MAX_LETTERS;
        if index - start >= 2 || long_word {
            runs.push(text.span_of(start, index));
        }
    }
    runs
}

/// Runs of two or more exclamation marks (possibly mixed with question marks).
fn exclamation_runs(text: &str) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut run: Option<(usize, usize, usize)> = None;
    for (index, c) in text.char_indices() {
        let bang = matches!(c, '!' | '！');
        if bang || (run.is_some() && matches!(c, '?' | '？')) {
            let (start, _, bangs) = run.unwrap_or((index, index, 0));
            run = Some((start, index + c.len_utf8(), bangs + usize::from(bang)));
        } else if let Some((start, end, bangs)) = run.take()
            && bangs >= 2
        {
            runs.push((start, end));
        }
    }
    if let Some((start, end, bangs)) = run
        && bangs >= 2
    {
        runs.push((start, end));
    }
    runs
}

/// Unfilled template fields: `{{name}}`, `{name}`, `[NOME]`, `[CUSTOMER NAME]`, `<NAME>`, `%name%`, `XXX`.
fn placeholders(text: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        let close = match bytes[index] {
            b'{' => Some(b'}'),
            b'[' => Some(b']'),
            b'<' => Some(b'>'),
            b'%' => Some(b'%'),
            _ => None,
        };
        if let Some(close) = close
            && let Some(length) = bytes[index + 1..].iter().take(40).position(|&b| b == close)
        {
            let inner_start = index + 1;
            let mut end = inner_start + length + 1;
            // Swallow the second brace of "{{…}}".
            if bytes[index] == b'{' && bytes.get(end) == Some(&b'}') {
                end += 1;
            }
            let inner = text[inner_start..inner_start + length].trim_matches(|c| c == '{' || c == '}').trim();
            if looks_like_field(inner, bytes[index]) {
                found.push((index, end));
                index = end;
                continue;
            }
        }
        index += 1;
    }
    found.extend(
        text.match_indices("XXX")
            .chain(text.match_indices("xxx"))
            .map(|(offset, w)| (offset, offset + w.len())),
    );
    found.sort_unstable();
    // Drop fields that start inside an earlier one ("{{XXX}}" is one field).
    let mut kept: Vec<(usize, usize)> = Vec::with_capacity(found.len());
    for field in found {
        if kept.last().is_none_or(|&(_, end)| field.0 >= end) {
            kept.push(field);
        }
    }
    kept
}

fn looks_like_field(inner: &str, open: u8) -> bool {
    let letters = inner.chars().filter(|c| c.is_alphabetic()).count();
    if letters < 2 || !inner.chars().all(|c| c.is_alphanumeric() || matches!(c, ' ' | '_' | '-' | '.')) {
        return false;
    }
    let upper = inner.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase);
    let lower = inner.to_lowercase();
    let field_word = [
        "name",
        "nome",
        "cliente",
        "customer",
        "order",
        "ordine",
        "numero",
        "number",
        "agent",
        "operatore",
        "date",
        "data",
        "link",
        "email",
    ]
    .iter()
    .any(|w| lower.contains(w));
    match open {
        b'{' | b'%' => true,
        b'[' | b'<' => upper || field_word || inner.contains('_'),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_placeholders() {
        let text = "Ciao {{name}}, [NOME] e [CUSTOMER NAME], ordine <ORDER_ID> e %first_name%; vedi [qui].";
        let found: Vec<&str> = placeholders(text).iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(found, ["{{name}}", "[NOME]", "[CUSTOMER NAME]", "<ORDER_ID>", "%first_name%"]);
    }

    #[test]
    fn finds_exclamation_runs() {
        let text = "Fatto! Davvero!!! Cosa?!!";
        let found: Vec<&str> = exclamation_runs(text).iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(found, ["!!!", "!!"]);
    }
}
