//! Measures what the coach costs a process once: the time and resident memory to compile the lexicon
//! (on first use) and to load the system Hunspell dictionaries. Linux only (reads `/proc/self/status`).
//!
//! `cargo run --release -p ascolto-coach-cli --example footprint [-- DICTIONARY_DIR]`

use std::path::PathBuf;
use std::time::Instant;

use ascolto_coach::analyze_customer;
use ascolto_coach_cli::{SYSTEM_DICTIONARY_DIR, load_system_dictionaries};

/// Resident memory of this process in KiB, from `/proc/self/status`.
fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| SYSTEM_DICTIONARY_DIR.to_string()));
    let before = resident_kib();
    let started = Instant::now();
    let _ = analyze_customer("Ciao, il pacco non è arrivato.");
    let lexicon_time = started.elapsed();
    let after_lexicon = resident_kib();
    let started = Instant::now();
    let spelling = load_system_dictionaries(&dir, &[]);
    let dictionary_time = started.elapsed();
    let after_dictionaries = resident_kib();
    println!(
        "lexicon: compiled in {:.1} ms, +{:.1} MiB resident",
        lexicon_time.as_secs_f64() * 1e3,
        after_lexicon.saturating_sub(before) as f64 / 1024.0
    );
    match spelling {
        Some(_) => println!(
            "dictionaries ({}): loaded in {:.1} ms, +{:.1} MiB resident",
            dir.display(),
            dictionary_time.as_secs_f64() * 1e3,
            after_dictionaries.saturating_sub(after_lexicon) as f64 / 1024.0
        ),
        None => println!("SKIPPED: no dictionaries in {}", dir.display()),
    }
}
