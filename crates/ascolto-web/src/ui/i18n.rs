//! The interface's words in Italian and English: one table keyed by id, both languages on
//! the same line, so a string cannot exist in one language and not the other.

use axum::http::HeaderMap;
use axum::http::header::ACCEPT_LANGUAGE;

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    It,
    #[default]
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::It => "it",
            Lang::En => "en",
        }
    }

    /// `it` or `en`; anything else (such as `auto`) is `None`, meaning "ask the browser".
    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "it" => Some(Lang::It),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The first of `it`/`en` the browser's `Accept-Language` names, in its order of preference.
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        let accept = headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let mut ranked: Vec<(f32, Lang)> = accept
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let tag = pieces.next()?.trim();
                let lang = Lang::parse(tag.split('-').next()?)?;
                let quality = pieces
                    .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()))
                    .unwrap_or(1.0);
                Some((quality, lang))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.first().map(|(_, lang)| *lang).unwrap_or_default()
    }

    /// The agent's setting, or the browser's preference when the setting names no language.
    pub fn choose(setting: &str, headers: &HeaderMap) -> Lang {
        Lang::parse(setting).unwrap_or_else(|| Lang::from_headers(headers))
    }

    /// The string with this id. An unknown id is a programming error: debug builds panic, and
    /// release builds show the id rather than nothing.
    pub fn t(self, id: &'static str) -> &'static str {
        match STRINGS.iter().find(|(key, _, _)| *key == id) {
            Some((_, en, it)) => match self {
                Lang::En => en,
                Lang::It => it,
            },
            None => {
                debug_assert!(false, "no interface string {id:?}");
                id
            }
        }
    }
}

