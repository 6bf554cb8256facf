//! Priority: the computed score, its level and reasons in both languages, and the override.

use ascolto_core::priority::{
    CustomerSignals, MAX_SCORE, PriorityConfig, PriorityInputs, PriorityOverride, QueuePriority, assess,
    score, ui_lang,
};
use ascolto_core::search::Lang;
use ascolto_core::{AgentId, Channel, ConversationId, Priority};
use chrono::{DateTime, Duration, Utc};
use expect_test::{Expect, expect};

use crate::rome;

fn now() -> DateTime<Utc> {
    rome("2026-03-03 15:00")
}

/// A calm e-mail that has just arrived.
fn calm_email() -> PriorityInputs {
    PriorityInputs {
        signals: CustomerSignals::default(),
        channel: Channel::Email,
        waiting_since: Some(now()),
        customer_tags: Vec::new(),
        sla_remaining_seconds: None,
    }
}

/// Checks the assessment as `score (level): reasons in English | reasons in Italian`.
fn check(inputs: PriorityInputs, expected: Expect) {
    let assessment = assess(&inputs, &PriorityConfig::default(), now());
    assert_eq!(assessment.score, score(&inputs, &PriorityConfig::default(), now()));
    let actual = format!(
        "{} ({}): {} | {}",
        assessment.score,
        assessment.level,
        assessment.explain(Lang::En),
        assessment.explain(Lang::It)
    );
    expected.assert_eq(&actual);
}

#[test]
fn a_calm_new_e_mail_is_normal_with_nothing_to_explain() {
    check(calm_email(), expect!["0 (normal):  | "]);
}

#[test]
fn an_angry_customer_waiting_three_hours_near_the_sla_breach_is_explained() {
    check(
        PriorityInputs {
            signals: CustomerSignals { anger: 0.8, sentiment: -0.7, ..CustomerSignals::default() },
            waiting_since: Some(now() - Duration::hours(3)),
            sla_remaining_seconds: Some(20 * 60),
            ..calm_email()
        },
        expect![
            "411 (high): angry, waited 3 h, SLA breach in 20 min | tono arrabbiato, in attesa da 3 h, SLA in scadenza tra 20 min"
        ],
    );
}

#[test]
fn an_e_mail_waits_longer_than_a_chat_before_the_wait_counts() {
    let waited_ten_minutes = |channel| PriorityInputs {
        channel,
        waiting_since: Some(now() - Duration::minutes(10)),
        ..calm_email()
    };
    check(waited_ten_minutes(Channel::Email), expect!["2 (normal):  | "]);
    check(waited_ten_minutes(Channel::WebChat), expect!["100 (normal): waited 10 min | in attesa da 10 min"]);
    check(
        PriorityInputs { waiting_since: Some(now() - Duration::hours(5)), ..calm_email() },
        expect!["63 (normal): waited 5 h | in attesa da 5 h"],
    );
}

#[test]
fn an_urgent_angry_vip_past_the_sla_is_urgent() {
    check(
        PriorityInputs {
            signals: CustomerSignals { urgency: 0.9, anger: 0.7, sentiment: -0.8, abuse: false },
            customer_tags: vec!["vip".to_owned()],
            waiting_since: Some(now() - Duration::hours(26)),
            sla_remaining_seconds: Some(-95 * 60),
            ..calm_email()
        },
        expect![
            "960 (urgent): urgent request, angry, VIP customer, waited 26 h, SLA breached 1 h 35 min ago | richiesta urgente, tono arrabbiato, cliente VIP, in attesa da 26 h, SLA scaduto da 1 h 35 min"
        ],
    );
}

#[test]
fn abusive_language_is_shown_but_buys_no_place_in_the_queue() {
    let polite = PriorityInputs {
        signals: CustomerSignals { sentiment: -0.5, ..CustomerSignals::default() },
        ..calm_email()
    };
    let abusive =
        PriorityInputs { signals: CustomerSignals { abuse: true, ..polite.signals }, ..polite.clone() };
    check(
        abusive.clone(),
        expect!["50 (normal): unhappy, abusive language | tono negativo, linguaggio offensivo"],
    );
    let config = PriorityConfig::default();
    assert_eq!(score(&abusive, &config, now()), score(&polite, &config, now()));
}

#[test]
fn nonsense_signals_still_give_a_score_in_range() {
    for value in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, -3.0, 7.0] {
        let inputs = PriorityInputs {
            signals: CustomerSignals { urgency: value, anger: value, sentiment: value, abuse: true },
            waiting_since: Some(DateTime::<Utc>::MIN_UTC),
            sla_remaining_seconds: Some(i64::MIN),
            customer_tags: vec!["VIP".to_owned()],
            ..calm_email()
        };
        let assessment = assess(&inputs, &PriorityConfig::default(), DateTime::<Utc>::MAX_UTC);
        assert!(assessment.score <= MAX_SCORE, "{value}: {}", assessment.score);
        let _ = assessment.explain(Lang::It);
    }
}

#[test]
fn a_wait_in_the_future_counts_as_no_wait() {
    check(
        PriorityInputs { waiting_since: Some(now() + Duration::hours(2)), ..calm_email() },
        expect!["0 (normal):  | "],
    );
}

