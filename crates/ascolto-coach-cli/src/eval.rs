//! Evaluation of the coach on labelled data sets: maps coach outputs to each set's labels and scores them.
//!
//! Each data set gets one or more *tasks*; a task is a list of (gold label, predicted label) pairs
//! scored with per-label precision, recall and F1, accuracy, macro-F1 and a confusion table. Which
//! coach output stands for which label is written next to each mapping and in `docs/COACH.md`.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::BufRead;
use std::path::Path;

use anyhow::{Context, bail};
use ascolto_coach::{Language, ReplyContext, ReplyReport, analyze_customer, analyze_reply, courtesy};
use serde::Serialize;
use serde_json::Value;

/// The labelled data sets the coach is measured on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DataSet {
    /// ESConv supporter strategies (English).
    Esconv,
    /// EPITOME empathy mechanisms (English).
    Epitome,
    /// Stanford politeness corpus (English).
    Politeness,
    /// MultiEmotions-It polarity and emotions (Italian).
    Multiemotions,
    /// Bitext customer-support register tags (English).
    Bitext,
}

/// One of two fixed halves of a data set, so that rules can be studied on one half and measured on the
/// other. An item belongs to half A when the FNV-1a hash of its group key is even: the dialogue
/// (`dialog_index`) for ESConv, the seeker post (`sp_id`) for EPITOME, the item `id` otherwise, so
/// that windows of one conversation or replies to one post never straddle the halves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Half {
    /// Items whose key hashes to an even number: the half errors may be studied on.
    A,
    /// Items whose key hashes to an odd number: the half figures are reported on, never studied.
    B,
}

/// The half an item of `set` belongs to (see [`Half`]).
pub fn half_of(item: &Value, set: DataSet) -> Half {
    let field = match set {
        DataSet::Esconv => "dialog_index",
        DataSet::Epitome => "sp_id",
        _ => "id",
    };
    let key = match item.get(field) {
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    if hash % 2 == 0 { Half::A } else { Half::B }
}

/// One label's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelScore {
    /// The label.
    pub label: String,
    /// Items whose gold label is this one.
    pub support: usize,
    /// Of the items predicted with this label, the share that has it.
    pub precision: f64,
    /// Of the items with this label, the share predicted with it.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
}

/// The figures of one task.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskReport {
    /// What is measured.
    pub name: String,
    /// Which coach output is mapped to which label.
    pub mapping: String,
    /// Items scored.
    pub items: usize,
    /// Share of items whose predicted label equals the gold one.
    pub accuracy: f64,
    /// Mean F1 over `macro_labels`.
    pub macro_f1: f64,
    /// The labels averaged in `macro_f1`.
    pub macro_labels: Vec<String>,
    /// Per-label figures, gold labels first, then labels only predicted.
    pub labels: Vec<LabelScore>,
    /// `confusion[gold][predicted]`, rows and columns in `labels` order.
    pub confusion: Vec<Vec<usize>>,
    /// Every scored item: its line index among the items read (after `--half`), gold and predicted
    /// label. Not printed; for studying errors.
    #[serde(skip)]
    pub predictions: Vec<(usize, String, String)>,
}

/// What `ascolto coach eval` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalReport {
    /// The data set.
    pub set: DataSet,
    /// Lines read.
    pub lines: usize,
    /// One report per task.
    pub tasks: Vec<TaskReport>,
}

/// Reads a JSONL file and evaluates the coach on it.
pub fn evaluate_file(path: &Path, set: DataSet, half: Option<Half>) -> anyhow::Result<EvalReport> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    evaluate(std::io::BufReader::new(file), set, half)
        .with_context(|| format!("evaluating {}", path.display()))
}

/// Evaluates the coach on JSONL read from `reader`, on every item or on one [`Half`].
pub fn evaluate(reader: impl BufRead, set: DataSet, half: Option<Half>) -> anyhow::Result<EvalReport> {
    let items = read_items(reader, set, half)?;
    let tasks = match set {
        DataSet::Esconv => vec![esconv(&items)?],
        DataSet::Epitome => epitome(&items)?,
        DataSet::Politeness => vec![politeness(&items)?],
        DataSet::Multiemotions => multiemotions(&items)?,
        DataSet::Bitext => vec![bitext(&items)?],
    };
    Ok(EvalReport { set, lines: items.len(), tasks })
}

