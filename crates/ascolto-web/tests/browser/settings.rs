//! The admins' settings pages for channels (secrets write-only, the widget's script tag) and
//! for the SLA policy with its business-hours calendar.

use ascolto_core::calendar::HolidayRule;
use ascolto_store::{ChannelConfig, ChannelSettings};
use chrono::Weekday;
use fantoccini::Locator;

use crate::harness::{Browser, Desk, eventually, start};

async fn channels(desk: &Desk) -> Vec<ChannelConfig> {
    desk.desk.store.list_channel_configs().await.unwrap()
}

/// Fills and submits the "connect" form of one kind of channel.
async fn connect(browser: &Browser, kind: &str, fields: &[(&str, &str)]) {
    browser.open_all_details().await;
    for (field, value) in fields {
        browser.type_into(&format!("#add-{kind} [name={field}]"), value).await;
    }
    browser.click(&format!("#add-{kind} button[type=submit]")).await;
}

#[tokio::test]
async fn admins_connect_channels_whose_secrets_never_come_back_and_copy_the_widget_tag() {
    let Some(desk) = start().await else { return };
    let browser = desk.browser().await;
    browser.sign_in("ada@test.ascolto").await;
    browser.goto("/settings/channels").await;
    let sections: Vec<String> =
        browser.texts(".channel-section h3").await.iter().map(|t| t.to_lowercase()).collect();
    assert_eq!(
        sections,
        ["e-mail mailboxes", "web chat", "telegram", "whatsapp"],
        "the style sheet writes headings in capitals"
    );

    connect(&browser, "webchat", &[("name", "Shop"), ("allowed_origins", "https://shop.example/")]).await;
    eventually("the widget is listed", || async {
        browser.count(".channel-card[data-kind=webchat]").await == 1
    })
    .await;
    let web = channels(&desk).await.remove(0);
    let snippet = browser.value(&format!("#endpoint-{}", web.id)).await;
    assert_eq!(
        snippet,
        format!(
            "<script src=\"{}/widget/v1/widget.js\" data-channel=\"{}\" defer></script>",
            desk.base, web.id
        )
    );
    let ChannelSettings::WebChat { allowed_origins, identity_secret, .. } = &web.settings else { panic!() };
    assert_eq!(
        (allowed_origins.as_slice(), identity_secret.is_none()),
        (&["https://shop.example".to_owned()][..], true)
    );

    connect(
        &browser,
        "telegram",
        &[("name", "Bot"), ("bot_token", "123:TOKEN-NEVER-SHOWN"), ("webhook_secret", "hook-never-shown")],
    )
    .await;
    connect(
        &browser,
        "whatsapp",
        &[
            ("name", "Numero"),
            ("phone_number_id", "10987"),
            ("access_token", "wa-access-never-shown"),
            ("app_secret", "wa-app-never-shown"),
            ("verify_token", "wa-verify-never-shown"),
        ],
    )
    .await;
    eventually("three channels are listed", || async { browser.count(".channel-card").await == 3 }).await;
    let telegram = channels(&desk).await.into_iter().find(|c| c.name == "Bot").unwrap();
    assert_eq!(
        browser.value(&format!("#endpoint-{}", telegram.id)).await,
        format!("{}/webhooks/telegram/{}", desk.base, telegram.id)
    );
    let page = browser.source().await;
    for secret in [
        "TOKEN-NEVER-SHOWN",
        "hook-never-shown",
        "wa-access-never-shown",
        "wa-app-never-shown",
        "wa-verify-never-shown",
    ] {
        assert!(!page.contains(secret), "the page shows the secret {secret}");
    }
    assert_eq!(
        browser.count(".channel-card input[type=password][value]").await,
        0,
        "secret fields are empty"
    );

    // Renaming keeps the secrets; a new token replaces only the token.
    browser.open_all_details().await;
    let form = format!(".channel-card[data-channel-id=\"{}\"] form.stacked", telegram.id);
    let name = browser.client.find(Locator::Css(&format!("{form} [name=name]"))).await.unwrap();
    name.clear().await.unwrap();
    name.send_keys("Support bot").await.unwrap();
    browser.click(&format!("{form} button[type=submit]")).await;
    eventually("the new name shows", || async {
        browser.texts(".channel-card h4").await.iter().any(|t| t.starts_with("Support bot"))
    })
    .await;
    let renamed = desk.desk.store.get_channel_config(&telegram.id).await.unwrap();
    assert_eq!(renamed.settings, telegram.settings, "empty secret fields keep the stored secrets");
    browser.open_all_details().await;
    browser.type_into(&format!("{form} [name=bot_token]"), "456:NEW-TOKEN").await;
    browser.click(&format!("{form} button[type=submit]")).await;
    eventually("the new token is stored", || async {
        let config = desk.desk.store.get_channel_config(&telegram.id).await.unwrap();
        matches!(&config.settings, ChannelSettings::Telegram { bot_token, webhook_secret, .. }
            if bot_token.expose() == "456:NEW-TOKEN" && webhook_secret.expose() == "hook-never-shown")
    })
    .await;
    assert!(!browser.source().await.contains("NEW-TOKEN"));

    browser.click(&format!(".channel-card[data-channel-id=\"{}\"] button.danger", web.id)).await;
    eventually("the widget is disconnected", || async { browser.count(".channel-card").await == 2 }).await;
    assert!(desk.desk.store.get_channel_config(&web.id).await.is_err());

    // An agent may not see the page.
    let agent = desk.browser().await;
    agent.sign_in("marco@test.ascolto").await;
    agent.goto("/settings/channels").await;
    assert!(agent.texts("[role=alert]").await.first().is_some_and(|t| !t.is_empty()));
    assert!(!agent.source().await.contains(&telegram.id), "nothing about the channels is shown");
    agent.close().await;
    browser.close().await;
}

