//! `ascolto demo`: a fresh database with a few hundred realistic conversations in Italian and
//! English across every channel, customers who wrote on more than one channel, demo logins,
//! and a trickle of new customer messages so the queue moves.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use ascolto_core::{
    AgentId, Channel, Conversation, ConversationStatus, EmailAddress, Identity, IdentityKind, Message,
    Priority, Role, TeamId,
};
use ascolto_service::outbox::{Deliverer, Deliverers, DeliveryError};
use ascolto_service::{Desk, InboundRequest};
use ascolto_store::{ConversationPatch, NewAgent, NewAgentMessage, NewCustomer, Store};
use ascolto_web::auth::{hash_password, hash_secret, new_api_token};
use chrono::{TimeDelta, Utc};
use tokio::sync::watch;
use tracing::{info, warn};

use crate::config::Config;
use crate::server;

/// The password of every demo login.
pub const DEMO_PASSWORD: &str = "ascolto-demo";

/// A customer's message and, sometimes, how an agent answered it.
struct Scenario {
    subject: &'static str,
    customer: &'static str,
    reply: Option<&'static str>,
    priority: Priority,
}

const ITALIAN: &[Scenario] = &[
    Scenario {
        subject: "Ordine in ritardo",
        customer: "Buongiorno, ho ordinato una lampada il 3 del mese e non è ancora arrivata. Il tracking è fermo da una settimana. Potete dirmi dove si trova?",
        reply: Some(
            "Buongiorno {name}, capisco quanto sia frustrante aspettare senza notizie. Ho controllato: il pacco è fermo nel centro di Bologna per un errore di smistamento. Ho aperto una segnalazione con il corriere e le scrivo entro domani alle 12 con la nuova data di consegna.",
        ),
        priority: Priority::Normal,
    },
    Scenario {
        subject: "Rimborso non ricevuto",
        customer: "Ho restituito le scarpe tre settimane fa e non ho ancora ricevuto il rimborso. Vi ho già scritto due volte! È la terza volta che vi contatto, sono davvero stufa.",
        reply: Some("Gentile cliente, il rimborso è in lavorazione."),
        priority: Priority::High,
    },
    Scenario {
        subject: "Prodotto arrivato rotto",
        customer: "Il vaso che ho ricevuto ieri è arrivato in pezzi. Era un regalo per il matrimonio di mia sorella sabato. Cosa posso fare?",
        reply: None,
        priority: Priority::Urgent,
    },
    Scenario {
        subject: "Domanda su una taglia",
        customer: "Ciao! Il cappotto blu veste piccolo o grande? Di solito porto una M. Grazie mille",
        reply: Some(
            "Ciao {name}! Il cappotto blu veste regolare: con una M sei a posto. Se non ti sta bene, il reso è gratuito entro 30 giorni: trovi l'etichetta nella confezione.",
        ),
        priority: Priority::Low,
    },
    Scenario {
        subject: "Disdetta abbonamento",
        customer: "Scrivo per disdire l'abbonamento di mio padre, che è mancato il mese scorso. Non so bene come fare.",
        reply: None,
        priority: Priority::High,
    },
    Scenario {
        subject: "Fattura",
        customer: "Mi serve la fattura dell'ordine 48213 intestata alla mia azienda. Come posso averla?",
        reply: Some("Devo chiedere al mio responsabile."),
        priority: Priority::Normal,
    },
    Scenario {
        subject: "Il sito non funziona",
        customer: "Non riesco a pagare con la carta, mi dà errore. Ho già provato a svuotare la cache e a cambiare browser. URGENTE, devo ordinare entro oggi!!",
        reply: None,
        priority: Priority::Urgent,
    },
    Scenario {
        subject: "Grazie!",
        customer: "Volevo solo ringraziarvi: Sara è stata gentilissima e il problema è risolto. Servizio eccellente!",
        reply: Some("Grazie a lei, {name}! Lo giro subito a Sara, le farà piacere."),
        priority: Priority::Low,
    },
    Scenario {
        subject: "Cambio indirizzo",
        customer: "Posso cambiare l'indirizzo di consegna dell'ordine che ho fatto stamattina?",
        reply: None,
        priority: Priority::Normal,
    },
    Scenario { subject: "Aiuto", customer: "Non funziona niente", reply: None, priority: Priority::Normal },
    Scenario {
        subject: "Vergognoso",
        customer: "Siete dei truffatori, vi denuncio! Ho pagato 200 euro e non ho ricevuto niente. Se entro domani non ho i soldi indietro vado dall'avvocato.",
        reply: None,
        priority: Priority::Urgent,
    },
    Scenario {
        subject: "Nuove condizioni di spedizione",
        customer: "Ho visto che la spedizione gratuita ora parte da 50 euro invece di 30. Perché?",
        reply: Some("La direzione ha deciso così."),
        priority: Priority::Normal,
    },
];

