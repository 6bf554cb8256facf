//! `/conversations`, `/inbound-messages` and `/search`: the queue and its messages.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::spawn_app;

fn ids(body: &Value) -> Vec<i64> {
    body["data"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn inbound_message_is_created_once_per_external_id() {
    let app = spawn_app().await;
    let body = json!({
        "identity": {"kind": "email", "value": "Anna.Rossi@Example.it"},
        "name": "Anna Rossi",
        "subject": "Ordine in ritardo",
        "text": "Buongiorno, il mio ordine non è arrivato.",
        "external_id": "shop-123"
    });
    let (status, first) = app.call(&app.admin, Method::POST, "/inbound-messages", Some(body.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(first["created"], true);
    assert_eq!(first["conversation"]["subject"], "Ordine in ritardo");
    let (status, second) = app.call(&app.admin, Method::POST, "/inbound-messages", Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_eq!(second["created"], false);
    assert_eq!(second["message"]["id"], first["message"]["id"]);
    let (_, messages) =
        app.get(&app.admin, &format!("/conversations/{}/messages", first["conversation"]["id"])).await;
    assert_eq!(messages["data"].as_array().unwrap().len(), 1);
    let (_, customer) =
        app.get(&app.admin, &format!("/customers/{}", first["conversation"]["customer_id"])).await;
    assert_eq!(customer["name"], "Anna Rossi");
    assert_eq!(customer["identities"][0]["value"], "anna.rossi@example.it");
}

#[tokio::test]
async fn reply_is_queued_and_note_is_not() {
    let app = spawn_app().await;
    let conversation = app.inbound("anna@example.it", "Dov'è il mio ordine?", None).await.conversation.id;
    let path = format!("/conversations/{conversation}/messages");
    let (status, reply) = app
        .call(&app.agent_a, Method::POST, &path, Some(json!({"text": "Lo controllo subito, Anna."})))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{reply}");
    assert_eq!(reply["direction"], "outbound");
    assert_eq!(reply["delivery_status"], "queued");
    assert_eq!(reply["agent_id"], app.agent_a.id.0);
    let (status, note) = app
        .call(
            &app.agent_a,
            Method::POST,
            &path,
            Some(json!({"text": "Chiedere al magazzino", "kind": "note"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{note}");
    assert_eq!(note["direction"], "note");
    assert_eq!(note["delivery_status"], "received");
    let (_, detail) = app.get(&app.agent_a, &format!("/conversations/{conversation}")).await;
    assert_eq!(detail["first_response_at"], reply["created_at"]);
    assert_eq!(detail["message_count"], 3);
}

#[tokio::test]
async fn empty_reply_is_422() {
    let app = spawn_app().await;
    let conversation = app.inbound("anna@example.it", "Ciao", None).await.conversation.id;
    let (status, body) = app
        .call(
            &app.admin,
            Method::POST,
            &format!("/conversations/{conversation}/messages"),
            Some(json!({"text": "   "})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

#[tokio::test]
async fn update_sets_status_priority_assignee_and_tags() {
    let app = spawn_app().await;
    let conversation = app.inbound("anna@example.it", "Ciao", None).await.conversation.id;
    let update = json!({"status": "pending", "priority": "urgent", "assignee_id": app.agent_a.id.0, "tags": ["VIP", "pre-sale"]});
    let (status, body) =
        app.call(&app.admin, Method::PATCH, &format!("/conversations/{conversation}"), Some(update)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "pending");
    assert_eq!(body["priority"], "urgent");
    assert_eq!(body["assignee"], app.agent_a.id.0);
    assert_eq!(body["tags"], json!(["pre-sale", "vip"]));
    let (_, body) = app
        .call(
            &app.admin,
            Method::PATCH,
            &format!("/conversations/{conversation}"),
            Some(json!({"assignee_id": null})),
        )
        .await;
    assert_eq!(body["assignee"], Value::Null, "null unassigns");
    assert_eq!(body["priority"], "urgent", "absent fields stay");
}

#[tokio::test]
async fn snoozing_needs_a_time() {
    let app = spawn_app().await;
    let conversation = app.inbound("anna@example.it", "Ciao", None).await.conversation.id;
    let path = format!("/conversations/{conversation}");
    let (status, body) = app.call(&app.admin, Method::PATCH, &path, Some(json!({"status": "snoozed"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let until = "2030-01-01T09:00:00Z";
    let (status, body) = app
        .call(&app.admin, Method::PATCH, &path, Some(json!({"status": "snoozed", "snoozed_until": until})))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["snoozed_until"], until);
}

#[tokio::test]
async fn filters_narrow_the_list() {
    let app = spawn_app().await;
    let first = app.inbound("a@example.it", "uno", None).await.conversation.id;
    let second = app.inbound("b@example.it", "due", None).await.conversation.id;
    app.call(
        &app.admin,
        Method::PATCH,
        &format!("/conversations/{first}"),
        Some(json!({"status": "resolved"})),
    )
    .await;
    app.call(
        &app.admin,
        Method::PATCH,
        &format!("/conversations/{second}"),
        Some(json!({"assignee_id": app.admin.id.0, "priority": "high"})),
    )
    .await;
    let (_, resolved) = app.get(&app.admin, "/conversations?status=resolved").await;
    assert_eq!(ids(&resolved), vec![first.0]);
    let (_, mine) = app.get(&app.admin, "/conversations?assignee=me").await;
    assert_eq!(ids(&mine), vec![second.0]);
    let (_, unassigned) = app.get(&app.admin, "/conversations?assignee=none").await;
    assert_eq!(ids(&unassigned), vec![first.0]);
    let (_, high) = app.get(&app.admin, "/conversations?priority=high&channel=api").await;
    assert_eq!(ids(&high), vec![second.0]);
}

#[tokio::test]
async fn cursor_pages_through_every_conversation_once() {
    let app = spawn_app().await;
    let mut expected = Vec::new();
    for n in 0..7 {
        expected.push(app.inbound(&format!("c{n}@example.it"), "ciao", None).await.conversation.id.0);
    }
    for sort in ["recent", "oldest", "priority"] {
        let mut seen = Vec::new();
        let mut path = format!("/conversations?limit=3&sort={sort}");
        loop {
            let (status, page) = app.get(&app.admin, &path).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            seen.extend(ids(&page));
            match page["next_cursor"].as_str() {
                Some(cursor) => path = format!("/conversations?limit=3&sort={sort}&cursor={cursor}"),
                None => break,
            }
        }
        let mut sorted = seen.clone();
        sorted.sort();
        let mut all = expected.clone();
        all.sort();
        assert_eq!(sorted, all, "sort {sort} saw {seen:?}");
    }
}

#[tokio::test]
async fn merge_moves_messages_into_the_survivor() {
    let app = spawn_app().await;
    let first = app.inbound("anna@example.it", "primo", None).await.conversation.id;
    app.call(
        &app.admin,
        Method::PATCH,
        &format!("/conversations/{first}"),
        Some(json!({"status": "resolved"})),
    )
    .await;
    let second = app.inbound("anna@example.it", "secondo", None).await.conversation.id;
    assert_ne!(first, second, "a resolved conversation is not reused");
    let (status, survivor) = app
        .call(
            &app.admin,
            Method::POST,
            &format!("/conversations/{first}/merge"),
            Some(json!({"other_id": second.0})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{survivor}");
    let (_, messages) = app.get(&app.admin, &format!("/conversations/{first}/messages")).await;
    assert_eq!(messages["data"].as_array().unwrap().len(), 2);
    let (_, merged) = app.get(&app.admin, &format!("/conversations/{second}")).await;
    assert_eq!(merged["merged_into"], first.0);
}

#[tokio::test]
async fn merging_other_customers_conversations_is_refused() {
    let app = spawn_app().await;
    let first = app.inbound("anna@example.it", "primo", None).await.conversation.id;
    let second = app.inbound("bruno@example.it", "secondo", None).await.conversation.id;
    let (status, body) = app
        .call(
            &app.admin,
            Method::POST,
            &format!("/conversations/{first}/merge"),
            Some(json!({"other_id": second.0})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

#[tokio::test]
async fn search_finds_italian_and_english_inflections() {
    let app = spawn_app().await;
    app.inbound("anna@example.it", "Non ho ancora ricevuto i rimborsi promessi", None).await;
    app.inbound("john@example.com", "I am still waiting for my refunds", None).await;
    app.inbound("carla@example.it", "Grazie per la consegna veloce", None).await;
    let (status, body) = app.get(&app.admin, "/search?q=rimborso").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"].as_array().unwrap().len(), 1, "{body}");
    assert!(body["data"][0]["message"]["text"].as_str().unwrap().contains("rimborsi"));
    let (_, body) = app.get(&app.admin, "/search?q=refund").await;
    assert_eq!(body["data"].as_array().unwrap().len(), 1, "{body}");
    let (status, _) = app.get(&app.admin, "/search?q=%20%21").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn openapi_document_lists_the_routes() {
    let app = spawn_app().await;
    let (status, doc) = crate::send(app.client.get(format!("{}/api/v1/openapi.json", app.base))).await;
    assert_eq!(status, StatusCode::OK);
    for path in [
        "/api/v1/conversations",
        "/api/v1/conversations/{id}/messages",
        "/api/v1/customers",
        "/api/v1/search",
        "/api/v1/inbound-messages",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing from the OpenAPI document");
    }
}

#[tokio::test]
async fn a_customer_email_carries_its_text_whole_and_trimmed_of_the_quote() {
    let app = spawn_app().await;
    let text = "Il pacco è arrivato, grazie!\n\nOn Mon, 23 Nov 2026 at 09:00, Support <s@desk.example> wrote:\n> Le scriviamo appena parte\n";
    let ingested = app
        .desk
        .ingest(ascolto_service::InboundRequest {
            channel: ascolto_core::Channel::Email,
            identity: ascolto_core::Identity::parse(ascolto_core::IdentityKind::Email, "gino@example.it")
                .unwrap(),
            customer_name: None,
            conversation: None,
            subject: Some("Pacco".into()),
            text: text.to_owned(),
            html: None,
            attachments: vec![],
            channel_message_id: None,
            received_at: None,
        })
        .await
        .unwrap();
    let id = ingested.conversation.id;
    let (status, reply) = app
        .call(
            &app.admin,
            Method::POST,
            &format!("/conversations/{id}/messages"),
            Some(json!({"text": "Bene!\n> citato"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{reply}");
    let (status, messages) = app.get(&app.admin, &format!("/conversations/{id}/messages")).await;
    assert_eq!(status, StatusCode::OK, "{messages}");
    let customer = &messages["data"][0];
    assert_eq!(customer["text"], text, "the whole text stays");
    assert_eq!(customer["text_trimmed"], "Il pacco è arrivato, grazie!");
    assert!(messages["data"][1].get("text_trimmed").is_none(), "our own replies are never trimmed");

    let plain = app.inbound("lia@example.it", "Ciao\n\nOn Mon, Support wrote:\n> x\n", None).await;
    let (_, messages) =
        app.get(&app.admin, &format!("/conversations/{}/messages", plain.conversation.id)).await;
    let last = messages["data"].as_array().unwrap().last().unwrap().clone();
    assert!(last.get("text_trimmed").is_none(), "only e-mail is trimmed: {last}");
}
