//! SLA clocks under the default policy: where each stands at a given `now`, and which warnings
//! and escalations are due.

use ascolto_core::calendar::Pause;
use ascolto_core::sla::{
    ConversationTiming, EscalationAction, EscalationRule, EscalationTrigger, SlaMetric, SlaPolicy, SlaStatus,
    due_actions, most_pressing,
};
use ascolto_core::{Channel, Priority};
use chrono::Duration;

use crate::{in_rome, rome};

/// An urgent e-mail opened on Tuesday 3 March 2026 at 10:00 in Rome, with nobody answering.
fn urgent_email() -> ConversationTiming {
    ConversationTiming {
        priority: Priority::Urgent,
        channel: Channel::Email,
        team: None,
        opened_at: rome("2026-03-03 10:00"),
        first_response_at: None,
        waiting_since: Some(rome("2026-03-03 10:00")),
        resolved_at: None,
        pauses: Vec::new(),
        paused_since: None,
    }
}

fn first_response(timing: &ConversationTiming, now: &str) -> SlaStatus {
    SlaPolicy::default().status(SlaMetric::FirstResponse, timing, rome(now)).unwrap().expect("the clock runs")
}

/// The status in one line: deadline, remaining business minutes and flags.
fn summary(status: &SlaStatus) -> String {
    let flags = [("breached", status.breached), ("warning", status.warning), ("paused", status.paused)]
        .iter()
        .filter(|(_, on)| *on)
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(" ");
    format!("due {}, {} min left {flags}", in_rome(status.deadline), status.remaining_seconds / 60)
        .trim_end()
        .to_owned()
}

#[test]
fn an_urgent_e_mail_is_due_two_business_hours_after_it_arrives() {
    let timing = urgent_email();
    let rows = [
        ("2026-03-03 10:00", "due Tue 2026-03-03 12:00 +01:00, 120 min left"),
        ("2026-03-03 11:00", "due Tue 2026-03-03 12:00 +01:00, 60 min left"),
        ("2026-03-03 11:30", "due Tue 2026-03-03 12:00 +01:00, 30 min left warning"),
        ("2026-03-03 12:00", "due Tue 2026-03-03 12:00 +01:00, 0 min left breached"),
        ("2026-03-03 17:00", "due Tue 2026-03-03 12:00 +01:00, -300 min left breached"),
        ("2026-03-04 10:00", "due Tue 2026-03-03 12:00 +01:00, -420 min left breached"),
    ];
    for (now, expected) in rows {
        assert_eq!(summary(&first_response(&timing, now)), expected, "at {now}");
    }
}

#[test]
fn an_urgent_e_mail_arriving_on_friday_evening_is_due_on_monday_morning() {
    let timing = ConversationTiming { opened_at: rome("2026-03-06 19:30"), ..urgent_email() };
    assert_eq!(
        summary(&first_response(&timing, "2026-03-07 12:00")),
        "due Mon 2026-03-09 11:00 +01:00, 120 min left"
    );
}

#[test]
fn a_reply_in_time_meets_the_target_and_a_late_one_breaches_it() {
    let in_time = ConversationTiming { first_response_at: Some(rome("2026-03-03 11:50")), ..urgent_email() };
    let status = first_response(&in_time, "2026-03-03 15:00");
    assert_eq!(
        (status.met_at, status.breached, status.warning),
        (Some(rome("2026-03-03 11:50")), false, false)
    );
    assert_eq!(status.remaining_seconds, 10 * 60, "the margin it was met with");

    let late = ConversationTiming { first_response_at: Some(rome("2026-03-03 12:10")), ..urgent_email() };
    assert_eq!(
        summary(&first_response(&late, "2026-03-03 15:00")),
        "due Tue 2026-03-03 12:00 +01:00, -10 min left breached"
    );
}

