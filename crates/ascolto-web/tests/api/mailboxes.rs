//! `/api/v1/mailboxes`: admin only; passwords are write-only and kept across updates.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{error_code, spawn_app};

fn input(name: &str, imap_password: Option<&str>) -> Value {
    let mut imap = json!({"host": "imap.desk.example", "port": 993, "security": "tls", "username": "support@desk.example"});
    if let Some(password) = imap_password {
        imap["password"] = json!(password);
    }
    json!({
        "name": name,
        "address": "Support@Desk.Example",
        "imap": imap,
        "smtp": {"host": "smtp.desk.example", "port": 587, "security": "start_tls", "username": "support@desk.example", "password": "smtp-pass"},
        "folders": ["INBOX", "Archivio"],
    })
}

#[tokio::test]
async fn admins_manage_mailboxes_and_passwords_never_come_back() {
    let app = spawn_app().await;
    let (status, created) =
        app.call(&app.admin, Method::POST, "/mailboxes", Some(input("Support", Some("imap-pass")))).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["address"], "support@desk.example");
    assert_eq!(created["imap"]["password_set"], true);
    assert_eq!(created["poll_seconds"], 60);
    let text = created.to_string();
    assert!(!text.contains("imap-pass") && !text.contains("smtp-pass"), "{text}");

    let mut changed = input("Assistenza", None);
    changed["active"] = json!(false);
    let (status, updated) =
        app.call(&app.admin, Method::PUT, &format!("/mailboxes/{id}"), Some(changed)).await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!((updated["name"].as_str(), updated["active"].as_bool()), (Some("Assistenza"), Some(false)));
    let stored = app.desk.store.get_mailbox(id).await.unwrap();
    assert_eq!(stored.settings.imap.password.expose(), "imap-pass", "left out, the password is kept");
    assert!(!format!("{stored:?}").contains("imap-pass"), "Debug never shows a password");

    let (status, list) = app.get(&app.admin, "/mailboxes").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert!(!list.to_string().contains("pass\""));
    let (status, _) = app.call(&app.admin, Method::DELETE, &format!("/mailboxes/{id}"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = app.get(&app.admin, &format!("/mailboxes/{id}")).await;
    assert_eq!((status, error_code(&body)), (StatusCode::NOT_FOUND, "not_found"));
}

#[tokio::test]
async fn only_admins_see_or_change_mailboxes() {
    let app = spawn_app().await;
    for who in [&app.lead, &app.agent_a] {
        let (status, body) = app.get(who, "/mailboxes").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let (status, _) = app.call(who, Method::POST, "/mailboxes", Some(input("X", Some("p")))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn bad_mailbox_settings_are_refused_clearly() {
    let app = spawn_app().await;
    let mut no_password = input("Support", None);
    no_password["imap"].as_object_mut().unwrap().remove("password");
    let mut bad_address = input("Support", Some("p"));
    bad_address["address"] = json!("not an address");
    let mut bad_poll = input("Support", Some("p"));
    bad_poll["poll_seconds"] = json!(1);
    let mut bad_security = input("Support", Some("p"));
    bad_security["smtp"]["security"] = json!("ssl3");
    for (body, expected) in [
        (no_password, StatusCode::UNPROCESSABLE_ENTITY),
        (bad_address, StatusCode::UNPROCESSABLE_ENTITY),
        (bad_poll, StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let (status, answer) = app.call(&app.admin, Method::POST, "/mailboxes", Some(body)).await;
        assert_eq!(status, expected, "{answer}");
        error_code(&answer);
    }
    let (status, answer) = app.call(&app.admin, Method::POST, "/mailboxes", Some(bad_security)).await;
    assert!(status.is_client_error(), "{status} {answer}");
    app.call(&app.admin, Method::POST, "/mailboxes", Some(input("Support", Some("p")))).await;
    let (status, answer) =
        app.call(&app.admin, Method::POST, "/mailboxes", Some(input("Support", Some("p")))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    let (status, _) = app.get(&app.admin, "/mailboxes/abc").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
