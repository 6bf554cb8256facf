//! Tokens and sentences with byte spans: the one place that slices text, so spans stay on char boundaries.

/// What a token is, which decides how the detectors and the spelling check treat it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Letters only (possibly with digits inside, see `Code`).
    Word,
    /// Digits, possibly with separators.
    Number,
    /// Letters and digits mixed: order codes, product codes.
    Code,
    /// A web address.
    Url,
    /// An e-mail address.
    Email,
    /// An emoji or pictographic symbol.
    Emoji,
}

/// A token: its byte span in the source text, its kind and its lowercase form.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    /// Lowercase form, with typographic apostrophes folded to `'`.
    pub lower: String,
    /// Index of the sentence holding this token.
    pub sentence: usize,
    /// The first letter is uppercase.
    pub capitalised: bool,
    /// Every letter is uppercase and there are at least two letters.
    pub all_caps: bool,
    /// The word stretched a letter ("bellooo", "sooo"): `lower` has each run of three or more equal
    /// letters cut to one, `alt` to two ("goood" → "god" / "good"); the stretch reads as emphasis.
    pub elongated: bool,
    /// The two-letter form of an elongated word, or the full form of an Italian texting abbreviation
    /// ("nn" → "non", "cmq" → "comunque"), tried when `lower` is no lexicon word. `lower` keeps the
    /// written form, so the spelling check still sees what was typed.
    pub alt: Option<Box<str>>,
    /// An Italian function word (looked up once here; language votes, stems and spelling reuse it).
    pub stop_it: bool,
    /// An English function word.
    pub stop_en: bool,
    /// One of the two halves of an English contraction written without its apostrophe ("dont" is
    /// read as `don` + `t`, spans `don` and `t`, so lexicon phrases written "don t" match).
    pub unapostrophed: bool,
}

impl Token {
    pub fn is_word(&self) -> bool {
        self.kind == Kind::Word
    }
}

/// A sentence: its byte span (trimmed) and its token range.
#[derive(Debug, Clone)]
pub(crate) struct Sentence {
    pub start: usize,
    pub end: usize,
    pub first_token: usize,
    pub end_token: usize,
    /// The sentence ends with a question mark.
    pub question_mark: bool,
}

/// A text split into tokens and sentences.
#[derive(Debug, Clone)]
pub(crate) struct Analysed<'a> {
    pub text: &'a str,
    pub tokens: Vec<Token>,
    pub sentences: Vec<Sentence>,
}

impl<'a> Analysed<'a> {
    pub fn new(text: &'a str) -> Analysed<'a> {
        let sentence_spans = split_sentences(text);
        let mut tokens = Vec::with_capacity(text.len() / 5 + 1);
        for (index, &(start, end)) in sentence_spans.iter().enumerate() {
            tokenize_into(text, start, end, index, &mut tokens);
        }
        let mut sentences = Vec::with_capacity(sentence_spans.len());
        let mut cursor = 0;
        for (index, &(start, end)) in sentence_spans.iter().enumerate() {
            let first_token = cursor;
            while cursor < tokens.len() && tokens[cursor].sentence == index {
                cursor += 1;
            }
            let question_mark = text[start..end].trim_end().ends_with(['?', '？']);
            sentences.push(Sentence { start, end, first_token, end_token: cursor, question_mark });
        }
        Analysed { text, tokens, sentences }
    }

    /// Number of word tokens.
    pub fn word_count(&self) -> usize {
        self.tokens.iter().filter(|t| t.is_word()).count()
    }

    /// The source text of a token range, `tokens[from..to]`.
    pub fn span_of(&self, from: usize, to: usize) -> (usize, usize) {
        if from >= to || to > self.tokens.len() {
            return (0, 0);
        }
        (self.tokens[from].start, self.tokens[to - 1].end)
    }
}

/// Splits text into trimmed sentence spans: at `.`, `!`, `?`, `…` followed by space or end, and at line breaks.
fn split_sentences(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        let boundary_end = if c == '\n' {
            Some(index)
        } else if matches!(c, '.' | '!' | '?' | '…' | '？' | '！') {
            // Swallow a run of closing punctuation ("?!", "...", "!!!").
            let mut end = index + c.len_utf8();
            while let Some(&(next_index, next)) = chars.peek() {
                if matches!(next, '.' | '!' | '?' | '…' | '？' | '！' | ')' | '"' | '»' | '”') {
                    end = next_index + next.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            match chars.peek() {
                None => Some(end),
                Some(&(_, next)) if next.is_whitespace() => Some(end),
                _ => None,
            }
        } else {
            None
        };
        if let Some(end) = boundary_end {
            push_trimmed(text, start, end, &mut spans);
            start = end;
        }
    }
    push_trimmed(text, start, text.len(), &mut spans);
    spans
}

fn push_trimmed(text: &str, start: usize, end: usize, spans: &mut Vec<(usize, usize)>) {
    let slice = &text[start..end];
    let leading = slice.len() - slice.trim_start().len();
    let trimmed = slice.trim();
    if !trimmed.is_empty() {
        spans.push((start + leading, start + leading + trimmed.len()));
    }
}

/// Whether a char can be part of a word.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

pub(crate) fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F300..=0x1FAFF | 0x2600..=0x27BF | 0x2B50 | 0x1F1E6..=0x1F1FF)
}

