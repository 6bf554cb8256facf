//! The agents' interface in real headless Chromium (Debian's `chromium` and `chromium-driver`),
//! against a server on `127.0.0.1:0` with a fresh SQLite store per test. Screenshots of the
//! inbox, a conversation with coaching and the lead's page land in `docs/screenshots/`.

mod harness;
mod queue;
mod settings;

use ascolto_core::{ConversationStatus, Priority};
use fantoccini::Locator;
use harness::{Desk, eventually, screenshot, start};
use serde_json::json;

#[tokio::test]
async fn signing_in_shows_the_inbox_most_urgent_first_with_the_reason() {
    let Some(desk) = start().await else { return };
    desk.customer_writes(
        "low@example.com",
        "Newsletter",
        "Please change my newsletter language.",
        Priority::Low,
    )
    .await;
    desk.customer_writes(
        "urgent@example.com",
        "Charged twice",
        "You charged my card twice!",
        Priority::Urgent,
    )
    .await;
    desk.customer_writes("normal@example.com", "Opening hours", "Are you open on Sunday?", Priority::Normal)
        .await;
    let browser = desk.browser().await;
    browser.sign_in("marco@test.ascolto").await;

    let subjects = browser.texts("#queue-rows tr.row .subject").await;
    assert_eq!(subjects, ["Charged twice", "Opening hours", "Newsletter"]);
    let first_reason = browser.texts("#queue-rows tr.row .reason").await.remove(0);
    assert!(
        first_reason.starts_with("Urgent") && first_reason.contains("customer waiting"),
        "{first_reason}"
    );
    // The keyboard moves through the queue and opens the selected conversation.
    browser.keys("j").await;
    let selected = browser.texts("#queue-rows tr.row[aria-selected=true] .subject").await;
    assert_eq!(selected, ["Opening hours"]);
    browser.keys("\u{E007}").await;
    browser.wait_for_path_prefix("/conversations/").await;
    assert_eq!(browser.texts("h1").await, ["Opening hours"]);
    browser.close().await;
}

#[tokio::test]
async fn the_inbox_updates_live_when_a_customer_writes() {
    let Some(desk) = start().await else { return };
    desk.customer_writes("first@example.com", "First", "Hello there.", Priority::Normal).await;
    let browser = desk.browser().await;
    browser.sign_in("marco@test.ascolto").await;
    browser.wait_until_live("#queue").await;
    browser.mark_page().await;
    desk.customer_writes(
        "second@example.com",
        "Second and urgent",
        "Help, the site is down!",
        Priority::Urgent,
    )
    .await;
    eventually("the new conversation tops the inbox", || async {
        browser.texts("#queue-rows tr.row .subject").await.first().map(String::as_str)
            == Some("Second and urgent")
    })
    .await;
    assert!(browser.page_is_marked().await, "the inbox reloaded instead of updating");
    browser.close().await;
}

#[tokio::test]
async fn the_coach_flags_a_reply_without_empathy_then_clears_and_the_reply_reaches_a_second_agent() {
    let Some(desk) = start().await else { return };
    let conversation = desk
        .customer_writes(
            "angry@example.com",
            "Parcel missing",
            "I am furious. This is the third time I write and my parcel still hasn't arrived. Unacceptable!",
            Priority::High,
        )
        .await;
    let marco = desk.browser().await;
    marco.sign_in("marco@test.ascolto").await;
    let giulia = desk.browser().await;
    giulia.sign_in("giulia@test.ascolto").await;
    let path = format!("/conversations/{conversation}");
    giulia.goto(&path).await;
    giulia.wait_until_live("main.conversation").await;
    giulia.mark_page().await;
    marco.goto(&path).await;
    marco.wait_until_live("main.conversation").await;

    let textarea = marco.client.find(Locator::Css("#reply-text")).await.unwrap();
    textarea.send_keys("The parcel will arrive tomorrow.").await.unwrap();
    let empathy = "#coach-findings .finding[data-skill=empathy][data-severity=problem]";
    eventually("the coach flags the missing empathy", || async { marco.count(empathy).await == 1 }).await;
    let marked = marco.texts("#reply-marks mark").await;
    assert!(
        marked.iter().any(|words| words.contains("The parcel will arrive tomorrow")),
        "highlighted: {marked:?}"
    );
    let finding = marco.texts(empathy).await.remove(0);
    assert!(finding.contains("does not acknowledge how they feel") && finding.contains("Try:"), "{finding}");
    screenshot(&marco.client, "conversation-coaching").await;

    textarea.clear().await.unwrap();
    let fixed = "I'm so sorry, I understand how frustrating it is to wait this long. I have sent a new parcel by express today; it will arrive tomorrow.";
    textarea.send_keys(fixed).await.unwrap();
    eventually("the empathy finding goes once the reply acknowledges the feeling", || async {
        marco.count("#coach-findings .finding").await > 0 && marco.count(empathy).await == 0
    })
    .await;

    textarea.send_keys("\u{E009}\u{E007}").await.unwrap(); // Ctrl+Enter sends.
    eventually("the reply shows in the sender's thread", || async {
        marco.texts("#messages article.outbound .msg-text").await.iter().any(|text| text == fixed)
    })
    .await;
    eventually("the reply appears for the second agent without a reload", || async {
        giulia.texts("#messages article.outbound .msg-text").await.iter().any(|text| text == fixed)
    })
    .await;
    assert!(giulia.page_is_marked().await, "the second agent's page reloaded");
    assert_eq!(marco.value("#reply-text").await, "", "the reply box is emptied after sending");
    let stored = desk.messages(conversation).await;
    assert_eq!(stored.last().map(|m| m.text.as_str()), Some(fixed));
    marco.close().await;
    giulia.close().await;
}

