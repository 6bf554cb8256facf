//! Readable output: findings with the words at fault underlined under their line of text.

use std::fmt::Write as _;

use ascolto_coach::{CustomerReport, Language, ReplyContext, ReplyReport, Severity, Span, Target};

fn label(ui: Language, italian: &'static str, english: &'static str) -> &'static str {
    match ui {
        Language::It => italian,
        Language::En => english,
    }
}

/// The line of `text` holding byte `start`, and a line of `^` under `start..end` (clipped to that line).
pub(crate) fn underline(text: &str, start: usize, end: usize) -> Option<(String, String)> {
    if start > end || end > text.len() || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
        return None;
    }
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = text[line_start..line_end].trim_end_matches('\r');
    let before = text[line_start..start].chars().count();
    let width = text[start..end.min(line_end)].chars().count().max(1);
    let line_text = line.replace('\t', " ");
    Some((line_text, format!("{}{}", " ".repeat(before), "^".repeat(width))))
}

fn severity_name(severity: Severity, ui: Language) -> &'static str {
    match severity {
        Severity::Info => label(ui, "nota", "info"),
        Severity::Warn => label(ui, "attenzione", "warn"),
        Severity::Problem => label(ui, "problema", "problem"),
    }
}

/// The reply report as text.
pub(crate) fn reply(text: &str, context: &ReplyContext, report: &ReplyReport, ui: Language) -> String {
    let mut out = String::new();
    let readability = match report.readability.index {
        Some(index) => format!("{} {index:.0}", report.readability.formula),
        None => report.readability.formula.clone(),
    };
    let spelling = if report.spelling.enabled {
        format!(
            "{} ({} {}, {} {})",
            label(ui, "ortografia attiva", "spelling on"),
            report.spelling.checked,
            label(ui, "parole controllate", "words checked"),
            report.spelling.misspelled,
            label(ui, "non trovate", "not found")
        )
    } else {
        label(ui, "ortografia disattivata (nessun dizionario)", "spelling off (no dictionaries)").to_string()
    };
    let _ = writeln!(
        out,
        "{}: {} · {}: {readability} · {spelling}",
        label(ui, "lingua", "language"),
        report.language.code(),
        label(ui, "leggibilità", "readability"),
    );
    let scores: Vec<String> =
        report.skills.iter().map(|(skill, score)| format!("{} {}", skill.id(), score.score)).collect();
    let _ = writeln!(out, "{}: {}", label(ui, "punteggi", "scores"), scores.join(" · "));
    if report.findings.is_empty() {
        let _ = writeln!(out, "\n{}", label(ui, "Nessuna osservazione.", "Nothing to point out."));
    }
    for finding in &report.findings {
        let _ = writeln!(
            out,
            "\n[{}] {}: {}",
            severity_name(finding.severity, ui),
            finding.skill.id(),
            finding.message
        );
        let source = match (finding.target, finding.message_index) {
            (Target::Customer, Some(index)) => context.customer_messages.get(index).map(String::as_str),
            _ => Some(text),
        };
        if finding.target == Target::Customer {
            let _ =
                writeln!(out, "  {}:", label(ui, "nel messaggio del cliente", "in the customer's message"));
        }
        if let Some((line, marks)) = source.and_then(|s| underline(s, finding.start, finding.end))
            && finding.end > finding.start
        {
            let _ = writeln!(out, "    {line}\n    {marks}");
        }
        if !finding.suggestion.is_empty() {
            let _ = writeln!(out, "  → {}", finding.suggestion);
        }
    }
    out
}

fn underline_spans(out: &mut String, text: &str, title: &str, spans: &[Span]) {
    if spans.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{title}:");
    for span in spans {
        if let Some((line, marks)) = underline(text, span.start, span.end) {
            let _ = writeln!(out, "    {line}\n    {marks}");
        }
    }
}

/// The customer report as text.
pub(crate) fn customer(text: &str, report: &CustomerReport, ui: Language) -> String {
    let mut out = String::new();
    let e = &report.emotions;
    let _ = writeln!(
        out,
        "{}: {} · sentiment {:+.2} · {} {:.2}",
        label(ui, "lingua", "language"),
        report.language.code(),
        report.sentiment,
        label(ui, "urgenza", "urgency"),
        report.urgency
    );
    let _ = writeln!(
        out,
        "{}: {} {:.2} · {} {:.2} · {} {:.2} · {} {:.2}",
        label(ui, "emozioni", "emotions"),
        label(ui, "rabbia", "anger"),
        e.anger.score,
        label(ui, "tristezza", "sadness"),
        e.sadness.score,
        label(ui, "paura", "fear"),
        e.fear.score,
        label(ui, "gioia", "joy"),
        e.joy.score
    );
    for reason in &report.urgency_reasons {
        let _ = writeln!(out, "\n{}: {}", label(ui, "urgenza", "urgency"), reason.kind.describe(ui));
        if let Some((line, marks)) = underline(text, reason.start, reason.end) {
            let _ = writeln!(out, "    {line}\n    {marks}");
        }
    }
    underline_spans(&mut out, text, label(ui, "Domande", "Questions"), &report.questions);
    underline_spans(&mut out, text, label(ui, "Già provato", "Already tried"), &report.tried);
    underline_spans(&mut out, text, label(ui, "Linguaggio offensivo", "Abusive language"), &report.abuse);
    underline_spans(&mut out, text, label(ui, "Ringraziamenti o lodi", "Thanks or praise"), &report.thanks);
    let emotions = [
        (label(ui, "rabbia", "anger"), &e.anger),
        (label(ui, "tristezza", "sadness"), &e.sadness),
        (label(ui, "paura", "fear"), &e.fear),
        (label(ui, "gioia", "joy"), &e.joy),
    ];
    for (name, emotion) in emotions {
        let title = format!("{} ({name})", label(ui, "Emozione", "Emotion"));
        underline_spans(&mut out, text, &title, &emotion.evidence);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn underlines_the_span_on_its_line() {
        let (line, marks) = underline("Ciao.\nNon dipende da noi.", 6, 19).unwrap();
        assert_eq!(line, "Non dipende da noi.");
        assert_eq!(marks, "^^^^^^^^^^^^^");
    }

    #[test]
    fn counts_columns_in_chars() {
        let (_, marks) = underline("È già così", 8, 13).unwrap();
        assert_eq!(marks, "      ^^^^");
    }
}