/// Reads the JSONL items, keeping those of `half` when one is given.
pub fn read_items(reader: impl BufRead, set: DataSet, half: Option<Half>) -> anyhow::Result<Vec<Value>> {
    let mut items = Vec::new();
    for (number, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("reading line {}", number + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let value: Value =
            serde_json::from_str(&line).with_context(|| format!("parsing line {}", number + 1))?;
        if half.is_none_or(|h| half_of(&value, set) == h) {
            items.push(value);
        }
    }
    Ok(items)
}

fn text_field<'v>(item: &'v Value, field: &str) -> anyhow::Result<&'v str> {
    match item.get(field).and_then(Value::as_str) {
        Some(text) => Ok(text),
        None => bail!("an item has no text field {field:?}"),
    }
}

fn number_field(item: &Value, field: &str) -> anyhow::Result<f64> {
    match item.get(field).and_then(Value::as_f64) {
        Some(number) => Ok(number),
        None => bail!("an item has no number field {field:?}"),
    }
}

fn english_context(messages: Vec<String>) -> ReplyContext {
    ReplyContext { customer_messages: messages, ui_language: Language::En, ..ReplyContext::default() }
}

fn has_code(report: &ReplyReport, code: &str) -> bool {
    report.findings.iter().any(|f| f.code == code)
}

const ESCONV_MAPPING: &str = "the first that applies: a question in the reply (listening strength `good_question`) -> \
    Questions, unless a suggestion (`good_suggestion`) lies inside that question -> Providing Suggestions, or a \
    restatement (`good_restatement`, including a statement asked as a question) inside it -> Restatement or \
    Paraphrasing, or a reflection, validation, reassurance or suggestion comes before it -> that strategy (below); \
    a feeling named or understood (`good_reflection`) -> Reflection of feelings; validation, \
    reassurance or affirmation (`good_validation`, `good_reassurance`) -> Affirmation and Reassurance; a suggestion \
    -> Providing Suggestions; an experience of one's own (`good_relating`) -> Self-disclosure; sympathy alone \
    (`good_empathy`) -> Affirmation and Reassurance; a restatement -> Restatement or Paraphrasing; else Other. The \
    seeker's turns in the context are the customer messages.";

/// ESConv: the supporter's turn is the reply, the seeker's turns are the customer's messages.
fn esconv(items: &[Value]) -> anyhow::Result<TaskReport> {
    let mut pairs = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let gold = text_field(item, "strategy")?.to_string();
        let response = text_field(item, "response")?;
        let seeker: Vec<String> = item
            .get("context")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|turn| turn.get("speaker").and_then(Value::as_str) == Some("seeker"))
            .filter_map(|turn| turn.get("text").and_then(Value::as_str).map(str::to_string))
            .collect();
        let report = analyze_reply(response, &english_context(seeker), None);
        pairs.push((index, gold, esconv_label(&report).to_string()));
    }
    Ok(score_indexed(
        "ESConv strategy of the supporter's turn",
        ESCONV_MAPPING,
        &pairs,
        &["Questions", "Providing Suggestions", "Reflection of feelings", "Affirmation and Reassurance"],
    ))
}

fn esconv_label(report: &ReplyReport) -> &'static str {
    // Sympathy ("I'm so sorry to hear that") mostly opens a turn whose strategy is what follows it, so
    // it decides only when nothing more specific is there; alone, it comforts.
    const ORDER: [(&str, &str); 7] = [
        ("good_reflection", "Reflection of feelings"),
        ("good_validation", "Affirmation and Reassurance"),
        ("good_reassurance", "Affirmation and Reassurance"),
        ("good_suggestion", "Providing Suggestions"),
        ("good_relating", "Self-disclosure"),
        ("good_empathy", "Affirmation and Reassurance"),
        ("good_restatement", "Restatement or Paraphrasing"),
    ];
    // A statement move before the first question is the turn's strategy: the question after it hands
    // the turn back ("Maybe try a walk. What do you think?"). Sympathy, a restatement or a story
    // before it only lead into the question.
    const LEADING: [&str; 4] = ["good_reflection", "good_validation", "good_reassurance", "good_suggestion"];
    let find = |code: &str| report.findings.iter().find(|f| f.code == code);
    if let Some(question) = find("good_question") {
        let inside = |code: &str| {
            report
                .findings
                .iter()
                .any(|f| f.code == code && f.start >= question.start && f.start < question.end)
        };
        let before = |code: &str| report.findings.iter().any(|f| f.code == code && f.end <= question.start);
        return if inside("good_suggestion") {
            "Providing Suggestions"
        } else if inside("good_restatement") {
            "Restatement or Paraphrasing"
        } else {
            ORDER
                .iter()
                .find(|(code, _)| LEADING.contains(code) && before(code))
                .map_or("Questions", |(_, label)| label)
        };
    }
    ORDER.iter().find(|(code, _)| has_code(report, code)).map_or("Other", |(_, label)| label)
}

