//! Runs `ascolto coach eval` on every data set found under a folder (default `../shared/data`).
//!
//! `cargo run --release -p ascolto-coach-cli --example eval -- /work/shared/data`

use std::path::PathBuf;

use ascolto_coach_cli::{CoachCommand, DataSet, run};

fn main() -> anyhow::Result<()> {
    let root = std::env::args().nth(1).map_or_else(|| PathBuf::from("../shared/data"), PathBuf::from);
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
        println!("=== {}", file.display());
        run(CoachCommand::Eval { file, set, json: false })?;
    }
    Ok(())
}