const ENGLISH: &[Scenario] = &[
    Scenario {
        subject: "Where is my order?",
        customer: "Hi, I ordered a desk chair two weeks ago and it still hasn't arrived. Can you tell me where it is?",
        reply: Some(
            "Hi {name}, I'm sorry for the wait. I checked and the courier lost track of the parcel in Milan. I have sent a replacement today by express; you will have it by Thursday, and I'll email you the tracking link within the hour.",
        ),
        priority: Priority::Normal,
    },
    Scenario {
        subject: "Charged twice",
        customer: "You charged my card twice for the same order!!! I need that money back now, this is unacceptable.",
        reply: Some("That's not our fault, it's your bank."),
        priority: Priority::High,
    },
    Scenario {
        subject: "Refund for a gift",
        customer: "I bought headphones as a gift but my son already has the same ones. How do I return them and get a refund?",
        reply: None,
        priority: Priority::Low,
    },
    Scenario {
        subject: "App keeps crashing",
        customer: "The app crashes every time I open my basket. I already tried reinstalling it and restarting my phone. What else can I do?",
        reply: Some("Have you tried reinstalling the app?"),
        priority: Priority::Normal,
    },
    Scenario {
        subject: "Cancel my account",
        customer: "Please cancel my account. I've been trying to reach someone for three days and nobody answers.",
        reply: None,
        priority: Priority::High,
    },
    Scenario {
        subject: "Question before buying",
        customer: "Does the espresso machine work with ground coffee as well as pods? And does it come with a warranty?",
        reply: Some(
            "Hello {name}! Yes, it takes both ground coffee and pods. It comes with a two-year warranty, and we can add a descaling kit at half price if you order this week.",
        ),
        priority: Priority::Low,
    },
    Scenario {
        subject: "Urgent: wrong size",
        customer: "I received the wrong size dress and I need it for a wedding on Saturday. Please help, this is urgent.",
        reply: None,
        priority: Priority::Urgent,
    },
    Scenario {
        subject: "Thank you",
        customer: "Just wanted to say thanks to Tom, he sorted out my delivery in five minutes. Great service!",
        reply: None,
        priority: Priority::Low,
    },
    Scenario {
        subject: "Password reset",
        customer: "I can't log in and the password reset email never arrives. I checked the spam folder too.",
        reply: None,
        priority: Priority::Normal,
    },
    Scenario {
        subject: "Business stopped",
        customer: "Our shop's payment terminal has been down since this morning and we are losing sales every hour. We need someone to call us immediately.",
        reply: None,
        priority: Priority::Urgent,
    },
    Scenario {
        subject: "Price change",
        customer: "Why did my subscription go up by 5 euros a month?",
        reply: Some("As I already said, prices changed. Nothing we can do."),
        priority: Priority::Normal,
    },
    Scenario {
        subject: "Damaged parcel",
        customer: "My parcel arrived soaked and the book inside is ruined. Very disappointed.",
        reply: None,
        priority: Priority::High,
    },
];

const FIRST_NAMES_IT: &[&str] = &[
    "Anna",
    "Marco",
    "Giulia",
    "Luca",
    "Francesca",
    "Paolo",
    "Chiara",
    "Giorgio",
    "Elena",
    "Davide",
    "Sofia",
    "Matteo",
];
const LAST_NAMES_IT: &[&str] = &[
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
    "Bruno", "Gallo",
];
const FIRST_NAMES_EN: &[&str] =
    &["Emma", "James", "Olivia", "Noah", "Ava", "Liam", "Mia", "Oliver", "Grace", "Henry", "Lucy", "Jack"];