/// Tokenizes `text[start..end]`, whitespace-separated chunks first so URLs and e-mails stay whole.
fn tokenize_into(text: &str, start: usize, end: usize, sentence: usize, out: &mut Vec<Token>) {
    let slice = &text[start..end];
    let mut chunk_start = None;
    for (offset, c) in slice.char_indices().chain(std::iter::once((slice.len(), ' '))) {
        if c.is_whitespace() {
            if let Some(begin) = chunk_start.take() {
                tokenize_chunk(text, start + begin, start + offset, sentence, out);
            }
        } else if chunk_start.is_none() {
            chunk_start = Some(offset);
        }
    }
}

fn tokenize_chunk(text: &str, start: usize, end: usize, sentence: usize, out: &mut Vec<Token>) {
    let chunk = &text[start..end];
    if let Some(face) = emoticon(chunk) {
        out.push(special(start, end, Kind::Emoji, face.to_string(), sentence));
        return;
    }
    let core = chunk.trim_matches(|c: char| !c.is_alphanumeric() && c != '/' && c != '@');
    let core_start = start
        + (chunk.len()
            - chunk.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '/' && c != '@').len());
    if core.contains("://") || core.get(..4).is_some_and(|head| head.eq_ignore_ascii_case("www.")) {
        out.push(special(core_start, core_start + core.len(), Kind::Url, core.to_lowercase(), sentence));
        return;
    }
    if let Some(at) = core.find('@')
        && at > 0
        && core[at..].contains('.')
    {
        out.push(special(core_start, core_start + core.len(), Kind::Email, core.to_lowercase(), sentence));
        return;
    }
    let mut word_start: Option<usize> = None;
    let mut iter = chunk.char_indices().peekable();
    while let Some((offset, c)) = iter.next() {
        if is_word_char(c) {
            if word_start.is_none() {
                word_start = Some(offset);
            }
            continue;
        }
        // Keep "24.90", "1,5" and "A-123" style codes together when a digit follows.
        if let Some(begin) = word_start
            && (matches!(c, '-' | '/')
                || (matches!(c, '.' | ',') && chunk[begin..offset].chars().any(|d| d.is_ascii_digit())))
            && iter.peek().is_some_and(|&(_, next)| next.is_ascii_digit())
        {
            continue;
        }
        if let Some(begin) = word_start.take() {
            // An apostrophe that closes a word and is followed by no letter is, on an Italian
            // keyboard without accents, the accent of its last vowel ("e'" for "è", "piu'" for "più").
            let accent = matches!(c, '\'' | '’' | '`' | '´')
                && iter.peek().is_none_or(|&(_, next)| !next.is_alphanumeric());
            push_word(text, start + begin, start + offset, sentence, out);
            if accent
                && let Some(token) = out.last_mut()
                && let Some(accented) = accented(&token.lower)
            {
                token.lower = accented.to_string();
                token.alt = None;
                (token.stop_it, token.stop_en) = crate::lexicon::stopword_flags(accented);
            }
        }
        if is_emoji(c) {
            out.push(special(
                start + offset,
                start + offset + c.len_utf8(),
                Kind::Emoji,
                c.to_string(),
                sentence,
            ));
        }
    }
    if let Some(begin) = word_start {
        push_word(text, start + begin, end, sentence, out);
    }
}

