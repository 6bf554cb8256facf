//! The queue in the pages: each inbox row's priority reasons and live SLA countdown, and the
//! conversation page's snooze, follow-up and scheduled-reply controls.

use std::time::Duration;

use ascolto_core::ConversationStatus;
use ascolto_core::followup::ScheduledKind;
use ascolto_store::{Job, JobState};
use chrono::TimeDelta;
use serde_json::json;

use crate::harness::{Desk, eventually, eventually_within, screenshot, start};

fn clock_of(id: ascolto_core::ConversationId) -> String {
    format!("#queue-rows tr.row[data-conversation-id=\"{id}\"] .sla-clock")
}

#[tokio::test]
async fn inbox_rows_show_why_they_are_urgent_and_a_countdown_that_turns_red_live() {
    let Some(desk) = start().await else { return };
    desk.sla_within(60).await;
    let late = desk
        .customer_wrote_ago(
            "furious@example.com",
            "Parcel missing",
            "I am furious. This is the third time I write and my parcel still hasn't arrived. Unacceptable!",
            TimeDelta::hours(2),
        )
        .await;
    desk.customer_wrote_ago(
        "vera@example.com",
        "Change of address",
        "Hello, please send my next order to my new address.",
        TimeDelta::minutes(12),
    )
    .await;
    let browser = desk.browser().await;
    browser.sign_in("marco@test.ascolto").await;
    browser.wait_until_live("#queue").await;
    browser.mark_page().await;

    let reasons =
        browser.texts(&format!("#queue-rows tr.row[data-conversation-id=\"{late}\"] .reasons li")).await;
    assert!(reasons.iter().any(|r| r == "angry"), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.starts_with("SLA breached")), "{reasons:?}");
    assert_eq!(browser.count(&format!("{}.breached", clock_of(late))).await, 1, "two hours late is breached");
    let late_text = browser.texts(&clock_of(late)).await.remove(0);
    assert!(late_text.starts_with("First reply") && late_text.contains("overdue by 1 h"), "{late_text}");

    // Due in a few seconds: it arrives live, counts down, and turns red without a reload.
    let soon = desk
        .customer_wrote_ago(
            "calm@example.com",
            "Opening hours",
            "Are you open on Sunday?",
            TimeDelta::minutes(60) - TimeDelta::seconds(12),
        )
        .await;
    eventually("the new conversation shows", || async { browser.count(&clock_of(soon)).await == 1 }).await;
    assert_eq!(browser.count(&format!("{}.breached", clock_of(soon))).await, 0, "not due yet");
    let left = browser.texts(&format!("{} .sla-left", clock_of(soon))).await.remove(0);
    assert!(left.starts_with("in 0 min"), "{left}");
    screenshot(&browser.client, "inbox").await;
    eventually("the countdown moves", || async {
        browser.texts(&format!("{} .sla-left", clock_of(soon))).await.first() != Some(&left)
    })
    .await;
    eventually_within(Duration::from_secs(30), "the countdown turns red at the deadline", || async {
        browser.count(&format!("{}.breached", clock_of(soon))).await == 1
    })
    .await;
    let overdue = browser.texts(&format!("{} .sla-left", clock_of(soon))).await.remove(0);
    assert!(overdue.starts_with("overdue by 0 min"), "{overdue}");
    assert!(browser.page_is_marked().await, "the inbox reloaded instead of ticking");
    browser.close().await;

    // The same queue explained in Italian to an agent whose interface is Italian.
    let italian = desk.browser().await;
    italian.sign_in("giulia@test.ascolto").await;
    let reasons =
        italian.texts(&format!("#queue-rows tr.row[data-conversation-id=\"{late}\"] .reasons li")).await;
    assert!(reasons.iter().any(|r| r == "tono arrabbiato"), "{reasons:?}");
    let late_text = italian.texts(&clock_of(late)).await.remove(0);
    assert!(late_text.starts_with("Prima risposta") && late_text.contains("scaduta da 1 h"), "{late_text}");
    italian.close().await;
}

