//! The `ascolto coach` commands: the I/O side of the pure `ascolto-coach` library.
//!
//! This crate reads dictionaries from disk, reads text from stdin or files, prints findings readably
//! (the words at fault underlined) or as JSON, and evaluates the coach on labelled data sets. The
//! binary mounts [`CoachCommand`] as `ascolto coach` and calls [`run`].

pub mod eval;
mod render;

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use ascolto_coach::{Language, ReplyContext, Spelling, analyze_customer, analyze_reply};
use serde::Deserialize;

pub use eval::{DataSet, EvalReport, Half, LabelScore};

/// Where Debian's `hunspell-it` and `hunspell-en-us` put their dictionaries.
pub const SYSTEM_DICTIONARY_DIR: &str = "/usr/share/hunspell";

/// `ascolto coach …`
#[derive(Debug, clap::Subcommand)]
pub enum CoachCommand {
    /// Coach a reply draft read from stdin (plain text), or from `--input` (JSON with context).
    Reply {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Language of messages and suggestions.
        #[arg(long, value_parser = parse_language, default_value = "en")]
        ui_lang: Language,
        /// A JSON file `{"reply": "...", "customer_messages": ["..."], "customer_name": "..."}`.
        #[arg(long)]
        input: Option<PathBuf>,
        /// Folder holding `it_IT.aff/.dic` and `en_US.aff/.dic`.
        #[arg(long, default_value = SYSTEM_DICTIONARY_DIR)]
        dictionaries: PathBuf,
    },
    /// Analyse a customer message read from stdin.
    Customer {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Language of the explanations.
        #[arg(long, value_parser = parse_language, default_value = "en")]
        ui_lang: Language,
    },
    /// Run the coach over a labelled JSONL file and print precision, recall, F1 and a confusion table.
    Eval {
        /// The labelled file (the format of `shared/data/*/dev.jsonl`).
        file: PathBuf,
        /// Which data set the file belongs to.
        #[arg(long, value_enum)]
        set: DataSet,
        /// Score only one fixed half of the file (a: the half to study errors on; b: the held-back
        /// half to report on). See `eval::Half`.
        #[arg(long, value_enum)]
        half: Option<Half>,
        /// Print the figures as JSON.
        #[arg(long)]
        json: bool,
    },
}

fn parse_language(code: &str) -> Result<Language, String> {
    Language::parse(code).ok_or_else(|| format!("unknown language {code:?}: use it or en"))
}

/// The JSON accepted by `ascolto coach reply --input`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReplyInput {
    /// The reply draft.
    pub reply: String,
    /// The customer's recent messages, oldest first.
    pub customer_messages: Vec<String>,
    /// The customer's name, when known.
    pub customer_name: Option<String>,
    /// True when the reply came from a macro.
    pub from_macro: bool,
}

/// Runs a coach command on the process's stdin and stdout.
pub fn run(command: CoachCommand) -> anyhow::Result<()> {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    run_with(command, &mut stdin.lock(), &mut stdout.lock())
}

/// Runs a coach command on the given reader and writer (what tests call).
pub fn run_with(
    command: CoachCommand,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
) -> anyhow::Result<()> {
    match command {
        CoachCommand::Reply { json, ui_lang, input: file, dictionaries } => {
            let reply_input = match file {
                Some(path) => {
                    let text = std::fs::read_to_string(&path)
                        .with_context(|| format!("reading reply input {}", path.display()))?;
                    serde_json::from_str(&text)
                        .with_context(|| format!("parsing reply input {}", path.display()))?
                }
                None => ReplyInput { reply: read_all(input)?, ..ReplyInput::default() },
            };
            let spelling = load_system_dictionaries(&dictionaries, &[]);
            coach_reply(&reply_input, ui_lang, spelling.as_ref(), json, output)
        }
        CoachCommand::Customer { json, ui_lang } => coach_customer(&read_all(input)?, ui_lang, json, output),
        CoachCommand::Eval { file, set, half, json } => {
            let report = eval::evaluate_file(&file, set, half)?;
            if json {
                serde_json::to_writer_pretty(&mut *output, &report)?;
                writeln!(output)?;
            } else {
                write!(output, "{}", report.to_table())?;
            }
            Ok(())
        }
    }
}

fn read_all(input: &mut dyn BufRead) -> anyhow::Result<String> {
    let mut text = String::new();
    input.read_to_string(&mut text).context("reading stdin as UTF-8 text")?;
    Ok(text)
}

/// Coaches one reply and writes the report, readable or JSON.
pub fn coach_reply(
    input: &ReplyInput,
    ui: Language,
    spelling: Option<&Spelling>,
    json: bool,
    output: &mut dyn Write,
) -> anyhow::Result<()> {
    let context = ReplyContext {
        customer_messages: input.customer_messages.clone(),
        customer_name: input.customer_name.clone(),
        from_macro: input.from_macro,
        ui_language: ui,
    };
    let report = analyze_reply(&input.reply, &context, spelling);
    if json {
        serde_json::to_writer_pretty(&mut *output, &report)?;
        writeln!(output)?;
    } else {
        write!(output, "{}", render::reply(&input.reply, &context, &report, ui))?;
    }
    Ok(())
}

/// Analyses one customer message and writes the report, readable or JSON.
pub fn coach_customer(text: &str, ui: Language, json: bool, output: &mut dyn Write) -> anyhow::Result<()> {
    let report = analyze_customer(text);
    if json {
        serde_json::to_writer_pretty(&mut *output, &report)?;
        writeln!(output)?;
    } else {
        write!(output, "{}", render::customer(text, &report, ui))?;
    }
    Ok(())
}

/// Loads `it_IT` and `en_US` Hunspell dictionaries from `dir` when present, plus a workspace's own
/// words. Returns `None` when neither dictionary can be read or parsed: spelling is then off.
pub fn load_system_dictionaries(dir: &Path, extra_words: &[String]) -> Option<Spelling> {
    let mut spelling = Spelling::new();
    let mut loaded = false;
    for (language, name) in [(Language::It, "it_IT"), (Language::En, "en_US")] {
        let aff = read_dictionary_file(&dir.join(format!("{name}.aff")));
        let dic = read_dictionary_file(&dir.join(format!("{name}.dic")));
        if let (Some(aff), Some(dic)) = (aff, dic) {
            loaded |= spelling.add_dictionary(language, &aff, &dic).is_ok();
        }
    }
    spelling.add_words(extra_words);
    loaded.then_some(spelling)
}

/// Reads a dictionary file as UTF-8, falling back to Latin-1 (older dictionaries use ISO-8859 sets).
fn read_dictionary_file(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    Some(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => error.into_bytes().iter().map(|&b| char::from(b)).collect(),
    })
}
