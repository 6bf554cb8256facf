//! Finds lexicon phrases in a token stream: compiled once into a trie of words, then walked from
//! every token.
//!
//! Phrases are written in a small pattern syntax (see `lexicon`): alternatives `(a|b c|)` and
//! optional words `so?` are expanded when the lexicon is compiled, and the expanded phrases share
//! their common beginnings in the trie, so a pattern that stands for thousands of phrases costs
//! what its longest path costs; `{class}` matches one word of a named word class
//! (`frames::CLASSES`), looked up once per token; a leading `^` anchors the phrase at the start of
//! its clause (after interjections and conjunctions such as "oh", "well", "and"), a trailing `$`
//! at the end of its sentence.

use std::sync::OnceLock;

use crate::frames::CLASSES;
use crate::fxhash::FxMap;
use crate::lexicon::{Cat, LEXICON, NEGATORS};
use crate::text::{Analysed, Kind, Token, prefix_stem};

/// The id of a token whose word is in no phrase.
const UNKNOWN: u32 = u32::MAX;

/// A phrase that ends at a trie node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ending {
    cat: Cat,
    /// The phrase must open its clause (a `^` pattern).
    anchored: bool,
    /// The phrase must close its sentence (a `$` pattern): only non-words may follow it.
    closing: bool,
}

/// A trie node while the lexicon is compiled: the words that may come next, and the phrases that
/// end here. `Trie` is its frozen, compact form.
#[derive(Debug, Default)]
struct Node {
    /// Next nodes by interned word id.
    exact: FxMap<u32, u32>,
    /// Next nodes for words starting with a prefix (`arrabbiat*`).
    prefixes: Vec<(String, u32)>,
    /// Next nodes for words of a class (`{feeling}`), by class index.
    classes: Vec<(u8, u32)>,
    /// Next node for any word (`_`).
    any: Option<u32>,
    endings: Vec<Ending>,
}

/// An edge of the frozen trie other than an exact word.
#[derive(Debug, Clone, Copy)]
enum Edge {
    /// Words starting with `Trie::prefixes[index]`.
    Prefix(u32, u32),
    /// Words of a class.
    Class(u8, u32),
    /// Any word.
    Any(u32),
}

/// The trie in compact form: each node's edges and endings are a slice of one shared array
/// (`offsets[node]..offsets[node + 1]`), exact edges sorted by word id for a binary search. A node
/// costs a few bytes instead of a hash map.
#[derive(Debug, Default)]
struct Trie {
    exact_offsets: Vec<u32>,
    exact: Vec<(u32, u32)>,
    edge_offsets: Vec<u32>,
    edges: Vec<Edge>,
    ending_offsets: Vec<u32>,
    endings: Vec<Ending>,
    prefixes: Vec<Box<str>>,
}

impl Trie {
    fn freeze(nodes: Vec<Node>) -> Trie {
        let mut trie = Trie::default();
        for node in nodes {
            trie.exact_offsets.push(trie.exact.len() as u32);
            let mut exact: Vec<(u32, u32)> = node.exact.into_iter().collect();
            exact.sort_unstable();
            trie.exact.extend(exact);
            trie.edge_offsets.push(trie.edges.len() as u32);
            for (prefix, next) in node.prefixes {
                trie.edges.push(Edge::Prefix(trie.prefixes.len() as u32, next));
                trie.prefixes.push(prefix.into_boxed_str());
            }
            trie.edges.extend(node.classes.into_iter().map(|(class, next)| Edge::Class(class, next)));
            trie.edges.extend(node.any.map(Edge::Any));
            trie.ending_offsets.push(trie.endings.len() as u32);
            trie.endings.extend(node.endings);
        }
        trie.exact_offsets.push(trie.exact.len() as u32);
        trie.edge_offsets.push(trie.edges.len() as u32);
        trie.ending_offsets.push(trie.endings.len() as u32);
        trie.shrink();
        trie
    }

