//! Dumps the coach's reports on half A of each data set as JSON lines, for studying errors with other tools.
//!
//! `cargo run --release -p ascolto-coach-cli --example dump -- /work/shared/data OUT_DIR`
//!
//! Only half A is ever dumped: half B is the half figures are reported on, never read item by item.

use std::io::{BufReader, Write};
use std::path::PathBuf;

use ascolto_coach::{Language, ReplyContext, analyze_customer, analyze_reply, courtesy};
use ascolto_coach_cli::{DataSet, Half, eval};
use serde_json::{Value, json};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().unwrap_or_else(|| "../shared/data".into()));
    let out = PathBuf::from(args.next().unwrap_or_else(|| "dump".into()));
    std::fs::create_dir_all(&out)?;
    let sets = [
        ("esconv-strategies", DataSet::Esconv),
        ("epitome-empathy", DataSet::Epitome),
        ("stanford-politeness", DataSet::Politeness),
        ("multiemotions-it", DataSet::Multiemotions),
        ("bitext-customer-support", DataSet::Bitext),
    ];
    for (folder, set) in sets {
        let file = root.join(folder).join("dev.jsonl");
        let items = eval::read_items(BufReader::new(std::fs::File::open(&file)?), set, Some(Half::A))?;
        let mut writer = std::fs::File::create(out.join(format!("{folder}.jsonl")))?;
        for item in items {
            let report = report(&item, set);
            writeln!(writer, "{}", json!({"item": item, "report": report}))?;
        }
    }
    Ok(())
}

fn text(item: &Value, field: &str) -> String {
    item.get(field).and_then(Value::as_str).unwrap_or_default().to_string()
}

fn report(item: &Value, set: DataSet) -> Value {
    let context = |messages: Vec<String>| ReplyContext {
        customer_messages: messages,
        ui_language: Language::En,
        ..ReplyContext::default()
    };
    match set {
        DataSet::Esconv => {
            let seeker: Vec<String> = item["context"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|t| t["speaker"] == "seeker")
                .filter_map(|t| t["text"].as_str().map(str::to_string))
                .collect();
            reply_value(&analyze_reply(&text(item, "response"), &context(seeker), None))
        }
        DataSet::Epitome => reply_value(&analyze_reply(
            &text(item, "response_post"),
            &context(vec![text(item, "seeker_post")]),
            None,
        )),
        DataSet::Politeness => serde_json::to_value(courtesy(&text(item, "request"))).unwrap_or_default(),
        DataSet::Multiemotions => {
            serde_json::to_value(analyze_customer(&text(item, "text"))).unwrap_or_default()
        }
        DataSet::Bitext => {
            serde_json::to_value(analyze_customer(&text(item, "customer_message"))).unwrap_or_default()
        }
    }
}

/// The report with each finding's rule code, which the JSON contract leaves out.
fn reply_value(report: &ascolto_coach::ReplyReport) -> Value {
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|f| json!({"code": f.code, "start": f.start, "end": f.end, "target": f.target, "index": f.message_index}))
        .collect();
    json!({"language": report.language, "findings": findings})
}
