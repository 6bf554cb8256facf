//! Quoted-reply trimming: the part of an answer the customer actually wrote, for display.
//! The stored text keeps everything; only what is shown first is trimmed.

/// The text above the quoted history: everything before the first attribution line
/// ("On ... wrote:", "Il ... ha scritto:"), Outlook's original-message separator or header
/// block, or a run of `>` lines. Returns the whole text when nothing was quoted, or when
/// trimming would leave nothing.
pub fn trim_quoted(text: &str) -> &str {
    let mut offset = 0;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    for (index, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        let next = lines.get(index + 1).map(|l| l.trim()).unwrap_or("");
        if starts_quote(trimmed, next) {
            let kept = text[..offset].trim_end();
            return if kept.is_empty() { text } else { kept };
        }
        offset += line.len();
    }
    text
}

/// The text split for display into what the sender wrote and the quoted history below it, or
/// `None` when nothing was quoted (or trimming would leave nothing). The two parts hold the
/// whole text but the blank lines between them: nothing the sender wrote is dropped.
pub fn split_quoted(text: &str) -> Option<(&str, &str)> {
    let written = trim_quoted(text);
    if written.len() == text.len() {
        return None;
    }
    let quoted = text[written.len()..].trim();
    Some((written, quoted))
}

fn starts_quote(line: &str, next: &str) -> bool {
    let lower = line.to_lowercase();
    let attribution = (lower.starts_with("on ") && lower.ends_with("wrote:"))
        || (lower.starts_with("il ") && lower.ends_with("ha scritto:"))
        || (lower.starts_with("am ") && lower.ends_with("schrieb:"))
        || (lower.starts_with("le ") && lower.ends_with("a écrit :"));
    let separator = lower.starts_with("-----original message-----")
        || lower.starts_with("-----messaggio originale-----")
        || lower.starts_with("________________________________");
    let outlook_block = (lower.starts_with("from:") || lower.starts_with("da:"))
        && (next.to_lowercase().starts_with("sent:") || next.to_lowercase().starts_with("inviato:"));
    let quoted_run = line.starts_with('>') && next.starts_with('>');
    attribution || separator || outlook_block || quoted_run
}

#[cfg(test)]
mod tests {
    use super::{split_quoted, trim_quoted};

    #[test]
    fn attribution_lines_start_the_quote() {
        let text =
            "Grazie, risolto.\n\nIl giorno lun 23 nov 2026, Supporto ha scritto:\n> Provi così\n> Saluti\n";
        assert_eq!(trim_quoted(text), "Grazie, risolto.");
        let text = "Thanks!\nOn Mon, Nov 23, 2026 at 9:00 AM Support <s@x> wrote:\n> hi\n";
        assert_eq!(trim_quoted(text), "Thanks!");
    }

    #[test]
    fn outlook_headers_start_the_quote() {
        let text = "Ok\r\n\r\nFrom: Support\r\nSent: Monday\r\nSubject: x\r\n";
        assert_eq!(trim_quoted(text), "Ok");
    }

    #[test]
    fn unquoted_or_all_quoted_text_is_kept_whole() {
        assert_eq!(trim_quoted("Just text\n> one quote"), "Just text\n> one quote");
        assert_eq!(trim_quoted("> a\n> b\n"), "> a\n> b\n");
    }

    #[test]
    fn split_keeps_both_parts_and_nothing_else_changes() {
        let text = "Grazie.\r\n\r\nIl giorno lun 23 nov 2026, Supporto ha scritto:\r\n> Provi così\r\n";
        assert_eq!(
            split_quoted(text),
            Some(("Grazie.", "Il giorno lun 23 nov 2026, Supporto ha scritto:\r\n> Provi così"))
        );
        assert_eq!(split_quoted("No quote here\n"), None);
        assert_eq!(split_quoted("> a\n> b\n"), None, "all quoted: shown whole");
    }
}