    fn shrink(&mut self) {
        self.exact_offsets.shrink_to_fit();
        self.exact.shrink_to_fit();
        self.edge_offsets.shrink_to_fit();
        self.edges.shrink_to_fit();
        self.ending_offsets.shrink_to_fit();
        self.endings.shrink_to_fit();
        self.prefixes.shrink_to_fit();
    }

    fn slice<'s, T>(offsets: &[u32], items: &'s [T], node: u32) -> &'s [T] {
        let node = node as usize;
        match (offsets.get(node), offsets.get(node + 1)) {
            (Some(&from), Some(&to)) => &items[from as usize..to as usize],
            _ => &[],
        }
    }

    fn exact_child(&self, node: u32, id: u32) -> Option<u32> {
        let edges = Trie::slice(&self.exact_offsets, &self.exact, node);
        edges.binary_search_by_key(&id, |&(word, _)| word).ok().map(|index| edges[index].1)
    }

    fn edges(&self, node: u32) -> &[Edge] {
        Trie::slice(&self.edge_offsets, &self.edges, node)
    }

    fn endings(&self, node: u32) -> &[Ending] {
        Trie::slice(&self.ending_offsets, &self.endings, node)
    }
}

/// The compiled lexicon: every exact phrase word interned to an id, every phrase a path in a trie.
#[derive(Debug)]
pub(crate) struct Matcher {
    /// The trie while it is built; empty once frozen into `trie`.
    nodes: Vec<Node>,
    trie: Trie,
    ids: FxMap<String, u32>,
    /// Whether each word id is a negator.
    negator: Vec<bool>,
    /// The root's prefix children, keyed by their first three chars (the root has hundreds).
    root_prefixes: FxMap<String, Vec<(String, u32)>>,
    /// The word classes each word id belongs to, one bit per class.
    class_of_id: Vec<u64>,
    /// Class members written as prefixes (`trist*`), keyed by their first three chars.
    class_prefixes: FxMap<String, Vec<(String, u64)>>,
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
const ROOT: u32 = 0;

/// The shared compiled lexicon; immutable after its first use.
pub(crate) fn matcher() -> &'static Matcher {
    static MATCHER: OnceLock<Matcher> = OnceLock::new();
    MATCHER.get_or_init(Matcher::compile)
}

/// One word of a pattern, as compiled.
enum Piece {
    Exact(u32),
    Prefix(String),
    Any,
    Class(u8),
}

impl Matcher {
    fn compile() -> Matcher {
        let mut matcher = Matcher {
            nodes: vec![Node::default()],
            trie: Trie::default(),
            ids: FxMap::default(),
            negator: Vec::new(),
            root_prefixes: FxMap::default(),
            class_of_id: Vec::new(),
            class_prefixes: FxMap::default(),
        };
        for negator in NEGATORS {
            let id = matcher.intern(negator);
            matcher.negator[id as usize] = true;
        }
        for (index, class) in CLASSES.iter().enumerate().take(64) {
            let bit = 1u64 << index;
            for word in class.words {
                let lower = word.to_lowercase();
                match lower.strip_suffix('*') {
                    Some(prefix) => {
                        let key = prefix_stem(prefix, PREFIX_KEY_CHARS).to_string();
                        matcher.class_prefixes.entry(key).or_default().push((prefix.to_string(), bit));
                    }
                    None => {
                        let id = matcher.intern(&lower);
                        matcher.class_of_id[id as usize] |= bit;
                    }
                }
            }
        }
        for entry in LEXICON.iter().chain(crate::frames::FRAMES) {
            for phrase in entry.phrases {
                for variant in expand(phrase) {
                    matcher.add(entry.cat, &variant);
                }
            }
        }
        matcher.trie = Trie::freeze(std::mem::take(&mut matcher.nodes));
        matcher.ids.shrink_to_fit();
        matcher
    }