#[tokio::test]
async fn a_reply_with_an_unfilled_placeholder_asks_before_sending_and_macros_fill_variables() {
    let Some(desk) = start().await else { return };
    desk.macro_named(
        "Greeting",
        "Ciao {{customer.first_name}}, sono {{agent.first_name}}. Il tuo ordine {{order.number}} è partito.",
    )
    .await;
    let conversation =
        desk.customer_writes("anna@example.com", "Ordine", "Dov'è il mio ordine?", Priority::Normal).await;
    let browser = desk.browser().await;
    browser.sign_in("marco@test.ascolto").await;
    browser.goto(&format!("/conversations/{conversation}")).await;
    browser.client.find(Locator::Css("#macro")).await.unwrap().select_by_label("Greeting").await.unwrap();
    assert_eq!(
        browser.value("#reply-text").await,
        "Ciao Anna, sono Marco. Il tuo ordine {{order.number}} è partito."
    );
    browser.click("#reply-send").await;
    eventually("a confirmation names the placeholder", || async {
        browser
            .texts("#reply-confirm:not([hidden]) p")
            .await
            .first()
            .is_some_and(|t| t.contains("{{order.number}}"))
    })
    .await;
    assert_eq!(desk.messages(conversation).await.len(), 1, "nothing is sent before the agent confirms");
    browser.click("#reply-send-anyway").await;
    eventually("sending anyway sends", || async { desk.messages(conversation).await.len() == 2 }).await;
    browser.close().await;
}

