//! Prints the rule codes the coach finds in each line of stdin, with the words they point at: a quick
//! way to see what a rule does while writing it.
//!
//! `echo "It sounds like you're exhausted." | cargo run --release -p ascolto-coach-cli --example probe`

use std::io::BufRead;

use ascolto_coach::{Language, ReplyContext, Target, analyze_reply};

fn main() {
    let context = ReplyContext { ui_language: Language::En, ..ReplyContext::default() };
    for line in std::io::stdin().lock().lines().map_while(Result::ok) {
        let report = analyze_reply(&line, &context, None);
        let found: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.target == Target::Reply)
            .map(|f| format!("{}«{}»", f.code, &line[f.start..f.end]))
            .collect();
        println!("{line}\n    {}", found.join("  "));
    }
}