const LAST_NAMES_EN: &[&str] = &[
    "Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Walker", "Wright", "Hall", "Green", "Baker",
    "Clarke",
];

/// In demo mode replies on the real channels go nowhere: this deliverer marks them sent and
/// says so in the log, so the demo shows delivery statuses without a mailbox or a bot.
#[derive(Debug)]
struct DemoDeliverer;

#[async_trait::async_trait]
impl Deliverer for DemoDeliverer {
    async fn deliver(
        &self,
        message: &Message,
        conversation: &Conversation,
    ) -> Result<Option<String>, DeliveryError> {
        info!(message.id = %message.id, "demo: reply {} on {} marked sent without sending", message.id, conversation.channel);
        Ok(Some(format!("demo-{}", message.id)))
    }
}

struct DemoCustomer {
    name: String,
    italian: bool,
    identities: Vec<Identity>,
}

struct DemoAgents {
    italian: Vec<AgentId>,
    english: Vec<AgentId>,
    teams: (TeamId, TeamId),
}

fn identity_for(channel: Channel, customer: &DemoCustomer) -> Option<Identity> {
    let kind = match channel {
        Channel::Email | Channel::Api => IdentityKind::Email,
        Channel::WhatsApp => IdentityKind::WhatsApp,
        Channel::Telegram => IdentityKind::Telegram,
        Channel::WebChat => IdentityKind::WebChat,
    };
    customer.identities.iter().find(|i| i.kind == kind).cloned()
}

fn make_customer(index: usize, rng: &mut fastrand::Rng) -> anyhow::Result<DemoCustomer> {
    let italian = index % 5 != 0 && index % 5 != 3;
    let (first, last) =
        if italian { (FIRST_NAMES_IT, LAST_NAMES_IT) } else { (FIRST_NAMES_EN, LAST_NAMES_EN) };
    let (first, last) = (first[rng.usize(..first.len())], last[rng.usize(..last.len())]);
    let domain = if italian { "esempio.it" } else { "example.com" };
    let mut identities = vec![Identity::parse(
        IdentityKind::Email,
        &format!("{}.{}{index}@{domain}", first.to_lowercase(), last.to_lowercase()),
    )?];
    // One customer in three also writes on WhatsApp, one in four on Telegram, one in five
    // through the web chat: the same person across channels.
    if index % 3 == 0 {
        identities
            .push(Identity::parse(IdentityKind::WhatsApp, &format!("+39 333 {:07}", 1_000_000 + index))?);
    }
    if index % 4 == 0 {
        identities.push(Identity::parse(IdentityKind::Telegram, &format!("{}", 700_000_000 + index))?);
    }
    if index % 5 == 0 {
        identities.push(Identity::parse(IdentityKind::WebChat, &format!("visitor-{index}"))?);
    }
    Ok(DemoCustomer { name: format!("{first} {last}"), italian, identities })
}

/// One of the demo's sign-ins.
struct DemoLogin {
    name: &'static str,
    email: &'static str,
    role: Role,
    languages: &'static [&'static str],
    teams: Vec<TeamId>,
    ui: &'static str,
}