#[tokio::test]
async fn scripts_in_a_customer_email_are_rendered_inert() {
    let Some(desk) = start().await else { return };
    let payload = r#"<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">"#;
    let html = format!(r#"<p>Hello <b>bold</b></p>{payload}<a href="javascript:window.pwned=3">click</a>"#);
    let conversation = desk.customer_writes_html("evil@example.com", "Look", payload, &html).await;
    let browser = desk.browser().await;
    browser.sign_in("marco@test.ascolto").await;
    browser.goto(&format!("/conversations/{conversation}")).await;
    assert_eq!(
        browser.texts("#messages article.inbound .msg-text").await,
        [payload],
        "the text is shown, escaped"
    );
    browser.click("#messages details.formatted summary").await;
    let frame = browser.client.find(Locator::Css("#messages details.formatted iframe")).await.unwrap();
    assert_eq!(frame.attr("sandbox").await.unwrap().as_deref(), Some(""), "the frame allows nothing");
    frame.clone().enter_frame().await.unwrap();
    eventually("the formatted e-mail loads in its frame", || async { browser.texts("b").await == ["bold"] })
        .await;
    assert_eq!(browser.count("script, img[onerror], a[href^=javascript]").await, 0, "sanitised at ingest");
    browser.client.enter_parent_frame().await.unwrap();
    let pwned = browser.client.execute("return window.pwned === undefined", vec![]).await.unwrap();
    assert_eq!(pwned, json!(true), "no payload ran");
    browser.close().await;
}

#[tokio::test]
async fn a_form_without_the_sessions_csrf_token_is_refused() {
    let Some(desk) = start().await else { return };
    let conversation = desk.customer_writes("c@example.com", "Keep me open", "Hi", Priority::Normal).await;
    let browser = desk.browser().await;
    browser.sign_in("marco@test.ascolto").await;
    // A page of the same browser posts a forged form (a token that is not the session's).
    let forge = r#"
        const form = document.createElement("form");
        form.method = "post";
        form.action = arguments[0];
        for (const [name, value] of [["csrf", "forged"], ["status", "resolved"], ["priority", "low"]]) {
            const input = document.createElement("input");
            input.name = name; input.value = value; form.appendChild(input);
        }
        document.body.appendChild(form);
        form.submit();
    "#;
    let action = format!("/conversations/{conversation}/update");
    browser.client.execute(forge, vec![json!(action)]).await.unwrap();
    eventually("the refusal page shows", || async {
        browser.texts("[role=alert]").await.first().is_some_and(|t| t.contains("nothing was changed"))
    })
    .await;
    let unchanged = desk.conversation(conversation).await;
    assert_eq!((unchanged.status, unchanged.priority), (ConversationStatus::Open, Priority::Normal));
    // Without the cookie's companion token, even the sign-in form is refused.
    let (status, _) = desk
        .post_form(
            "/login",
            &[("csrf", "x"), ("email", "marco@test.ascolto"), ("password", harness::PASSWORD)],
        )
        .await;
    assert_eq!(status, 403);
    browser.close().await;
}

#[tokio::test]
async fn the_interface_speaks_the_agents_language_and_the_browsers_by_default() {
    let Some(desk) = start().await else { return };
    let (_, italian_login) = desk.get_with_language("/login", "it-IT,it;q=0.9,en;q=0.5").await;
    assert!(italian_login.contains("Accedi") && italian_login.contains("lang=\"it\""));
    let (_, english_login) = desk.get_with_language("/login", "en-GB,en;q=0.9").await;
    assert!(english_login.contains("Sign in") && english_login.contains("lang=\"en\""));

    let browser = desk.browser().await;
    browser.sign_in("giulia@test.ascolto").await; // Giulia's setting is Italian.
    assert_eq!(browser.texts("main h1").await, ["Posta in arrivo"]);
    assert!(browser.texts("#queue-rows td").await.iter().any(|t| t.contains("Qui non aspetta nessuno")));
    browser.client.find(Locator::Css("#ui-language")).await.unwrap().select_by_value("en").await.unwrap();
    eventually("the page comes back in English", || async { browser.texts("main h1").await == ["Inbox"] })
        .await;
    browser.close().await;
}

#[tokio::test]
async fn pages_are_served_with_a_strict_content_security_policy() {
    let Some(desk) = start().await else { return };
    let (headers, _) = desk.get_headers("/login").await;
    let policy = headers.get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"));
    let (status, _) = desk.get_status("/inbox").await;
    assert_eq!(status, 303, "the inbox sends a stranger to sign in");
}

#[tokio::test]
async fn the_leads_page_draws_each_agents_response_times_and_coach_skills() {
    let Some(desk) = start().await else { return };
    desk.history_for_the_team_page().await;
    let browser = desk.browser().await;
    browser.sign_in("lea@test.ascolto").await;
    browser.goto("/team").await;
    assert!(browser.count(".chart svg").await >= 3, "one chart per measure");
    let rows = browser.texts("table.team-table tbody tr").await;
    assert!(rows.iter().any(|row| row.contains("Marco")), "{rows:?}");
    let replies = browser.texts("table.team-table tbody td:nth-child(2)").await;
    assert_eq!(
        replies.iter().filter(|count| *count == "20").count(),
        2,
        "each agent sent 20 replies: {replies:?}"
    );
    assert_eq!(
        browser.count(".chart polyline").await,
        20,
        "ten skill lines for each of the two agents who replied"
    );
    screenshot(&browser.client, "team").await;
    browser.close().await;
}

impl Desk {
    /// Ten days of work: two agents answer customers, sooner or later, more or less warmly,
    /// and resolve some conversations.
    async fn history_for_the_team_page(&self) {
        let start = chrono::Utc::now() - chrono::TimeDelta::days(10);
        let replies = [
            ("marco@test.ascolto", "The order ships tomorrow."),
            (
                "giulia@test.ascolto",
                "I'm so sorry for the wait, I understand how frustrating it is. I shipped it today by express; it arrives tomorrow.",
            ),
            (
                "marco@test.ascolto",
                "I'm sorry for the wait, I understand it is frustrating. I shipped it today; you will have it tomorrow by noon.",
            ),
            ("giulia@test.ascolto", "It will arrive when it arrives."),
        ];
        for day in 0..10i64 {
            for (index, (agent, _)) in replies.iter().enumerate() {
                // Each agent's words vary from day to day, so the skill lines move.
                let text = replies[(index + day as usize) % replies.len()].1;
                let opened =
                    start + chrono::TimeDelta::days(day) + chrono::TimeDelta::hours(index as i64 * 2);
                self.clock.set(Some(opened));
                let id = self
                    .customer_writes(
                        &format!("c{day}x{index}@example.com"),
                        "Order",
                        "My order is late and I am upset.",
                        Priority::Normal,
                    )
                    .await;
                let delay = 5 + (day * 7 + index as i64 * 13) % 50;
                self.clock.set(Some(opened + chrono::TimeDelta::minutes(delay)));
                self.reply_as(agent, id, text).await;
                if (day + index as i64) % 3 != 0 {
                    self.clock.set(Some(
                        opened + chrono::TimeDelta::minutes(delay) + chrono::TimeDelta::hours(1 + day % 5),
                    ));
                    let patch = ascolto_store::ConversationPatch {
                        status: Some(ConversationStatus::Resolved),
                        ..Default::default()
                    };
                    self.desk.update_conversation(id, patch).await.unwrap();
                }
            }
        }
        self.clock.set(None);
    }
}