#[test]
fn time_spent_waiting_on_the_customer_does_not_count() {
    let paused = ConversationTiming {
        pauses: vec![Pause { from: rome("2026-03-03 10:30"), until: rome("2026-03-03 11:30") }],
        ..urgent_email()
    };
    assert_eq!(
        summary(&first_response(&paused, "2026-03-03 12:00")),
        "due Tue 2026-03-03 13:00 +01:00, 60 min left"
    );
}

#[test]
fn during_an_ongoing_pause_the_remaining_time_is_frozen() {
    let waiting_on_customer =
        ConversationTiming { paused_since: Some(rome("2026-03-03 10:30")), ..urgent_email() };
    let rows = [
        ("2026-03-03 15:00", "due Tue 2026-03-03 16:30 +01:00, 90 min left paused"),
        ("2026-03-04 15:00", "due Wed 2026-03-04 16:30 +01:00, 90 min left paused"),
    ];
    for (now, expected) in rows {
        assert_eq!(summary(&first_response(&waiting_on_customer, now)), expected, "at {now}");
    }
}

#[test]
fn the_next_response_clock_starts_at_the_customers_new_message() {
    let policy = SlaPolicy::default();
    let answered_then_asked_again = ConversationTiming {
        first_response_at: Some(rome("2026-03-03 10:30")),
        waiting_since: Some(rome("2026-03-03 14:00")),
        ..urgent_email()
    };
    let status = policy
        .status(SlaMetric::NextResponse, &answered_then_asked_again, rome("2026-03-03 15:00"))
        .unwrap()
        .unwrap();
    assert_eq!(summary(&status), "due Tue 2026-03-03 16:00 +01:00, 60 min left");

    let not_waiting = ConversationTiming { waiting_since: None, ..answered_then_asked_again.clone() };
    assert_eq!(policy.status(SlaMetric::NextResponse, &not_waiting, rome("2026-03-03 15:00")).unwrap(), None);
    let resolved =
        ConversationTiming { resolved_at: Some(rome("2026-03-03 14:30")), ..answered_then_asked_again };
    assert_eq!(policy.status(SlaMetric::NextResponse, &resolved, rome("2026-03-03 15:00")).unwrap(), None);
}

#[test]
fn the_most_pressing_clock_is_the_running_one_with_least_time_left() {
    let statuses = SlaPolicy::default().statuses(&urgent_email(), rome("2026-03-03 11:00")).unwrap();
    let metrics: Vec<SlaMetric> = statuses.iter().map(|status| status.metric).collect();
    assert_eq!(metrics, [SlaMetric::FirstResponse, SlaMetric::Resolution]);
    assert_eq!(most_pressing(&statuses).map(|status| status.metric), Some(SlaMetric::FirstResponse));
}

/// The due events as `metric trigger action at` lines.
fn due(timing: &ConversationTiming, now: &str) -> Vec<String> {
    due_actions(&SlaPolicy::default(), timing, rome(now))
        .unwrap()
        .iter()
        .map(|event| {
            format!(
                "{} {} {} at {}",
                event.metric,
                trigger(event.trigger),
                event.action,
                in_rome(event.fires_at)
            )
        })
        .collect()
}

fn trigger(trigger: EscalationTrigger) -> String {
    match trigger {
        EscalationTrigger::Warning => "warning".to_owned(),
        EscalationTrigger::BeforeDeadline { minutes } => format!("{minutes}-min-before"),
        EscalationTrigger::AtDeadline => "deadline".to_owned(),
        EscalationTrigger::AfterDeadline { minutes } => format!("{minutes}-min-after"),
    }
}

#[test]
fn warnings_and_escalations_fire_as_the_deadline_nears_and_passes() {
    let timing = urgent_email();
    assert_eq!(due(&timing, "2026-03-03 11:29"), Vec::<String>::new());
    assert_eq!(
        due(&timing, "2026-03-03 11:30"),
        ["first_response warning notify_assignee at Tue 2026-03-03 11:30 +01:00"]
    );
    assert_eq!(
        due(&timing, "2026-03-03 13:00"),
        [
            "first_response warning notify_assignee at Tue 2026-03-03 11:30 +01:00",
            "first_response deadline notify_lead at Tue 2026-03-03 12:00 +01:00",
            "first_response deadline raise_priority at Tue 2026-03-03 12:00 +01:00",
            "first_response 60-min-after reassign at Tue 2026-03-03 13:00 +01:00",
        ]
    );
    // Eight business hours to resolve: the resolution warning comes at six, on Tuesday at 16:00.
    assert_eq!(due(&timing, "2026-03-03 16:00").len(), 5);
}