    fn intern(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.ids.get(word) {
            return id;
        }
        let id = u32::try_from(self.negator.len()).unwrap_or(UNKNOWN - 1);
        self.ids.insert(word.to_string(), id);
        self.negator.push(false);
        self.class_of_id.push(0);
        id
    }

    fn piece(&mut self, word: &str) -> Option<Piece> {
        Some(match word {
            "_" => Piece::Any,
            _ if word.starts_with('{') && word.ends_with('}') => {
                let name = &word[1..word.len() - 1];
                // An unknown class is a lexicon mistake (a test checks there are none): skip the phrase.
                let index = CLASSES.iter().position(|class| class.name == name)?;
                Piece::Class(u8::try_from(index).ok()?)
            }
            _ if word.ends_with('*') && word.chars().count() > PREFIX_KEY_CHARS => {
                Piece::Prefix(word.trim_end_matches('*').to_lowercase())
            }
            _ => Piece::Exact(self.intern(&word.trim_end_matches('*').to_lowercase())),
        })
    }

    fn add(&mut self, cat: Cat, phrase: &str) {
        let (anchored, phrase) = match phrase.trim_start().strip_prefix('^') {
            Some(rest) => (true, rest),
            None => (false, phrase),
        };
        let (closing, phrase) = match phrase.trim_end().strip_suffix('$') {
            Some(rest) => (true, rest),
            None => (false, phrase),
        };
        let words: Vec<&str> = phrase
            .split(|c: char| c.is_whitespace() || c == '\'' || c == '’')
            .filter(|word| !word.is_empty())
            .collect();
        let mut pieces = Vec::with_capacity(words.len());
        for word in words {
            match self.piece(word) {
                Some(piece) => pieces.push(piece),
                None => return,
            }
        }
        // A phrase must start with a word; an empty or wildcard-led phrase is a lexicon mistake.
        if matches!(pieces.first(), None | Some(Piece::Any)) {
            return;
        }
        let mut node = ROOT;
        for piece in pieces {
            node = self.child(node, piece);
        }
        let ending = Ending { cat, anchored, closing };
        let endings = &mut self.nodes[node as usize].endings;
        if !endings.contains(&ending) {
            endings.push(ending);
        }
    }

    /// The child of `node` for `piece`, made when missing.
    fn child(&mut self, node: u32, piece: Piece) -> u32 {
        let next = u32::try_from(self.nodes.len()).unwrap_or(u32::MAX);
        let parent = node as usize;
        let existing = match &piece {
            Piece::Exact(id) => self.nodes[parent].exact.get(id).copied(),
            Piece::Prefix(prefix) if node == ROOT => self
                .root_prefixes
                .get(prefix_stem(prefix, PREFIX_KEY_CHARS))
                .and_then(|list| list.iter().find(|(p, _)| p == prefix).map(|&(_, n)| n)),
            Piece::Prefix(prefix) => {
                self.nodes[parent].prefixes.iter().find(|(p, _)| p == prefix).map(|&(_, n)| n)
            }
            Piece::Class(class) => {
                self.nodes[parent].classes.iter().find(|(c, _)| c == class).map(|&(_, n)| n)
            }
            Piece::Any => self.nodes[parent].any,
        };
        if let Some(existing) = existing {
            return existing;
        }
        self.nodes.push(Node::default());
        match piece {
            Piece::Exact(id) => {
                self.nodes[parent].exact.insert(id, next);
            }
            Piece::Prefix(prefix) if node == ROOT => {
                let key = prefix_stem(&prefix, PREFIX_KEY_CHARS).to_string();
                self.root_prefixes.entry(key).or_default().push((prefix, next));
            }
            Piece::Prefix(prefix) => self.nodes[parent].prefixes.push((prefix, next)),
            Piece::Class(class) => self.nodes[parent].classes.push((class, next)),
            Piece::Any => self.nodes[parent].any = Some(next),
        }
        next
    }

