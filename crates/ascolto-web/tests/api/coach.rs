//! `/coach`: live coaching of a draft against the conversation it answers.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::spawn_app;

fn skills_flagged(report: &Value) -> Vec<String> {
    report["findings"].as_array().unwrap().iter().map(|f| f["skill"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_cold_reply_to_an_angry_customer_is_flagged_with_the_words_at_fault() {
    let app = spawn_app().await;
    let conversation = app
        .inbound(
            "anna@example.it",
            "Sono furiosa! È la terza volta che scrivo e il rimborso non è ancora arrivato. Quando arriva?",
            None,
        )
        .await
        .conversation
        .id;
    let draft = "Devo chiedere al mio responsabile.";
    let (status, report) = app
        .call(
            &app.agent_a,
            Method::POST,
            "/coach/reply",
            Some(json!({"text": draft, "conversation_id": conversation.0, "ui_language": "it"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let flagged = skills_flagged(&report);
    assert!(flagged.contains(&"ownership".to_owned()), "{report}");
    let ownership =
        report["findings"].as_array().unwrap().iter().find(|f| f["skill"] == "ownership").unwrap();
    let (start, end) =
        (ownership["start"].as_u64().unwrap() as usize, ownership["end"].as_u64().unwrap() as usize);
    assert!(draft[start..end].to_lowercase().contains("responsabile"), "span {start}..{end} of {draft:?}");
    assert_eq!(report["language"], "it");
    for skill in [
        "listening",
        "empathy",
        "clarity",
        "ownership",
        "why",
        "next_steps",
        "positivity",
        "calm",
        "personal",
        "persuasion",
    ] {
        assert!(report["skills"][skill]["score"].is_number(), "{skill} missing: {report}");
    }
}

#[tokio::test]
async fn coaching_another_teams_conversation_is_404() {
    let app = spawn_app().await;
    let conversation = app.inbound("b@example.it", "Ciao", Some(app.team_b)).await.conversation.id;
    let (status, _) = app
        .call(
            &app.agent_a,
            Method::POST,
            "/coach/reply",
            Some(json!({"text": "Ciao", "conversation_id": conversation.0})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn customer_analysis_finds_urgency_and_questions() {
    let app = spawn_app().await;
    let (status, report) = app
        .call(
            &app.agent_a,
            Method::POST,
            "/coach/customer",
            Some(json!({"text": "URGENT: my shop is down and we are losing money. When will you fix it?"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert!(report["urgency"].as_f64().unwrap() > 0.3, "{report}");
    assert_eq!(report["questions"].as_array().unwrap().len(), 1, "{report}");
}

#[tokio::test]
async fn bad_ui_language_is_422() {
    let app = spawn_app().await;
    let (status, _) = app
        .call(&app.agent_a, Method::POST, "/coach/reply", Some(json!({"text": "Ciao", "ui_language": "fr"})))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