/// English contractions often typed without the apostrophe, and how the tokenizer splits them when
/// the apostrophe is there. Only forms that are no other English or Italian word are listed ("its",
/// "were", "well", "ill", "id", "lets", "hell", "shell" are left alone).
const UNAPOSTROPHED: &[(&str, &str, &str)] = &[
    ("im", "i", "m"),
    ("ive", "i", "ve"),
    ("dont", "don", "t"),
    ("doesnt", "doesn", "t"),
    ("didnt", "didn", "t"),
    ("isnt", "isn", "t"),
    ("arent", "aren", "t"),
    ("wasnt", "wasn", "t"),
    ("werent", "weren", "t"),
    ("havent", "haven", "t"),
    ("hasnt", "hasn", "t"),
    ("hadnt", "hadn", "t"),
    ("couldnt", "couldn", "t"),
    ("wouldnt", "wouldn", "t"),
    ("shouldnt", "shouldn", "t"),
    ("cant", "can", "t"),
    ("wont", "won", "t"),
    ("thats", "that", "s"),
    ("whats", "what", "s"),
    ("theres", "there", "s"),
    ("youre", "you", "re"),
    ("youve", "you", "ve"),
    ("youll", "you", "ll"),
    ("youd", "you", "d"),
    ("theyre", "they", "re"),
    ("theyve", "they", "ve"),
    ("theyll", "they", "ll"),
    ("weve", "we", "ve"),
    ("shes", "she", "s"),
];

/// Pushes one word token, or the two halves of an apostrophe-less contraction.
fn push_word(text: &str, start: usize, end: usize, sentence: usize, out: &mut Vec<Token>) {
    let token = word(text, start, end, sentence);
    // Every listed form ends in one of these letters: most words are ruled out by one comparison.
    let candidate = token.kind == Kind::Word
        && (2..=8).contains(&token.lower.len())
        && token.lower.ends_with(['m', 'e', 't', 's', 'd', 'l']);
    let split = candidate.then(|| UNAPOSTROPHED.iter().find(|(whole, _, _)| *whole == token.lower)).flatten();
    match split {
        Some(&(_, head, tail)) => {
            // The table is ASCII and `head + tail` is the word, so the halves split it at a char boundary.
            let middle = start + head.len();
            for (part, from, to) in [(head, start, middle), (tail, middle, end)] {
                let mut half = word(text, from, to, sentence);
                half.lower = part.to_string();
                (half.stop_it, half.stop_en) = crate::lexicon::stopword_flags(part);
                half.unapostrophed = true;
                out.push(half);
            }
        }
        None => out.push(token),
    }
}

fn special(start: usize, end: usize, kind: Kind, lower: String, sentence: usize) -> Token {
    Token {
        start,
        end,
        kind,
        lower,
        sentence,
        capitalised: false,
        all_caps: false,
        elongated: false,
        alt: None,
        stop_it: false,
        stop_en: false,
        unapostrophed: false,
    }
}