#[tokio::test]
async fn admins_edit_sla_targets_business_hours_time_zone_and_holidays() {
    let Some(desk) = start().await else { return };
    let browser = desk.browser().await;
    browser.sign_in("ada@test.ascolto").await;
    browser.goto("/settings/sla").await;

    // The first target row is the default policy's urgent one: answer within an hour instead.
    let first =
        browser.client.find(Locator::Css("#sla-policy tbody tr:first-child [name=first]")).await.unwrap();
    assert_eq!(first.prop("value").await.unwrap().as_deref(), Some("120"));
    first.clear().await.unwrap();
    first.send_keys("60").await.unwrap();
    let before = desk.desk.sla_policy().await.unwrap();
    browser.click("#sla-policy button[type=submit]").await;
    eventually("the target is stored", || async {
        desk.desk.sla_policy().await.unwrap().targets[0].first_response_minutes == Some(60)
    })
    .await;
    let after = desk.desk.sla_policy().await.unwrap();
    assert_eq!(after.targets.len(), before.targets.len(), "the empty rows add nothing");
    assert_eq!(after.escalations, before.escalations, "the escalations are kept");

    // Business hours: London time, Saturday mornings open, Sunday closed.
    browser
        .client
        .find(Locator::Css("#sla-zone"))
        .await
        .unwrap()
        .select_by_value("Europe/London")
        .await
        .unwrap();
    browser.set_value("#sla-day-sat", "10:00-13:00").await;
    browser.click("#sla-calendar button[type=submit]").await;
    eventually("the calendar is stored", || async {
        desk.desk.sla_policy().await.unwrap().calendar.time_zone.to_string() == "Europe/London"
    })
    .await;
    let calendar = desk.desk.sla_policy().await.unwrap().calendar;
    assert_eq!(calendar.hours.ranges(Weekday::Sat).len(), 1);
    assert!(calendar.hours.ranges(Weekday::Sun).is_empty());
    assert_eq!(browser.value("#sla-day-sat").await, "10:00-13:00");
    assert_eq!(browser.value("#sla-day-mon").await, "09:00-18:00", "the other days are kept");

    // A holiday every year, then removed again.
    let holidays = calendar.holidays.len();
    browser.type_into("#holiday-name", "San Giovanni").await;
    browser.set_value("#holiday-date", "2026-06-24").await;
    browser.click("#sla-holiday button[type=submit]").await;
    eventually("the holiday is listed", || async {
        browser
            .texts("#sla-holidays li")
            .await
            .iter()
            .any(|t| t.starts_with("San Giovanni · every year on 24/06"))
    })
    .await;
    let stored = desk.desk.sla_policy().await.unwrap().calendar.holidays;
    assert_eq!(stored.len(), holidays + 1);
    assert_eq!(stored.last().unwrap().rule, HolidayRule::Yearly { month: 6, day: 24 });
    browser.click("#sla-holidays li:last-child button").await;
    eventually("the holiday is gone", || async {
        desk.desk.sla_policy().await.unwrap().calendar.holidays.len() == holidays
    })
    .await;

    // Hours that close before they open are refused with the reason, and nothing changes.
    browser.goto("/settings/sla").await;
    browser.set_value("#sla-day-mon", "18:00-09:00").await;
    browser.click("#sla-calendar button[type=submit]").await;
    eventually("the refusal explains itself", || async {
        browser.texts("[role=alert]").await.first().is_some_and(|t| t.contains("18:00"))
    })
    .await;
    assert_eq!(desk.desk.sla_policy().await.unwrap().calendar.hours.ranges(Weekday::Mon).len(), 1);
    browser.close().await;
}
