//! `/webhooks/telegram` and `/webhooks/whatsapp`: forged deliveries store nothing, genuine
//! ones are stored once, and replies go out through the platforms' APIs with their errors
//! mapped to retries or visible failures.

use ascolto_channels::signature::hmac_hex;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::platforms::{self, Platform};
use crate::{TestApp, error_code, send, spawn_app};

async fn create_channel(app: &TestApp, body: Value) -> String {
    let (status, channel) = app.call(&app.admin, Method::POST, "/channels", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{channel}");
    channel["id"].as_str().unwrap().to_owned()
}

async fn conversations(app: &TestApp) -> Vec<Value> {
    let (_, body) = app.get(&app.admin, "/conversations").await;
    body["data"].as_array().unwrap().clone()
}

async fn messages(app: &TestApp, conversation: &Value) -> Vec<Value> {
    let (_, body) = app.get(&app.admin, &format!("/conversations/{}/messages", conversation["id"])).await;
    body["data"].as_array().unwrap().clone()
}

async fn deliver(app: &TestApp) {
    let deliverers = ascolto_service::live::deliverers(app.desk.store.clone());
    app.desk.deliver_due(&deliverers, 10).await.unwrap();
}

async fn reply(app: &TestApp, conversation: &Value, text: &str) -> (StatusCode, Value) {
    let path = format!("/conversations/{}/messages", conversation["id"]);
    app.call(&app.admin, Method::POST, &path, Some(json!({"text": text}))).await
}

// --- Telegram ---

fn telegram_update(update_id: i64, message_id: i64, text: &str) -> Value {
    json!({"update_id": update_id, "message": {"message_id": message_id,
        "from": {"id": 111, "is_bot": false, "first_name": "Anna", "last_name": "Rossi", "language_code": "it"},
        "chat": {"id": 111, "first_name": "Anna", "type": "private"}, "date": chrono::Utc::now().timestamp(), "text": text}})
}

async fn telegram_channel(app: &TestApp, bot_api: &Platform) -> String {
    let body = json!({"kind": "telegram", "name": "Bot", "bot_token": "123:SECRET-TOKEN", "webhook_secret": "hook-secret", "api_base": bot_api.base});
    create_channel(app, body).await
}

async fn post_telegram(app: &TestApp, channel: &str, secret: Option<&str>, update: &Value) -> StatusCode {
    let mut request = app.client.post(format!("{}/webhooks/telegram/{channel}", app.base)).json(update);
    if let Some(secret) = secret {
        request = request.header("X-Telegram-Bot-Api-Secret-Token", secret);
    }
    send(request).await.0
}

#[tokio::test]
async fn a_forged_telegram_update_is_refused_and_stores_nothing() {
    let app = spawn_app().await;
    let channel = telegram_channel(&app, &platforms::telegram().await).await;
    let update = telegram_update(1, 5, "Ciao");
    assert_eq!(post_telegram(&app, &channel, None, &update).await, StatusCode::UNAUTHORIZED);
    assert_eq!(post_telegram(&app, &channel, Some("guess"), &update).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        post_telegram(&app, "no-such-channel", Some("hook-secret"), &update).await,
        StatusCode::NOT_FOUND
    );
    assert!(conversations(&app).await.is_empty());
}

#[tokio::test]
async fn changing_a_channel_keeps_the_secrets_left_out_and_never_changes_its_kind() {
    let app = spawn_app().await;
    let channel = telegram_channel(&app, &platforms::telegram().await).await;
    let path = format!("/channels/{channel}");
    let rename = json!({"kind": "telegram", "name": "Support bot"});
    let (status, view) = app.call(&app.admin, Method::PUT, &path, Some(rename.clone())).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["name"], "Support bot");
    assert_eq!(view["secrets_set"], json!(["bot_token", "webhook_secret"]));
    assert!(!view.to_string().contains("SECRET-TOKEN") && !view.to_string().contains("hook-secret"));
    let update = telegram_update(1, 5, "Ciao");
    assert_eq!(
        post_telegram(&app, &channel, Some("hook-secret"), &update).await,
        StatusCode::OK,
        "secret kept"
    );

    let new_secret = json!({"kind": "telegram", "name": "Support bot", "webhook_secret": "rotated"});
    let (status, _) = app.call(&app.admin, Method::PUT, &path, Some(new_secret)).await;
    assert_eq!(status, StatusCode::OK);
    let next = telegram_update(2, 6, "Ancora");
    assert_eq!(post_telegram(&app, &channel, Some("hook-secret"), &next).await, StatusCode::UNAUTHORIZED);
    assert_eq!(post_telegram(&app, &channel, Some("rotated"), &next).await, StatusCode::OK);

    let other_kind = json!({"kind": "whatsapp", "name": "Numero"});
    let (status, body) = app.call(&app.admin, Method::PUT, &path, Some(other_kind)).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "unprocessable"));
    let (status, _) = app.call(&app.agent_a, Method::PUT, &path, Some(rename.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.call(&app.admin, Method::PUT, "/channels/nope", Some(rename)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_telegram_message_is_stored_once_and_answered_through_send_message() {
    let app = spawn_app().await;
    let bot_api = platforms::telegram().await;
    let channel = telegram_channel(&app, &bot_api).await;
    let update = telegram_update(1, 5, "Il pacco non è arrivato");
    assert_eq!(post_telegram(&app, &channel, Some("hook-secret"), &update).await, StatusCode::OK);
    assert_eq!(
        post_telegram(&app, &channel, Some("hook-secret"), &update).await,
        StatusCode::OK,
        "a replay must be acknowledged"
    );
    let listed = conversations(&app).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["channel"], "telegram");
    assert_eq!(messages(&app, &listed[0]).await.len(), 1, "the replayed update was stored twice");
    let (_, customer) = app.get(&app.admin, &format!("/customers/{}", listed[0]["customer_id"])).await;
    assert_eq!(customer["name"], "Anna Rossi");
    assert_eq!(customer["identities"][0], json!({"kind": "telegram", "value": "111"}));

    assert_eq!(reply(&app, &listed[0], "Ciao Anna, controllo subito.").await.0, StatusCode::CREATED);
    deliver(&app).await;
    let sent = bot_api.received();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].path, "/bot123:SECRET-TOKEN/sendMessage");
    assert_eq!(sent[0].body, json!({"chat_id": "111", "text": "Ciao Anna, controllo subito."}));
    let reply = messages(&app, &listed[0]).await.pop().unwrap();
    assert_eq!(
        (reply["delivery_status"].as_str(), reply["channel_message_id"].as_str()),
        (Some("sent"), Some("111:77"))
    );
}