/// A whitespace-separated emoticon (`:)`, `:-(`, `;)`, `:D`, `<3`, `:'(`, `:/`, `:))))`), folded to
/// its canonical face: `:)`, `:(`, `;)`, `:d`, `:p`, `<3`, `:/`. Anything else gives `None`.
fn emoticon(chunk: &str) -> Option<&'static str> {
    if chunk.len() > 12 || !chunk.is_ascii() {
        return None;
    }
    if chunk.len() >= 2 && chunk.as_bytes().chunks(2).all(|pair| pair == b"<3") {
        return Some("<3");
    }
    let bytes = chunk.as_bytes();
    let (eyes, rest) = match bytes {
        [b'>', b':', rest @ ..] => (b':', rest),
        [eyes @ (b':' | b';' | b'='), rest @ ..] => (*eyes, rest),
        _ => return None,
    };
    let rest = match rest {
        [b'-' | b'\'' | b'^', rest @ ..] => rest,
        _ => rest,
    };
    let (&mouth, tail) = rest.split_first()?;
    if !tail.iter().all(|&b| b == mouth) {
        return None;
    }
    let face = match (eyes, mouth) {
        (b';', b')' | b']' | b'D') => ";)",
        (_, b')' | b']') => ":)",
        (_, b'D') => ":d",
        (_, b'(' | b'[') => ":(",
        (_, b'P' | b'p') => ":p",
        (_, b'/' | b'\\' | b'S' | b's') => ":/",
        _ => return None,
    };
    Some(face)
}

/// A word with each run of three or more equal letters cut to one letter and to two, or `None` when
/// no letter is stretched.
fn unstretched(lower: &str) -> Option<(String, String)> {
    // Most words stretch nothing: find that out without allocating.
    let (mut previous, mut run, mut stretched) = ('\0', 0, false);
    for c in lower.chars() {
        run = if c == previous { run + 1 } else { 1 };
        previous = c;
        if run == 3 && c.is_alphabetic() {
            stretched = true;
            break;
        }
    }
    if !stretched {
        return None;
    }
    let chars: Vec<char> = lower.chars().collect();
    let (mut one, mut two) = (String::with_capacity(lower.len()), String::with_capacity(lower.len()));
    let mut index = 0;
    while index < chars.len() {
        let c = chars[index];
        let mut run = 1;
        while index + run < chars.len() && chars[index + run] == c {
            run += 1;
        }
        let (keep_one, keep_two) = if run >= 3 && c.is_alphabetic() { (1, 2) } else { (run, run) };
        one.extend(std::iter::repeat_n(c, keep_one));
        two.extend(std::iter::repeat_n(c, keep_two));
        index += run;
    }
    Some((one, two))
}

fn word(text: &str, start: usize, end: usize, sentence: usize) -> Token {
    let raw = &text[start..end];
    // One pass over the chars: this runs for every word of every text.
    let (mut has_digit, mut letters, mut upper) = (false, 0usize, 0usize);
    for c in raw.chars() {
        if c.is_alphabetic() {
            letters += 1;
            upper += usize::from(c.is_uppercase());
        }
        // Not `else`: a few chars are both (Roman numerals such as "Ⅻ").
        has_digit |= c.is_numeric();
    }
    let kind = match (has_digit, letters > 0) {
        (true, false) => Kind::Number,
        (true, true) => Kind::Code,
        _ => Kind::Word,
    };
    let capitalised = raw.chars().next().is_some_and(char::is_uppercase);
    let all_caps = letters >= 2 && upper == letters;
    let mut lower = raw.to_lowercase();
    let mut alt = None;
    let mut elongated = false;
    if kind == Kind::Word
        && let Some((one, two)) = unstretched(&lower)
    {
        lower = one;
        alt = Some(two.into_boxed_str());
        elongated = true;
    }
    if alt.is_none() && kind == Kind::Word {
        alt = texting(&lower).map(Box::from).or_else(|| k_spelling(&lower));
    }
    let (stop_it, stop_en) =
        if kind == Kind::Word { crate::lexicon::stopword_flags(&lower) } else { (false, false) };
    Token {
        start,
        end,
        kind,
        lower,
        sentence,
        capitalised,
        all_caps,
        elongated,
        alt,
        stop_it,
        stop_en,
        unapostrophed: false,
    }
}

