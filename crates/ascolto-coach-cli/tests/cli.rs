//! End-to-end tests of the coach commands through `run_with`, on a reader and a writer.

use std::io::Write as _;

use ascolto_coach::Language;
use ascolto_coach_cli::{CoachCommand, DataSet, eval, run_with};

fn run(command: CoachCommand, stdin: &str) -> String {
    let mut output = Vec::new();
    run_with(command, &mut stdin.as_bytes(), &mut output).expect("the command succeeds");
    String::from_utf8(output).expect("UTF-8 output")
}

fn reply(json: bool, input: Option<std::path::PathBuf>) -> CoachCommand {
    CoachCommand::Reply { json, ui_lang: Language::It, input, dictionaries: "/nonexistent".into() }
}

#[test]
fn reply_is_printed_with_the_words_underlined() {
    let out = run(reply(false, None), "Purtroppo non dipende da noi.");
    assert!(out.contains("ortografia disattivata"), "{out}");
    assert!(out.contains("Purtroppo non dipende da noi.\n              ^^^^^^^^^^^^^^^^^^"), "{out}");
}

#[test]
fn reply_json_has_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("input.json");
    std::fs::write(&path, r#"{"reply": "Ciao {{name}}", "customer_messages": ["Quando arriva il rimborso?"], "customer_name": "Anna"}"#).unwrap();
    let out = run(reply(true, Some(path)), "");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    for key in ["language", "skills", "findings", "readability", "spelling"] {
        assert!(json.get(key).is_some(), "missing {key}: {out}");
    }
    assert_eq!(json["skills"].as_object().unwrap().len(), 10);
    let finding = &json["findings"][0];
    for key in ["skill", "severity", "target", "message_index", "start", "end", "message", "suggestion"] {
        assert!(finding.get(key).is_some(), "missing {key}: {out}");
    }
    assert!(
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["target"] == "customer" && f["message_index"] == 0)
    );
}

#[test]
fn customer_json_has_the_documented_shape() {
    let command = CoachCommand::Customer { json: true, ui_lang: Language::En };
    let out = run(command, "This is the third time I write! Where is my damn order?");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    for key in [
        "language",
        "sentiment",
        "emotions",
        "urgency",
        "urgency_reasons",
        "questions",
        "tried",
        "abuse",
        "thanks",
    ] {
        assert!(json.get(key).is_some(), "missing {key}: {out}");
    }
    assert_eq!(json["abuse"].as_array().unwrap().len(), 1);
}

#[test]
fn eval_scores_a_tiny_handmade_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bitext.jsonl");
    let mut file = std::fs::File::create(&path).unwrap();
    for (message, tags) in [
        ("where is my damn order", "BW"),
        ("where is my order", "B"),
        ("cancel my bloody plan", "BW"),
        ("I hate waiting", "BW"),
    ] {
        writeln!(file, "{}", serde_json::json!({"customer_message": message, "tags": tags})).unwrap();
    }
    let report = eval::evaluate_file(&path, DataSet::Bitext, None).unwrap();
    let task = &report.tasks[0];
    let offensive = task.labels.iter().find(|l| l.label == "offensive").unwrap();
    assert_eq!((offensive.support, offensive.precision, offensive.recall), (3, 1.0, 0.667));
    // Gold labels sorted: "not offensive" first, then "offensive"; rows gold, columns predicted.
    assert_eq!(task.confusion, vec![vec![1, 0], vec![1, 2]]);
    let table = run(CoachCommand::Eval { file: path, set: DataSet::Bitext, half: None, json: false }, "");
    assert!(table.contains("offensive") && table.contains("confusion"), "{table}");
}

#[test]
fn score_task_computes_precision_recall_and_confusion() {
    let pairs: Vec<(String, String)> = [("a", "a"), ("a", "b"), ("b", "b"), ("b", "b")]
        .iter()
        .map(|(g, p)| (g.to_string(), p.to_string()))
        .collect();
    let task = eval::score_task("t", "m", &pairs, &["a", "b"]);
    assert_eq!(task.confusion, vec![vec![1, 1], vec![0, 2]]);
    assert_eq!((task.labels[0].precision, task.labels[0].recall), (1.0, 0.5));
    assert_eq!((task.labels[1].precision, task.labels[1].recall), (0.667, 1.0));
    assert_eq!(task.accuracy, 0.75);
}