#[tokio::test]
async fn a_telegram_rate_limit_keeps_the_reply_queued_for_a_retry() {
    let app = spawn_app().await;
    let bot_api = platforms::telegram().await;
    let channel = telegram_channel(&app, &bot_api).await;
    post_telegram(&app, &channel, Some("hook-secret"), &telegram_update(1, 5, "Ciao")).await;
    let conversation = conversations(&app).await.remove(0);
    reply(&app, &conversation, "Eccomi").await;
    bot_api.answer_next(
        StatusCode::TOO_MANY_REQUESTS,
        json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 7", "parameters": {"retry_after": 7}}),
    );
    deliver(&app).await;
    let reply = messages(&app, &conversation).await.pop().unwrap();
    assert_eq!(reply["delivery_status"], "queued");
    assert!(reply["delivery_error"].as_str().unwrap().contains("429"), "{reply}");
    deliver(&app).await;
    assert_eq!(bot_api.received().len(), 1, "the retry did not wait for retry_after");
}

#[tokio::test]
async fn a_blocked_bot_fails_the_reply_visibly() {
    let app = spawn_app().await;
    let bot_api = platforms::telegram().await;
    let channel = telegram_channel(&app, &bot_api).await;
    post_telegram(&app, &channel, Some("hook-secret"), &telegram_update(1, 5, "Ciao")).await;
    let conversation = conversations(&app).await.remove(0);
    reply(&app, &conversation, "Eccomi").await;
    bot_api.answer_next(
        StatusCode::FORBIDDEN,
        json!({"ok": false, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}),
    );
    deliver(&app).await;
    let reply = messages(&app, &conversation).await.pop().unwrap();
    assert_eq!(reply["delivery_status"], "failed");
    assert!(reply["delivery_error"].as_str().unwrap().contains("blocked"), "{reply}");
}

