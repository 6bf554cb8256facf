//! `/macros` and `/conversations/{id}/activity`: canned replies (admins write, everyone reads),
//! and agents telling each other they are viewing or typing.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::live::{connect, next_event};
use crate::{error_code, spawn_app};

#[tokio::test]
async fn admins_write_macros_and_every_agent_reads_them() {
    let app = spawn_app().await;
    let body = json!({"name": "Refund", "body": "Ciao {{customer.first_name}}, il rimborso è partito."});
    let (status, created) = app.call(&app.admin, Method::POST, "/macros", Some(body.clone())).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, refused) =
        app.call(&app.agent_a, Method::POST, "/macros", Some(json!({"name": "X", "body": "y"}))).await;
    assert_eq!((status, error_code(&refused)), (StatusCode::FORBIDDEN, "forbidden"));
    let (status, again) = app.call(&app.admin, Method::POST, "/macros", Some(body)).await;
    assert_eq!((status, error_code(&again)), (StatusCode::CONFLICT, "conflict"));
    let (status, list) = app.get(&app.agent_a, "/macros").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list[0]["body"], "Ciao {{customer.first_name}}, il rimborso è partito.");
    let id = created["id"].as_i64().unwrap();
    let (status, updated) = app
        .call(
            &app.admin,
            Method::PUT,
            &format!("/macros/{id}"),
            Some(json!({"name": "Refund", "body": "Fatto."})),
        )
        .await;
    assert_eq!((status, updated["body"].as_str()), (StatusCode::OK, Some("Fatto.")));
    let (status, _) = app.call(&app.admin, Method::DELETE, &format!("/macros/{id}"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app.get(&app.agent_a, &format!("/macros/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_empty_macro_is_refused() {
    let app = spawn_app().await;
    let (status, body) =
        app.call(&app.admin, Method::POST, "/macros", Some(json!({"name": " ", "body": "x"}))).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "unprocessable"));
}

#[tokio::test]
async fn typing_reaches_the_other_agents_who_may_see_the_conversation() {
    let app = spawn_app().await;
    let conversation = app.inbound("anna@example.it", "Ciao", Some(app.team_a)).await.conversation.id;
    let mut lead = connect(&app, &app.lead).await;
    while next_event(&mut lead).await.is_some() {}
    let path = format!("/conversations/{conversation}/activity");
    let (status, _) = app.call(&app.agent_a, Method::POST, &path, Some(json!({"typing": true}))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let event = next_event(&mut lead).await.expect("the lead heard nothing");
    assert_eq!(
        (event["type"].as_str(), event["agent_id"].as_i64(), event["typing"].as_bool()),
        (Some("typing"), Some(app.agent_a.id.0), Some(true))
    );
    let (status, _) = app.call(&app.agent_b, Method::POST, &path, Some(json!({"viewing": true}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "agent B may not see team A's conversation");
}