/// The accented form of a word typed with an apostrophe for its final accent ("e'", "piu'",
/// "perche'", "qualita'"). Only words whose apostrophe can be nothing but an accent are listed: an
/// apostrophe after other words is an apocope ("po'", "mo'", "be'", "va'") or a closing single quote
/// ("'bella'"), and the word is left as written.
fn accented(lower: &str) -> Option<&'static str> {
    Some(match lower {
        "e" => "è",
        "si" => "sì",
        "la" => "là",
        "li" => "lì",
        "ne" => "né",
        "piu" => "più",
        "puo" => "può",
        "gia" => "già",
        "cio" => "ciò",
        "cosi" => "così",
        "pero" => "però",
        "perche" => "perché",
        "poiche" => "poiché",
        "finche" => "finché",
        "benche" => "benché",
        "affinche" => "affinché",
        "qualita" => "qualità",
        "verita" => "verità",
        "pieta" => "pietà",
        "bonta" => "bontà",
        "novita" => "novità",
        "realta" => "realtà",
        "liberta" => "libertà",
        "onesta" => "onestà",
        "umilta" => "umiltà",
        "felicita" => "felicità",
        "citta" => "città",
        "meta" => "metà",
        "virtu" => "virtù",
        "gioventu" => "gioventù",
        "cioe" => "cioè",
        "caffe" => "caffè",
        "pubblicita" => "pubblicità",
        "attivita" => "attività",
        "possibilita" => "possibilità",
        "opportunita" => "opportunità",
        "difficolta" => "difficoltà",
        "volonta" => "volontà",
        "umanita" => "umanità",
        "societa" => "società",
        "comunita" => "comunità",
        "identita" => "identità",
        "sincerita" => "sincerità",
        "curiosita" => "curiosità",
        "necessita" => "necessità",
        "velocita" => "velocità",
        "utilita" => "utilità",
        "quantita" => "quantità",
        "serenita" => "serenità",
        "dignita" => "dignità",
        "originalita" => "originalità",
        "creativita" => "creatività",
        "professionalita" => "professionalità",
        "serieta" => "serietà",
        "falsita" => "falsità",
        "sara" => "sarà",
        "avra" => "avrà",
        "fara" => "farà",
        "andra" => "andrà",
        "potra" => "potrà",
        "dovra" => "dovrà",
        "verra" => "verrà",
        "vorra" => "vorrà",
        "saro" => "sarò",
        "avro" => "avrò",
        "faro" => "farò",
        "andro" => "andrò",
        "potro" => "potrò",
        "dovro" => "dovrò",
        "verro" => "verrò",
        "vorro" => "vorrò",
        "comprero" => "comprerò",
        "tornero" => "tornerò",
        _ => return None,
    })
}

/// The full form of an Italian texting abbreviation: "nn" (non), "cmq" (comunque), "xké" (perché),
/// "ke" (che), "x" (per), "qlc" (qualcosa), "nnt" (niente), "qnd" (quando), or of a word typed without
/// its accent ("piu", "puo", "gia", "cosi"; "é" for "è"). None of them is an English or Italian word of its own.
fn texting(lower: &str) -> Option<&'static str> {
    // Every abbreviation is short and starts with one of these letters: one comparison rules out most words.
    if lower.len() > 6
        || !matches!(lower.as_bytes().first(), Some(b'n' | b'c' | b'x' | b'k' | b'p' | b'q' | b'g' | 0xC3))
    {
        return None;
    }
    Some(match lower {
        "nn" => "non",
        "cmq" => "comunque",
        "xké" | "xkè" | "xke" | "xché" | "xchè" | "xche" | "perké" | "perkè" | "perke" => "perché",
        "ke" => "che",
        "x" => "per",
        "qlc" | "qlcs" | "qcs" => "qualcosa",
        "nnt" => "niente",
        "qnd" => "quando",
        "piu" => "più",
        "puo" => "può",
        "gia" => "già",
        "cosi" => "così",
        // "é" for the verb "è" (the wrong accent, a common slip on phones).
        "é" => "è",
        _ => return None,
    })
}