#[test]
fn an_override_wins_the_ordering_and_keeps_the_computed_score() {
    let computed = assess(&calm_email(), &PriorityConfig::default(), now());
    let by_hand = QueuePriority {
        computed: computed.clone(),
        overridden: Some(PriorityOverride { priority: Priority::Urgent, by: AgentId(7), at: now() }),
    };
    let plain = QueuePriority { computed, overridden: None };
    assert_eq!((by_hand.level(), plain.level()), (Priority::Urgent, Priority::Normal));
    assert_eq!(by_hand.explain(Lang::En), "set to urgent by hand");
    assert_eq!(by_hand.explain(ui_lang("it")), "priorità impostata a mano: urgente");
    let older = now() - Duration::hours(9);
    assert!(by_hand.queue_key(now(), ConversationId(2)) < plain.queue_key(older, ConversationId(1)));
}

#[test]
fn within_a_level_the_higher_score_then_the_longer_wait_then_the_lower_id_go_first() {
    use ascolto_core::priority::QueueKey;
    let key = |score, hours_ago, id| {
        QueueKey::new(Priority::High, score, now() - Duration::hours(hours_ago), ConversationId(id))
    };
    assert!(key(400, 1, 9) < key(350, 5, 1));
    assert!(key(400, 5, 9) < key(400, 1, 1));
    assert!(key(400, 5, 1) < key(400, 5, 2));
}

#[test]
fn assessments_are_stored_as_json_with_their_reasons() {
    let assessment = assess(
        &PriorityInputs {
            signals: CustomerSignals { anger: 0.9, ..CustomerSignals::default() },
            sla_remaining_seconds: Some(600),
            ..calm_email()
        },
        &PriorityConfig::default(),
        now(),
    );
    expect![[
        r#"{"score":327,"level":"high","reasons":[{"kind":"angry"},{"kind":"sla_breach_in","minutes":10}]}"#
    ]]
    .assert_eq(&serde_json::to_string(&assessment).unwrap());
}

#[test]
fn the_sla_reason_comes_from_the_most_pressing_clock() {
    use ascolto_core::sla::{ConversationTiming, SlaPolicy, most_pressing};
    let opened_at = rome("2026-03-03 14:00");
    let timing = ConversationTiming {
        priority: Priority::Urgent,
        channel: Channel::Email,
        team: None,
        opened_at,
        first_response_at: None,
        waiting_since: Some(opened_at),
        resolved_at: None,
        pauses: Vec::new(),
        paused_since: None,
    };
    let statuses = SlaPolicy::default().statuses(&timing, now()).unwrap();
    let inputs =
        PriorityInputs { waiting_since: Some(opened_at), ..calm_email() }.with_sla(most_pressing(&statuses));
    check(inputs, expect!["163 (normal): SLA breach in 1 h | SLA in scadenza tra 1 h"]);
}

/// Checks when the score of `inputs` next moves on its own, as offsets from `now()`:
/// `wait +SECONDS, sla +SECONDS` (business time), `-` for never.
fn check_next_change(inputs: PriorityInputs, expected: Expect) {
    use ascolto_core::priority::next_change;
    let next = next_change(&inputs, now());
    let wait = next.wait_at.map_or("-".to_owned(), |at| format!("+{}", (at - now()).num_seconds()));
    let sla = next.sla_after.map_or("-".to_owned(), |after| format!("+{}", after.num_seconds()));
    expected.assert_eq(&format!("wait {wait}, sla {sla}"));
}

#[test]
fn an_e_mail_earns_its_first_wait_point_after_about_a_minute_and_a_half() {
    // 200 points over 16 hours: one point every 288 seconds, the first rounded up at half that.
    check_next_change(calm_email(), expect!["wait +144, sla -"]);
}

#[test]
fn a_live_chat_earns_wait_points_every_few_seconds() {
    let inputs = PriorityInputs {
        channel: Channel::WebChat,
        waiting_since: Some(now() - Duration::minutes(3)),
        ..calm_email()
    };
    check_next_change(inputs, expect!["wait +3, sla -"]);
}

#[test]
fn a_wait_at_its_cap_and_a_breached_sla_never_move_again() {
    let inputs = PriorityInputs {
        waiting_since: Some(now() - Duration::hours(17)),
        sla_remaining_seconds: Some(-60),
        ..calm_email()
    };
    check_next_change(inputs, expect!["wait -, sla -"]);
}

#[test]
fn nobody_waiting_and_no_sla_means_the_score_never_moves() {
    check_next_change(PriorityInputs { waiting_since: None, ..calm_email() }, expect!["wait -, sla -"]);
}

#[test]
fn a_far_sla_deadline_moves_the_score_when_the_ramp_begins() {
    let inputs =
        PriorityInputs { waiting_since: None, sla_remaining_seconds: Some(10 * 3600), ..calm_email() };
    // Ten business hours left; the ramp's first point comes some 36 seconds into its last four.
    check_next_change(inputs, expect!["wait -, sla +21637"]);
}

#[test]
fn the_last_second_before_a_breach_is_a_step() {
    let inputs = PriorityInputs { waiting_since: None, sla_remaining_seconds: Some(20), ..calm_email() };
    check_next_change(inputs, expect!["wait -, sla +20"]);
}