// --- WhatsApp ---

async fn whatsapp_channel(app: &TestApp, cloud_api: &Platform) -> String {
    let body = json!({"kind": "whatsapp", "name": "Numero", "phone_number_id": "PN1", "access_token": "EAAG-token",
        "app_secret": "app-secret", "verify_token": "verify-me", "api_base": cloud_api.base, "api_version": "v21.0"});
    create_channel(app, body).await
}

fn whatsapp_value(value: Value) -> Value {
    json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{"field": "messages",
        "value": value}]}]})
}

fn whatsapp_text(id: &str, text: &str, sent_at: i64) -> Value {
    whatsapp_value(json!({"messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550001111", "phone_number_id": "PN1"},
        "contacts": [{"profile": {"name": "Giulia"}, "wa_id": "393331234567"}],
        "messages": [{"from": "393331234567", "id": id, "timestamp": sent_at.to_string(), "type": "text", "text": {"body": text}}]}))
}

fn whatsapp_status(id: &str, status: &str, errors: Value) -> Value {
    whatsapp_value(
        json!({"messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550001111", "phone_number_id": "PN1"},
        "statuses": [{"id": id, "status": status, "timestamp": "1772355600", "recipient_id": "393331234567", "errors": errors}]}),
    )
}

/// Posts a delivery signed with `secret` (`None`: unsigned).
async fn post_whatsapp(app: &TestApp, channel: &str, secret: Option<&str>, body: &Value) -> StatusCode {
    let raw = serde_json::to_vec(body).unwrap();
    let mut request = app
        .client
        .post(format!("{}/webhooks/whatsapp/{channel}", app.base))
        .header("content-type", "application/json");
    if let Some(secret) = secret {
        request =
            request.header("X-Hub-Signature-256", format!("sha256={}", hmac_hex(secret.as_bytes(), &raw)));
    }
    send(request.body(raw)).await.0
}

#[tokio::test]
async fn the_whatsapp_handshake_echoes_the_challenge_only_for_the_verify_token() {
    let app = spawn_app().await;
    let channel = whatsapp_channel(&app, &platforms::whatsapp().await).await;
    let url = |token: &str| {
        format!(
            "{}/webhooks/whatsapp/{channel}?hub.mode=subscribe&hub.verify_token={token}&hub.challenge=1158201444",
            app.base
        )
    };
    let answer = app.client.get(url("verify-me")).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(answer.text().await.unwrap(), "1158201444");
    let (status, body) = send(app.client.get(url("wrong"))).await;
    assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, "forbidden"));
}

#[tokio::test]
async fn forged_and_replayed_whatsapp_deliveries_store_nothing() {
    let app = spawn_app().await;
    let channel = whatsapp_channel(&app, &platforms::whatsapp().await).await;
    let delivery = whatsapp_text("wamid.IN1", "Buongiorno", chrono::Utc::now().timestamp());
    assert_eq!(post_whatsapp(&app, &channel, None, &delivery).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        post_whatsapp(&app, &channel, Some("not-the-app-secret"), &delivery).await,
        StatusCode::UNAUTHORIZED
    );
    assert!(conversations(&app).await.is_empty());
    assert_eq!(post_whatsapp(&app, &channel, Some("app-secret"), &delivery).await, StatusCode::OK);
    assert_eq!(post_whatsapp(&app, &channel, Some("app-secret"), &delivery).await, StatusCode::OK);
    let listed = conversations(&app).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(messages(&app, &listed[0]).await.len(), 1, "the replayed delivery was stored twice");
}

