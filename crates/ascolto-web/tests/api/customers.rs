//! `/customers`: one person across channels.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::spawn_app;

#[tokio::test]
async fn create_read_update_a_customer() {
    let app = spawn_app().await;
    let body = json!({"name": "Anna Rossi", "identities": [{"kind": "email", "value": "anna@example.it"}, {"kind": "whatsapp", "value": "+39 333 1234567"}], "tags": ["vip"], "language": "it"});
    let (status, created) = app.call(&app.agent_a, Method::POST, "/customers", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    let (status, updated) = app
        .call(&app.agent_a, Method::PATCH, &format!("/customers/{id}"), Some(json!({"notes": "Prefers WhatsApp", "add_identities": [{"kind": "telegram", "value": "12345"}]})))
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["notes"], "Prefers WhatsApp");
    assert_eq!(updated["identities"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn an_identity_belongs_to_one_customer() {
    let app = spawn_app().await;
    let body = json!({"name": "Anna", "identities": [{"kind": "email", "value": "anna@example.it"}]});
    app.call(&app.admin, Method::POST, "/customers", Some(body.clone())).await;
    let (status, error) = app.call(&app.admin, Method::POST, "/customers", Some(body)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{error}");
}

#[tokio::test]
async fn messages_on_two_channels_reach_the_same_customer() {
    let app = spawn_app().await;
    let body = json!({"name": "Anna", "identities": [{"kind": "email", "value": "anna@example.it"}, {"kind": "phone", "value": "+39 02 1234567"}]});
    let (_, customer) = app.call(&app.admin, Method::POST, "/customers", Some(body)).await;
    let by_email = json!({"identity": {"kind": "email", "value": "anna@example.it"}, "text": "via mail"});
    let by_phone = json!({"identity": {"kind": "phone", "value": "+39021234567"}, "text": "via phone"});
    let (_, first) = app.call(&app.admin, Method::POST, "/inbound-messages", Some(by_email)).await;
    let (_, second) = app.call(&app.admin, Method::POST, "/inbound-messages", Some(by_phone)).await;
    assert_eq!(first["conversation"]["customer_id"], customer["id"]);
    assert_eq!(second["conversation"]["customer_id"], customer["id"]);
    let (_, timeline) = app.get(&app.admin, &format!("/customers/{}/conversations", customer["id"])).await;
    assert!(!timeline["data"].as_array().unwrap().is_empty(), "{timeline}");
}

#[tokio::test]
async fn merging_customers_moves_identities_and_conversations() {
    let app = spawn_app().await;
    let mail = app.inbound("anna@example.it", "via mail", None).await;
    let other = app.inbound("anna.rossi@work.example", "dal lavoro", None).await;
    let (survivor, merged) = (mail.conversation.customer_id, other.conversation.customer_id);
    let (status, body) = app
        .call(
            &app.lead,
            Method::POST,
            &format!("/customers/{survivor}/merge"),
            Some(json!({"other_id": merged.0})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["identities"].as_array().unwrap().len(), 2, "{body}");
    let (_, moved) = app.get(&app.admin, &format!("/conversations/{}", other.conversation.id)).await;
    assert_eq!(moved["customer_id"], survivor.0);
    let (_, gone) = app.get(&app.admin, &format!("/customers/{merged}")).await;
    assert_eq!(gone["merged_into"], survivor.0);
    let (status, _) = app
        .call(
            &app.admin,
            Method::POST,
            &format!("/customers/{survivor}/merge"),
            Some(json!({"other_id": survivor.0})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "merging into itself is refused");
}

#[tokio::test]
async fn customers_are_searchable_by_name_and_address() {
    let app = spawn_app().await;
    app.call(&app.admin, Method::POST, "/customers", Some(json!({"name": "Giovanni Verdi", "identities": [{"kind": "email", "value": "gverdi@shop.example"}]}))).await;
    app.call(&app.admin, Method::POST, "/customers", Some(json!({"name": "Emma Smith"}))).await;
    let (_, found) = app.get(&app.admin, "/customers?q=verdi").await;
    assert_eq!(found["data"].as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found["data"][0]["name"], "Giovanni Verdi");
    let (_, all) = app.get(&app.admin, "/customers?limit=1").await;
    assert_eq!(all["data"].as_array().unwrap().len(), 1);
    assert!(all["next_cursor"].is_string());
}
