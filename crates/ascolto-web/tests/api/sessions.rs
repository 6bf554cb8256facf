//! `/sessions`: signing in with a password, the session cookie, and CSRF protection.

use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{TestApp, send, spawn_app};

async fn create_agent_with_password(app: &TestApp) -> (String, String) {
    let (status, body) = app
        .call(&app.admin, Method::POST, "/agents", Some(json!({"name": "Paola", "email": "paola@test.ascolto", "role": "agent", "password": "correct horse battery"})))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    ("paola@test.ascolto".into(), "correct horse battery".into())
}

/// Signs in and returns the cookie header value and the CSRF token.
async fn sign_in(app: &TestApp, email: &str, password: &str) -> (StatusCode, Option<String>, Value) {
    let response = app
        .client
        .post(format!("{}/api/v1/sessions", app.base))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let cookie =
        response.headers().get(SET_COOKIE).map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned());
    let set_cookie = response.headers().get(SET_COOKIE).map(|v| v.to_str().unwrap().to_owned());
    if let Some(set_cookie) = set_cookie {
        assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    }
    (status, cookie, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn sign_in_gives_a_working_session_cookie() {
    let app = spawn_app().await;
    let (email, password) = create_agent_with_password(&app).await;
    let (status, cookie, body) = sign_in(&app, &email, &password).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let cookie = cookie.unwrap();
    let (status, me) = send(app.client.get(format!("{}/api/v1/me", app.base)).header(COOKIE, &cookie)).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["email"], "paola@test.ascolto");
}

#[tokio::test]
async fn wrong_password_and_unknown_email_are_401_alike() {
    let app = spawn_app().await;
    let (email, _) = create_agent_with_password(&app).await;
    let (status, cookie, wrong) = sign_in(&app, &email, "not the password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(cookie.is_none());
    let (status, _, unknown) = sign_in(&app, "nobody@test.ascolto", "whatever").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong["error"]["message"], unknown["error"]["message"], "no hint which one was wrong");
}

#[tokio::test]
async fn cookie_changes_need_the_csrf_token() {
    let app = spawn_app().await;
    let (email, password) = create_agent_with_password(&app).await;
    let (_, cookie, body) = sign_in(&app, &email, &password).await;
    let (cookie, csrf) = (cookie.unwrap(), body["csrf_token"].as_str().unwrap().to_owned());
    let url = format!("{}/api/v1/me", app.base);
    let forged = app.client.patch(&url).header(COOKIE, &cookie).json(&json!({"presence": "away"}));
    let (status, body) = send(forged).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let wrong = app
        .client
        .patch(&url)
        .header(COOKIE, &cookie)
        .header("x-csrf-token", "guess")
        .json(&json!({"presence": "away"}));
    assert_eq!(send(wrong).await.0, StatusCode::FORBIDDEN);
    let genuine = app
        .client
        .patch(&url)
        .header(COOKIE, &cookie)
        .header("x-csrf-token", &csrf)
        .json(&json!({"presence": "away"}));
    let (status, body) = send(genuine).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["presence"], "away");
}

#[tokio::test]
async fn sign_out_ends_the_session() {
    let app = spawn_app().await;
    let (email, password) = create_agent_with_password(&app).await;
    let (_, cookie, _) = sign_in(&app, &email, &password).await;
    let cookie = cookie.unwrap();
    let (status, _) =
        send(app.client.delete(format!("{}/api/v1/sessions", app.base)).header(COOKIE, &cookie)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = send(app.client.get(format!("{}/api/v1/me", app.base)).header(COOKIE, &cookie)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn short_passwords_are_refused() {
    let app = spawn_app().await;
    let (status, body) = app
        .call(
            &app.admin,
            Method::POST,
            "/agents",
            Some(json!({"name": "P", "email": "p@test.ascolto", "role": "agent", "password": "short"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}
