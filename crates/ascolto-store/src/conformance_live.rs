//! Conformance cases of the live channels' area: channel settings, channel-reported delivery
//! statuses and wait figures. Each backend's test file adds
//! `ascolto_store::live_conformance_tests!(async { fresh_store().await });`.

use ascolto_core::{
    Channel, DeliveryStatus, EmailAddress, Identity, IdentityKind, Presence, Role, TemplateMessage,
};
use chrono::{DateTime, Duration, Utc};

use crate::{
    AgentPatch, ChannelSettings, DeliveryOutcome, InboundMessage, NewAgent, NewAgentMessage,
    NewChannelConfig, Secret, Store, StoreError, WhatsAppTemplate,
};

/// Expands to one `#[tokio::test]` per case of this area.
#[macro_export]
macro_rules! live_conformance_tests {
    ($fixture:expr) => {
        $crate::__live_conformance_cases! { $fixture;
            channel_configs_round_trip_with_their_secrets,
            channel_ids_are_unique_and_deletion_is_checked,
            channel_settings_are_replaced_but_never_change_kind,
            channel_statuses_only_move_forward,
            a_failure_reported_after_read_is_ignored,
            unknown_channel_message_ids_change_nothing,
            wait_stats_count_online_agents_waiting_chats_and_average_first_response,
            whatsapp_templates_are_kept_in_the_settings_and_on_the_reply,
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __live_conformance_cases {
    ($fixture:expr; $($case:ident),* $(,)?) => {
        $(
            #[::tokio::test]
            async fn $case() {
                $crate::conformance::run($fixture, |store| {
                    ::std::boxed::Box::pin($crate::conformance_live::$case(store))
                })
                .await;
            }
        )*
    };
}

fn at(minute: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(1_772_355_600_000).expect("a valid time") + Duration::minutes(minute)
}

fn telegram(id: &str) -> NewChannelConfig {
    NewChannelConfig {
        id: id.to_owned(),
        name: "Bot".to_owned(),
        settings: ChannelSettings::Telegram {
            bot_token: Secret::new("123:abc"),
            webhook_secret: Secret::new("hook"),
            api_base: "http://127.0.0.1:9".to_owned(),
        },
    }
}

pub async fn channel_configs_round_trip_with_their_secrets(store: &dyn Store) {
    let web = NewChannelConfig {
        id: "wc1".to_owned(),
        name: "Shop".to_owned(),
        settings: ChannelSettings::WebChat {
            identity_secret: Some(Secret::new("site-key")),
            visitor_key: Secret::new("visitor-key"),
            allowed_origins: vec!["https://shop.example".to_owned()],
        },
    };
    let created = store.create_channel_config(web.clone(), at(0)).await.expect("create");
    assert_eq!(
        (created.id.as_str(), created.settings.clone(), created.created_at),
        ("wc1", web.settings, at(0))
    );
    store.create_channel_config(telegram("tg1"), at(1)).await.expect("create");
    assert_eq!(store.get_channel_config("wc1").await.expect("get"), created);
    let ids: Vec<String> =
        store.list_channel_configs().await.expect("list").into_iter().map(|c| c.id).collect();
    assert_eq!(ids, ["wc1", "tg1"]);
    assert_eq!(store.get_channel_config("tg1").await.expect("get").settings.channel(), Channel::Telegram);
}

pub async fn channel_ids_are_unique_and_deletion_is_checked(store: &dyn Store) {
    store.create_channel_config(telegram("same"), at(0)).await.expect("create");
    let again = store.create_channel_config(telegram("same"), at(1)).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    store.delete_channel_config("same").await.expect("delete");
    assert!(matches!(store.get_channel_config("same").await, Err(StoreError::NotFound { .. })));
    assert!(matches!(store.delete_channel_config("same").await, Err(StoreError::NotFound { .. })));
}

pub async fn channel_settings_are_replaced_but_never_change_kind(store: &dyn Store) {
    let created = store.create_channel_config(telegram("tg"), at(0)).await.expect("create");
    let settings = ChannelSettings::Telegram {
        bot_token: Secret::new("456:new"),
        webhook_secret: Secret::new("hook"),
        api_base: "http://127.0.0.1:10".to_owned(),
    };
    let updated = store.update_channel_config("tg", "Support bot", &settings).await.expect("update");
    assert_eq!((updated.name.as_str(), &updated.settings), ("Support bot", &settings));
    assert_eq!(updated.created_at, created.created_at);
    assert_eq!(store.get_channel_config("tg").await.expect("get"), updated);
    let web = ChannelSettings::WebChat {
        identity_secret: None,
        visitor_key: Secret::new("k"),
        allowed_origins: Vec::new(),
    };
    let other_kind = store.update_channel_config("tg", "Chat", &web).await;
    assert!(matches!(other_kind, Err(StoreError::Invalid(_))), "{other_kind:?}");
    assert_eq!(store.get_channel_config("tg").await.expect("get"), updated, "nothing changed");
    let missing = store.update_channel_config("nope", "Bot", &settings).await;
    assert!(matches!(missing, Err(StoreError::NotFound { .. })), "{missing:?}");
}

/// A WhatsApp conversation with one reply, handed to the channel as `wamid.1`.
async fn sent_reply(store: &dyn Store) -> ascolto_core::MessageId {
    let identity = Identity::parse(IdentityKind::WhatsApp, "+393331234567").expect("a number");
    let inbound = InboundMessage {
        channel: Channel::WhatsApp,
        identity,
        customer_name: None,
        conversation: None,
        subject: "Ciao".to_owned(),
        text: "Ciao".to_owned(),
        html: None,
        attachments: Vec::new(),
        channel_message_id: Some("wamid.in".to_owned()),
        received_at: at(0),
    };
    let conversation = store.ingest(inbound).await.expect("ingest").conversation.id;
    let agent = store.create_agent(new_agent("Marta")).await.expect("agent");
    let new = NewAgentMessage {
        conversation,
        agent: agent.id,
        text: "Eccomi".into(),
        html: None,
        note: false,
        created_at: at(1),
        template: None,
    };
    let reply = store.add_agent_message(new).await.expect("reply");
    let job = store.claim_outbox(at(2), at(4), 10).await.expect("claim").remove(0);
    let sent = DeliveryOutcome::Sent { channel_message_id: Some("wamid.1".to_owned()) };
    store.finish_outbox(job.id, sent, at(2)).await.expect("finish");
    reply.id
}

fn new_agent(name: &str) -> NewAgent {
    NewAgent {
        name: name.to_owned(),
        email: EmailAddress::parse(&format!("{}@desk.example", name.to_lowercase())).expect("an address"),
        role: Role::Agent,
        password_hash: None,
        languages: vec!["it".into()],
        teams: Vec::new(),
        reports_to: None,
        ui_language: "it".into(),
    }
}

async fn report(store: &dyn Store, status: DeliveryStatus, error: Option<&str>) -> Option<DeliveryStatus> {
    let updated = store
        .update_delivery_status(Channel::WhatsApp, "wamid.1", status, error.map(str::to_owned))
        .await
        .expect("update delivery status");
    updated.map(|message| message.delivery_status)
}

pub async fn channel_statuses_only_move_forward(store: &dyn Store) {
    let reply = sent_reply(store).await;
    assert_eq!(report(store, DeliveryStatus::Delivered, None).await, Some(DeliveryStatus::Delivered));
    assert_eq!(report(store, DeliveryStatus::Sent, None).await, None, "a late `sent` went backwards");
    assert_eq!(report(store, DeliveryStatus::Read, None).await, Some(DeliveryStatus::Read));
    assert_eq!(report(store, DeliveryStatus::Delivered, None).await, None, "a late `delivered` hid `read`");
    assert_eq!(store.get_message(reply).await.expect("get").delivery_status, DeliveryStatus::Read);
}

pub async fn a_failure_reported_after_read_is_ignored(store: &dyn Store) {
    let reply = sent_reply(store).await;
    assert_eq!(
        report(store, DeliveryStatus::Failed, Some("131047: window closed")).await,
        Some(DeliveryStatus::Failed)
    );
    let message = store.get_message(reply).await.expect("get");
    assert_eq!(message.delivery_error.as_deref(), Some("131047: window closed"));
    assert_eq!(report(store, DeliveryStatus::Read, None).await, None, "a failed reply came back to life");
    assert!(
        store
            .update_delivery_status(Channel::WhatsApp, "wamid.1", DeliveryStatus::Queued, None)
            .await
            .is_err()
    );
}

pub async fn unknown_channel_message_ids_change_nothing(store: &dyn Store) {
    sent_reply(store).await;
    let updated =
        store.update_delivery_status(Channel::WhatsApp, "wamid.other", DeliveryStatus::Read, None).await;
    assert_eq!(updated.expect("update"), None);
    let inbound =
        store.update_delivery_status(Channel::WhatsApp, "wamid.in", DeliveryStatus::Read, None).await;
    assert_eq!(inbound.expect("update"), None, "a customer's own message took a delivery status");
    let other_channel =
        store.update_delivery_status(Channel::Telegram, "wamid.1", DeliveryStatus::Read, None).await;
    assert_eq!(other_channel.expect("update"), None);
}

pub async fn wait_stats_count_online_agents_waiting_chats_and_average_first_response(store: &dyn Store) {
    let empty = store.wait_stats(Channel::WebChat, at(0)).await.expect("stats");
    assert_eq!((empty.online_agents, empty.waiting, empty.average_first_response_seconds), (0, 0, None));
    let agent = store.create_agent(new_agent("Luca")).await.expect("agent");
    store.create_agent(new_agent("Offline")).await.expect("agent");
    store
        .update_agent(agent.id, AgentPatch { presence: Some(Presence::Online), ..Default::default() })
        .await
        .expect("online");
    let mut conversations = Vec::new();
    for (n, minute) in [(1, 0), (2, 1), (3, 2)] {
        let inbound = InboundMessage {
            channel: Channel::WebChat,
            identity: Identity::parse(IdentityKind::WebChat, &format!("visitor-{n}")).expect("an id"),
            customer_name: None,
            conversation: None,
            subject: "Aiuto".to_owned(),
            text: "Aiuto".to_owned(),
            html: None,
            attachments: Vec::new(),
            channel_message_id: None,
            received_at: at(minute),
        };
        conversations.push(store.ingest(inbound).await.expect("ingest").conversation.id);
    }
    // Answered after 2 and 4 minutes: the average first response is 3 minutes.
    for (conversation, minute) in [(conversations[0], 2), (conversations[1], 5)] {
        let new = NewAgentMessage {
            conversation,
            agent: agent.id,
            text: "Eccomi".into(),
            html: None,
            note: false,
            created_at: at(minute),
            template: None,
        };
        store.add_agent_message(new).await.expect("reply");
    }
    let stats = store.wait_stats(Channel::WebChat, at(0)).await.expect("stats");
    assert_eq!((stats.online_agents, stats.waiting, stats.average_first_response_seconds), (1, 1, Some(180)));
    let later = store.wait_stats(Channel::WebChat, at(1)).await.expect("stats");
    assert_eq!(later.average_first_response_seconds, Some(240), "older conversations were averaged in");
    assert_eq!(store.wait_stats(Channel::Telegram, at(0)).await.expect("stats").waiting, 0);
}

fn whatsapp_settings(templates: Vec<WhatsAppTemplate>) -> ChannelSettings {
    ChannelSettings::WhatsApp {
        phone_number_id: "PN1".to_owned(),
        access_token: Secret::new("token"),
        app_secret: Secret::new("app"),
        verify_token: Secret::new("verify"),
        api_base: "http://127.0.0.1:9".to_owned(),
        api_version: "v21.0".to_owned(),
        templates,
    }
}

pub async fn whatsapp_templates_are_kept_in_the_settings_and_on_the_reply(store: &dyn Store) {
    let new = NewChannelConfig {
        id: "wa1".to_owned(),
        name: "Numero".to_owned(),
        settings: whatsapp_settings(vec![]),
    };
    store.create_channel_config(new, at(0)).await.expect("create");
    let template = WhatsAppTemplate {
        name: "order_update".to_owned(),
        language: "it".to_owned(),
        body: "Ciao {{1}}, il tuo ordine {{2}} è partito.".to_owned(),
    };
    let updated = store
        .update_channel_settings("wa1", whatsapp_settings(vec![template.clone()]))
        .await
        .expect("update");
    assert_eq!(updated.settings, whatsapp_settings(vec![template]));
    assert_eq!(store.get_channel_config("wa1").await.expect("get"), updated);
    let other_kind = store.update_channel_settings("wa1", telegram("x").settings).await;
    assert!(matches!(other_kind, Err(StoreError::Invalid(_))), "{other_kind:?}");
    let missing = store.update_channel_settings("nope", whatsapp_settings(vec![])).await;
    assert!(matches!(missing, Err(StoreError::NotFound { .. })), "{missing:?}");

    let identity = Identity::parse(IdentityKind::WhatsApp, "+393331234567").expect("a number");
    let inbound = InboundMessage {
        channel: Channel::WhatsApp,
        identity,
        customer_name: None,
        conversation: None,
        subject: "Ciao".to_owned(),
        text: "Ciao".to_owned(),
        html: None,
        attachments: Vec::new(),
        channel_message_id: Some("wamid.in".to_owned()),
        received_at: at(0),
    };
    let conversation = store.ingest(inbound).await.expect("ingest").conversation.id;
    let agent = store.create_agent(new_agent("Marta")).await.expect("agent");
    let sent = TemplateMessage {
        name: "order_update".to_owned(),
        language: "it".to_owned(),
        parameters: vec!["Giulia".to_owned(), "A-12".to_owned()],
    };
    let new = NewAgentMessage {
        conversation,
        agent: agent.id,
        text: "Ciao Giulia, il tuo ordine A-12 è partito.".into(),
        html: None,
        note: false,
        created_at: at(2000),
        template: Some(sent.clone()),
    };
    let reply = store.add_agent_message(new).await.expect("reply");
    assert_eq!(reply.template.as_ref(), Some(&sent));
    assert_eq!(store.get_message(reply.id).await.expect("get").template, Some(sent));
    let job = store.claim_outbox(at(2001), at(2003), 10).await.expect("claim").remove(0);
    assert_eq!(job.message_id, reply.id, "a template reply goes through the outbox");
    let inbound_again = store.get_message(reply.id).await.expect("get");
    assert_eq!(inbound_again.delivery_status, DeliveryStatus::Queued);
}
