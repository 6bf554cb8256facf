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
        out.push_str(&format!(
            "{:?} {} {} «{}» {}\n",
            f.severity,
            f.skill.id(),
            f.code,
            &source[f.start..f.end],
            f.message
        ));
    }
    expect.assert_eq(&out);
}

#[test]
fn deflecting_italian_reply() {
    check(
        "Purtroppo non dipende da noi, deve chiamare il corriere.",
        &["Il pacco non è arrivato e domani parto. Dov'è finito?"],
        Language::It,
        expect![[r#"
            listening=80 empathy=60 clarity=100 ownership=60 why=80 next_steps=100 positivity=80 calm=100 personal=100 persuasion=100 
            Problem empathy no_empathy «Purtroppo non dipende da noi, deve chiamare il corriere.» Il cliente è turbato, o c'è in gioco una perdita o una scadenza, e la risposta non riconosce come si sente.
            Warn why refusal_without_reason «Purtroppo non» Un rifiuto, un limite o un cambiamento senza il suo perché: «Purtroppo non».
            Warn positivity only_negative «Purtroppo non» Dici che cosa non si può fare, ma non che cosa si può fare: «Purtroppo non».
            Problem ownership deflection «non dipende da noi» Scarichi la responsabilità: «non dipende da noi».
            Warn listening unanswered_question «Dov'è finito?» Questa domanda del cliente sembra restare senza risposta.
        "#]],
    );
}

#[test]
fn good_english_reply() {
    check(
        "Hi Anna, I'm so sorry your parcel hasn't arrived before your trip. I've asked the courier to redeliver it tomorrow morning, and I'll call you by 10 am to confirm.",
        &["My parcel hasn't arrived and I leave tomorrow. Where is it?"],
        Language::En,
        expect![[r#"
            listening=100 empathy=100 clarity=100 ownership=100 why=100 next_steps=100 positivity=100 calm=100 personal=100 persuasion=100 
            Info empathy good_empathy «I'm so sorry» Good: you acknowledge how the customer feels.
            Info ownership good_commitment «I've asked» Good: you commit in the first person.
            Info next_steps good_next_step «I've asked» Good: there is a concrete next step.
        "#]],
    );
}

#[test]
fn reply_json_has_the_documented_shape() {
    let context =
        ReplyContext { customer_messages: vec!["Dov'è il mio ordine?".into()], ..ReplyContext::default() };
    let report = analyze_reply("Ciao {{name}}!!", &context, None);
    let json = serde_json::to_value(&report).unwrap();
    let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    expect![[r#"
        [
            "findings",
            "language",
            "readability",
            "skills",
            "spelling",
        ]
    "#]]
    .assert_debug_eq(&keys);
    let finding_keys: Vec<&String> = json["findings"][0].as_object().unwrap().keys().collect();
    expect![[r#"
        [
            "end",
            "message",
            "message_index",
            "severity",
            "skill",
            "start",
            "suggestion",
            "target",
        ]
    "#]]
    .assert_debug_eq(&finding_keys);
}

#[test]
fn customer_json_has_the_documented_shape() {
    let report = analyze_customer(
        "È la terza volta che scrivo, mi serve entro domani! Ho già provato a riavviare. Quando arriva?",
    );
    expect![[r#"
        {
          "language": "it",
          "sentiment": -0.5,
          "emotions": {
            "anger": {
              "score": 0.33,
              "evidence": [
                {
                  "start": 0,
                  "end": 17
                }
              ]
            },
            "sadness": {
              "score": 0.0,
              "evidence": []
            },
            "fear": {
              "score": 0.0,
              "evidence": []
            },
            "joy": {
              "score": 0.0,
              "evidence": []
            }
          },
          "urgency": 0.7,
          "urgency_reasons": [
            {
              "kind": "repeated_contact",
              "start": 0,
              "end": 17
            },
            {
              "kind": "deadline",
              "start": 39,
              "end": 51
            }
          ],
          "questions": [
            {
              "start": 82,
              "end": 96
            }
          ],
          "tried": [
            {
              "start": 53,
              "end": 80
            }
          ],
          "abuse": [],
          "thanks": []
        }"#]]
    .assert_eq(&serde_json::to_string_pretty(&report).unwrap());
}
