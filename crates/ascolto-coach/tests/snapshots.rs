//! Snapshots of whole reports: the JSON contract and a readable summary of representative replies.

use ascolto_coach::{Language, ReplyContext, analyze_customer, analyze_reply};
use expect_test::{Expect, expect};

/// One line per finding: severity, skill, code, the words at fault and the message.
fn check(reply: &str, customer: &[&str], ui: Language, expect: Expect) {
    let context = ReplyContext {
        customer_messages: customer.iter().map(|m| m.to_string()).collect(),
        ui_language: ui,
        ..ReplyContext::default()
    };
    let report = analyze_reply(reply, &context, None);
    let mut out = String::new();
    for (skill, score) in &report.skills {
        out.push_str(&format!("{}={} ", skill.id(), score.score));
    }
    out.push('\n');
    for f in &report.findings {
        let source = match f.message_index {
            Some(index) => customer[index],
            None => reply,
        };
        out.push_str(&format!("{:?} {} {} «{}» {}\n", f.severity, f.skill.id(), f.code, &source[f.start..f.end], f.message));
    }
    expect.assert_eq(&out);
}

#[test]
fn deflecting_italian_reply() {
    check(
        "Purtroppo non dipende da noi, deve chiamare il corriere.",
        &["Il pacco non è arrivato e domani parto. Dov'è finito?"],
        Language::It,
        expect![[r#""#]],
    );
}

#[test]
fn good_english_reply() {
    check(
        "Hi Anna, I'm so sorry your parcel hasn't arrived before your trip. I've asked the courier to redeliver it tomorrow morning, and I'll call you by 10 am to confirm.",
        &["My parcel hasn't arrived and I leave tomorrow. Where is it?"],
        Language::En,
        expect![[r#""#]],
    );
}

#[test]
fn reply_json_has_the_documented_shape() {
    let context = ReplyContext { customer_messages: vec!["Dov'è il mio ordine?".into()], ..ReplyContext::default() };
    let report = analyze_reply("Ciao {{name}}!!", &context, None);
    let json = serde_json::to_value(&report).unwrap();
    let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    expect![[r#""#]].assert_debug_eq(&keys);
    let finding_keys: Vec<&String> = json["findings"][0].as_object().unwrap().keys().collect();
    expect![[r#""#]].assert_debug_eq(&finding_keys);
}

#[test]
fn customer_json_has_the_documented_shape() {
    let report = analyze_customer("È la terza volta che scrivo, mi serve entro domani! Ho già provato a riavviare. Quando arriva?");
    expect![[r#""#]].assert_eq(&serde_json::to_string_pretty(&report).unwrap());
}