#[tokio::test]
async fn a_whatsapp_reply_is_sent_and_its_statuses_move_forward() {
    let app = spawn_app().await;
    let cloud_api = platforms::whatsapp().await;
    let channel = whatsapp_channel(&app, &cloud_api).await;
    post_whatsapp(
        &app,
        &channel,
        Some("app-secret"),
        &whatsapp_text("wamid.IN1", "Ciao", chrono::Utc::now().timestamp()),
    )
    .await;
    let conversation = conversations(&app).await.remove(0);
    assert_eq!(reply(&app, &conversation, "Ciao Giulia!").await.0, StatusCode::CREATED);
    deliver(&app).await;
    let sent = cloud_api.received();
    assert_eq!(sent[0].path, "/v21.0/PN1/messages");
    assert_eq!(sent[0].authorization.as_deref(), Some("Bearer EAAG-token"));
    assert_eq!(sent[0].body["to"], "393331234567");
    assert_eq!(sent[0].body["text"]["body"], "Ciao Giulia!");
    for status in ["delivered", "read", "delivered"] {
        let delivery = whatsapp_status("wamid.OUT1", status, json!([]));
        assert_eq!(post_whatsapp(&app, &channel, Some("app-secret"), &delivery).await, StatusCode::OK);
    }
    let reply = messages(&app, &conversation).await.pop().unwrap();
    assert_eq!(
        (reply["delivery_status"].as_str(), reply["channel_message_id"].as_str()),
        (Some("read"), Some("wamid.OUT1"))
    );
}

#[tokio::test]
async fn whatsapp_errors_become_retries_or_visible_failures() {
    let app = spawn_app().await;
    let cloud_api = platforms::whatsapp().await;
    let channel = whatsapp_channel(&app, &cloud_api).await;
    post_whatsapp(
        &app,
        &channel,
        Some("app-secret"),
        &whatsapp_text("wamid.IN1", "Ciao", chrono::Utc::now().timestamp()),
    )
    .await;
    let conversation = conversations(&app).await.remove(0);
    let graph_error = |code: i64, message: &str, details: &str| {
        json!({"error": {"message": message, "type": "OAuthException", "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": details}, "fbtrace_id": "Az8or2yhqkZfEZ-_4Qn_Bam"}})
    };
    reply(&app, &conversation, "Primo").await;
    cloud_api.answer_next(
        StatusCode::BAD_REQUEST,
        graph_error(130429, "(#130429) Rate limit hit", "Cloud API message throughput has been reached."),
    );
    deliver(&app).await;
    let first = messages(&app, &conversation).await.pop().unwrap();
    assert_eq!(first["delivery_status"], "queued", "{first}");

    let app2 = spawn_app().await;
    let cloud_api2 = platforms::whatsapp().await;
    let channel2 = whatsapp_channel(&app2, &cloud_api2).await;
    post_whatsapp(
        &app2,
        &channel2,
        Some("app-secret"),
        &whatsapp_text("wamid.IN1", "Ciao", chrono::Utc::now().timestamp()),
    )
    .await;
    let conversation2 = conversations(&app2).await.remove(0);
    reply(&app2, &conversation2, "Secondo").await;
    cloud_api2.answer_next(
        StatusCode::BAD_REQUEST,
        graph_error(131047, "(#131047) Re-engagement message", "Message failed to send because more than 24 hours have passed since the customer last replied to this number."),
    );
    deliver(&app2).await;
    let second = messages(&app2, &conversation2).await.pop().unwrap();
    assert_eq!(second["delivery_status"], "failed");
    assert!(second["delivery_error"].as_str().unwrap().contains("24 hours"), "{second}");
}

#[tokio::test]
async fn a_free_text_whatsapp_reply_after_24_hours_is_refused_with_the_rule() {
    let app = spawn_app().await;
    let cloud_api = platforms::whatsapp().await;
    let channel = whatsapp_channel(&app, &cloud_api).await;
    let long_ago = chrono::Utc::now().timestamp() - 25 * 3600;
    post_whatsapp(&app, &channel, Some("app-secret"), &whatsapp_text("wamid.OLD", "Ciao", long_ago)).await;
    let conversation = conversations(&app).await.remove(0);
    let (status, body) = reply(&app, &conversation, "Scusa il ritardo").await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "unprocessable"));
    assert!(body["error"]["message"].as_str().unwrap().contains("24-hour"), "{body}");
    let note = app
        .call(
            &app.admin,
            Method::POST,
            &format!("/conversations/{}/messages", conversation["id"]),
            Some(json!({"text": "ricontattare via e-mail", "kind": "note"})),
        )
        .await;
    assert_eq!(note.0, StatusCode::CREATED, "an internal note is not a WhatsApp message");
    assert!(cloud_api.received().is_empty());
}

