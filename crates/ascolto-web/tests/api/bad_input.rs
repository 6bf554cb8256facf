//! Every kind of bad input gets a 4xx with the error envelope, never a 500 or a panic.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::{error_code, send, spawn_app};

#[tokio::test]
async fn missing_field_is_422() {
    let app = spawn_app().await;
    let (status, body) = app
        .call(
            &app.admin,
            Method::POST,
            "/inbound-messages",
            Some(json!({"identity": {"kind": "email", "value": "a@b.it"}})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("text"), "{body}");
}

#[tokio::test]
async fn wrong_type_is_422() {
    let app = spawn_app().await;
    let body = json!({"identity": {"kind": "email", "value": "a@b.it"}, "text": 42});
    let (status, body) = app.call(&app.admin, Method::POST, "/inbound-messages", Some(body)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(error_code(&body), "unprocessable");
}

#[tokio::test]
async fn unknown_status_word_is_422_and_names_the_choices() {
    let app = spawn_app().await;
    let conversation = app.inbound("anna@example.it", "Ciao", None).await.conversation.id;
    let (status, body) = app
        .call(
            &app.admin,
            Method::PATCH,
            &format!("/conversations/{conversation}"),
            Some(json!({"status": "closed"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("open"), "{body}");
}

#[tokio::test]
async fn unknown_ids_are_404() {
    let app = spawn_app().await;
    for path in
        ["/conversations/999999", "/customers/999999", "/conversations/999999/messages", "/agents/999999"]
    {
        let (status, body) = app.get(&app.admin, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        assert_eq!(error_code(&body), "not_found");
    }
}

#[tokio::test]
async fn non_numeric_id_is_400() {
    let app = spawn_app().await;
    let (status, body) = app.get(&app.admin, "/conversations/abc").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(error_code(&body), "bad_request");
}

#[tokio::test]
async fn ten_megabyte_body_is_413() {
    let app = spawn_app().await;
    let text = "a".repeat(10 * 1024 * 1024);
    let body = json!({"identity": {"kind": "email", "value": "a@b.it"}, "text": text});
    let (status, body) = app.call(&app.admin, Method::POST, "/inbound-messages", Some(body)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(error_code(&body), "payload_too_large");
}

#[tokio::test]
async fn invalid_utf8_is_400_and_stores_nothing() {
    let app = spawn_app().await;
    let mut bytes = br#"{"identity": {"kind": "email", "value": "a@b.it"}, "text": "caf"#.to_vec();
    bytes.extend_from_slice(&[0xC3, 0x28, 0xFF]);
    bytes.extend_from_slice(br#""}"#);
    let request = app
        .request(&app.admin, Method::POST, "/inbound-messages")
        .header("content-type", "application/json")
        .body(bytes);
    let (status, body) = send(request).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(error_code(&body), "bad_request");
    let (_, list) = app.get(&app.admin, "/conversations").await;
    assert_eq!(list["data"].as_array().unwrap().len(), 0, "{list}");
}

#[tokio::test]
async fn malformed_json_is_400() {
    let app = spawn_app().await;
    let request = app
        .request(&app.admin, Method::POST, "/customers")
        .header("content-type", "application/json")
        .body("{\"name\": ");
    let (status, body) = send(request).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[tokio::test]
async fn body_without_json_content_type_is_415() {
    let app = spawn_app().await;
    let request = app.request(&app.admin, Method::POST, "/customers").body("{\"name\": \"x\"}");
    let (status, body) = send(request).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{body}");
}

#[tokio::test]
async fn malformed_cursor_is_400() {
    let app = spawn_app().await;
    for cursor in ["garbage", "eyJub3QiOiJhIGN1cnNvciJ9", "%00%01"] {
        let (status, body) = app.get(&app.admin, &format!("/conversations?cursor={cursor}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{cursor}: {body}");
    }
}

#[tokio::test]
async fn out_of_range_limit_is_400() {
    let app = spawn_app().await;
    for limit in ["0", "201", "-1", "many"] {
        let (status, body) = app.get(&app.admin, &format!("/conversations?limit={limit}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{limit}: {body}");
    }
}

#[tokio::test]
async fn unknown_filter_value_is_400() {
    let app = spawn_app().await;
    let (status, body) = app.get(&app.admin, "/conversations?status=closed").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = app.get(&app.admin, "/conversations?assignee=someone").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[tokio::test]
async fn malformed_identity_is_422() {
    let app = spawn_app().await;
    let body = json!({"identity": {"kind": "email", "value": "not an address"}, "text": "hi"});
    let (status, body) = app.call(&app.admin, Method::POST, "/inbound-messages", Some(body)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

#[tokio::test]
async fn unknown_route_is_a_json_404() {
    let app = spawn_app().await;
    let (status, body) = app.get(&app.admin, "/nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&body), "not_found");
}

#[tokio::test]
async fn missing_and_forged_tokens_are_401() {
    let app = spawn_app().await;
    let (status, body) = send(app.client.get(format!("{}/api/v1/conversations", app.base))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(error_code(&body), "unauthenticated");
    let forged = crate::Login { id: app.admin.id, token: "asc_forged".into() };
    let (status, _) = app.get(&forged, "/conversations").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn unknown_field_in_update_is_422() {
    let app = spawn_app().await;
    let conversation = app.inbound("anna@example.it", "Ciao", None).await.conversation.id;
    let (status, body) = app
        .call(
            &app.admin,
            Method::PATCH,
            &format!("/conversations/{conversation}"),
            Some(json!({"stauts": "open"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

#[tokio::test]
async fn hostile_html_is_stored_sanitised() {
    let app = spawn_app().await;
    let body = json!({
        "identity": {"kind": "email", "value": "x@evil.example"},
        "text": "hello",
        "html": "<p>hello</p><script>alert(1)</script><img src=x onerror=alert(2)>"
    });
    let (status, body) = app.call(&app.admin, Method::POST, "/inbound-messages", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let html = body["message"]["html"].as_str().unwrap();
    assert!(!html.contains("script") && !html.contains("onerror"), "{html}");
    assert!(html.contains("hello"), "{html}");
}
