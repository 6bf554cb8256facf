//! Property tests: any input never panics, and every span lies on char boundaries inside its text.

use ascolto_coach::{Language, ReplyContext, Target, analyze_customer, analyze_reply, courtesy};
use proptest::prelude::*;

fn assert_reply_spans(reply: &str, context: &ReplyContext) {
    let report = analyze_reply(reply, context, None);
    for finding in &report.findings {
        let text = match finding.target {
            Target::Reply => reply,
            Target::Customer => &context.customer_messages[finding.message_index.expect("customer index")],
        };
        assert!(finding.start <= finding.end && finding.end <= text.len(), "{finding:?}");
        assert!(text.is_char_boundary(finding.start) && text.is_char_boundary(finding.end), "{finding:?}");
    }
    for score in report.skills.values() {
        assert!(score.score <= 100);
    }
}

fn assert_customer_spans(text: &str) {
    let report = analyze_customer(text);
    let reasons = report.urgency_reasons.iter().map(|r| (r.start, r.end));
    let emotions =
        [&report.emotions.anger, &report.emotions.sadness, &report.emotions.fear, &report.emotions.joy];
    let spans = report
        .questions
        .iter()
        .chain(&report.tried)
        .chain(&report.abuse)
        .chain(&report.thanks)
        .chain(emotions.iter().flat_map(|e| e.evidence.iter()))
        .map(|s| (s.start, s.end))
        .chain(reasons);
    for (start, end) in spans {
        assert!(
            start <= end && end <= text.len() && text.is_char_boundary(start) && text.is_char_boundary(end)
        );
    }
    assert!((-1.0..=1.0).contains(&report.sentiment));
    assert!((0.0..=1.0).contains(&report.urgency));
    for marker in courtesy(text).markers {
        assert!(
            text.is_char_boundary(marker.start)
                && text.is_char_boundary(marker.end)
                && marker.end <= text.len()
        );
    }
}

/// Text made of pieces the coach reacts to, glued with arbitrary Unicode.
fn mixed_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "Non dipende da noi",
        "I'm so sorry",
        "{{name}}",
        "[NOME]",
        "!!!",
        "URGENTE",
        "ho già provato a riavviare",
        "?",
        ".",
        ",",
        "\n",
        "l'ordine",
        "don't",
        "😡",
        "❤️",
        "é",
        "e\u{301}",
        "ß",
        "İ",
        "\u{200b}",
        "A-123",
        "info@shop.it",
        "https://x.it/a?b",
        "non è colpa sua",
        "   ",
        "€",
        "ﬁ",
        "🇮🇹",
    ]);
    prop::collection::vec(prop_oneof![pieces.prop_map(str::to_string), any::<String>()], 0..40)
        .prop_map(|parts| parts.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn replies_never_panic_and_spans_are_valid(
        reply in mixed_text(),
        messages in prop::collection::vec(mixed_text(), 0..3),
        name in proptest::option::of(any::<String>()),
        from_macro in any::<bool>(),
        italian_ui in any::<bool>(),
    ) {
        let context = ReplyContext {
            customer_messages: messages,
            customer_name: name,
            from_macro,
            ui_language: if italian_ui { Language::It } else { Language::En },
        };
        assert_reply_spans(&reply, &context);
    }

    #[test]
    fn customer_messages_never_panic_and_spans_are_valid(text in mixed_text()) {
        assert_customer_spans(&text);
    }
}

proptest! {
    // One megabyte per case is slow in debug builds: a few cases are enough to catch quadratic blow-ups.
    #![proptest_config(ProptestConfig { cases: 2, ..ProptestConfig::default() })]

    #[test]
    fn a_megabyte_of_text_is_handled(seed in mixed_text()) {
        let unit = if seed.is_empty() { "Non dipende da noi!!! ".to_string() } else { seed };
        let repeats = (1 << 20) / unit.len().max(1) + 1;
        let big: String = unit.repeat(repeats);
        let context = ReplyContext { customer_messages: vec![big.clone()], ..ReplyContext::default() };
        assert_reply_spans(&big, &context);
        assert_customer_spans(&big);
    }
}