async fn create_agents(store: &dyn Store) -> anyhow::Result<DemoAgents> {
    let italia = store.create_team("Assistenza Italia").await?;
    let world = store.create_team("International").await?;
    let hash = hash_password(DEMO_PASSWORD.to_owned()).await?;
    let mut ids = Vec::new();
    let people = [
        DemoLogin {
            name: "Giulia Admin",
            email: "admin@demo.ascolto",
            role: Role::Admin,
            languages: &["it", "en"],
            teams: vec![],
            ui: "it",
        },
        DemoLogin {
            name: "Marco Bianchi",
            email: "lead@demo.ascolto",
            role: Role::Lead,
            languages: &["it", "en"],
            teams: vec![italia.id, world.id],
            ui: "it",
        },
        DemoLogin {
            name: "Sara Conti",
            email: "sara@demo.ascolto",
            role: Role::Agent,
            languages: &["it", "en"],
            teams: vec![italia.id],
            ui: "it",
        },
        DemoLogin {
            name: "Luca Ferri",
            email: "luca@demo.ascolto",
            role: Role::Agent,
            languages: &["it"],
            teams: vec![italia.id],
            ui: "it",
        },
        DemoLogin {
            name: "Tom Walker",
            email: "tom@demo.ascolto",
            role: Role::Agent,
            languages: &["en"],
            teams: vec![world.id],
            ui: "en",
        },
        DemoLogin {
            name: "Emma Hughes",
            email: "emma@demo.ascolto",
            role: Role::Agent,
            languages: &["en", "it"],
            teams: vec![world.id],
            ui: "en",
        },
    ];
    for DemoLogin { name, email, role, languages, teams, ui } in people {
        let reports_to = if role == Role::Agent { ids.get(1).copied() } else { None };
        let agent = store
            .create_agent(NewAgent {
                name: name.into(),
                email: EmailAddress::parse(email)?,
                role,
                password_hash: Some(hash.clone()),
                languages: languages.iter().map(|l| l.to_string()).collect(),
                teams,
                reports_to,
                ui_language: ui.into(),
            })
            .await?;
        ids.push(agent.id);
    }
    Ok(DemoAgents {
        italian: vec![ids[2], ids[3]],
        english: vec![ids[4], ids[5]],
        teams: (italia.id, world.id),
    })
}

const CHANNELS: &[Channel] =
    &[Channel::Email, Channel::Email, Channel::WhatsApp, Channel::WebChat, Channel::Telegram];

/// Fills `store` with demo customers and conversations.
async fn seed(desk: &Desk, rng: &mut fastrand::Rng) -> anyhow::Result<Vec<DemoCustomer>> {
    let store = desk.store.as_ref();
    let agents = create_agents(store).await?;
    let now = Utc::now();
    let mut customers = Vec::new();
    for index in 0..260 {
        let customer = make_customer(index, rng)?;
        store
            .create_customer(
                NewCustomer {
                    name: customer.name.clone(),
                    identities: customer.identities.clone(),
                    tags: if index % 17 == 0 { vec!["vip".into()] } else { vec![] },
                    language: Some(if customer.italian { "it" } else { "en" }.into()),
                    notes: String::new(),
                },
                now,
            )
            .await?;
        customers.push(customer);
    }
    for n in 0..420 {
        let customer = &customers[rng.usize(..customers.len())];
        let channel = CHANNELS[rng.usize(..CHANNELS.len())];
        let Some(identity) =
            identity_for(channel, customer).or_else(|| identity_for(Channel::Email, customer))
        else {
            continue;
        };
        let channel = if identity.kind == IdentityKind::Email { Channel::Email } else { channel };
        let scenarios = if customer.italian { ITALIAN } else { ENGLISH };
        let scenario = &scenarios[rng.usize(..scenarios.len())];
        let received_at = now - TimeDelta::minutes(rng.i64(5..60 * 24 * 14));
        let ingested = desk
            .ingest(InboundRequest {
                channel,
                identity,
                customer_name: Some(customer.name.clone()),
                conversation: None,
                subject: Some(scenario.subject.into()),
                text: scenario.customer.into(),
                html: None,
                attachments: vec![],
                channel_message_id: Some(format!("demo-seed-{n}")),
                received_at: Some(received_at),
            })
            .await?;
        let conversation = ingested.conversation.id;
        let (pool, team) = if customer.italian {
            (&agents.italian, agents.teams.0)
        } else {
            (&agents.english, agents.teams.1)
        };
        let assignee = (rng.u8(..10) < 7).then(|| pool[rng.usize(..pool.len())]);
        let mut patch = ConversationPatch {
            priority: Some(scenario.priority),
            team: Some(Some(team)),
            assignee: Some(assignee),
            ..Default::default()
        };
        if let (Some(reply), Some(agent)) = (scenario.reply, assignee) {
            let first_name = customer.name.split(' ').next().unwrap_or_default();
            store
                .add_agent_message(NewAgentMessage {
                    conversation,
                    agent,
                    text: reply.replace("{name}", first_name),
                    html: None,
                    note: false,
                    // A reply comes minutes to hours after the question, but never in the future.
                    created_at: (received_at + TimeDelta::minutes(rng.i64(3..240)))
                        .min(now - TimeDelta::minutes(1)),
                    template: None,
                })
                .await?;
            if rng.bool() {
                patch.status = Some(ConversationStatus::Resolved);
            } else {
                patch.status = Some(ConversationStatus::Pending);
            }
        }
        store.update_conversation(conversation, patch, now).await?;
    }
    Ok(customers)
}