/// The standard spelling of a word written with the texting "k" for the hard c ("skifo" → "schifo",
/// "anke" → "anche", "kuore" → "cuore"): "ch" before e and i, "c" elsewhere. Only a fallback for
/// words the lexicon does not know as written, so an English word with a "k" ("like", "fake") keeps
/// its own reading, and one whose respelling means nothing matches nothing.
fn k_spelling(lower: &str) -> Option<Box<str>> {
    if !lower.contains('k') {
        return None;
    }
    let mut out = String::with_capacity(lower.len() + 2);
    let mut chars = lower.chars().peekable();
    while let Some(c) = chars.next() {
        if c == 'k' {
            let soft = chars.peek().is_some_and(|next| matches!(next, 'e' | 'i' | 'è' | 'é' | 'ì'));
            out.push_str(if soft { "ch" } else { "c" });
        } else {
            out.push(c);
        }
    }
    Some(out.into_boxed_str())
}

/// A cheap stem: the first `n` chars of a lowercase word (enough to match "rimborso"/"rimborsi", "refund"/"refunded").
pub(crate) fn prefix_stem(lower: &str, n: usize) -> &str {
    match lower.char_indices().nth(n) {
        Some((index, _)) => &lower[..index],
        None => lower,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_sentences_and_elisions() {
        let a = Analysed::new("Ciao Marco! L'ordine A-123 è partito. Va bene?");
        let words: Vec<&str> = a.tokens.iter().map(|t| t.lower.as_str()).collect();
        assert_eq!(words, ["ciao", "marco", "l", "ordine", "a-123", "è", "partito", "va", "bene"]);
        assert_eq!(a.sentences.len(), 3);
        assert!(a.sentences[2].question_mark);
    }

    #[test]
    fn reads_emoticons_and_stretched_words() {
        let a = Analysed::new("Bellooo :-) ma che noiaaa :'( <3<3 a:b");
        let words: Vec<&str> = a.tokens.iter().map(|t| t.lower.as_str()).collect();
        assert_eq!(words, ["bello", ":)", "ma", "che", "noia", ":(", "<3", "a", "b"]);
        assert_eq!(a.tokens[0].alt.as_deref(), Some("belloo"));
        assert!(a.tokens[0].elongated && !a.tokens[2].elongated);
        assert_eq!(&a.text[a.tokens[1].start..a.tokens[1].end], ":-)");
    }

    #[test]
    fn reads_kinds_case_and_function_words() {
        let a = Analysed::new("Vai su WWW.Shop.it, https://X.com/A o scrivi a Info@Shop.IT: IVA 22 A12 Il");
        let kinds: Vec<(Kind, &str)> = a.tokens.iter().map(|t| (t.kind, t.lower.as_str())).collect();
        assert_eq!(
            kinds,
            [
                (Kind::Word, "vai"),
                (Kind::Word, "su"),
                (Kind::Url, "www.shop.it"),
                (Kind::Url, "https://x.com/a"),
                (Kind::Word, "o"),
                (Kind::Word, "scrivi"),
                (Kind::Word, "a"),
                (Kind::Email, "info@shop.it"),
                (Kind::Word, "iva"),
                (Kind::Number, "22"),
                (Kind::Code, "a12"),
                (Kind::Word, "il"),
            ]
        );
        let iva = &a.tokens[8];
        assert!(iva.all_caps && iva.capitalised);
        assert!(!a.tokens[11].all_caps && a.tokens[11].capitalised);
        // "su" and "il" are Italian function words, "scrivi" is none, "thank" an English one.
        assert_eq!((a.tokens[1].stop_it, a.tokens[1].stop_en), (true, false));
        assert!(a.tokens[11].stop_it && !a.tokens[11].stop_en);
        assert!(!a.tokens[5].stop_it && !a.tokens[5].stop_en);
        let en = Analysed::new("Thank you");
        assert!(en.tokens[0].stop_en && !en.tokens[0].stop_it);
    }

    #[test]
    fn splits_contractions_typed_without_apostrophe() {
        let a = Analysed::new("Dont worry, thats fine. Its ok");
        let words: Vec<&str> = a.tokens.iter().map(|t| t.lower.as_str()).collect();
        assert_eq!(words, ["don", "t", "worry", "that", "s", "fine", "its", "ok"]);
        assert_eq!((a.tokens[0].start, a.tokens[0].end), (0, 3));
        assert_eq!((a.tokens[1].start, a.tokens[1].end), (3, 4));
        assert!(a.tokens[1].unapostrophed && !a.tokens[2].unapostrophed);
    }

    #[test]
    fn reads_texting_abbreviations_as_alternatives() {
        let a = Analysed::new("Nn mi piace, cmq grazie");
        assert_eq!(a.tokens[0].lower, "nn");
        assert_eq!(a.tokens[0].alt.as_deref(), Some("non"));
        assert_eq!(a.tokens[3].alt.as_deref(), Some("comunque"));
        assert_eq!(a.tokens[1].alt, None);
    }

    #[test]
    fn reads_apostrophes_as_accents_only_where_they_can_be() {
        let a = Analysed::new("E' piu' bello, c'e' un po' di 'sole' e l'ordine");
        let lower: Vec<&str> = a.tokens.iter().map(|t| t.lower.as_str()).collect();
        assert_eq!(lower, ["è", "più", "bello", "c", "è", "un", "po", "di", "sole", "e", "l", "ordine"]);
        let b = Analysed::new("piu bello, é arte");
        assert_eq!(b.tokens[0].alt.as_deref(), Some("più"));
        assert_eq!(b.tokens[2].alt.as_deref(), Some("è"));
    }

    #[test]
    fn reads_the_texting_k_as_a_hard_c() {
        let a = Analysed::new("Ke skifo, anke il kuore");
        let alts: Vec<Option<&str>> = a.tokens.iter().map(|t| t.alt.as_deref()).collect();
        assert_eq!(alts, [Some("che"), Some("schifo"), Some("anche"), None, Some("cuore")]);
    }

    #[test]
    fn no_lexicon_word_is_a_texting_abbreviation() {
        // A phrase word spelled as an abbreviation would give the abbreviation an id of its own, so
        // the tokenizer's full form would no longer be tried: "nn" in one phrase would stop every
        // other "nn" from being read as "non", negation included.
        let words: Vec<String> = crate::lexicon::LEXICON
            .iter()
            .chain(crate::frames::FRAMES)
            .flat_map(|entry| entry.phrases.iter())
            .flat_map(|phrase| crate::matcher::expand(phrase))
            .flat_map(|phrase| {
                phrase
                    .split(|c: char| c.is_whitespace() || c == '\'' || c == '’')
                    .map(|word| word.trim_start_matches('^').trim_end_matches('$').to_string())
                    .collect::<Vec<_>>()
            })
            .filter(|word| texting(word).is_some())
            .collect();
        assert!(words.is_empty(), "abbreviations in the lexicon: {words:?}");
    }

    #[test]
    fn keeps_urls_and_emails_whole() {
        let a = Analysed::new("Scriva a info@shop.it o vada su https://shop.it/resi, grazie.");
        let kinds: Vec<Kind> = a.tokens.iter().map(|t| t.kind).collect();
        assert!(kinds.contains(&Kind::Email));
        assert!(kinds.contains(&Kind::Url));
    }
}