// --- WhatsApp templates ---

fn order_update() -> Value {
    json!({"name": "order_update", "language": "it", "body": "Ciao {{1}}, il tuo ordine {{2}} è partito."})
}

/// A WhatsApp conversation whose customer last wrote 25 hours ago, on a number with the
/// `order_update` template approved.
async fn closed_window(app: &TestApp, cloud_api: &Platform) -> Value {
    let body = json!({"kind": "whatsapp", "name": "Numero", "phone_number_id": "PN1", "access_token": "EAAG-token",
        "app_secret": "app-secret", "verify_token": "verify-me", "api_base": cloud_api.base, "api_version": "v21.0",
        "templates": [order_update()]});
    let channel = create_channel(app, body).await;
    let long_ago = chrono::Utc::now().timestamp() - 25 * 3600;
    post_whatsapp(app, &channel, Some("app-secret"), &whatsapp_text("wamid.OLD", "Ciao", long_ago)).await;
    conversations(app).await.remove(0)
}

async fn send_template(app: &TestApp, conversation: &Value, body: Value) -> (StatusCode, Value) {
    let path = format!("/conversations/{}/messages", conversation["id"]);
    app.call(&app.agent_a, Method::POST, &path, Some(body)).await
}

#[tokio::test]
async fn an_approved_template_goes_out_after_24_hours_in_the_cloud_api_shape() {
    let app = spawn_app().await;
    let cloud_api = platforms::whatsapp().await;
    let conversation = closed_window(&app, &cloud_api).await;
    let (status, refused) = reply(&app, &conversation, "Scusa il ritardo").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused["error"]["message"].as_str().unwrap().contains("approved message template"), "{refused}");

    let template = json!({"name": "order_update", "language": "it", "parameters": ["Giulia", "A-12"]});
    let (status, stored) = send_template(&app, &conversation, json!({"template": template})).await;
    assert_eq!(status, StatusCode::CREATED, "{stored}");
    assert_eq!(stored["text"], "Ciao Giulia, il tuo ordine A-12 è partito.");
    assert_eq!(stored["template"], template);
    assert_eq!(stored["delivery_status"], "queued", "a template goes through the outbox");
    assert!(cloud_api.received().is_empty(), "sent before the outbox ran");
    deliver(&app).await;
    let sent = cloud_api.received();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].path, "/v21.0/PN1/messages");
    assert_eq!(sent[0].authorization.as_deref(), Some("Bearer EAAG-token"));
    assert_eq!(
        sent[0].body,
        json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": "393331234567",
            "type": "template", "template": {"name": "order_update", "language": {"code": "it"},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": "Giulia"},
                {"type": "text", "text": "A-12"}]}]}})
    );
    let delivered = messages(&app, &conversation).await.pop().unwrap();
    assert_eq!(
        (delivered["delivery_status"].as_str(), delivered["channel_message_id"].as_str()),
        (Some("sent"), Some("wamid.OUT1"))
    );
}