async fn jobs(desk: &Desk, id: ascolto_core::ConversationId) -> Vec<Job> {
    desk.desk.store.list_jobs(id).await.unwrap()
}

#[tokio::test]
async fn an_agent_snoozes_schedules_a_follow_up_and_a_reply_and_the_customer_writing_cancels_them() {
    let Some(desk) = start().await else { return };
    desk.sla_within(60).await; // Its calendar runs on UTC: the forms' times are UTC here.
    let id = desk
        .customer_writes(
            "luca@example.com",
            "Invoice",
            "Can you send me the invoice?",
            ascolto_core::Priority::Normal,
        )
        .await;
    let browser = desk.browser().await;
    browser.sign_in("marco@test.ascolto").await;
    let path = format!("/conversations/{id}");
    browser.goto(&path).await;
    assert!(browser.texts(".timers p.muted").await.iter().any(|t| t.ends_with("UTC")), "the clock is named");

    // Snooze until a time: the conversation leaves the queue and a timer will bring it back.
    let until = (chrono::Utc::now() + TimeDelta::days(2)).format("%Y-%m-%dT%H:%M").to_string();
    browser.set_value("#snooze-until", &until).await;
    browser.click("#snooze-form button[value=time]").await;
    eventually("the page shows the snooze", || async {
        browser.count(".conv-head .snoozed-until").await == 1
    })
    .await;
    let snoozed = desk.conversation(id).await;
    assert_eq!(snoozed.status, ConversationStatus::Snoozed);
    assert_eq!(snoozed.snoozed_until.map(|at| at.format("%Y-%m-%dT%H:%M").to_string()), Some(until));
    let stored = jobs(&desk, id).await;
    assert!(
        matches!(stored.as_slice(), [job] if job.kind == ScheduledKind::EndSnooze && job.state == JobState::Scheduled)
    );

    // A follow-up reminding the agent after four business hours without an answer.
    browser.open_all_details().await;
    browser.set_value("#follow-up-hours", "4").await;
    browser
        .client
        .find(fantoccini::Locator::Css("#follow-up-action"))
        .await
        .unwrap()
        .select_by_value("remind")
        .await
        .unwrap();
    browser.click("#follow-up-form button[type=submit]").await;
    eventually("the follow-up is listed", || async {
        browser.texts("#timers-list li.job-scheduled strong").await.iter().any(|t| t == "Remind the agent")
    })
    .await;

    // A reply for tomorrow morning, cancelled if the customer writes first.
    browser.open_all_details().await;
    let send_at = (chrono::Utc::now() + TimeDelta::days(1)).format("%Y-%m-%dT09:00").to_string();
    browser.type_into("#scheduled-text", "Here is your invoice, as promised.").await;
    browser.set_value("#scheduled-at", &send_at).await;
    browser.click("#scheduled-reply-form button[type=submit]").await;
    eventually("the scheduled reply is listed with its text", || async {
        browser.texts("#timers-list li.job-scheduled .job-text").await
            == ["Here is your invoice, as promised."]
    })
    .await;
    assert_eq!(jobs(&desk, id).await.iter().filter(|j| j.state == JobState::Scheduled).count(), 3);

    // The customer writes: every timer their message cancels is cancelled at once.
    desk.customer_writes("luca@example.com", "Invoice", "Any news?", ascolto_core::Priority::Normal).await;
    let after = jobs(&desk, id).await;
    assert!(after.iter().all(|job| job.state == JobState::Cancelled), "{after:?}");
    browser.goto(&path).await;
    assert_eq!(browser.count("#timers-list li.job-cancelled").await, 3);
    assert_eq!(browser.count("#timers-list form").await, 0, "nothing left to cancel");

    // A reply the customer's message does not cancel, cancelled by hand instead.
    browser.open_all_details().await;
    browser.type_into("#scheduled-text", "Happy holidays!").await;
    browser.set_value("#scheduled-at", &send_at).await;
    browser.click("#scheduled-cancel").await; // Untick "cancel if the customer writes".
    browser.click("#scheduled-reply-form button[type=submit]").await;
    eventually("it is listed", || async { browser.count("#timers-list li.job-scheduled").await == 1 }).await;
    let greeting = jobs(&desk, id).await.into_iter().find(|j| j.state == JobState::Scheduled).unwrap();
    assert!(!greeting.cancel_on_customer_reply);
    browser.click("#timers-list li.job-scheduled form button").await;
    eventually("cancelled by hand", || async { browser.count("#timers-list li.job-scheduled").await == 0 })
        .await;
    assert_eq!(desk.desk.store.get_job(greeting.id).await.unwrap().state, JobState::Cancelled);

    // A forged form (a token that is not the session's) schedules nothing.
    let forge = r#"
        const form = document.createElement("form");
        form.method = "post";
        form.action = arguments[0];
        for (const [name, value] of [["csrf", "forged"], ["text", "spam"], ["send_at", arguments[1]]]) {
            const input = document.createElement("input");
            input.name = name; input.value = value; form.appendChild(input);
        }
        document.body.appendChild(form);
        form.submit();
    "#;
    let action = format!("/conversations/{id}/scheduled-replies");
    browser.client.execute(forge, vec![json!(action), json!(send_at)]).await.unwrap();
    eventually("the refusal page shows", || async {
        browser.texts("[role=alert]").await.first().is_some_and(|t| t.contains("nothing was changed"))
    })
    .await;
    assert_eq!(jobs(&desk, id).await.len(), 4, "no timer was added");
    browser.close().await;
}