/// EPITOME: emotional reactions (0 against 1–2) from `good_empathy`, `good_reassurance` or `good_validation`;
/// explorations from `good_question`.
fn epitome(items: &[Value]) -> anyhow::Result<Vec<TaskReport>> {
    let mut reactions = Vec::new();
    let mut explorations = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let seeker = text_field(item, "seeker_post")?.to_string();
        let response = text_field(item, "response_post")?;
        let report = analyze_reply(response, &english_context(vec![seeker]), None);
        let binary = |level: f64| if level >= 1.0 { "yes" } else { "no" };
        let predicted = |code: &str| if has_code(&report, code) { "yes" } else { "no" };
        // Emotional reactions are expressions of warmth, compassion and concern: EPITOME's own weak
        // example is "Everything will be fine" (Sharma et al. 2020, table 1), which the coach calls
        // reassurance, so sympathy, reassurance and the warm acceptance of validation ("it's okay to
        // feel that way") count. Naming or understanding the feeling (`good_reflection`) is what
        // EPITOME calls an interpretation, so it does not.
        let warm = ["good_empathy", "good_reassurance", "good_validation"]
            .iter()
            .any(|code| has_code(&report, code));
        reactions.push((
            index,
            binary(number_field(item, "emotional_reactions")?).to_string(),
            (if warm { "yes" } else { "no" }).to_string(),
        ));
        explorations.push((
            index,
            binary(number_field(item, "explorations")?).to_string(),
            predicted("good_question").to_string(),
        ));
    }
    Ok(vec![
        score_indexed(
            "EPITOME emotional reactions (0 = no, 1-2 = yes)",
            "yes when the reply shows sympathy, reassures or validates (empathy strengths `good_empathy`, `good_reassurance`, `good_validation`)",
            &reactions,
            &["yes", "no"],
        ),
        score_indexed(
            "EPITOME explorations (0 = no, 1-2 = yes)",
            "yes when the reply asks a question (listening strength `good_question`)",
            &explorations,
            &["yes", "no"],
        ),
    ])
}

/// Stanford politeness: polite against impolite quartiles; the middle quartiles are left out.
fn politeness(items: &[Value]) -> anyhow::Result<TaskReport> {
    let mut pairs = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let gold = text_field(item, "quartile_label")?;
        if gold == "middle" {
            continue;
        }
        let score = courtesy(text_field(item, "request")?).score;
        let predicted = if score > 0.0 { "polite" } else { "impolite" };
        pairs.push((index, gold.to_string(), predicted.to_string()));
    }
    Ok(score_indexed(
        "Stanford politeness, polite against impolite quartiles",
        "polite when `courtesy(text).score > 0` (the sum of the politeness strategies' weights), else impolite",
        &pairs,
        &["polite", "impolite"],
    ))
}

/// MultiEmotions-It: polarity (positive/negative items only) from the sentiment sign; anger from the anger score.
fn multiemotions(items: &[Value]) -> anyhow::Result<Vec<TaskReport>> {
    let mut polarity = Vec::new();
    let mut anger = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let report = analyze_customer(text_field(item, "text")?);
        let gold = text_field(item, "polarity")?;
        if matches!(gold, "positive" | "negative") {
            let predicted = match report.sentiment {
                s if s > 0.0 => "positive",
                s if s < 0.0 => "negative",
                _ => "neutral",
            };
            polarity.push((index, gold.to_string(), predicted.to_string()));
        }
        let gold_anger = item.pointer("/emotions/anger").and_then(Value::as_f64).unwrap_or(0.0) >= 1.0;
        let label = |yes: bool| if yes { "anger" } else { "no anger" };
        anger.push((
            index,
            label(gold_anger).to_string(),
            label(report.emotions.anger.score >= 0.5).to_string(),
        ));
    }
    Ok(vec![
        score_indexed(
            "MultiEmotions-It polarity (positive and negative items)",
            "positive when `sentiment > 0`, negative when `< 0`, neutral (always wrong here) when 0",
            &polarity,
            &["positive", "negative"],
        ),
        score_indexed(
            "MultiEmotions-It anger",
            "anger when `emotions.anger.score >= 0.5` (at least one anger word, or shouting plus abuse)",
            &anger,
            &["anger"],
        ),
    ])
}

