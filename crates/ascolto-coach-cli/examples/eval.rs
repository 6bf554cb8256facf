//! Runs `ascolto coach eval` on every data set found under a folder (default `../shared/data`).
//!
//! `cargo run --release -p ascolto-coach-cli --example eval -- /work/shared/data [--half a|b] [--errors]`
//!
//! `--half` scores one fixed half of each set (`eval::Half`: study errors on A, report on B).
//! `--errors` also prints every misclassified item with its text; it is refused with `--half b`, so
//! the half the figures are reported on is never read item by item.

use std::io::BufReader;
use std::path::PathBuf;

use anyhow::bail;
use ascolto_coach_cli::{DataSet, Half, eval};
use serde_json::Value;

fn main() -> anyhow::Result<()> {
    let mut root = PathBuf::from("../shared/data");
    let (mut half, mut errors) = (None, false);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--half" => {
                half = match args.next().as_deref() {
                    Some("a" | "A") => Some(Half::A),
                    Some("b" | "B") => Some(Half::B),
                    other => bail!("--half takes a or b, not {other:?}"),
                }
            }
            "--errors" => errors = true,
            _ => root = PathBuf::from(arg),
        }
    }
    if errors && half != Some(Half::A) {
        bail!("--errors needs --half a: errors are studied on half A only");
    }
    let sets = [
        ("esconv-strategies", DataSet::Esconv),
        ("epitome-empathy", DataSet::Epitome),
        ("stanford-politeness", DataSet::Politeness),
        ("multiemotions-it", DataSet::Multiemotions),
        ("bitext-customer-support", DataSet::Bitext),
    ];
    for (folder, set) in sets {
        let file = root.join(folder).join("dev.jsonl");
        if !file.exists() {
            println!("SKIPPED: {} not found", file.display());
            continue;
        }
        println!("=== {} (half {half:?})", file.display());
        let report = eval::evaluate_file(&file, set, half)?;
        print!("{}", report.to_table());
        if errors {
            let items = eval::read_items(BufReader::new(std::fs::File::open(&file)?), set, half)?;
            for task in &report.tasks {
                for (index, gold, predicted) in task.predictions.iter().filter(|(_, g, p)| g != p) {
                    println!("ERR\t{}\t{gold}\t{predicted}\t{}", task.name, shown(&items[*index], set));
                }
            }
        }
    }
    Ok(())
}

/// The text of an item the coach read, on one line.
fn shown(item: &Value, set: DataSet) -> String {
    let field = |name: &str| item.get(name).and_then(Value::as_str).unwrap_or_default().replace('\n', " ");
    match set {
        DataSet::Esconv => {
            let seeker = item
                .get("context")
                .and_then(Value::as_array)
                .and_then(|turns| turns.iter().rev().find(|t| t["speaker"] == "seeker"))
                .and_then(|t| t["text"].as_str())
                .unwrap_or_default()
                .to_string();
            format!("{}\t<< {}", field("response"), seeker)
        }
        DataSet::Epitome => format!("{}\t<< {}", field("response_post"), field("seeker_post")),
        DataSet::Politeness => field("request"),
        DataSet::Multiemotions => field("text"),
        DataSet::Bitext => field("customer_message"),
    }
}