#[tokio::test]
async fn the_lead_is_alerted_live_when_a_reply_is_overdue_and_the_alert_leads_to_the_conversation() {
    use ascolto_core::calendar::Calendar;
    use ascolto_core::sla::{EscalationAction, EscalationRule, EscalationTrigger, SlaPolicy, SlaTarget};

    let Some(desk) = start().await else { return };
    let rule = |trigger, action| EscalationRule { metric: None, trigger, action };
    let policy = SlaPolicy {
        name: "alerts".to_owned(),
        calendar: Calendar::always_open(chrono_tz::UTC),
        targets: vec![SlaTarget { first_response_minutes: Some(30), ..SlaTarget::default() }],
        warning_percent: 25,
        escalations: vec![
            rule(EscalationTrigger::Warning, EscalationAction::NotifyAssignee),
            rule(EscalationTrigger::AtDeadline, EscalationAction::NotifyLead),
        ],
    };
    desk.desk.set_sla_policy(policy).await.unwrap();
    let late = desk
        .customer_wrote_ago(
            "late@example.com",
            "Refund still missing",
            "Where is my refund? You promised it last week.",
            TimeDelta::minutes(40),
        )
        .await;
    let (marco, _) = desk.desk.store.agent_credentials("marco@test.ascolto").await.unwrap().unwrap();
    let assign = ascolto_store::ConversationPatch { assignee: Some(Some(marco.id)), ..Default::default() };
    desk.desk.update_conversation(late, assign).await.unwrap();

    let lead = desk.browser().await;
    lead.sign_in("lea@test.ascolto").await;
    lead.wait_until_live("#queue").await;
    assert_eq!(lead.count("#alerts .alert").await, 0);
    while desk.desk.run_due_jobs(10).await.unwrap() > 0 {}

    // Marco was told of the warning, Lea (his lead) of the breach: she sees only hers.
    eventually("the lead's alert shows", || async { lead.count("#alerts .alert").await == 1 }).await;
    let text = lead.texts("#alerts .alert span").await.remove(0);
    assert_eq!(text, "SLA breached: First reply for “Refund still missing” is overdue.");
    assert_eq!(lead.count("#alerts .alert.breach").await, 1);
    screenshot(&lead.client, "sla-alert").await;
    lead.click("#alerts .alert a").await;
    lead.wait_for_path_prefix(&format!("/conversations/{late}")).await;
    assert_eq!(lead.texts("h1").await, ["Refund still missing"]);
    lead.close().await;
}