/// Bitext: the `W` (offensive language) tag from the customer-side abuse detector.
fn bitext(items: &[Value]) -> anyhow::Result<TaskReport> {
    let mut pairs = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let gold = if text_field(item, "tags")?.contains('W') { "offensive" } else { "not offensive" };
        let report = analyze_customer(text_field(item, "customer_message")?);
        let predicted = if report.abuse.is_empty() { "not offensive" } else { "offensive" };
        pairs.push((index, gold.to_string(), predicted.to_string()));
    }
    Ok(score_indexed(
        "Bitext W (offensive language)",
        "offensive when the customer report's `abuse` list is not empty",
        &pairs,
        &["offensive"],
    ))
}

/// Scores (item index, gold, predicted) triples and keeps them as the report's `predictions`.
fn score_indexed(
    name: &str,
    mapping: &str,
    predictions: &[(usize, String, String)],
    macro_labels: &[&str],
) -> TaskReport {
    let pairs: Vec<(String, String)> = predictions.iter().map(|(_, g, p)| (g.clone(), p.clone())).collect();
    TaskReport { predictions: predictions.to_vec(), ..score_task(name, mapping, &pairs, macro_labels) }
}

/// Scores (gold, predicted) pairs: per-label precision, recall, F1, accuracy, macro-F1, confusion.
pub fn score_task(
    name: &str,
    mapping: &str,
    pairs: &[(String, String)],
    macro_labels: &[&str],
) -> TaskReport {
    let gold: BTreeSet<&str> = pairs.iter().map(|(g, _)| g.as_str()).collect();
    let mut labels: Vec<String> = gold.iter().map(|s| s.to_string()).collect();
    for (_, predicted) in pairs {
        if !labels.contains(predicted) {
            labels.push(predicted.clone());
        }
    }
    let index = |label: &str| labels.iter().position(|l| l == label).unwrap_or(0);
    let mut confusion = vec![vec![0usize; labels.len()]; labels.len()];
    for (g, p) in pairs {
        confusion[index(g)][index(p)] += 1;
    }
    let scores: Vec<LabelScore> = labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let true_positive = confusion[i][i] as f64;
            let predicted: usize = confusion.iter().map(|row| row[i]).sum();
            let support: usize = confusion[i].iter().sum();
            let precision = ratio(true_positive, predicted as f64);
            let recall = ratio(true_positive, support as f64);
            let f1 = ratio(2.0 * precision * recall, precision + recall);
            LabelScore {
                label: label.clone(),
                support,
                precision: round3(precision),
                recall: round3(recall),
                f1: round3(f1),
            }
        })
        .collect();
    let correct: usize = (0..labels.len()).map(|i| confusion[i][i]).sum();
    let macro_scores: Vec<f64> =
        scores.iter().filter(|s| macro_labels.contains(&s.label.as_str())).map(|s| s.f1).collect();
    TaskReport {
        name: name.to_string(),
        mapping: mapping.to_string(),
        items: pairs.len(),
        accuracy: round3(ratio(correct as f64, pairs.len() as f64)),
        macro_f1: round3(ratio(macro_scores.iter().sum(), macro_scores.len() as f64)),
        macro_labels: macro_labels.iter().map(|s| s.to_string()).collect(),
        labels: scores,
        confusion,
        predictions: pairs.iter().enumerate().map(|(i, (g, p))| (i, g.clone(), p.clone())).collect(),
    }
}

fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator == 0.0 { 0.0 } else { numerator / denominator }
}

fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

impl EvalReport {
    /// The figures as plain-text tables.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        for task in &self.tasks {
            let _ = writeln!(out, "{} ({} items)", task.name, task.items);
            let _ = writeln!(out, "mapping: {}", task.mapping);
            let _ = writeln!(
                out,
                "{:<30} {:>7} {:>9} {:>7} {:>7}",
                "label", "support", "precision", "recall", "F1"
            );
            for label in &task.labels {
                let _ = writeln!(
                    out,
                    "{:<30} {:>7} {:>9.3} {:>7.3} {:>7.3}",
                    label.label, label.support, label.precision, label.recall, label.f1
                );
            }
            let _ = writeln!(
                out,
                "accuracy {:.3}, macro-F1 {:.3} over {}",
                task.accuracy,
                task.macro_f1,
                task.macro_labels.join(", ")
            );
            let _ = writeln!(out, "confusion (rows gold, columns predicted):");
            let short: Vec<String> = task.labels.iter().map(|l| l.label.chars().take(10).collect()).collect();
            let _ = write!(out, "{:<30}", "");
            for name in &short {
                let _ = write!(out, " {name:>10}");
            }
            let _ = writeln!(out);
            for (row, label) in task.confusion.iter().zip(&task.labels) {
                let _ = write!(out, "{:<30}", label.label);
                for count in row {
                    let _ = write!(out, " {count:>10}");
                }
                let _ = writeln!(out);
            }
            let _ = writeln!(out);
        }
        out
    }
}
