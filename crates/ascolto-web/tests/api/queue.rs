//! `/queue`, `/sla-policy`, priority overrides, the reply collision guard and timers.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::{error_code, send, spawn_app};

#[tokio::test]
async fn two_agents_reply_to_the_same_conversation_and_the_second_gets_409() {
    let app = spawn_app().await;
    let id = app.inbound("anna@example.com", "Dov'è il mio ordine?", None).await.conversation.id;
    let path = format!("/conversations/{id}/messages");
    let draft_started_at = app.desk.now() - chrono::Duration::seconds(30);
    let first = json!({"text": "Arriva domani.", "draft_started_at": draft_started_at});
    let (status, sent) = app.call(&app.agent_a, Method::POST, &path, Some(first)).await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    let second = json!({"text": "Lo controllo subito!", "draft_started_at": draft_started_at});
    let (status, body) = app.call(&app.admin, Method::POST, &path, Some(second)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(error_code(&body), "reply_collision");
    assert_eq!(body["message"]["id"], sent["id"]);
    assert_eq!(body["message"]["text"], "Arriva domani.");
    let (_, messages) = app.get(&app.admin, &path).await;
    assert_eq!(messages["data"].as_array().map(Vec::len), Some(2), "the second reply was not stored");
}

#[tokio::test]
async fn an_angry_urgent_message_is_explained_and_an_override_is_kept_and_shown() {
    let app = spawn_app().await;
    let text = "È URGENTE! Sono furioso, il servizio è vergognoso e aspetto da giorni!";
    let id = app.inbound("bruno@example.com", text, None).await.conversation.id;
    let (status, body) = app.get(&app.admin, &format!("/conversations/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["queue"]["score"].as_u64().unwrap_or(0) > 0, "{body}");
    let explanation = body["queue"]["explanation"].as_str().unwrap_or_default();
    assert!(explanation.contains("urgent") || explanation.contains("angry"), "{explanation}");
    assert!(body["queue"]["sla"].as_array().is_some_and(|sla| !sla.is_empty()), "{body}");
    let patch = json!({"priority": "low"});
    let (status, body) =
        app.call(&app.lead, Method::PATCH, &format!("/conversations/{id}"), Some(patch)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["priority"], "low");
    assert_eq!(body["queue"]["override"]["by"], app.lead.id.0);
    let path = format!("/conversations/{id}/priority-override");
    let (status, body) = app.call(&app.lead, Method::DELETE, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["queue"]["override"].is_null(), "{body}");
    assert_eq!(body["priority"], body["queue"]["computed_priority"]);
}

#[tokio::test]
async fn my_next_conversation_assigns_the_most_pressing_and_then_answers_204() {
    let app = spawn_app().await;
    let calm =
        app.inbound("calm@example.com", "Buongiorno, una domanda sulla fattura.", None).await.conversation.id;
    let urgent = app.inbound("urgent@example.com", "URGENTE: il sito è bloccato, perdo clienti!", None).await;
    let (status, body) = app
        .call(
            &app.admin,
            Method::PUT,
            &format!("/agents/{}/capacity", app.agent_a.id),
            Some(json!({"live": 0, "email": 1})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app.call(&app.agent_a, Method::POST, "/queue/next", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["id"], urgent.conversation.id.0, "urgent first, not {calm}");
    assert_eq!(body["assignee"], app.agent_a.id.0);
    let (status, _) = app.call(&app.agent_a, Method::POST, "/queue/next", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "capacity of one e-mail is full");
}

#[tokio::test]
async fn sla_policy_is_for_admins_and_is_validated() {
    let app = spawn_app().await;
    let (status, _) = app.get(&app.agent_a, "/sla-policy").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, mut policy) = app.get(&app.admin, "/sla-policy").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(policy["calendar"]["time_zone"], "Europe/Rome", "{policy}");
    policy["warning_percent"] = json!(150);
    let (status, body) = app.call(&app.admin, Method::PUT, "/sla-policy", Some(policy.clone())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    policy["warning_percent"] = json!(10);
    let (status, body) = app.call(&app.admin, Method::PUT, "/sla-policy", Some(policy)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.get(&app.admin, "/sla-policy").await.1["warning_percent"], 10);
}

#[tokio::test]
async fn a_scheduled_reply_is_listed_and_cancelled_when_the_customer_writes() {
    let app = spawn_app().await;
    let id = app.inbound("carla@example.com", "Avete novità?", None).await.conversation.id;
    let send_at = app.desk.now() + chrono::Duration::hours(2);
    let request = json!({"text": "Ecco le novità.", "send_at": send_at});
    let path = format!("/conversations/{id}/scheduled-replies");
    let (status, job) = app.call(&app.agent_a, Method::POST, &path, Some(request)).await;
    assert_eq!(status, StatusCode::CREATED, "{job}");
    assert_eq!(job["state"], "scheduled");
    app.inbound("carla@example.com", "Nel frattempo ho risolto.", None).await;
    let (_, jobs) = app.get(&app.agent_a, &format!("/conversations/{id}/jobs")).await;
    assert_eq!(jobs[0]["state"], "cancelled", "{jobs}");
    let bad = json!({"after_business_hours": 0, "action": {"type": "remind_agent"}});
    let (status, _) =
        app.call(&app.agent_a, Method::POST, &format!("/conversations/{id}/follow-ups"), Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_agent_sets_their_presence_and_reads_their_capacity_and_load() {
    let app = spawn_app().await;
    let (status, mine) =
        app.call(&app.agent_a, Method::PUT, "/me/presence", Some(json!({"presence": "online"}))).await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    assert_eq!(mine["agent"]["presence"], "online");
    assert_eq!(mine["capacity"], json!({"live": 3, "email": 15}));
    assert_eq!(mine["assigned"], json!({"live": 0, "email": 0}));
    let id = app.inbound("dora@example.com", "Buongiorno", Some(app.team_a)).await.conversation.id;
    let assign = json!({"assignee_id": app.agent_a.id.0});
    let (status, body) =
        app.call(&app.lead, Method::PATCH, &format!("/conversations/{id}"), Some(assign)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, mine) = app.get(&app.agent_a, "/me/presence").await;
    assert_eq!(mine["assigned"], json!({"live": 0, "email": 1}));
    let (status, mine) =
        app.call(&app.agent_a, Method::PUT, "/me/presence", Some(json!({"presence": "offline"}))).await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    assert_eq!(mine["assigned"], json!({"live": 0, "email": 0}), "going offline gives the conversation back");
    let (_, conversation) = app.get(&app.lead, &format!("/conversations/{id}")).await;
    assert!(conversation["assignee"].is_null(), "{conversation}");
}

#[tokio::test]
async fn leads_see_the_presence_of_their_own_teams_only() {
    let app = spawn_app().await;
    let path_a = format!("/teams/{}/presence", app.team_a);
    let path_b = format!("/teams/{}/presence", app.team_b);
    let (status, members) = app.get(&app.lead, &path_a).await;
    assert_eq!(status, StatusCode::OK, "{members}");
    let ids: Vec<_> = members.as_array().unwrap().iter().map(|m| m["agent"]["id"].clone()).collect();
    assert_eq!(ids, vec![json!(app.lead.id.0), json!(app.agent_a.id.0)]);
    assert_eq!(members[1]["agent"]["presence"], "offline");
    assert_eq!(members[1]["capacity"], json!({"live": 3, "email": 15}));
    let (status, body) = app.get(&app.lead, &path_b).await;
    assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, "forbidden"));
    let (status, body) = app.get(&app.agent_a, &path_a).await;
    assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, "forbidden"));
    let (status, members) = app.get(&app.admin, &path_b).await;
    assert_eq!(status, StatusCode::OK, "{members}");
    assert_eq!(members[0]["agent"]["id"], app.agent_b.id.0);
    let (status, body) = app.get(&app.admin, "/teams/999999/presence").await;
    assert_eq!((status, error_code(&body)), (StatusCode::NOT_FOUND, "not_found"));
}

#[tokio::test]
async fn a_bad_presence_request_is_a_clear_error() {
    let app = spawn_app().await;
    for bad in [json!({"presence": "sleeping"}), json!({}), json!({"presence": "online", "capacity": 99})] {
        let (status, body) = app.call(&app.agent_a, Method::PUT, "/me/presence", Some(bad.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
        error_code(&body);
    }
    let not_json =
        app.request(&app.agent_a, Method::PUT, "/me/presence").header("content-type", "application/json");
    let (status, body) = send(not_json.body("{presence")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = app.get(&app.admin, "/teams/first/presence").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = app.get(&app.agent_a, "/me/presence").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["agent"]["presence"], "offline", "nothing changed");
}

#[tokio::test]
async fn automatic_assignment_follows_its_setting_and_runs_after_an_arrival() {
    let app = spawn_app().await;
    let (status, _) = app.get(&app.agent_a, "/auto-assignment").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, setting) = app.get(&app.lead, "/auto-assignment").await;
    assert_eq!((status, setting), (StatusCode::OK, json!({"enabled": true, "disabled_teams": []})));
    let unknown_team = json!({"enabled": true, "disabled_teams": [999999]});
    let (status, body) = app.call(&app.admin, Method::PUT, "/auto-assignment", Some(unknown_team)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let off_for_a = json!({"enabled": true, "disabled_teams": [app.team_a.0]});
    let (status, body) = app.call(&app.lead, Method::PUT, "/auto-assignment", Some(off_for_a.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = app.call(&app.admin, Method::PUT, "/auto-assignment", Some(off_for_a)).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let in_team =
        app.inbound("ettore@example.com", "Il pacco è rotto", Some(app.team_a)).await.conversation.id;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let every = std::time::Duration::from_secs(3600);
    let worker = tokio::spawn(app.desk.clone().run_auto_assignment(every, stopped));
    app.call(&app.agent_a, Method::PUT, "/me/presence", Some(json!({"presence": "online"}))).await;
    let general = app.inbound("fabio@example.com", "Una domanda", None).await.conversation.id;
    let assignee = wait_for_assignee(&app, general).await;
    assert_eq!(assignee, json!(app.agent_a.id.0), "the arrival was handed out without anyone asking");
    let (_, body) = app.get(&app.admin, &format!("/conversations/{in_team}")).await;
    assert!(body["assignee"].is_null(), "team A picks by hand: {body}");
    let on = json!({"enabled": true, "disabled_teams": []});
    app.call(&app.admin, Method::PUT, "/auto-assignment", Some(on)).await;
    assert_eq!(wait_for_assignee(&app, in_team).await, json!(app.agent_a.id.0));
    let _ = stop.send(true);
    worker.await.unwrap();
}

/// Polls until the conversation has an assignee; fails after 20 seconds.
async fn wait_for_assignee(app: &crate::TestApp, id: ascolto_core::ConversationId) -> serde_json::Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let (_, body) = app.get(&app.admin, &format!("/conversations/{id}")).await;
        if !body["assignee"].is_null() {
            return body["assignee"].clone();
        }
        assert!(std::time::Instant::now() < deadline, "conversation {id} was never assigned: {body}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
