//! What each role cannot reach: a test per role.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{TestApp, error_code, spawn_app};

fn ids(body: &Value) -> Vec<i64> {
    body["data"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect()
}

/// Conversations in team A, in team B, in the general queue, and one in team B assigned to
/// `agent_a` (who reports to the lead).
async fn layout(app: &TestApp) -> [i64; 4] {
    let in_a = app.inbound("a@example.it", "team A rimborso", Some(app.team_a)).await.conversation.id;
    let in_b = app.inbound("b@example.it", "team B rimborso", Some(app.team_b)).await.conversation.id;
    let general = app.inbound("g@example.it", "general rimborso", None).await.conversation.id;
    let b_for_a =
        app.inbound("x@example.it", "team B for A rimborso", Some(app.team_b)).await.conversation.id;
    app.call(
        &app.admin,
        Method::PATCH,
        &format!("/conversations/{b_for_a}"),
        Some(json!({"assignee_id": app.agent_a.id.0})),
    )
    .await;
    [in_a.0, in_b.0, general.0, b_for_a.0]
}

#[tokio::test]
async fn an_agent_cannot_reach_another_teams_conversations() {
    let app = spawn_app().await;
    let [in_a, in_b, general, b_for_a] = layout(&app).await;
    let (_, list) = app.get(&app.agent_a, "/conversations").await;
    let mut seen = ids(&list);
    seen.sort();
    assert_eq!(seen, vec![in_a, general, b_for_a]);
    for path in [format!("/conversations/{in_b}"), format!("/conversations/{in_b}/messages")] {
        let (status, body) = app.get(&app.agent_a, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
    }
    let (status, _) = app
        .call(
            &app.agent_a,
            Method::POST,
            &format!("/conversations/{in_b}/messages"),
            Some(json!({"text": "hi"})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .call(
            &app.agent_a,
            Method::PATCH,
            &format!("/conversations/{in_b}"),
            Some(json!({"status": "resolved"})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, hits) = app.get(&app.agent_a, "/search?q=rimborso").await;
    let found: Vec<i64> = hits["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["message"]["conversation_id"].as_i64().unwrap())
        .collect();
    assert!(!found.contains(&in_b), "search leaked team B: {hits}");
    assert_eq!(found.len(), 3, "{hits}");
}

#[tokio::test]
async fn an_agent_cannot_manage_agents_teams_tokens_or_merge_customers() {
    let app = spawn_app().await;
    for (method, path, body) in [
        (Method::GET, "/agents", None),
        (Method::POST, "/agents", Some(json!({"name": "X", "email": "x@test.ascolto", "role": "admin"}))),
        (Method::GET, "/teams", None),
        (Method::POST, "/teams", Some(json!({"name": "Mine"}))),
        (Method::GET, "/tokens", None),
        (Method::POST, "/tokens", Some(json!({"name": "mine"}))),
        (Method::POST, "/customers/1/merge", Some(json!({"other_id": 2}))),
    ] {
        let (status, body) = app.call(&app.agent_a, method.clone(), path, body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {body}");
        assert_eq!(error_code(&body), "forbidden");
    }
    let (status, me) = app.get(&app.agent_a, "/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["role"], "agent");
}

#[tokio::test]
async fn an_agent_cannot_promote_themselves() {
    let app = spawn_app().await;
    let (status, body) = app.call(&app.agent_a, Method::PATCH, "/me", Some(json!({"role": "admin"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (_, me) = app.get(&app.agent_a, "/me").await;
    assert_eq!(me["role"], "agent");
}

#[tokio::test]
async fn a_lead_sees_their_team_and_reports_but_not_other_teams() {
    let app = spawn_app().await;
    let [in_a, in_b, general, b_for_a] = layout(&app).await;
    let (_, list) = app.get(&app.lead, "/conversations").await;
    let mut seen = ids(&list);
    seen.sort();
    assert_eq!(
        seen,
        vec![in_a, general, b_for_a],
        "a report's conversation in team B is visible to the lead"
    );
    let (status, _) = app.get(&app.lead, &format!("/conversations/{in_b}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.get(&app.lead, "/agents").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn another_teams_agent_cannot_see_team_a() {
    let app = spawn_app().await;
    let [in_a, in_b, general, b_for_a] = layout(&app).await;
    let (_, list) = app.get(&app.agent_b, "/conversations").await;
    let mut seen = ids(&list);
    seen.sort();
    assert_eq!(seen, vec![in_b, general, b_for_a]);
    let (status, _) = app.get(&app.agent_b, &format!("/conversations/{in_a}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_admin_reaches_everything() {
    let app = spawn_app().await;
    let all = layout(&app).await;
    let (_, list) = app.get(&app.admin, "/conversations").await;
    assert_eq!(ids(&list).len(), all.len());
    let (status, agents) = app.get(&app.admin, "/agents").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(agents["data"].as_array().unwrap().len(), 4);
    let (status, team) =
        app.call(&app.admin, Method::POST, "/teams", Some(json!({"name": "Night shift"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{team}");
    let (status, token) = app.call(&app.admin, Method::POST, "/tokens", Some(json!({"name": "shop"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{token}");
    assert!(token["token"].as_str().unwrap().starts_with("asc_"));
}

#[tokio::test]
async fn a_revoked_token_stops_working() {
    let app = spawn_app().await;
    let (_, created) = app.call(&app.admin, Method::POST, "/tokens", Some(json!({"name": "temp"}))).await;
    let login = crate::Login { id: app.admin.id, token: created["token"].as_str().unwrap().to_owned() };
    let (status, _) = app.get(&login, "/me").await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app.call(&app.admin, Method::DELETE, &format!("/tokens/{}", created["id"]), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app.get(&login, "/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_deactivated_agent_is_locked_out() {
    let app = spawn_app().await;
    let (status, body) = app
        .call(
            &app.admin,
            Method::PATCH,
            &format!("/agents/{}", app.agent_b.id),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = app.get(&app.agent_b, "/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