/// A new message from a random demo customer, as if it had just arrived.
async fn trickle_once(
    desk: &Desk,
    customers: &[DemoCustomer],
    rng: &mut fastrand::Rng,
    n: u64,
) -> anyhow::Result<()> {
    let customer = &customers[rng.usize(..customers.len())];
    let channel = CHANNELS[rng.usize(..CHANNELS.len())];
    let identity = identity_for(channel, customer)
        .or_else(|| identity_for(Channel::Email, customer))
        .context("demo customer without identity")?;
    let channel = if identity.kind == IdentityKind::Email { Channel::Email } else { channel };
    let scenarios = if customer.italian { ITALIAN } else { ENGLISH };
    let scenario = &scenarios[rng.usize(..scenarios.len())];
    desk.ingest(InboundRequest {
        channel,
        identity,
        customer_name: Some(customer.name.clone()),
        conversation: None,
        subject: Some(scenario.subject.into()),
        text: scenario.customer.into(),
        html: None,
        attachments: vec![],
        channel_message_id: Some(format!("demo-trickle-{}-{n}", Utc::now().timestamp_millis())),
        received_at: None,
    })
    .await?;
    Ok(())
}

pub async fn run(mut config: Config, trickle_seconds: u64) -> anyhow::Result<()> {
    if config.database_url.is_none() {
        // The demo never touches a real database: it starts over in its own file each time.
        let path = config.data_dir.join("demo.db");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        config.database_url = Some(format!("sqlite://{}", path.display()));
    }
    let store = server::open_store(&config).await?;
    anyhow::ensure!(
        store.count_agents().await? == 0,
        "the demo needs an empty database; this one already has agents"
    );
    let desk = Desk::new(store.clone());
    let mut rng = fastrand::Rng::with_seed(20261123);
    let customers = seed(&desk, &mut rng).await.context("creating demo data")?;
    let admin = store.agent_credentials("admin@demo.ascolto").await?.context("demo admin missing")?.0;
    let token = new_api_token()?;
    store.create_api_token(admin.id, "demo", &hash_secret(&token), Utc::now()).await?;

    let listener = server::bind(&config).await?;
    let url = server::url_of(&config, &listener);
    // Written, not printed: a closed stdout (a pipe whose reader went away) must not stop the demo.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "Ascolto demo is running at {url}");
    let _ = writeln!(
        out,
        "Sign in (password {DEMO_PASSWORD} for all): admin@demo.ascolto (admin), lead@demo.ascolto (lead),"
    );
    let _ =
        writeln!(out, "  sara@demo.ascolto, luca@demo.ascolto, tom@demo.ascolto, emma@demo.ascolto (agents)");
    let _ = writeln!(out, "Demo API token: {token}");
    let _ = writeln!(out, "Try: curl -H \"Authorization: Bearer {token}\" {url}/api/v1/conversations");
    let _ = out.flush();
    drop(out);

    let state = server::app_state(&config, desk.clone()).await;
    let mut deliverers = Deliverers::api_only();
    for channel in [Channel::Email, Channel::WhatsApp, Channel::Telegram, Channel::WebChat] {
        deliverers.insert(channel, Arc::new(DemoDeliverer));
    }
    let (stop, stopped) = watch::channel(false);
    let outbox =
        tokio::spawn(desk.clone().run_outbox(deliverers, state.outbox_wake.clone(), stopped.clone()));
    let queue_workers = server::spawn_queue_workers(&desk, &stopped);
    if trickle_seconds > 0 {
        let desk = desk.clone();
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let mut n = 0u64;
            loop {
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(trickle_seconds)) => {}
                    _ = stopped.changed() => return,
                }
                n += 1;
                if let Err(error) = trickle_once(&desk, &customers, &mut rng, n).await {
                    warn!("demo trickle failed: {error:#}");
                }
            }
        });
    }
    ascolto_web::serve(listener, state, server::shutdown_signal()).await?;
    let _ = stop.send(true);
    let _ = tokio::join!(outbox, queue_workers.join());
    Ok(())
}