/// `(id, English, Italian)`.
pub const STRINGS: &[(&str, &str, &str)] = &[
    ("app.name", "Ascolto", "Ascolto"),
    ("app.skip", "Skip to content", "Vai al contenuto"),
    ("nav.inbox", "Inbox", "Posta in arrivo"),
    ("nav.team", "Team", "Squadra"),
    ("nav.settings", "Settings", "Impostazioni"),
    ("nav.signout", "Sign out", "Esci"),
    ("nav.language", "Language", "Lingua"),
    ("nav.main", "Main", "Principale"),
    ("login.title", "Sign in", "Accedi"),
    ("login.email", "E-mail address", "Indirizzo e-mail"),
    ("login.password", "Password", "Password"),
    ("login.submit", "Sign in", "Accedi"),
    (
        "login.failed",
        "That e-mail address and password do not match an active agent.",
        "Indirizzo e-mail e password non corrispondono a un operatore attivo.",
    ),
    ("login.intro", "The help desk that listens.", "L'help desk che ascolta."),
    ("error.title", "Something went wrong", "Qualcosa è andato storto"),
    (
        "error.csrf",
        "This form has expired or did not come from Ascolto, so nothing was changed. Go back, reload the page and try again.",
        "Questo modulo è scaduto o non proviene da Ascolto, quindi non è stato modificato nulla. Torna indietro, ricarica la pagina e riprova.",
    ),
    ("error.forbidden", "Your role does not allow this.", "Il tuo ruolo non lo consente."),
    (
        "error.not_found",
        "There is nothing here, or you may not see it.",
        "Non c'è niente qui, oppure non hai il permesso di vederlo.",
    ),
    ("error.invalid", "That did not work:", "Non è stato possibile:"),
    (
        "error.internal",
        "The server failed. The details are in its log.",
        "Il server ha avuto un errore. I dettagli sono nel suo log.",
    ),
    ("error.back", "Back to the inbox", "Torna alla posta in arrivo"),
    ("inbox.title", "Inbox", "Posta in arrivo"),
    ("inbox.filters", "Filters", "Filtri"),
    ("inbox.view", "Show", "Mostra"),
    ("inbox.view.all", "Everything I can see", "Tutto ciò che vedo"),
    ("inbox.view.mine", "Mine", "Mie"),
    ("inbox.view.teams", "My teams", "I miei team"),
    ("inbox.view.unassigned", "Unassigned", "Non assegnate"),
    ("inbox.status", "Status", "Stato"),
    ("inbox.channel", "Channel", "Canale"),
    ("inbox.any", "Any", "Qualsiasi"),
    ("inbox.search", "Search messages", "Cerca nei messaggi"),
    ("inbox.apply", "Apply", "Applica"),
    ("inbox.empty", "Nothing waiting here. Well done.", "Qui non aspetta nessuno. Ottimo lavoro."),
    ("inbox.col.priority", "Priority", "Priorità"),
    ("inbox.col.customer", "Customer", "Cliente"),
    ("inbox.col.subject", "Subject", "Oggetto"),
    ("inbox.col.waiting", "Waiting", "In attesa"),
    ("inbox.col.assignee", "Assignee", "Assegnata a"),
    (
        "inbox.order",
        "Most urgent first, then longest waiting.",
        "Prima le più urgenti, poi chi aspetta da più tempo.",
    ),
    ("inbox.keys", "Keys: j and k move, Enter opens.", "Tasti: j e k per spostarsi, Invio per aprire."),
    ("inbox.live", "Updated live", "Aggiornata in tempo reale"),
    ("inbox.results", "Search results", "Risultati della ricerca"),
    ("inbox.no_results", "No message matches.", "Nessun messaggio corrisponde."),
    ("inbox.waiting_reply", "customer waiting", "il cliente aspetta"),
    ("inbox.answered", "answered", "risposto"),
    ("time.now", "now", "ora"),
    ("time.min", "min", "min"),
    ("time.h", "h", "h"),
    ("time.d", "d", "g"),
    ("time.s", "s", "s"),
    ("conv.snoozed_until", "until", "fino a"),
    ("timers.title", "Snooze and follow up", "Rimanda e ricontatta"),
    ("timers.zone", "Times are on the desk's clock:", "Gli orari seguono il fuso del servizio:"),
    ("timers.snooze_until", "Snooze until", "Rimanda fino a"),
    ("timers.snooze", "Snooze", "Rimanda"),
    ("timers.snooze_reply", "Until the customer replies", "Finché il cliente non risponde"),
    ("timers.follow_up", "Schedule a follow-up", "Programma un sollecito"),
    (
        "timers.after_hours",
        "If the customer has not replied after (business hours)",
        "Se il cliente non ha risposto dopo (ore lavorative)",
    ),
    ("timers.action", "Then", "Allora"),
    ("timers.template", "Message to the customer", "Messaggio al cliente"),
    (
        "timers.follow_up_help",
        "Cancelled as soon as the customer writes.",
        "Annullato appena il cliente scrive.",
    ),
    ("timers.later_reply", "Schedule a reply", "Programma una risposta"),
    ("timers.send_at", "Send at", "Invia il"),
    (
        "timers.cancel_on_reply",
        "Cancel it if the customer writes first",
        "Annullala se il cliente scrive prima",
    ),
    ("timers.cancels_on_reply", "cancelled if the customer writes", "annullato se il cliente scrive"),
    ("timers.schedule", "Schedule", "Programma"),
    ("timers.set", "Scheduled", "Programmati"),
    ("timers.none", "Nothing scheduled.", "Niente in programma."),
    ("timers.cancel", "Cancel", "Annulla"),
    ("timers.kind.nudge", "Message the customer", "Scrivi al cliente"),
    ("timers.kind.remind", "Remind the agent", "Ricorda all'operatore"),
    ("timers.kind.reply", "Scheduled reply", "Risposta programmata"),
    ("timers.kind.snooze", "End of snooze", "Fine del rinvio"),
    ("timers.kind.sla", "SLA check", "Controllo SLA"),
    ("timers.state.scheduled", "scheduled", "in programma"),
    ("timers.state.done", "done", "eseguito"),
    ("timers.state.cancelled", "cancelled", "annullato"),
    ("settings.channels", "Channels", "Canali"),
    ("settings.sla", "SLA and hours", "SLA e orari"),
    ("channels.webchat", "Web chat", "Chat sul sito"),
    ("channels.telegram", "Telegram", "Telegram"),
    ("channels.whatsapp", "WhatsApp", "WhatsApp"),
    (
        "channels.webchat_help",
        "A chat box on your own site. Paste the script tag before </body>.",
        "Una chat sul vostro sito. Incollate il tag script prima di </body>.",
    ),
    (
        "channels.telegram_help",
        "A Telegram bot made with BotFather. Give Telegram the webhook address and secret with setWebhook.",
        "Un bot Telegram creato con BotFather. Date a Telegram l'indirizzo del webhook e il segreto con setWebhook.",
    ),
    (
        "channels.whatsapp_help",
        "A WhatsApp Cloud API number. Subscribe the webhook address with the verify token.",
        "Un numero della WhatsApp Cloud API. Registrate l'indirizzo del webhook con il token di verifica.",
    ),
    ("channels.secret_set", "stored; type to replace", "salvato; scrivete per sostituirlo"),
    ("channels.secret_unset", "not set", "non impostato"),
    ("channels.secret_is_set", "Stored (never shown).", "Salvato (mai mostrato)."),
    ("channels.secret_not_set", "Not set.", "Non impostato."),
    (
        "channels.allowed_origins",
        "Sites allowed to show the widget (one per line)",
        "Siti autorizzati a mostrare la chat (uno per riga)",
    ),
    ("channels.allowed_origins_help", "Empty allows any site.", "Vuoto: qualsiasi sito."),
    (
        "channels.identity_secret",
        "Identity signing key (optional)",
        "Chiave di firma dell'identità (facoltativa)",
    ),
    (
        "channels.identity_secret_help",
        "Your site signs a signed-in customer's e-mail address with it (HMAC-SHA256), so the chat knows who they are.",
        "Il vostro sito firma con questa chiave l'e-mail del cliente autenticato (HMAC-SHA256), così la chat sa chi è.",
    ),
    ("channels.bot_token", "Bot token", "Token del bot"),
    ("channels.webhook_secret", "Webhook secret", "Segreto del webhook"),
    (
        "channels.api_base",
        "API address (leave empty for the platform's)",
        "Indirizzo delle API (vuoto per quello della piattaforma)",
    ),
    ("channels.phone_number_id", "Phone number id", "Id del numero di telefono"),
    ("channels.access_token", "Access token", "Token di accesso"),
    ("channels.app_secret", "App secret", "Segreto dell'app"),
    ("channels.verify_token", "Verify token", "Token di verifica"),
    ("channels.api_version", "Graph API version", "Versione della Graph API"),
    ("channels.snippet", "Script tag for your site", "Tag script per il vostro sito"),
    ("channels.webhook_url", "Webhook address", "Indirizzo del webhook"),
    ("channels.copy", "Copy", "Copia"),
    ("channels.copied", "Copied", "Copiato"),
    ("channels.edit", "Edit", "Modifica"),
    (
        "channels.keep_secrets",
        "Secrets left empty keep their stored value.",
        "I segreti lasciati vuoti restano quelli salvati.",
    ),
    ("channels.remove", "Disconnect", "Scollega"),
    ("channels.add", "Connect", "Collega"),
    ("mailbox.title", "E-mail mailboxes", "Caselle e-mail"),
    (
        "mailbox.help",
        "Mail is fetched over IMAP (IDLE, or a look every few seconds) and replies go out over SMTP.",
        "La posta è letta via IMAP (IDLE, o un controllo ogni pochi secondi) e le risposte partono via SMTP.",
    ),
    ("mailbox.address", "Support address", "Indirizzo dell'assistenza"),
    ("mailbox.display_name", "Name on replies", "Nome nelle risposte"),
    ("mailbox.imap", "Incoming mail (IMAP)", "Posta in arrivo (IMAP)"),
    ("mailbox.smtp", "Outgoing mail (SMTP)", "Posta in uscita (SMTP)"),
    ("mailbox.host", "Server", "Server"),
    ("mailbox.port", "Port", "Porta"),
    ("mailbox.security", "Security", "Sicurezza"),
    ("mailbox.security.tls", "TLS", "TLS"),
    ("mailbox.security.start_tls", "STARTTLS", "STARTTLS"),
    ("mailbox.security.plain", "None (this machine only)", "Nessuna (solo questa macchina)"),
    ("mailbox.username", "User name", "Nome utente"),
    ("mailbox.password", "Password", "Password"),
    ("mailbox.folders", "Folders to fetch, one per line", "Cartelle da leggere, una per riga"),
    (
        "mailbox.poll_seconds",
        "Seconds between looks without IDLE",
        "Secondi tra un controllo e l'altro senza IDLE",
    ),
    ("mailbox.active", "Fetch this mailbox", "Leggi questa casella"),
    ("mailbox.inactive", "Paused", "In pausa"),
    (
        "mailbox.keep_passwords",
        "Passwords left empty keep their stored value.",
        "Le password lasciate vuote restano quelle salvate.",
    ),
    ("mailbox.missing_host", "the server name is missing.", "manca il nome del server."),
    (
        "mailbox.bad_port",
        "the port must be a number from 1 to 65535.",
        "la porta deve essere un numero da 1 a 65535.",
    ),
    ("mailbox.bad_security", "choose a kind of security.", "scegliete un tipo di sicurezza."),
    (
        "mailbox.bad_poll",
        "the seconds between looks must be a whole number.",
        "i secondi tra un controllo e l'altro devono essere un numero intero.",
    ),
    ("sla.any", "Any", "Qualsiasi"),
    ("sla.resolution", "Resolution", "Risoluzione"),
    (
        "sla.warning_percent",
        "Warn when this share of the target is left (%)",
        "Avvisa quando resta questa parte del tempo (%)",
    ),
    (
        "sla.targets_help",
        "Targets in business minutes. The most specific matching row wins; among equals, the strictest. Clear a row's minutes to remove it.",
        "Obiettivi in minuti lavorativi. Vince la riga più specifica; a parità, la più severa. Svuotate i minuti di una riga per toglierla.",
    ),
    ("sla.calendar", "Business hours", "Orario di lavoro"),
    ("sla.time_zone", "Time zone", "Fuso orario"),
    (
        "sla.hours_help",
        "Opening hours per day, such as 09:00-13:00, 14:00-18:00. Empty means closed.",
        "Orari per giorno, come 09:00-13:00, 14:00-18:00. Vuoto significa chiuso.",
    ),
    ("sla.closed", "closed", "chiuso"),
    ("sla.holidays", "Holidays", "Festività"),
    ("sla.no_holidays", "No holidays.", "Nessuna festività."),
    ("sla.every_year", "every year on", "ogni anno il"),
    ("sla.easter", "days from Easter:", "giorni da Pasqua:"),
    ("sla.date", "Date", "Data"),
    ("sla.yearly", "Every year", "Ogni anno"),
    ("sla.add_holiday", "Add holiday", "Aggiungi festività"),
    ("sla.escalations", "Escalations", "Escalation"),
    (
        "sla.escalations_help",
        "What happens as a deadline nears and passes. Edit them with PUT /api/v1/sla-policy.",
        "Cosa succede quando una scadenza si avvicina e passa. Modificatele con PUT /api/v1/sla-policy.",
    ),
    ("day.mon", "Monday", "Lunedì"),
    ("day.tue", "Tuesday", "Martedì"),
    ("day.wed", "Wednesday", "Mercoledì"),
    ("day.thu", "Thursday", "Giovedì"),
    ("day.fri", "Friday", "Venerdì"),
    ("day.sat", "Saturday", "Sabato"),
    ("day.sun", "Sunday", "Domenica"),
    ("inbox.col.sla", "Reply due", "Risposta entro"),
    ("inbox.reasons", "Why it is here", "Perché è qui"),
    ("sla.first_response", "First reply", "Prima risposta"),
    ("alerts.label", "Alerts", "Avvisi"),
    (
        "alerts.sla_warning",
        "SLA warning: {metric} for “{subject}” is due soon.",
        "Avviso SLA: {metric} per «{subject}» sta per scadere.",
    ),
    (
        "alerts.sla_breach",
        "SLA breached: {metric} for “{subject}” is overdue.",
        "SLA superato: {metric} per «{subject}» è in ritardo.",
    ),
    ("alerts.open", "Open", "Apri"),
    ("alerts.dismiss", "Dismiss", "Chiudi"),
    ("sla.next_response", "Next reply", "Prossima risposta"),
    ("sla.paused", "paused, waiting on the customer", "in pausa, si attende il cliente"),
    ("sla.left", "in {t}", "tra {t}"),
    ("sla.overdue", "overdue by {t}", "scaduta da {t}"),
    ("nobody", "Nobody", "Nessuno"),
    ("status.open", "Open", "Aperta"),
    ("status.pending", "Pending", "In sospeso"),
    ("status.snoozed", "Snoozed", "Rimandata"),
    ("status.resolved", "Resolved", "Risolta"),
    ("priority.urgent", "Urgent", "Urgente"),
    ("priority.high", "High", "Alta"),
    ("priority.normal", "Normal", "Normale"),
    ("priority.low", "Low", "Bassa"),
    ("channel.email", "E-mail", "E-mail"),
    ("channel.webchat", "Web chat", "Chat web"),
    ("channel.whatsapp", "WhatsApp", "WhatsApp"),
    ("channel.telegram", "Telegram", "Telegram"),
    ("channel.api", "API", "API"),
    ("delivery.received", "Received", "Ricevuto"),
    ("delivery.queued", "Queued", "In coda"),
    ("delivery.sent", "Sent", "Inviato"),
    ("delivery.delivered", "Delivered", "Consegnato"),
    ("delivery.read", "Read", "Letto"),
    ("delivery.failed", "Failed", "Non consegnato"),
    ("conv.messages", "Messages", "Messaggi"),
    ("conv.note", "Internal note", "Nota interna"),
    ("conv.agent", "Agent", "Operatore"),
    ("conv.customer", "Customer", "Cliente"),
    ("conv.formatted", "Show the formatted e-mail", "Mostra l'e-mail formattata"),
    (
        "conv.formatted_title",
        "Formatted e-mail (sanitised, no scripts)",
        "E-mail formattata (ripulita, senza script)",
    ),
    ("conv.quoted", "Quoted text", "Testo citato"),
    ("conv.attachments", "Attachments", "Allegati"),
    ("conv.controls", "Conversation", "Conversazione"),
    ("conv.status", "Status", "Stato"),
    ("conv.priority", "Priority", "Priorità"),
    ("conv.assignee", "Assignee", "Assegnata a"),
    ("conv.team", "Team", "Team"),
    ("conv.save", "Save", "Salva"),
    ("conv.viewing", "Also here:", "Presenti anche:"),
    ("conv.typing", "is typing…", "sta scrivendo…"),
    (
        "conv.merged",
        "This conversation was merged into another one.",
        "Questa conversazione è stata unita a un'altra.",
    ),
    ("reply.title", "Reply", "Rispondi"),
    ("reply.label", "Your reply", "La tua risposta"),
    ("reply.kind.reply", "Reply to the customer", "Risposta al cliente"),
    ("reply.kind.note", "Internal note", "Nota interna"),
    ("reply.send", "Send", "Invia"),
    ("reply.keys", "Ctrl+Enter sends. r jumps here.", "Ctrl+Invio invia. r porta qui."),
    ("reply.macro", "Insert a macro", "Inserisci una macro"),
    ("reply.macro.none", "Choose…", "Scegli…"),
    (
        "reply.placeholder_confirm",
        "The reply still has a placeholder to fill in:",
        "La risposta contiene ancora un segnaposto da compilare:",
    ),
    ("reply.send_anyway", "Send anyway", "Invia comunque"),
    ("reply.keep_editing", "Keep editing", "Continua a scrivere"),
    ("reply.sent", "Sent.", "Inviato."),
    ("reply.failed", "Not sent:", "Non inviato:"),
    ("coach.title", "Coach", "Coach"),
    ("coach.idle", "Start typing: the coach reads along.", "Inizia a scrivere: il coach legge con te."),
    ("coach.clear", "Nothing to improve. Good reply.", "Niente da migliorare. Buona risposta."),
    ("coach.suggestion", "Try:", "Prova:"),
    (
        "coach.questions",
        "Unanswered questions are highlighted in the customer's message.",
        "Le domande senza risposta sono evidenziate nel messaggio del cliente.",
    ),
    (
        "coach.unavailable",
        "The coach is unavailable right now; you can still send.",
        "Il coach ora non è disponibile; puoi comunque inviare.",
    ),
    ("skill.listening", "Listening", "Ascolto"),
    ("skill.empathy", "Empathy", "Empatia"),
    ("skill.clarity", "Clarity", "Chiarezza"),
    ("skill.ownership", "Ownership", "Responsabilità"),
    ("skill.why", "Reasons", "Motivazioni"),
    ("skill.next_steps", "Next steps", "Prossimi passi"),
    ("skill.positivity", "Positivity", "Positività"),
    ("skill.calm", "Calm", "Calma"),
    ("skill.personal", "Personal touch", "Tocco personale"),
    ("skill.persuasion", "Persuasion", "Persuasione"),
    ("customer.title", "Customer", "Cliente"),
    ("customer.identities", "Reaches us at", "Ci contatta da"),
    ("customer.tags", "Tags", "Etichette"),
    ("customer.none", "None", "Nessuna"),
    ("customer.history", "Conversations on every channel", "Conversazioni su tutti i canali"),
    ("customer.open_page", "Full customer page", "Scheda completa del cliente"),
    ("customer.merge", "Merge a duplicate into this customer", "Unisci un duplicato a questo cliente"),
    ("customer.merge_id", "Number of the duplicate customer", "Numero del cliente duplicato"),
    ("customer.merge_submit", "Merge", "Unisci"),
    ("customer.merged_into", "This customer was merged into", "Questo cliente è stato unito a"),
    ("customer.since", "Customer since", "Cliente dal"),
    ("settings.title", "Settings", "Impostazioni"),
    ("settings.agents", "Agents", "Operatori"),
    ("settings.teams", "Teams", "Team"),
    ("settings.macros", "Macros", "Macro"),
    ("settings.name", "Name", "Nome"),
    ("settings.email", "E-mail", "E-mail"),
    ("settings.role", "Role", "Ruolo"),
    ("settings.password", "Password (at least 10 characters)", "Password (almeno 10 caratteri)"),
    ("settings.teams_of", "Teams", "Team"),
    ("settings.active", "Active", "Attivo"),
    ("settings.ui_language", "Interface language", "Lingua dell'interfaccia"),
    ("settings.lang.auto", "As the browser", "Come il browser"),
    ("settings.add_agent", "Add an agent", "Aggiungi un operatore"),
    ("settings.add_team", "Add a team", "Aggiungi un team"),
    ("settings.rename", "Rename", "Rinomina"),
    ("settings.create", "Create", "Crea"),
    ("settings.save", "Save", "Salva"),
    ("settings.delete", "Delete", "Elimina"),
    ("settings.yes", "Yes", "Sì"),
    ("settings.no", "No", "No"),
    ("settings.add_macro", "Add a macro", "Aggiungi una macro"),
    ("settings.macro_body", "Text", "Testo"),
    (
        "settings.macro_vars",
        "Variables: {{customer.name}}, {{customer.first_name}}, {{agent.name}}, {{agent.first_name}}, {{conversation.subject}}, {{conversation.id}}.",
        "Variabili: {{customer.name}}, {{customer.first_name}}, {{agent.name}}, {{agent.first_name}}, {{conversation.subject}}, {{conversation.id}}.",
    ),
    ("settings.saved", "Saved.", "Salvato."),
    ("team.title", "Team performance", "Andamento del team"),
    ("team.period", "Period", "Periodo"),
    ("team.days", "days", "giorni"),
    ("team.replies", "Replies sent", "Risposte inviate"),
    ("team.conversations", "Conversations", "Conversazioni"),
    ("team.frt", "First response (median)", "Prima risposta (mediana)"),
    ("team.resolution", "Resolution (median)", "Risoluzione (mediana)"),
    ("team.coach_average", "Coach average", "Media del coach"),
    ("team.skills_over_time", "coach skills, daily average", "abilità secondo il coach, media giornaliera"),
    (
        "team.method",
        "First response counts for the agent who answered first; resolution for the assignee, or the last agent who replied. Coach scores are the coach's reading of each reply sent in the period.",
        "La prima risposta conta per chi ha risposto per primo; la risoluzione per l'assegnatario o per l'ultimo che ha risposto. I punteggi sono la lettura del coach di ogni risposta inviata nel periodo.",
    ),
    ("role.admin", "Admin", "Amministratore"),
    ("role.lead", "Lead", "Responsabile"),
    ("role.agent", "Agent", "Operatore"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn ids_are_unique_and_no_string_is_empty() {
        let mut ids: Vec<&str> = STRINGS.iter().map(|(id, _, _)| *id).collect();
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(before, ids.len(), "an interface string id appears twice");
        for (id, en, it) in STRINGS {
            assert!(!en.is_empty() && !it.is_empty(), "{id} is empty in a language");
        }
    }

    #[test]
    fn every_id_the_pages_use_exists() {
        // The pages name strings as `.t("id")`; each must be in the table.
        let sources = [
            include_str!("mod.rs"),
            include_str!("layout.rs"),
            include_str!("pages.rs"),
            include_str!("conversation.rs"),
            include_str!("settings.rs"),
            include_str!("team.rs"),
            include_str!("session.rs"),
            include_str!("error.rs"),
            include_str!("timers.rs"),
            include_str!("channels.rs"),
            include_str!("sla.rs"),
        ];
        for source in sources {
            for piece in source.split(".t(\"").skip(1) {
                let id = piece.split('"').next().unwrap();
                assert!(STRINGS.iter().any(|(key, _, _)| *key == id), "missing interface string {id:?}");
            }
        }
    }

    #[test]
    fn browser_preference_picks_the_language_when_the_agent_has_none() {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT_LANGUAGE, HeaderValue::from_static("de-DE,it;q=0.8,en;q=0.5"));
        assert_eq!(Lang::choose("auto", &headers), Lang::It);
        assert_eq!(Lang::choose("en", &headers), Lang::En);
        assert_eq!(Lang::choose("", &HeaderMap::new()), Lang::En);
    }
}