#[tokio::test]
async fn a_template_send_is_checked_against_the_approved_templates() {
    let app = spawn_app().await;
    let cloud_api = platforms::whatsapp().await;
    let conversation = closed_window(&app, &cloud_api).await;
    let cases = [
        (json!({"template": {"name": "promo", "language": "it", "parameters": []}}), "no approved template"),
        (
            json!({"template": {"name": "order_update", "language": "en_US", "parameters": ["a", "b"]}}),
            "no approved template",
        ),
        (
            json!({"template": {"name": "order_update", "language": "it", "parameters": ["Giulia"]}}),
            "takes 2 parameters",
        ),
        (
            json!({"template": {"name": "order_update", "language": "it", "parameters": ["Giulia", "riga\nnuova"]}}),
            "new lines",
        ),
        (
            json!({"template": {"name": "order_update", "language": "it", "parameters": ["Giulia", " "]}}),
            "empty",
        ),
        (
            json!({"text": "e anche testo", "template": {"name": "order_update", "language": "it", "parameters": ["a", "b"]}}),
            "either",
        ),
        (
            json!({"kind": "note", "template": {"name": "order_update", "language": "it", "parameters": ["a", "b"]}}),
            "note",
        ),
    ];
    for (body, reason) in cases {
        let (status, answer) = send_template(&app, &conversation, body.clone()).await;
        assert_eq!(
            (status, error_code(&answer)),
            (StatusCode::UNPROCESSABLE_ENTITY, "unprocessable"),
            "{body}"
        );
        assert!(answer["error"]["message"].as_str().unwrap().contains(reason), "{body}: {answer}");
    }
    // A conversation on another channel has no templates to send.
    let email = app.inbound("anna@example.it", "Ciao", None).await.conversation.id;
    let template = json!({"template": {"name": "order_update", "language": "it", "parameters": ["a", "b"]}});
    let (status, answer) =
        app.call(&app.admin, Method::POST, &format!("/conversations/{email}/messages"), Some(template)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer["error"]["message"].as_str().unwrap().contains("WhatsApp"), "{answer}");
    assert_eq!(messages(&app, &conversation).await.len(), 1, "a refused template was stored");
    deliver(&app).await;
    assert!(cloud_api.received().is_empty());
}

#[tokio::test]
async fn agents_list_a_numbers_templates_and_only_admins_replace_them() {
    let app = spawn_app().await;
    let cloud_api = platforms::whatsapp().await;
    closed_window(&app, &cloud_api).await;
    let (_, listed) = app.get(&app.admin, "/channels").await;
    let channel = listed[0]["id"].as_str().unwrap().to_owned();
    let path = format!("/channels/{channel}/templates");
    let (status, templates) = app.get(&app.agent_a, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        templates,
        json!([{"name": "order_update", "language": "it", "body": "Ciao {{1}}, il tuo ordine {{2}} è partito.", "parameters": 2}])
    );
    let replacement = json!([order_update(), {"name": "hello_world", "language": "en_US", "body": "Hello!"}]);
    let (status, body) = app.call(&app.agent_a, Method::PUT, &path, Some(replacement.clone())).await;
    assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, "forbidden"));
    let (status, body) = app.call(&app.admin, Method::PUT, &path, Some(replacement)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body[1]["parameters"], 0);
    assert_eq!(app.get(&app.agent_a, &path).await.1.as_array().unwrap().len(), 2);
    for bad in [
        json!([{"name": "Hello World", "language": "it", "body": "x"}]),
        json!([{"name": "hello", "language": "italiano", "body": "x"}]),
        json!([{"name": "hello", "language": "it", "body": "Ciao {{2}}"}]),
        json!([{"name": "hello", "language": "it", "body": ""}]),
        json!([order_update(), order_update()]),
    ] {
        let (status, answer) = app.call(&app.admin, Method::PUT, &path, Some(bad.clone())).await;
        assert_eq!(
            (status, error_code(&answer)),
            (StatusCode::UNPROCESSABLE_ENTITY, "unprocessable"),
            "{bad}"
        );
    }
    let (status, _) = app.get(&app.agent_a, "/channels/no-such-channel/templates").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

// --- channel settings ---

#[tokio::test]
async fn channel_secrets_are_never_returned_and_only_admins_manage_channels() {
    let app = spawn_app().await;
    let channel = whatsapp_channel(&app, &platforms::whatsapp().await).await;
    let (status, listed) = app.get(&app.admin, "/channels").await;
    assert_eq!(status, StatusCode::OK);
    let text = listed.to_string();
    for secret in ["EAAG-token", "app-secret", "verify-me"] {
        assert!(!text.contains(secret), "a secret leaked: {text}");
    }
    assert_eq!(listed[0]["endpoint"], format!("/webhooks/whatsapp/{channel}"));
    let (status, body) = app.get(&app.agent_a, "/channels").await;
    assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, "forbidden"));
    let (status, body) =
        app.call(&app.admin, Method::POST, "/channels", Some(json!({"kind": "telegram", "name": "x"}))).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "unprocessable"));
    let (status, _) = app.call(&app.admin, Method::DELETE, &format!("/channels/{channel}"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
}
