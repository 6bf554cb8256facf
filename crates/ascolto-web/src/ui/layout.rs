//! The page shell (landmarks, navigation, language switch, assets) and the small formatting
//! helpers every page shares.

use ascolto_core::{Channel, ConversationStatus, DeliveryStatus, Priority, Role};
use chrono::{DateTime, Utc};
use maud::{DOCTYPE, Markup, html};

use super::assets;
use super::i18n::Lang;
use super::session::UiAgent;

/// Which part of the navigation is current.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Inbox,
    Team,
    Settings,
}

fn head(lang: Lang, title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            meta name="referrer" content="same-origin";
            title { (title) " · " (lang.t("app.name")) }
            link rel="stylesheet" href=(assets::url("app.css"));
            link rel="icon" href=(assets::url("icon.svg")) type="image/svg+xml";
        }
    }
}

/// A page without navigation: sign-in and errors.
pub fn bare_page(lang: Lang, title: &str, main: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            (head(lang, title))
            body { (main) }
        }
    }
}

/// A signed-in page: skip link, header with navigation and language switch, main content, and
/// the scripts it names (served from `/assets`, never inline).
pub fn page(
    ui: &UiAgent,
    nav: Nav,
    title: &str,
    current_path: &str,
    main: Markup,
    scripts: &[&str],
) -> Markup {
    let lang = ui.lang;
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            (head(lang, title))
            body data-csrf=(ui.csrf_token) data-agent-id=(ui.agent.id.0) data-lang=(lang.code()) {
                a .skip href="#main" { (lang.t("app.skip")) }
                header .top {
                    a .brand href="/inbox" { span aria-hidden="true" { "◉ " } (lang.t("app.name")) }
                    nav aria-label=(lang.t("nav.main")) {
                        ul {
                            li { a href="/inbox" aria-current=[(nav == Nav::Inbox).then_some("page")] { (lang.t("nav.inbox")) } }
                            @if ui.is_lead_or_admin() {
                                li { a href="/team" aria-current=[(nav == Nav::Team).then_some("page")] { (lang.t("nav.team")) } }
                            }
                            @if ui.agent.role == Role::Admin {
                                li { a href="/settings/agents" aria-current=[(nav == Nav::Settings).then_some("page")] { (lang.t("nav.settings")) } }
                            }
                        }
                    }
                    div .who {
                        form .inline method="post" action="/language" {
                            input type="hidden" name="csrf" value=(ui.csrf_token);
                            input type="hidden" name="next" value=(current_path);
                            label .visually-hidden for="ui-language" { (lang.t("nav.language")) }
                            select #ui-language name="language" data-autosubmit {
                                option value="it" selected[lang == Lang::It] { "Italiano" }
                                option value="en" selected[lang == Lang::En] { "English" }
                            }
                            noscript { button type="submit" { "OK" } }
                        }
                        span .agent-name { (ui.agent.name) }
                        form .inline method="post" action="/logout" {
                            input type="hidden" name="csrf" value=(ui.csrf_token);
                            button .link type="submit" { (lang.t("nav.signout")) }
                        }
                    }
                }
                (main)
                (alerts(lang))
                script src=(assets::url("common.js")) defer {}
                @for script in scripts {
                    script src=(assets::url(script)) defer {}
                }
            }
        }
    }
}

/// Where the live stream's alerts for this agent appear (an SLA warning or breach they are
/// told of); `common.js` fills it from the words carried here, so the script has no language.
fn alerts(lang: Lang) -> Markup {
    html! {
        div #alerts .alerts role="region" aria-live="assertive" aria-label=(lang.t("alerts.label"))
            data-sla-warning=(lang.t("alerts.sla_warning")) data-sla-breach=(lang.t("alerts.sla_breach"))
            data-metric-first_response=(lang.t("sla.first_response"))
            data-metric-next_response=(lang.t("sla.next_response"))
            data-metric-resolution=(lang.t("sla.resolution"))
            data-open=(lang.t("alerts.open")) data-dismiss=(lang.t("alerts.dismiss")) {}
    }
}

/// Percent-encodes a value for a query string.
pub fn url_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn status_label(lang: Lang, status: ConversationStatus) -> &'static str {
    match status {
        ConversationStatus::Open => lang.t("status.open"),
        ConversationStatus::Pending => lang.t("status.pending"),
        ConversationStatus::Snoozed => lang.t("status.snoozed"),
        ConversationStatus::Resolved => lang.t("status.resolved"),
    }
}

pub fn priority_label(lang: Lang, priority: Priority) -> &'static str {
    match priority {
        Priority::Urgent => lang.t("priority.urgent"),
        Priority::High => lang.t("priority.high"),
        Priority::Normal => lang.t("priority.normal"),
        Priority::Low => lang.t("priority.low"),
    }
}

pub fn channel_label(lang: Lang, channel: Channel) -> &'static str {
    match channel {
        Channel::Email => lang.t("channel.email"),
        Channel::WebChat => lang.t("channel.webchat"),
        Channel::WhatsApp => lang.t("channel.whatsapp"),
        Channel::Telegram => lang.t("channel.telegram"),
        Channel::Api => lang.t("channel.api"),
    }
}

pub fn delivery_label(lang: Lang, status: DeliveryStatus) -> &'static str {
    match status {
        DeliveryStatus::Received => lang.t("delivery.received"),
        DeliveryStatus::Queued => lang.t("delivery.queued"),
        DeliveryStatus::Sent => lang.t("delivery.sent"),
        DeliveryStatus::Delivered => lang.t("delivery.delivered"),
        DeliveryStatus::Read => lang.t("delivery.read"),
        DeliveryStatus::Failed => lang.t("delivery.failed"),
    }
}

pub fn role_label(lang: Lang, role: Role) -> &'static str {
    match role {
        Role::Admin => lang.t("role.admin"),
        Role::Lead => lang.t("role.lead"),
        Role::Agent => lang.t("role.agent"),
    }
}

/// How long ago, compactly: "now", "12 min", "3 h", "2 d".
pub fn elapsed(lang: Lang, since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = (now - since).num_minutes().max(0);
    match minutes {
        0 => lang.t("time.now").to_owned(),
        1..=59 => format!("{minutes} {}", lang.t("time.min")),
        60..=2879 => format!("{} {}", minutes / 60, lang.t("time.h")),
        _ => format!("{} {}", minutes / 1440, lang.t("time.d")),
    }
}

/// A time as the pages write it, in UTC.
pub fn time_text(at: DateTime<Utc>) -> String {
    format!("{} UTC", at.format("%Y-%m-%d %H:%M"))
}

/// A `<time>` element: machine-readable UTC, human-readable local to the server.
pub fn time(at: DateTime<Utc>) -> Markup {
    html! { time datetime=(at.to_rfc3339()) { (at.format("%Y-%m-%d %H:%M")) " UTC" } }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_encoding_keeps_paths_and_escapes_the_rest() {
        assert_eq!(url_encode("/inbox?view=mine&x=1"), "/inbox%3Fview%3Dmine%26x%3D1");
    }

    #[test]
    fn elapsed_time_reads_compactly_in_both_languages() {
        let now = Utc::now();
        assert_eq!(elapsed(Lang::En, now - chrono::TimeDelta::minutes(12), now), "12 min");
        assert_eq!(elapsed(Lang::It, now - chrono::TimeDelta::days(3), now), "3 g");
        assert_eq!(elapsed(Lang::En, now, now), "now");
    }
}