#[test]
fn nothing_more_fires_once_the_customer_has_an_answer() {
    let answered = ConversationTiming {
        first_response_at: Some(rome("2026-03-03 11:45")),
        waiting_since: None,
        ..urgent_email()
    };
    assert_eq!(due(&answered, "2026-03-03 15:00"), Vec::<String>::new());
}

#[test]
fn escalations_wait_for_business_hours() {
    let friday_evening = ConversationTiming { opened_at: rome("2026-03-06 17:00"), ..urgent_email() };
    assert_eq!(due(&friday_evening, "2026-03-08 23:00"), Vec::<String>::new());
    assert_eq!(
        due(&friday_evening, "2026-03-09 09:30"),
        ["first_response warning notify_assignee at Mon 2026-03-09 09:30 +01:00"]
    );
}

#[test]
fn event_keys_are_stable_across_runs_and_distinct_within_one() {
    let timing = urgent_email();
    let keys = |now: &str| -> Vec<String> {
        due_actions(&SlaPolicy::default(), &timing, rome(now))
            .unwrap()
            .iter()
            .map(|event| event.key())
            .collect()
    };
    let early = keys("2026-03-03 12:00");
    let later = keys("2026-03-03 16:00");
    assert!(early.iter().all(|key| later.contains(key)), "{early:?} within {later:?}");
    let mut unique = later.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), later.len());
    assert_eq!(early[0], "first_response:1772528400000:warning:notify_assignee");
}

#[test]
fn a_warning_that_would_fire_as_the_clock_starts_is_skipped() {
    let policy = SlaPolicy {
        escalations: vec![EscalationRule {
            metric: Some(SlaMetric::FirstResponse),
            trigger: EscalationTrigger::BeforeDeadline { minutes: 30 },
            action: EscalationAction::NotifyAssignee,
        }],
        ..SlaPolicy::default()
    };
    let chat = ConversationTiming { channel: Channel::WebChat, ..urgent_email() };
    assert_eq!(due_actions(&policy, &chat, rome("2026-03-03 10:05")).unwrap(), Vec::new());
    let email = urgent_email();
    assert_eq!(due_actions(&policy, &email, rome("2026-03-03 11:30")).unwrap().len(), 1);
}

#[test]
fn a_live_chat_warns_in_the_last_quarter_of_its_ten_minutes() {
    let chat = ConversationTiming { channel: Channel::WebChat, ..urgent_email() };
    assert_eq!(
        summary(&first_response(&chat, "2026-03-03 10:07")),
        "due Tue 2026-03-03 10:10 +01:00, 3 min left"
    );
    assert_eq!(
        summary(&first_response(&chat, "2026-03-03 10:08")),
        "due Tue 2026-03-03 10:10 +01:00, 2 min left warning"
    );
}

#[test]
fn policies_round_trip_through_json() {
    let policy = SlaPolicy::default();
    let json = serde_json::to_string(&policy).unwrap();
    assert_eq!(serde_json::from_str::<SlaPolicy>(&json).unwrap(), policy);
    let escalation = serde_json::to_string(&policy.escalations[3]).unwrap();
    expect_test::expect![[
        r#"{"metric":null,"trigger":{"when":"after_deadline","minutes":60},"action":"reassign"}"#
    ]]
    .assert_eq(&escalation);
}

#[test]
fn a_status_reports_its_target_and_remaining_time_as_durations() {
    let status = first_response(&urgent_email(), "2026-03-03 11:00");
    assert_eq!((status.target(), status.remaining()), (Duration::hours(2), Duration::hours(1)));
}