    /// The word classes of a token, by its written form and by its alternative ("skifoso" is read
    /// as "schifoso", "bellooo" as "belloo"), one bit per class.
    fn token_classes(&self, id: u32, token: &Token) -> u64 {
        let bits = self.classes_of(id, &token.lower);
        match token.alt.as_deref() {
            Some(alt) => bits | self.classes_of(id, alt),
            None => bits,
        }
    }

    /// The word classes of a token, one bit per class.
    fn classes_of(&self, id: u32, lower: &str) -> u64 {
        let mut bits = self.class_of_id.get(id as usize).copied().unwrap_or(0);
        if let Some(prefixes) = self.class_prefixes.get(prefix_stem(lower, PREFIX_KEY_CHARS)) {
            for (prefix, bit) in prefixes {
                if lower.starts_with(prefix.as_str()) {
                    bits |= bit;
                }
            }
        }
        bits
    }

    /// Every word the lexicon and the word classes spell out in full (lowercase), in no particular order.
    pub fn vocabulary(&self) -> impl Iterator<Item = &str> {
        self.ids.keys().map(String::as_str)
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
        let classes: Vec<u64> =
            tokens.iter().zip(&ids).map(|(token, &id)| self.token_classes(id, token)).collect();
        let starts = sentence_starts(text);
        let sentence_ends: Vec<usize> = text.sentences.iter().map(|s| s.end_token).collect();
        let context =
            Context { text, ids: &ids, classes: &classes, starts: &starts, sentence_ends: &sentence_ends };
        let mut hits = Vec::new();
        let mut frontier: Vec<u32> = Vec::new();
        let mut next: Vec<u32> = Vec::new();
        for first in 0..tokens.len() {
            let sentence = tokens[first].sentence;
            let mut negated = None;
            frontier.clear();
            self.step_root(&context, first, &mut frontier);
            let mut end = first + 1;
            while !frontier.is_empty() {
                for &node in &frontier {
                    for ending in self.trie.endings(node) {
                        if context.accepts(ending, first, end) {
                            // A phrase that carries its own negator ("nessuna risposta", "frega
                            // niente", "mai più") agrees with a "non" before it (Italian negative
                            // concord: "non ho avuto nessuna risposta"); it is not negated twice.
                            let negated = *negated
                                .get_or_insert_with(|| negated_with(text, &negators, first))
                                && !negators[first..end].contains(&true);
                            hits.push(Hit { cat: ending.cat, first, end, negated });
                        }
                    }
                }
                if end >= tokens.len() || tokens[end].sentence != sentence {
                    break;
                }
                next.clear();
                for &node in &frontier {
                    self.step(&context, node, end, &mut next);
                }
                std::mem::swap(&mut frontier, &mut next);
                end += 1;
            }
        }
        hits.sort_by(|a, b| (a.cat, a.first, b.end).cmp(&(b.cat, b.first, a.end)));
        hits.dedup_by(|b, a| a.cat == b.cat && a.first == b.first && a.end == b.end);
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

    /// The root's children that token `index` matches.
    fn step_root(&self, context: &Context<'_, '_>, index: usize, out: &mut Vec<u32>) {
        let token = &context.text.tokens[index];
        let lower = token.lower.as_str();
        if let Some(node) = self.trie.exact_child(ROOT, context.ids[index]) {
            out.push(node);
        }
        // A prefix matches the written form or its alternative ("skifoso" as "schifoso"); the two
        // keys are looked up once each, and a prefix sits under one key only.
        let alt = token.alt.as_deref();
        let starts = |prefix: &str| lower.starts_with(prefix) || alt.is_some_and(|a| a.starts_with(prefix));
        let key = prefix_stem(lower, PREFIX_KEY_CHARS);
        let alt_key = alt.map(|a| prefix_stem(a, PREFIX_KEY_CHARS)).filter(|k| *k != key);
        for key in std::iter::once(key).chain(alt_key) {
            if let Some(list) = self.root_prefixes.get(key) {
                out.extend(list.iter().filter(|(prefix, _)| starts(prefix)).map(|&(_, n)| n));
            }
        }
        let bits = context.classes[index];
        out.extend(self.trie.edges(ROOT).iter().filter_map(|edge| match *edge {
            Edge::Class(class, next) if bits & (1 << class) != 0 => Some(next),
            _ => None,
        }));
    }

    /// The children of `node` that token `index` matches.
    fn step(&self, context: &Context<'_, '_>, node: u32, index: usize, out: &mut Vec<u32>) {
        let token = &context.text.tokens[index];
        let lower = token.lower.as_str();
        let alt = token.alt.as_deref();
        if let Some(next) = self.trie.exact_child(node, context.ids[index]) {
            out.push(next);
        }
        let bits = context.classes[index];
        out.extend(self.trie.edges(node).iter().filter_map(|edge| match *edge {
            Edge::Prefix(prefix, next) => {
                let prefix = &**self.trie.prefixes.get(prefix as usize)?;
                (lower.starts_with(prefix) || alt.is_some_and(|a| a.starts_with(prefix))).then_some(next)
            }
            Edge::Class(class, next) => (bits & (1 << class) != 0).then_some(next),
            Edge::Any(next) => Some(next),
        }));
    }
}

/// What matching reads of a text, computed once per text.
struct Context<'t, 'a> {
    text: &'t Analysed<'a>,
    ids: &'t [u32],
    classes: &'t [u64],
    /// Whether each token opens its clause, after interjections and conjunctions.
    starts: &'t [bool],
    /// The end token of each sentence.
    sentence_ends: &'t [usize],
}

impl Context<'_, '_> {
    /// Whether a phrase ending as `ending` may span tokens `first..end`: its anchors hold.
    fn accepts(&self, ending: &Ending, first: usize, end: usize) -> bool {
        if ending.anchored && !self.starts[first] {
            return false;
        }
        if ending.closing {
            let sentence = self.text.tokens[first].sentence;
            let sentence_end = self.sentence_ends.get(sentence).copied().unwrap_or(self.text.tokens.len());
            return self.text.tokens[end..sentence_end.max(end)].iter().all(|t| !t.is_word());
        }
        true
    }
}

/// Words that may come before the real start of a sentence: interjections, conjunctions and
/// discourse markers ("Oh, that's great", "Well, good job", "E allora…").
const OPENERS: &[&str] = &[
    "oh", "ohh", "ah", "aw", "aww", "wow", "well", "and", "but", "so", "yes", "yeah", "yea", "yep", "ok",
    "okay", "hey", "hi", "hello", "hmm", "hm", "honestly", "also", "now", "e", "ma", "allora", "beh", "be",
    "sì", "si", "ehi", "ciao", "oddio", "dai",
];

/// For each token, whether only openers (and no other word) come before it in its clause: its
/// sentence, or the part after a comma, semicolon, colon or dash.
fn sentence_starts(text: &Analysed<'_>) -> Vec<bool> {
    let mut starts = Vec::with_capacity(text.tokens.len());
    let mut open = true;
    let mut sentence = usize::MAX;
    let mut previous_end = 0;
    for token in &text.tokens {
        let gap = text.text.get(previous_end..token.start).unwrap_or("");
        previous_end = token.end;
        if token.sentence != sentence {
            sentence = token.sentence;
            open = true;
        } else if gap.contains([',', ';', ':', '—', '–']) {
            open = true;
        }
        starts.push(open);
        if open && token.is_word() && !OPENERS.contains(&token.lower.as_str()) {
            open = false;
        }
    }
    starts
}

/// Expands a phrase pattern into the plain phrases it stands for: each `(a|b c|)` group becomes one
/// phrase per alternative (an empty alternative, or a `?` after the group, drops it), and each word
/// ending in `?` one phrase with it and one without. A group without its closing `)` is read literally.
pub(crate) fn expand(pattern: &str) -> Vec<String> {
    // The anchors belong to the whole pattern, not to its first or last word (which may be optional).
    let trimmed = pattern.trim();
    let (start, rest) = match trimmed.strip_prefix('^') {
        Some(rest) => ("^", rest),
        None => ("", trimmed),
    };
    let (rest, end) = match rest.strip_suffix('$') {
        Some(rest) => (rest, "$"),
        None => (rest, ""),
    };
    if start.is_empty() && end.is_empty() {
        return expand_words(rest);
    }
    expand_words(rest).into_iter().map(|phrase| format!("{start}{phrase}{end}")).collect()
}

fn expand_words(pattern: &str) -> Vec<String> {
    if let Some(open) = pattern.find('(')
        && let Some(length) = pattern[open..].find(')')
    {
        let close = open + length;
        let (before, inner, after) = (&pattern[..open], &pattern[open + 1..close], &pattern[close + 1..]);
        // "(to be)?" is an optional group: the same as "(to be|)".
        let (optional, after) = match after.strip_prefix('?') {
            Some(rest) => (true, rest),
            None => (false, after),
        };
        return inner
            .split('|')
            .chain(optional.then_some(""))
            .flat_map(|alternative| expand_words(&format!("{before} {alternative} {after}")))
            .collect();
    }
    let words: Vec<&str> = pattern.split_whitespace().collect();
    let mut variants: Vec<Vec<&str>> = vec![Vec::new()];
    for word in words {
        match word.strip_suffix('?').filter(|w| !w.is_empty()) {
            Some(optional) => {
                let without = variants.clone();
                for variant in &mut variants {
                    variant.push(optional);
                }
                variants.extend(without);
            }
            None => variants.iter_mut().for_each(|variant| variant.push(word)),
        }
    }
    variants.into_iter().map(|words| words.join(" ")).filter(|phrase| !phrase.is_empty()).collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_alternatives_optional_groups_and_optional_words() {
        assert_eq!(
            expand("you (seem|sound) so? sad"),
            ["you seem so sad", "you seem sad", "you sound so sad", "you sound sad"]
        );
        assert_eq!(expand("a (b c)? d"), ["a b c d", "a d"]);
        assert_eq!(expand("(x|) y"), ["x y", "y"]);
        // Emoticons keep their parentheses.
        assert_eq!(expand(":("), [":("]);
        assert_eq!(expand(":)"), [":)"]);
        // Anchors stay on every variant, even when the first or last word is optional.
        assert_eq!(expand("^so? great$"), ["^so great$", "^great$"]);
    }

    #[test]
    fn every_class_slot_names_a_class() {
        let unknown: Vec<String> = LEXICON
            .iter()
            .chain(crate::frames::FRAMES)
            .flat_map(|entry| entry.phrases.iter())
            .flat_map(|phrase| expand(phrase))
            .flat_map(|phrase| {
                // The anchors belong to the phrase, not to the slot they are written against
                // ("^che {worknoun}$").
                phrase
                    .split_whitespace()
                    .map(|w| w.trim_start_matches('^').trim_end_matches('$'))
                    .filter(|w| w.starts_with('{'))
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .filter(|slot| !CLASSES.iter().any(|c| format!("{{{}}}", c.name) == *slot))
            .collect();
        assert!(unknown.is_empty(), "unknown classes: {unknown:?}");
        assert!(CLASSES.len() <= 64, "one bit per class");
    }

    #[test]
    fn anchors_hold_phrases_to_the_clause_start_and_the_sentence_end() {
        let find = |text: &str, cat: Cat| {
            let analysed = Analysed::new(text);
            matcher().find(&analysed).iter().any(|hit| hit.cat == cat)
        };
        assert!(find("Oh, great job!", Cat::Reassurance));
        assert!(!find("I wish I had a great job.", Cat::Reassurance));
        assert!(find("Take care!", Cat::Wish));
        assert!(!find("Take care of the paperwork first.", Cat::Wish));
    }
}
