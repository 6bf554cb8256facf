//! Data-driven cases for the coach: each row is an input, the facts that must hold and those that must not.
//!
//! A fact is a finding code (`deflection`), optionally with the exact words at fault
//! (`deflection=non dipende da noi`), or a customer-side fact (`question=…`, `tried=…`, `abuse=…`,
//! `thanks=…`, `urgency:legal_threat`, `anger`, `sadness`, `fear`, `joy`, `sentiment+`, `sentiment-`,
//! `lang:it`, a courtesy strategy `courtesy:emphasis` or `courtesy:emphasis=WHY`, `polite`/`not_polite`). Every row goes through the one `check` helper, which also verifies the span invariants
//! and that both UI languages produce messages.

use ascolto_coach::{Language, ReplyContext, Target, analyze_customer, analyze_reply};

/// What a row feeds the coach.
enum Input {
    /// A reply with its context: customer messages, customer name, from a macro.
    Reply(&'static str, &'static [&'static str], Option<&'static str>, bool),
    /// A customer message.
    Customer(&'static str),
}

use Input::{Customer, Reply};

struct Case {
    input: Input,
    must: &'static [&'static str],
    must_not: &'static [&'static str],
}

const fn case(input: Input, must: &'static [&'static str], must_not: &'static [&'static str]) -> Case {
    Case { input, must, must_not }
}

/// The facts the coach states about an input.
fn facts(input: &Input, ui: Language) -> Vec<String> {
    match *input {
        Reply(reply, messages, name, from_macro) => {
            let context = ReplyContext {
                customer_messages: messages.iter().map(|m| m.to_string()).collect(),
                customer_name: name.map(str::to_string),
                from_macro,
                ui_language: ui,
            };
            let report = analyze_reply(reply, &context, None);
            let mut facts = vec![format!("lang:{}", report.language.code())];
            for finding in &report.findings {
                let source = match finding.target {
                    Target::Reply => reply,
                    Target::Customer => {
                        messages[finding.message_index.expect("customer findings carry an index")]
                    }
                };
                assert!(
                    finding.start <= finding.end && finding.end <= source.len(),
                    "span out of range: {finding:?}"
                );
                assert!(source.is_char_boundary(finding.start) && source.is_char_boundary(finding.end));
                assert!(!finding.message.is_empty(), "empty message: {finding:?}");
                facts.push(finding.code.to_string());
                facts.push(format!("{}={}", finding.code, &source[finding.start..finding.end]));
            }
            facts
        }
        Customer(text) => {
            let report = analyze_customer(text);
            let mut facts = vec![format!("lang:{}", report.language.code())];
            let mut spans = |name: &str, spans: &[ascolto_coach::Span]| {
                for span in spans {
                    assert!(
                        text.is_char_boundary(span.start)
                            && text.is_char_boundary(span.end)
                            && span.end <= text.len()
                    );
                    facts.push(name.to_string());
                    facts.push(format!("{name}={}", &text[span.start..span.end]));
                }
            };
            spans("question", &report.questions);
            spans("tried", &report.tried);
            spans("abuse", &report.abuse);
            spans("thanks", &report.thanks);
            for reason in &report.urgency_reasons {
                let kind = serde_json::to_value(reason.kind).expect("kinds serialise");
                facts.push(format!("urgency:{}", kind.as_str().unwrap_or_default()));
            }
            let e = &report.emotions;
            for (name, emotion) in
                [("anger", &e.anger), ("sadness", &e.sadness), ("fear", &e.fear), ("joy", &e.joy)]
            {
                if emotion.score >= 0.5 {
                    facts.push(name.to_string());
                }
            }
            facts.push(
                match report.sentiment {
                    s if s > 0.0 => "sentiment+",
                    s if s < 0.0 => "sentiment-",
                    _ => "sentiment0",
                }
                .to_string(),
            );
            if report.urgency >= 0.5 {
                facts.push("urgent".to_string());
            }
            let courtesy = ascolto_coach::courtesy(text);
            for marker in &courtesy.markers {
                let kind = serde_json::to_value(marker.kind).expect("kinds serialise");
                let name = format!("courtesy:{}", kind.as_str().unwrap_or_default());
                facts.push(format!("{name}={}", &text[marker.start..marker.end]));
                facts.push(name);
            }
            facts.push(if courtesy.score > 0.0 { "polite" } else { "not_polite" }.to_string());
            facts
        }
    }
}

/// The one helper: runs the coach in both UI languages and returns every broken expectation of the row.
fn check(row: usize, case: &Case) -> Vec<String> {
    let facts = facts(&case.input, Language::En);
    let mut errors = Vec::new();
    if facts_codes(&facts) != facts_codes(&self::facts(&case.input, Language::It)) {
        errors.push(format!("row {row}: the UI language changed the findings"));
    }
    for fact in case.must {
        if !facts.iter().any(|f| f == fact) {
            errors.push(format!("row {row}: expected {fact:?} in {facts:?}"));
        }
    }
    for fact in case.must_not {
        if facts.iter().any(|f| f == fact) {
            errors.push(format!("row {row}: did not expect {fact:?} in {facts:?}"));
        }
    }
    errors
}

fn facts_codes(facts: &[String]) -> Vec<String> {
    facts.iter().filter(|f| !f.contains('=')).cloned().collect()
}

const ANGRY_IT: &str =
    "Sono furioso! È la terza volta che scrivo e il pacco non è ancora arrivato. Vergogna!";
const ANGRY_EN: &str =
    "I am furious. This is the third time I write and my parcel still hasn't arrived. Unacceptable!";
const SAD_IT: &str = "Sono molto delusa, era il regalo per il compleanno di mia figlia ed è arrivato rotto.";
const SAD_EN: &str = "I'm so disappointed, it was my daughter's birthday present and it arrived broken.";
const TRIED_IT: &str = "L'app non si apre. Ho già provato a riavviare il telefono e a reinstallare l'app.";
const TRIED_EN: &str = "The app won't open. I already tried restarting the phone and reinstalling the app.";
const QUESTIONS_IT: &str = "Quando arriva il mio ordine? E posso cambiare l'indirizzo di consegna?";
const QUESTIONS_EN: &str = "When will my order arrive? Can I change the delivery address?";

static CASES: &[Case] = &[
    // ---- listening: unanswered questions ----
    case(
        Reply("Il suo ordine arriva domani.", &[QUESTIONS_IT], None, false),
        &["unanswered_question=E posso cambiare l'indirizzo di consegna?"],
        &["unanswered_question=Quando arriva il mio ordine?"],
    ),
    case(
        Reply(
            "Il suo ordine arriva domani e posso cambiare l'indirizzo di consegna subito: mi scriva quello nuovo.",
            &[QUESTIONS_IT],
            None,
            false,
        ),
        &[],
        &["unanswered_question"],
    ),
    case(
        Reply("Your order will arrive tomorrow.", &[QUESTIONS_EN], None, false),
        &["unanswered_question=Can I change the delivery address?"],
        &["unanswered_question=When will my order arrive?"],
    ),
    case(
        Reply(
            "Your order will arrive tomorrow, and I can change the delivery address for you now.",
            &[QUESTIONS_EN],
            None,
            false,
        ),
        &[],
        &["unanswered_question"],
    ),
    case(Reply("Thanks for writing.", &["Ok?"], None, false), &[], &["unanswered_question"]),
    case(
        Reply("Grazie, le rispondo subito.", &["Il rimborso quando arriva?"], None, false),
        &["unanswered_question"],
        &[],
    ),
    case(
        Reply("Il rimborso arriva entro 5 giorni lavorativi.", &["Il rimborso quando arriva?"], None, false),
        &[],
        &["unanswered_question"],
    ),
    case(
        Reply(
            "The refund will reach you within 5 business days.",
            &["how long do refunds take"],
            None,
            false,
        ),
        &[],
        &["unanswered_question"],
    ),
    case(
        Reply("Hello, thanks for contacting us.", &["how long do refunds usually take"], None, false),
        &["unanswered_question"],
        &[],
    ),
    // ---- listening: restatement of long or emotional messages ----
    case(Reply("Le invio un nuovo pacco entro domani.", &[ANGRY_IT], None, false), &["no_restatement"], &[]),
    case(
        Reply(
            "Se ho capito bene, il pacco non è ancora arrivato dopo tre messaggi: le invio un nuovo pacco entro domani.",
            &[ANGRY_IT],
            None,
            false,
        ),
        &["good_restatement"],
        &["no_restatement"],
    ),
    case(Reply("I'll send a new parcel tomorrow.", &[ANGRY_EN], None, false), &["no_restatement"], &[]),
    case(
        Reply(
            "I understand that your parcel still hasn't arrived after three messages; I'll send a new one tomorrow.",
            &[ANGRY_EN],
            None,
            false,
        ),
        &["good_restatement"],
        &["no_restatement"],
    ),
    case(
        Reply("The parcel ships today.", &["Hi, quick question about shipping."], None, false),
        &[],
        &["no_restatement"],
    ),
    // ---- listening: already tried ----
    case(
        Reply("Provi a riavviare il telefono, di solito risolve.", &[TRIED_IT], None, false),
        &["already_tried=riavviare il telefono"],
        &[],
    ),
    case(
        Reply(
            "Visto che ha già provato a riavviare, le chiedo la versione dell'app: la controllo io.",
            &[TRIED_IT],
            None,
            false,
        ),
        &[],
        &["already_tried"],
    ),
    case(
        Reply("Please try restarting the phone.", &[TRIED_EN], None, false),
        &["already_tried=restarting the phone"],
        &[],
    ),
    case(
        Reply(
            "Since you've already tried restarting and reinstalling, could you tell me which phone model you use?",
            &[TRIED_EN],
            None,
            false,
        ),
        &["good_question"],
        &["already_tried"],
    ),
    case(Reply("Try clearing the cache in Settings.", &[TRIED_EN], None, false), &[], &["already_tried"]),
    // ---- listening: vague request ----
    case(
        Reply("Mi dispiace, lo sistemiamo.", &["Non funziona niente"], None, false),
        &["vague_no_question"],
        &[],
    ),
    case(
        Reply(
            "Mi dispiace! Che cosa non funziona esattamente, e quale messaggio vede?",
            &["Non funziona niente"],
            None,
            false,
        ),
        &["good_question"],
        &["vague_no_question"],
    ),
    case(
        Reply("Sorry about that, we'll fix it.", &["it doesn't work"], None, false),
        &["vague_no_question"],
        &[],
    ),
    case(
        Reply("Sorry about that! What exactly happens when you try?", &["it doesn't work"], None, false),
        &[],
        &["vague_no_question"],
    ),
    case(
        Reply("I've refunded order 12345.", &["Order 12345 doesn't work"], None, false),
        &[],
        &["vague_no_question"],
    ),
    // ---- empathy ----
    case(Reply("Il pacco arriverà domani.", &[SAD_IT], None, false), &["no_empathy"], &["good_empathy"]),
    case(
        Reply(
            "Mi dispiace davvero che il regalo sia arrivato rotto: le spedisco subito un sostituto, arriverà domani.",
            &[SAD_IT],
            None,
            false,
        ),
        &["good_empathy"],
        &["no_empathy"],
    ),
    case(Reply("The parcel will arrive tomorrow.", &[SAD_EN], None, false), &["no_empathy"], &[]),
    case(
        Reply(
            "I'm so sorry the present arrived broken. I'm sending a replacement today; it will arrive tomorrow.",
            &[SAD_EN],
            None,
            false,
        ),
        &["good_empathy"],
        &["no_empathy"],
    ),
    case(
        Reply("Ci scusiamo per il disagio. Il pacco arriverà domani.", &[SAD_IT], None, false),
        &["formulaic_apology=Ci scusiamo per il disagio"],
        &["no_empathy"],
    ),
    case(
        Reply(
            "We apologize for the inconvenience. The parcel will arrive tomorrow.",
            &[ANGRY_EN],
            None,
            false,
        ),
        &["formulaic_apology=We apologize for the inconvenience"],
        &[],
    ),
    case(
        Reply("Sure, the parcel ships tomorrow.", &["Hi, when does my parcel ship? Thanks!"], None, false),
        &[],
        &["no_empathy", "formulaic_apology"],
    ),
    case(
        Reply(
            "I can only imagine how stressful this is with the deadline tomorrow; I'll ship it express today.",
            &["I need this by tomorrow for my exam"],
            None,
            false,
        ),
        &["good_reflection"],
        &["no_empathy"],
    ),
    case(
        Reply("It ships today.", &["I need this by tomorrow for my exam"], None, false),
        &["no_empathy"],
        &[],
    ),
    case(
        Reply(
            "Non si preoccupi, non è colpa sua: ci pensiamo noi.",
            &["Ho sbagliato io a scrivere l'indirizzo?"],
            None,
            false,
        ),
        &["good_reassurance"],
        &["blame"],
    ),
    case(
        Reply(
            "It's not your fault, and we'll sort it out today.",
            &["Did I do something wrong?"],
            None,
            false,
        ),
        &["good_reassurance"],
        &["blame"],
    ),
    // ---- clarity ----
    case(
        Reply("Con la presente si comunica che la sua richiesta è stata presa in carico.", &[], None, false),
        &["bureaucratic=Con la presente", "bureaucratic=si comunica che"],
        &[],
    ),
    case(
        Reply("Ho preso in carico la sua richiesta e le scrivo entro oggi.", &[], None, false),
        &[],
        &["bureaucratic"],
    ),
    case(
        Reply(
            "Please be advised that pursuant to our terms your request has been escalated.",
            &[],
            None,
            false,
        ),
        &["bureaucratic=Please be advised", "bureaucratic=pursuant to"],
        &[],
    ),
    case(
        Reply("I've passed your request to our billing team and will write back today.", &[], None, false),
        &[],
        &["bureaucratic"],
    ),
    case(
        Reply("In order to process the refund, we need the order number.", &[], None, false),
        &["wordy=In order to"],
        &[],
    ),
    case(Reply("We need the order number to process the refund.", &[], None, false), &[], &["wordy"]),
    case(
        Reply(
            "La informiamo che, in considerazione del fatto che la documentazione pervenuta risulta incompleta e non conforme ai requisiti previsti dal regolamento vigente in materia di resi e rimborsi per gli acquisti effettuati tramite il nostro portale, non risulta possibile procedere all'espletamento della pratica nei tempi originariamente previsti dalla normativa.",
            &[],
            None,
            false,
        ),
        &["long_sentence", "hard_to_read"],
        &[],
    ),
    case(
        Reply("Il pacco è partito oggi. Arriva domani.", &[], None, false),
        &[],
        &["long_sentence", "hard_to_read"],
    ),
    case(
        Reply(
            "Notwithstanding the aforementioned considerations regarding the applicability of the contractual provisions governing reimbursement eligibility, the organization's administrative determination necessitates additional documentation verification procedures prior to authorization.",
            &[],
            None,
            false,
        ),
        &["hard_to_read", "bureaucratic=aforementioned"],
        &[],
    ),
    case(
        Reply("Your parcel left today. It will be with you tomorrow.", &[], None, false),
        &[],
        &["hard_to_read", "long_sentence"],
    ),
    // ---- ownership ----
    case(
        Reply("Devo chiedere al mio responsabile.", &[], None, false),
        &["deflection=Devo chiedere al mio responsabile"],
        &[],
    ),
    case(
        Reply("Purtroppo non dipende da noi, deve chiamare il corriere.", &[], None, false),
        &["deflection=non dipende da noi"],
        &[],
    ),
    case(
        Reply("That's not our fault, the courier lost it.", &[], None, false),
        &["deflection=That's not our fault"],
        &[],
    ),
    case(
        Reply("I'll have to ask my manager.", &[], None, false),
        &["deflection=I'll have to ask my manager"],
        &[],
    ),
    case(
        Reply("Verifico io con il magazzino e le scrivo entro oggi.", &[], None, false),
        &["good_commitment"],
        &["deflection", "blame"],
    ),
    case(
        Reply("I'll check with the warehouse myself and write back today.", &[], None, false),
        &["good_commitment"],
        &["deflection", "blame"],
    ),
    case(Reply("Non è colpa sua: il sistema ha sbagliato l'indirizzo.", &[], None, false), &[], &["blame"]),
    case(
        Reply("È colpa sua, doveva leggere le condizioni.", &[], None, false),
        &["blame=colpa sua", "blame=doveva leggere"],
        &[],
    ),
    case(Reply("It's your fault for not reading the terms.", &[], None, false), &["blame=your fault"], &[]),
    case(Reply("It is not your fault at all.", &[], None, false), &[], &["blame"]),
    case(Reply("You should have received a confirmation email.", &[], None, false), &[], &["blame"]),
    case(
        Reply(
            "La spedizione viene gestita dal magazzino centrale e poi consegnata dal corriere nazionale secondo le tempistiche standard previste.",
            &[],
            None,
            false,
        ),
        &["no_commitment"],
        &[],
    ),
    // ---- why ----
    case(
        Reply("Non possiamo rimborsare l'ordine.", &[], None, false),
        &["refusal_without_reason=Non possiamo"],
        &[],
    ),
    case(
        Reply(
            "Non possiamo rimborsare l'ordine perché il prodotto è stato personalizzato per lei.",
            &[],
            None,
            false,
        ),
        &[],
        &["refusal_without_reason"],
    ),
    case(Reply("We can't refund this order.", &[], None, false), &["refusal_without_reason"], &[]),
    case(
        Reply("We can't refund this order because the item was engraved for you.", &[], None, false),
        &[],
        &["refusal_without_reason"],
    ),
    case(
        Reply("Non è possibile, la direzione ha deciso così.", &[], None, false),
        &["non_reason=la direzione ha deciso"],
        &["refusal_without_reason"],
    ),
    case(
        Reply("Management decided that returns are no longer accepted.", &[], None, false),
        &["non_reason=Management decided"],
        &[],
    ),
    case(Reply("It's company policy.", &[], None, false), &["non_reason"], &[]),
    case(
        Reply(
            "We changed the returns window to 14 days since most returns came after the sales ended.",
            &[],
            None,
            false,
        ),
        &[],
        &["refusal_without_reason", "non_reason"],
    ),
    // ---- next steps ----
    case(
        Reply(
            "Abbiamo ricevuto il suo messaggio e lo abbiamo letto con attenzione, grazie per averci scritto.",
            &[],
            None,
            false,
        ),
        &["no_next_step"],
        &[],
    ),
    case(
        Reply(
            "Le invio l'etichetta di reso entro oggi: la stampi e consegni il pacco in un punto di ritiro.",
            &[],
            None,
            false,
        ),
        &["good_next_step"],
        &["no_next_step", "no_timing"],
    ),
    case(
        Reply(
            "We have received your message and read it carefully, thank you for writing to us.",
            &[],
            None,
            false,
        ),
        &["no_next_step"],
        &[],
    ),
    case(
        Reply(
            "I'll send you the return label today; the refund will reach you within 5 business days.",
            &[],
            None,
            false,
        ),
        &["good_next_step"],
        &["no_next_step", "no_timing"],
    ),
    case(
        Reply("Il rimborso verrà effettuato.", &["Quando mi rimborsate?"], None, false),
        &["no_timing"],
        &[],
    ),
    case(
        Reply("The refund will be processed.", &["When do I get my refund?"], None, false),
        &["no_timing"],
        &[],
    ),
    case(
        Reply("The refund will be processed as soon as possible.", &[], None, false),
        &["no_timing", "vague_timing=as soon as possible"],
        &[],
    ),
    case(
        Reply("The refund will be processed by Friday.", &[], None, false),
        &[],
        &["no_timing", "vague_timing"],
    ),
    case(
        Reply("Il reso sarà gestito al più presto.", &[], None, false),
        &["vague_timing=al più presto"],
        &[],
    ),
    case(Reply("Il reso sarà gestito entro venerdì.", &[], None, false), &[], &["vague_timing", "no_timing"]),
    // ---- positivity ----
    case(
        Reply("Non possiamo cambiare la data perché il corriere è già partito.", &[], None, false),
        &["only_negative=Non possiamo"],
        &[],
    ),
    case(
        Reply(
            "Non possiamo cambiare la data perché il corriere è già partito, ma posso farle consegnare il pacco in un punto di ritiro vicino a lei.",
            &[],
            None,
            false,
        ),
        &[],
        &["only_negative"],
    ),
    case(
        Reply("We can't change the date because the courier has left.", &[], None, false),
        &["only_negative"],
        &[],
    ),
    case(
        Reply(
            "We can't change the date because the courier has left, but I can redirect the parcel to a pickup point near you.",
            &[],
            None,
            false,
        ),
        &[],
        &["only_negative"],
    ),
    case(Reply("Whatever, it is what it is.", &[], None, false), &["apathy=Whatever"], &[]),
    case(
        Reply("I don't know yet, but I'll find out and write back by noon.", &[], None, false),
        &[],
        &["apathy"],
    ),
    case(Reply("Boh, non saprei.", &[], None, false), &["apathy=Boh"], &[]),
    case(
        Reply("Non lo so ancora, ma verifico io e le scrivo entro mezzogiorno.", &[], None, false),
        &[],
        &["apathy"],
    ),
    // ---- calm ----
    case(
        Reply("NON POSSIAMO FARE NIENTE.", &[], None, false),
        &["shouting_caps=NON POSSIAMO FARE NIENTE"],
        &[],
    ),
    case(
        Reply("I have ALREADY TOLD YOU this.", &[], None, false),
        &["shouting_caps=ALREADY TOLD YOU", "already_said"],
        &[],
    ),
    case(Reply("Il PDF con l'IVA è allegato.", &[], None, false), &[], &["shouting_caps"]),
    case(Reply("The PDF from DHL is attached.", &[], None, false), &[], &["shouting_caps"]),
    case(Reply("Ok!!! Fatto.", &[], None, false), &["exclamations=!!!"], &[]),
    case(Reply("Done! It ships today.", &[], None, false), &[], &["exclamations"]),
    case(
        Reply("Come le ho già detto, il pacco è partito.", &[], None, false),
        &["already_said=Come le ho già detto"],
        &[],
    ),
    case(
        Reply("As I already said, the parcel has shipped.", &[], None, false),
        &["already_said=As I already said"],
        &[],
    ),
    case(
        Reply("Il pacco è partito ieri, ecco il link per seguirlo.", &[], None, false),
        &[],
        &["already_said", "sarcasm"],
    ),
    case(
        Reply("Good luck with that, it's not rocket science.", &[], None, false),
        &["sarcasm=Good luck with that", "sarcasm=it's not rocket science"],
        &[],
    ),
    case(
        Reply("Basta leggere le istruzioni, non è così difficile.", &[], None, false),
        &["sarcasm=Basta leggere"],
        &[],
    ),
    // ---- personal ----
    case(Reply("Ciao {{name}}, il tuo ordine è partito.", &[], None, false), &["placeholder={{name}}"], &[]),
    case(
        Reply("Gentile [NOME], il rimborso è stato emesso.", &[], None, false),
        &["placeholder=[NOME]"],
        &[],
    ),
    case(
        Reply("Dear [CUSTOMER NAME], your refund was issued.", &[], None, false),
        &["placeholder=[CUSTOMER NAME]"],
        &[],
    ),
    case(
        Reply("Hi %first_name%, your order has shipped.", &[], None, false),
        &["placeholder=%first_name%"],
        &[],
    ),
    case(
        Reply("Ciao Giulia, il tuo ordine è partito.", &[], Some("Giulia Rossi"), false),
        &[],
        &["placeholder", "no_name"],
    ),
    case(Reply("Ciao, il tuo ordine è partito.", &[], Some("Giulia Rossi"), false), &["no_name"], &[]),
    case(Reply("Hi, your order has shipped.", &[], Some("John Smith"), false), &["no_name"], &[]),
    case(
        Reply("Hi John, your order has shipped (see [here] for details).", &[], Some("John Smith"), false),
        &[],
        &["no_name", "placeholder"],
    ),
    case(
        Reply("Grazie per averci contattato. Il suo ticket è stato registrato.", &[ANGRY_IT], None, true),
        &["canned_emotional"],
        &[],
    ),
    case(
        Reply(
            "Grazie per averci contattato. Il suo ticket è stato registrato.",
            &["Buongiorno, vorrei una fattura."],
            None,
            true,
        ),
        &[],
        &["canned_emotional"],
    ),
    case(
        Reply("Thank you for contacting us. Your ticket has been logged.", &[ANGRY_EN], None, true),
        &["canned_emotional"],
        &[],
    ),
    case(
        Reply("Thank you for contacting us. Your ticket has been logged.", &[ANGRY_EN], None, false),
        &[],
        &["canned_emotional"],
    ),
    // ---- persuasion ----
    case(
        Reply("Dal prossimo mese cambierà il modulo di reso.", &[], None, false),
        &["change_without_benefit"],
        &[],
    ),
    case(
        Reply(
            "Dal prossimo mese cambierà il modulo di reso, così potrà chiedere il rimborso in un minuto dal telefono.",
            &[],
            None,
            false,
        ),
        &[],
        &["change_without_benefit"],
    ),
    case(
        Reply("Starting next month we are moving to a new platform.", &[], None, false),
        &["change_without_benefit"],
        &[],
    ),
    case(
        Reply(
            "Starting next month we are moving to a new platform, so you can track every order in real time.",
            &[],
            None,
            false,
        ),
        &[],
        &["change_without_benefit"],
    ),
    case(
        Reply("From now on invoices will no longer be mailed.", &[], None, false),
        &["change_without_benefit", "refusal_without_reason"],
        &[],
    ),
    // ---- more of each skill ----
    case(
        Reply("Non è di mia competenza, scriva all'amministrazione.", &[], None, false),
        &["deflection=Non è di mia competenza"],
        &[],
    ),
    case(Reply("Not my department, sorry.", &[], None, false), &["deflection=Not my department"], &[]),
    case(
        Reply("Me ne occupo io: le scrivo entro le 17.", &[], None, false),
        &["good_commitment=Me ne occupo io"],
        &["deflection"],
    ),
    case(
        Reply(
            "Capisco quanto sia frustrante aspettare: le spedisco oggi stesso un nuovo pacco.",
            &[ANGRY_IT],
            None,
            false,
        ),
        &["good_reflection=Capisco quanto sia frustrante", "good_commitment=le spedisco"],
        &["no_empathy", "no_next_step"],
    ),
    case(
        Reply(
            "That must have been so frustrating. I'm sending a new parcel today.",
            &[ANGRY_EN],
            None,
            false,
        ),
        &["good_empathy"],
        &["no_empathy"],
    ),
    case(
        Reply("I understand how frustrating this is; I'll call you at 3 pm.", &[SAD_EN], None, false),
        &["good_empathy"],
        &["no_empathy"],
    ),
    case(Reply("Siamo spiacenti ma non è previsto.", &[], None, false), &["refusal_without_reason"], &[]),
    case(
        Reply("Unfortunately we are unable to ship abroad.", &[], None, false),
        &["refusal_without_reason", "only_negative"],
        &[],
    ),
    case(
        Reply(
            "Unfortunately we are unable to ship abroad because of customs rules, but I can suggest a partner store in your country.",
            &[],
            None,
            false,
        ),
        &[],
        &["refusal_without_reason", "only_negative"],
    ),
    case(Reply("Abbiamo aggiornato i prezzi.", &[], None, false), &["change_without_benefit"], &[]),
    case(
        Reply("We've updated our prices so we can keep free shipping on every order.", &[], None, false),
        &[],
        &["change_without_benefit"],
    ),
    case(Reply("PER FAVORE LEGGA LE ISTRUZIONI.", &[], None, false), &["shouting_caps"], &[]),
    case(Reply("PLEASE READ THE INSTRUCTIONS.", &[], None, false), &["shouting_caps"], &[]),
    case(Reply("Ciao <NOME>, grazie!", &[], None, false), &["placeholder=<NOME>"], &[]),
    case(Reply("Hi XXX, thanks!", &[], None, false), &["placeholder=XXX"], &[]),
    case(
        Reply("Gentile cliente, la presente per comunicarle che la pratica è chiusa.", &[], None, false),
        &["bureaucratic=Gentile cliente", "bureaucratic=la presente"],
        &[],
    ),
    case(
        Reply("Dear valued customer, kindly note that your ticket has been closed.", &[], None, false),
        &["bureaucratic=Dear valued customer", "bureaucratic=kindly note"],
        &[],
    ),
    case(
        Customer("Ho perso 200 euro per colpa vostra e nessuno risponde!"),
        &["urgency:money_lost", "urgency:repeated_contact"],
        &[],
    ),
    case(Customer("We paid for express shipping and it's still not here."), &["urgency:money_lost"], &[]),
    case(Customer("Grazie, tutto risolto! Siete fantastici."), &["thanks", "sentiment+", "joy"], &["anger"]),
    // ---- negations ----
    case(Reply("Non è colpa tua, davvero.", &[], None, false), &[], &["blame"]),
    case(
        Reply("This is not a problem at all, I'll fix it now.", &[], None, false),
        &[],
        &["deflection", "blame"],
    ),
    case(Reply("I'm not sorry that we changed it.", &[], None, false), &[], &["good_empathy"]),
    case(Reply("Non ci scusiamo.", &[ANGRY_IT], None, false), &["no_empathy"], &["formulaic_apology"]),
    case(Reply("There is nothing we can do.", &[], None, false), &["deflection=nothing we can do"], &[]),
    // ---- quoting the customer ----
    case(
        Reply(
            "Lei scrive «non dipende da noi?»: in realtà dipende da noi e me ne occupo io.",
            &[],
            None,
            false,
        ),
        &["good_commitment"],
        &[],
    ),
    case(
        Reply(
            "You wrote \"it's your fault\": I understand that, and I'll make it right today.",
            &[],
            None,
            false,
        ),
        &["good_commitment", "good_restatement"],
        &[],
    ),
    // ---- mixed languages ----
    case(
        Reply(
            "Ciao Marco, I'm so sorry: le invio subito il reso, arriverà entro domani.",
            &[SAD_IT],
            Some("Marco"),
            false,
        ),
        &["good_empathy"],
        &["no_empathy", "no_name"],
    ),
    case(
        Reply("Hello! Il pacco arriva domani, thanks for your patience.", &[], None, false),
        &[],
        &["no_timing"],
    ),
    case(Reply("Mi dispiace, but that's not our fault.", &[], None, false), &["deflection"], &[]),
    // ---- emoji ----
    case(
        Reply("Fatto! 😊 Il rimborso arriva entro 3 giorni.", &["Grazie mille 🙏"], None, false),
        &[],
        &["no_timing", "no_empathy"],
    ),
    case(
        Reply("Ok 👍", &["Sono arrabbiatissimo 😡😡 il pacco è rotto!!!"], None, false),
        &["no_empathy"],
        &[],
    ),
    case(Reply("🙂🙂🙂", &[], None, false), &[], &["empty_reply"]),
    // ---- empty and degenerate ----
    case(Reply("", &[], None, false), &["empty_reply"], &[]),
    case(Reply("   \n\t  ", &["Ciao?"], None, false), &["empty_reply"], &[]),
    case(Reply("...", &[], None, false), &["empty_reply"], &[]),
    case(Reply("Ok.", &[""], None, false), &[], &["no_next_step"]),
    case(Reply("Grazie!", &[], Some(""), false), &[], &["no_name"]),
    // ---- language detection ----
    case(Reply("Il suo ordine è partito ieri e arriva domani.", &[], None, false), &["lang:it"], &[]),
    case(Reply("Your order shipped yesterday and arrives tomorrow.", &[], None, false), &["lang:en"], &[]),
    case(Reply("Grazie!", &["Where is my order?"], None, false), &["lang:it"], &[]),
    // ---- customer: questions ----
    case(
        Customer("Quando arriva il mio ordine? Grazie."),
        &["question=Quando arriva il mio ordine?"],
        &["question=Grazie."],
    ),
    case(Customer("how do i see the withdrawal fees"), &["question=how do i see the withdrawal fees"], &[]),
    case(Customer("I want to know how long the refund takes."), &["question"], &[]),
    case(Customer("Vorrei sapere come cambiare indirizzo."), &["question"], &[]),
    case(Customer("Can't find my order."), &[], &["question"]),
    case(Customer("Il pacco è arrivato. Tutto bene."), &[], &["question"]),
    case(Customer("Is it possible to pay by bank transfer?"), &["question"], &[]),
    case(Customer("Posso pagare con bonifico?"), &["question"], &[]),
    // ---- customer: already tried ----
    case(Customer(TRIED_IT), &["tried=Ho già provato a riavviare il telefono"], &[]),
    case(Customer(TRIED_EN), &["tried=I already tried restarting the phone"], &[]),
    case(
        Customer("I've cleared the cache, but the page is still blank."),
        &["tried=I've cleared the cache"],
        &[],
    ),
    case(Customer("Non ho provato niente."), &[], &["tried"]),
    case(Customer("Non funziona, cosa devo fare?"), &["question"], &["tried"]),
    // ---- customer: abuse ----
    case(Customer("how can i check the fucking fees"), &["abuse=fucking"], &[]),
    case(Customer("I lost my damn invoice"), &["abuse=damn"], &[]),
    case(Customer("siete degli incompetenti del cazzo"), &["abuse"], &[]),
    case(Customer("Siete dei ladri, vergognatevi"), &["abuse=ladri", "anger"], &[]),
    case(Customer("Hello, I need help with my invoice."), &[], &["abuse"]),
    case(Customer("Ciao, mi serve aiuto con la fattura."), &[], &["abuse"]),
    case(Customer("Class of 2020, shell scripts and assessments."), &[], &["abuse"]),
    // ---- customer: thanks ----
    case(Customer("Grazie mille, siete stati gentilissimi!"), &["thanks", "joy", "sentiment+"], &["abuse"]),
    case(Customer("Thank you so much, great service!"), &["thanks", "joy", "sentiment+"], &[]),
    case(Customer("Thanks for nothing."), &[], &["thanks"]),
    case(Customer("Grazie per niente, davvero."), &[], &["thanks"]),
    // ---- customer: urgency ----
    case(
        Customer("Mi serve entro domani, è urgente!"),
        &["urgency:deadline", "urgency:urgent_word", "urgent"],
        &[],
    ),
    case(
        Customer("I need it by Friday, it's urgent."),
        &["urgency:deadline", "urgency:urgent_word", "urgent"],
        &[],
    ),
    case(Customer("È la terza volta che vi scrivo."), &["urgency:repeated_contact"], &[]),
    case(Customer("This is the third time I contact you."), &["urgency:repeated_contact"], &[]),
    case(Customer("Se non risolvete disdico l'abbonamento."), &["urgency:cancel_threat"], &[]),
    case(Customer("Fix this or I'll cancel my subscription."), &["urgency:cancel_threat"], &[]),
    case(Customer("Mi rivolgerò a un avvocato."), &["urgency:legal_threat", "urgent"], &[]),
    case(Customer("I will contact my lawyer."), &["urgency:legal_threat", "urgent"], &[]),
    case(Customer("Mi avete addebitato due volte l'importo."), &["urgency:money_lost"], &[]),
    case(Customer("You charged me twice."), &["urgency:money_lost"], &[]),
    case(Customer("Il sito è bloccato e non posso lavorare."), &["urgency:business_stopped", "urgent"], &[]),
    case(Customer("Our store is down and we're losing sales."), &["urgency:business_stopped", "urgent"], &[]),
    case(Customer("Non è urgente, quando potete."), &[], &["urgency:urgent_word", "urgent"]),
    case(Customer("No rush, it's not urgent."), &[], &["urgency:urgent_word", "urgent"]),
    case(Customer("Buongiorno, vorrei informazioni sui colori disponibili."), &[], &["urgent"]),
    // ---- customer: emotions and sentiment ----
    case(Customer(ANGRY_IT), &["anger", "sentiment-", "lang:it"], &["joy"]),
    case(Customer(ANGRY_EN), &["anger", "sentiment-", "lang:en"], &["joy"]),
    case(Customer(SAD_IT), &["sadness", "sentiment-"], &["joy"]),
    case(Customer(SAD_EN), &["sadness", "sentiment-"], &[]),
    case(Customer("Sono preoccupata, temo che il pacco sia andato perso."), &["fear"], &[]),
    case(Customer("I'm worried my data was leaked."), &["fear"], &[]),
    case(Customer("Bellissima canzone, la adoro! ❤️"), &["sentiment+", "joy"], &["anger"]),
    case(Customer("Che schifo, pessima canzone."), &["sentiment-"], &["joy"]),
    case(Customer("Non è bello."), &["sentiment-"], &["sentiment+"]),
    case(Customer("Not bad at all."), &["sentiment+"], &["sentiment-"]),
    case(Customer("Non è male, anzi."), &["sentiment+"], &[]),
    case(Customer("Il prodotto è bello ma la consegna è stata pessima."), &["sentiment-"], &[]),
    case(Customer("The delivery was slow but the product is excellent."), &["sentiment+"], &[]),
    case(Customer("Non sono arrabbiato, solo curioso."), &[], &["anger"]),
    case(Customer("I'm not angry, just curious."), &[], &["anger"]),
    case(Customer("SONO STUFO DI ASPETTARE!!!"), &["anger"], &[]),
    case(Customer("😡😡😡"), &["anger", "sentiment-"], &[]),
    case(Customer("🙂"), &["sentiment+"], &[]),
    case(Customer(""), &["sentiment0"], &["question", "anger", "urgent"]),
    case(Customer("Ordine 12345, codice ABC-999, email mario@example.com"), &["sentiment0"], &["abuse"]),
    // ---- questions without a question mark ----
    case(Reply("Have you talked to your family about this", &[], None, false), &["good_question"], &[]),
    case(Reply("What do you think would help right now", &[], None, false), &["good_question"], &[]),
    case(Reply("Come mai il pacco è tornato indietro", &[], None, false), &["good_question"], &[]),
    case(Reply("Sai se il corriere è già passato", &[], None, false), &["good_question"], &[]),
    case(Reply("Do the following steps and restart the app.", &[], None, false), &[], &["good_question"]),
    case(Reply("When you have a moment, restart the router", &[], None, false), &[], &["good_question"]),
    case(Reply("Come le ho scritto, il pacco è partito.", &[], None, false), &[], &["good_question"]),
    case(Customer("Posso cambiare l'indirizzo di consegna"), &["question"], &[]),
    case(Customer("Is the parcel lost"), &["question"], &[]),
    case(Customer("I can't find the invoice."), &[], &["question"]),
    // ---- reflection of feelings and emotional reactions ----
    case(
        Reply("It sounds like you're feeling really overwhelmed.", &[], None, false),
        &["good_reflection=It sounds like you're feeling"],
        &[],
    ),
    case(Reply("You must be exhausted after all this.", &[], None, false), &["good_reflection"], &[]),
    case(
        Reply("Sembra che tu sia molto stanco.", &[], None, false),
        &["good_reflection=Sembra che tu sia molto stanco"],
        &[],
    ),
    case(Reply("Oh no, sending hugs.", &[], None, false), &["good_empathy=Oh no"], &[]),
    case(Reply("Mi dispiace tanto, ti abbraccio.", &[], None, false), &["good_empathy"], &[]),
    case(Reply("You must be logged in to see the invoice.", &[], None, false), &[], &["good_empathy"]),
    case(Reply("Il modulo deve essere compilato online.", &[], None, false), &[], &["good_empathy"]),
    case(Reply("You don't seem to have an account yet.", &[], None, false), &[], &["good_empathy"]),
    // ---- affirmation and reassurance ----
    case(
        Reply("You're not alone, and you did the right thing.", &[], None, false),
        &["good_reassurance=You're not alone"],
        &[],
    ),
    case(Reply("Hai fatto bene a scriverci, ce la farai.", &[], None, false), &["good_reassurance"], &[]),
    case(Reply("I hope things get better soon.", &[], None, false), &["good_reassurance"], &["good_empathy"]),
    case(Reply("Non hai fatto bene a cancellare l'ordine.", &[], None, false), &[], &["good_reassurance"]),
    case(Reply("I don't think you're doing great.", &[], None, false), &[], &["good_reassurance"]),
    // ---- suggestions ----
    case(
        Reply("Maybe you could write down how you feel each day.", &[], None, false),
        &["good_suggestion=Maybe you could"],
        &[],
    ),
    case(Reply("Ti consiglio di parlarne con un medico.", &[], None, false), &["good_suggestion"], &[]),
    case(
        Reply("Have you considered a short walk", &[], None, false),
        &["good_suggestion", "good_question"],
        &[],
    ),
    case(Reply("Non ti consiglio di aspettare.", &[], None, false), &[], &["good_suggestion"]),
    case(Reply("I wouldn't recommend waiting.", &[], None, false), &[], &["good_suggestion"]),
    // ---- customer: emoticons, stretched words, everyday vocabulary ----
    case(Customer("Che noiaaa :("), &["sentiment-"], &["sentiment+"]),
    case(Customer("Bellissimooo :)"), &["sentiment+"], &["sentiment-"]),
    case(Customer(":-("), &["sentiment-"], &[]),
    case(Customer("Ahahah che bello"), &["sentiment+"], &[]),
    case(Customer("soooo good"), &["sentiment+"], &[]),
    case(Customer("Non mi piace per niente."), &["sentiment-"], &["sentiment+"]),
    case(Customer("Mi fa incazzare, vergognatevi!"), &["anger", "sentiment-"], &["joy"]),
    case(Customer("Non sono incavolato, solo curioso."), &[], &["anger"]),
    case(Customer("I hate this, shut up."), &["anger"], &[]),
    // ==== Revision of 2026-11-23 (second): each rule flagged and not flagged ====
    // ---- contractions typed without the apostrophe ----
    case(Reply("Dont worry, I will fix it today.", &[], None, false), &["good_reassurance=Dont worry"], &[]),
    case(Customer("I dont like it at all"), &["sentiment-"], &["sentiment+"]),
    case(Reply("Its battery lasts two days.", &[], None, false), &[], &["good_reassurance", "good_empathy"]),
    case(Reply("Thats great news, congratulations!", &[], None, false), &["good_reassurance"], &[]),
    // ---- a restatement that names a feeling reflects it ----
    case(
        Reply("It sounds like this loneliness is really getting to you.", &[], None, false),
        &["good_reflection=It sounds like this loneliness"],
        &[],
    ),
    case(
        Reply("It sounds like the parcel is still in Milan.", &[], None, false),
        &["good_restatement=It sounds like"],
        &["good_empathy"],
    ),
    case(
        Reply("Quindi tu sei preoccupata per la consegna.", &[], None, false),
        &["good_reflection=Quindi tu sei preoccupata"],
        &[],
    ),
    case(Reply("Quindi tu hai già il codice.", &[], None, false), &["good_restatement"], &["good_empathy"]),
    // ---- asking about a feeling is a question, not a reflection or a restatement ----
    case(
        Reply("Do you feel better today?", &[], None, false),
        &["good_question"],
        &["good_empathy", "good_restatement"],
    ),
    case(
        Reply("Why do you feel that way?", &[], None, false),
        &["good_question"],
        &["good_empathy", "good_restatement"],
    ),
    case(
        Reply("The problem is you feel ignored.", &[], None, false),
        &["good_reflection=you feel ignored"],
        &[],
    ),
    case(
        Reply("You will, you seem very determined.", &[], None, false),
        &["good_reassurance=you seem very determined"],
        &[],
    ),
    // ---- checking a restatement with the customer ----
    case(
        Reply("Your order arrived late and damaged, is that correct?", &[], None, false),
        &["good_restatement=Your order arrived late and damaged, is that correct?", "good_question"],
        &[],
    ),
    case(
        Reply("L'ordine è arrivato in ritardo, ho capito bene?", &[], None, false),
        &["good_restatement=ho capito bene"],
        &[],
    ),
    case(
        Reply("Is that colour available in size M?", &[], None, false),
        &["good_question"],
        &["good_restatement"],
    ),
    // ---- greeting and service-opening questions are open questions that clarify nothing ----
    case(Reply("Hi! How are you today?", &["it doesn't work"], None, false), &["vague_no_question"], &[]),
    case(
        Reply("How are you feeling about the move?", &["it doesn't work"], None, false),
        &["good_question"],
        &["vague_no_question"],
    ),
    case(
        Reply("Buongiorno, come posso aiutarla?", &["non funziona"], None, false),
        &["vague_no_question", "good_question"],
        &[],
    ),
    case(
        Reply("Buongiorno, da quando non funziona?", &["non funziona"], None, false),
        &["good_question"],
        &["vague_no_question"],
    ),
    case(
        Reply("Hello, how can I help you today?", &["doesn't work"], None, false),
        &["vague_no_question"],
        &[],
    ),
    case(
        Reply("How can I help you reset the router?", &["doesn't work"], None, false),
        &["good_question"],
        &["vague_no_question"],
    ),
    // ---- wishes in a closing turn are the farewell ritual ----
    case(Reply("You're welcome, good luck!", &[], None, false), &[], &["good_reassurance"]),
    case(Reply("Good luck with the exam tomorrow!", &[], None, false), &["good_reassurance=Good luck"], &[]),
    case(Reply("Di nulla, buona fortuna!", &[], None, false), &[], &["good_reassurance"]),
    case(Reply("In bocca al lupo per il colloquio!", &[], None, false), &["good_reassurance"], &[]),
    case(
        Reply("You're welcome! Don't worry, your refund is already on its way.", &[], None, false),
        &["good_reassurance=Don't worry"],
        &[],
    ),
    case(Reply("No problem, have a great day!", &[], None, false), &[], &["good_reassurance"]),
    // ---- an encouragement is not a suggestion ----
    case(Reply("You can do this.", &[], None, false), &["good_reassurance"], &["good_suggestion"]),
    case(Reply("You can get through this.", &[], None, false), &["good_reassurance"], &["good_suggestion"]),
    case(
        Reply("You can reset the password from the login page.", &[], None, false),
        &["good_suggestion=You can"],
        &["good_reassurance"],
    ),
    // ---- inside a question, only a suggestion that opens it proposes ----
    case(
        Reply("Do you have someone you can talk to?", &[], None, false),
        &["good_question", "good_suggestion=someone you can talk"],
        &[],
    ),
    case(
        Reply("Have you considered talking to your manager?", &[], None, false),
        &["good_suggestion=Have you considered", "good_question"],
        &[],
    ),
    case(Reply("Could you meet them outside?", &[], None, false), &["good_suggestion=Could you meet"], &[]),
    case(
        Reply("Could you send me the order number?", &[], None, false),
        &["good_question"],
        &["good_suggestion"],
    ),
    case(Reply("Can you tell me more about it?", &[], None, false), &["good_question"], &["good_suggestion"]),
    case(Reply("Maybe a short walk after dinner?", &[], None, false), &["good_suggestion=Maybe"], &[]),
    case(Reply("Hai provato a riavviare il modem?", &[], None, false), &["good_suggestion"], &[]),
    case(Reply("Have you spoken to your doctor?", &[], None, false), &["good_suggestion"], &[]),
    case(Reply("Would you be willing to try again?", &[], None, false), &["good_suggestion"], &[]),
    case(
        Reply("I suggest you restart it. Did it work?", &[], None, false),
        &["good_suggestion=I suggest"],
        &[],
    ),
    // ---- affirmation, normalising, optimism ----
    case(Reply("Keep your head up.", &[], None, false), &["good_reassurance"], &[]),
    case(Reply("That's really great!", &[], None, false), &["good_reassurance"], &[]),
    case(Reply("That's not great, I know.", &[], None, false), &[], &["good_reassurance"]),
    case(Reply("It's very common to feel this way.", &[], None, false), &["good_reassurance"], &[]),
    case(Reply("That model is not common here.", &[], None, false), &[], &["good_reassurance"]),
    case(Reply("È molto comune sentirsi così.", &[], None, false), &["good_reassurance"], &[]),
    case(Reply("You will be charged a small fee.", &[], None, false), &[], &["good_reassurance"]),
    case(Reply("You'll be fine, I promise.", &[], None, false), &["good_reassurance"], &[]),
    case(Reply("It is hard for many people right now.", &[], None, false), &["good_reassurance"], &[]),
    case(Reply("There's nothing to worry about.", &[], None, false), &["good_reassurance"], &[]),
    case(Reply("Non c'è da preoccuparsi, si sistemerà.", &[], None, false), &["good_reassurance"], &[]),
    case(Reply("It should be positive on the display.", &[], None, false), &[], &["good_reassurance"]),
    // ---- emotional reactions: solidarity, availability, a named difficulty ----
    case(
        Reply("I feel you, same here.", &[], None, false),
        &["good_empathy=I feel you", "good_relating"],
        &[],
    ),
    case(Reply("I'm listening.", &[], None, false), &["good_empathy"], &[]),
    case(
        Reply("That can be incredibly hard.", &[], None, false),
        &["good_reflection=can be incredibly hard"],
        &[],
    ),
    case(
        Reply("I would be furious too.", &[], None, false),
        &["good_reflection=I would be furious too"],
        &[],
    ),
    case(Reply("I would be happy to help.", &[], None, false), &[], &["good_empathy"]),
    case(Reply("Può essere davvero difficile, lo so.", &[], None, false), &["good_reflection"], &[]),
    // ---- supportive moves told apart: reflection, validation, sympathy, relating (third revision) ----
    case(
        Reply("You sound emotionally exhausted.", &[], None, false),
        &["good_reflection=You sound emotionally exhausted"],
        &[],
    ),
    case(
        Reply("If you feel sad, call us any time.", &[], None, false),
        &[],
        &["good_reflection", "good_restatement"],
    ),
    case(
        Reply("Tell me how you feel about the new plan.", &[], None, false),
        &[],
        &["good_reflection", "good_restatement"],
    ),
    case(Reply("I can tell you're worried about the deadline.", &[], None, false), &["good_reflection"], &[]),
    case(Reply("This must be incredibly stressful for you.", &[], None, false), &["good_reflection"], &[]),
    case(Reply("Are you feeling better today?", &[], None, false), &["good_question"], &["good_reflection"]),
    case(
        Reply("Ti senti frustrato, ed è comprensibile.", &[], None, false),
        &["good_reflection", "good_validation"],
        &[],
    ),
    case(Reply("Immagino quanto tu sia preoccupata.", &[], None, false), &["good_reflection"], &[]),
    case(
        Reply("It's completely normal to feel nervous before a big day.", &[], None, false),
        &["good_validation"],
        &[],
    ),
    case(Reply("It's fine to send the form by Friday.", &[], None, false), &[], &["good_validation"]),
    case(Reply("Anyone would be upset after waiting a week.", &[], None, false), &["good_validation"], &[]),
    case(Reply("È del tutto comprensibile che sia arrabbiato.", &[], None, false), &["good_validation"], &[]),
    case(Reply("I feel you.", &[], None, false), &["good_empathy=I feel you"], &[]),
    case(Reply("That is so unfair.", &[], None, false), &["good_empathy"], &[]),
    case(Reply("It's hard to say which courier is faster.", &[], None, false), &[], &["good_empathy"]),
    case(Reply("We'll listen, whenever you want to talk.", &[], None, false), &["good_empathy"], &[]),
    case(Reply("Please don't give up, we are here.", &[], None, false), &["good_empathy"], &[]),
    case(Reply("Please don't hesitate to contact us.", &[], None, false), &[], &["good_empathy"]),
    case(Reply("It breaks my heart to read this.", &[], None, false), &["good_empathy"], &[]),
    case(
        Reply("I lost my job last year too, so I know a bit of how this feels.", &[], None, false),
        &["good_relating"],
        &[],
    ),
    case(
        Reply("I have also checked your order: it left this morning.", &[], None, false),
        &[],
        &["good_relating"],
    ),
    case(
        Reply("I called the courier and they will deliver tomorrow.", &[], None, false),
        &[],
        &["good_relating"],
    ),
    case(Reply("Anche a me è successo qualcosa di simile.", &[], None, false), &["good_relating"], &[]),
    // ---- affirmation, optimism and wishes as frames ----
    case(Reply("You are not a burden.", &[], None, false), &["good_reassurance=You are not a burden"], &[]),
    case(Reply("You are responsible for the return shipping.", &[], None, false), &[], &["good_reassurance"]),
    case(Reply("That's very brave of you.", &[], None, false), &["good_reassurance"], &[]),
    case(Reply("I'm sure you already know this.", &[], None, false), &[], &["good_reassurance"]),
    case(Reply("I'm sure things will work out.", &[], None, false), &["good_reassurance"], &[]),
    case(Reply("There is a chance the parcel is lost.", &[], None, false), &[], &["good_reassurance"]),
    case(Reply("Non sei pazzo a chiederlo.", &[], None, false), &["good_reassurance"], &[]),
    case(Reply("I wish I had a great job.", &[], None, false), &[], &["good_reassurance"]),
    case(Reply("Oh, great job!", &[], None, false), &["good_reassurance=great job"], &[]),
    case(Reply("Take care!", &[], None, false), &["good_reassurance=Take care"], &[]),
    case(
        Reply("Take care of the paperwork first, then call us.", &[], None, false),
        &[],
        &["good_reassurance"],
    ),
    case(Reply("Thinking of you and your family.", &[], None, false), &["good_reassurance"], &[]),
    case(Reply("At least you're safe now.", &[], None, false), &["good_reassurance=At least you"], &[]),
    case(Reply("You can pay in at least three ways.", &[], None, false), &[], &["good_reassurance"]),
    case(Reply("Per fortuna il pacco è assicurato.", &[], None, false), &["good_reassurance"], &[]),
    // ---- suggestions: imperatives, "I'd …", proposing questions ----
    case(Reply("Talk to her about how you feel.", &[], None, false), &["good_suggestion=Talk to"], &[]),
    case(Reply("Change is hard.", &[], None, false), &[], &["good_suggestion"]),
    case(Reply("Tell me more about what happened.", &[], None, false), &[], &["good_suggestion"]),
    case(Reply("Be kind to yourself this week.", &[], None, false), &["good_suggestion"], &[]),
    case(Reply("I'd reach out to your bank first.", &[], None, false), &["good_suggestion"], &[]),
    case(Reply("I'd like to know more.", &[], None, false), &[], &["good_suggestion"]),
    case(Reply("You really should give it a try.", &[], None, false), &["good_suggestion"], &[]),
    case(Reply("Keep track of what you eat this week.", &[], None, false), &["good_suggestion"], &[]),
    case(
        Reply("Walking is a great way to clear your head.", &[], None, false),
        &["good_suggestion"],
        &["good_reassurance"],
    ),
    case(
        Reply("Is there someone you could talk to?", &[], None, false),
        &["good_question", "good_suggestion"],
        &[],
    ),
    case(
        Reply("Is there anything else you need?", &[], None, false),
        &["good_question"],
        &["good_suggestion"],
    ),
    case(Reply("Have you asked him about it?", &[], None, false), &["good_question", "good_suggestion"], &[]),
    // ---- declarative questions restate ----
    case(
        Reply("So you didn't have time to study?", &[], None, false),
        &["good_restatement", "good_question"],
        &[],
    ),
    case(Reply("Do you have time to study?", &[], None, false), &["good_question"], &["good_restatement"]),
    case(Reply("Il pacco è arrivato?", &[], None, false), &["good_question"], &["good_restatement"]),
    case(Reply("Deve essere stato davvero difficile per lei.", &[], None, false), &["good_reflection"], &[]),
    case(Reply("Il corriere deve essere passato ieri.", &[], None, false), &[], &["good_reflection"]),
    case(
        Reply("Ci invii una foto del pacco danneggiato.", &[], None, false),
        &["good_suggestion=Ci invii"],
        &[],
    ),
    case(Reply("Prova a riavviare il modem.", &[], None, false), &["good_suggestion"], &[]),
    case(Reply("Mi dica il numero dell'ordine.", &[], None, false), &[], &["good_suggestion"]),
    case(Reply("hi how are you", &[], None, false), &["good_question"], &[]),
    case(Reply("well what else do you enjoy", &[], None, false), &["good_question"], &[]),
    case(Reply("What a day it has been.", &[], None, false), &[], &["good_question"]),
    case(Reply("ok have a good day stay safe", &[], None, false), &[], &["good_question"]),
    case(
        Reply("Is there something that happened to make you feel this way?", &[], None, false),
        &["good_question"],
        &["good_restatement", "good_reflection"],
    ),
    // ---- customer: gratitude, complaints, threats and exasperation ----
    case(Customer("Grazie mille, gentilissimi"), &["sentiment+", "thanks"], &["sentiment-"]),
    case(Customer("Grazie per niente."), &[], &["sentiment+", "thanks"]),
    case(Customer("Sto aspettando da settimane e nessuna risposta."), &["sentiment-"], &["sentiment+"]),
    case(Customer("Non riesco ad accedere al mio account"), &["sentiment-"], &[]),
    case(Customer("I still haven't received my order"), &["sentiment-"], &[]),
    case(Customer("The new app works great, thank you!"), &["sentiment+"], &["sentiment-"]),
    case(
        Customer("Se non risolvete entro domani disdico l'abbonamento."),
        &["anger", "urgency:cancel_threat"],
        &[],
    ),
    case(Customer("Non voglio disdire, il servizio mi piace."), &[], &["anger"]),
    case(Customer("Ma stiamo scherzando?? Il pacco è sparito"), &["anger", "sentiment-"], &[]),
    case(Customer("Numero uno, davvero!"), &["sentiment+"], &[]),
    case(Customer("Siete i migliori"), &["sentiment+"], &[]),
    // ---- customer: negation scope, idioms, tears, concession (third revision) ----
    case(Customer("Non solo è bella, ma anche utile."), &["sentiment+"], &["sentiment-"]),
    case(Customer("Mai sentita una voce così bella."), &["sentiment+"], &["sentiment-"]),
    case(Customer("Non è giusto siete pessimi"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Voglio la pasta fresca e non quella robaccia"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Nn mi piace"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Mica è buona questa pizza"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Uno spot privo di buon gusto"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Senza di voi non ce la farei ❤️"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Non so...bellissima"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Ha vinto e basta."), &["sentiment+"], &["anger", "sentiment-"]),
    case(Customer("Basta! Non ne posso più"), &["anger", "sentiment-"], &[]),
    case(Customer("Alla fine è arrivato."), &[], &["sentiment+"]),
    case(Customer("That's fine."), &["sentiment+"], &[]),
    case(Customer("L'unica cosa bella è la sigla"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Che meraviglia, ho pianto"), &["sentiment+"], &["sentiment-", "sadness"]),
    case(Customer("Ho pianto tutta la notte"), &["sentiment-", "sadness"], &["sentiment+"]),
    case(Customer("Piango dal ridere"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Mi avete fatto piangere, grazie"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Sono dispiaciuta. Siete fantastici!"), &["sentiment+"], &["sentiment-"]),
    case(
        Customer("Anche se la consegna è stata lenta, il prodotto è ottimo"),
        &["sentiment+"],
        &["sentiment-"],
    ),
    case(Customer("Although the delivery was late, the product is great"), &["sentiment+"], &[]),
    case(Customer("È buono, anche se un po' lento"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Bello. Che squallore!"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Ho speso dieci euro, ottimo acquisto"), &["sentiment+", "urgency:money_lost"], &[]),
    case(Customer("Grazie a chi?"), &["sentiment-"], &["thanks", "sentiment+"]),
    case(Customer("No thanks, I'm fine."), &[], &["sentiment-", "thanks"]),
    // ---- customer: narrowed stems (third revision) ----
    case(Customer("Mi piacerebbe sapere quando arriva"), &[], &["sentiment+"]),
    case(Customer("Cosa è successo al mio ordine?"), &[], &["sentiment+"]),
    case(Customer("Ho inviato una raccomandata"), &[], &["sentiment-", "anger"]),
    case(Customer("Un piatto di pasta al sugo"), &[], &["sentiment-"]),
    case(Customer("Caro servizio clienti, vi scrivo per l'ordine"), &[], &["sentiment-"]),
    case(Customer("Vi consiglio di controllare l'ordine"), &[], &["sentiment+"]),
    case(Customer("Ho solo una domanda"), &[], &["sentiment-", "sadness"]),
    case(Customer("I miei genitori hanno ordinato"), &[], &["sentiment+"]),
    case(Customer("Il miglior pezzo di Sanremo"), &["sentiment+"], &["abuse", "anger"]),
    case(Customer("Andate a vedere il video"), &[], &["abuse"]),
    case(Customer("Pubblicità nuova in tv"), &[], &["sentiment-"]),
    case(Customer("Mai visto prima"), &[], &["sentiment-"]),
    case(Customer("Questa pasta la tengo sempre in dispensa, ma è tenera"), &["sentiment+"], &[]),
    // ---- customer: praise, disapproval and anger vocabulary (third revision) ----
    case(Customer("Buonissima questa pasta!"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Una canzone senza tempo."), &["sentiment+"], &["sentiment-"]),
    case(Customer("Questo pezzo è una bomba"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Niente male davvero"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Spot di cattivo gusto"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Che paraculi"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Sì, come no."), &["sentiment-"], &["sentiment+"]),
    case(Customer("Non lo sopporto più"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Introvabile da settimane"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Neanche se me lo regalano"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Avreste dovuto avvisarmi"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Mi sono incazzato di brutto"), &["anger", "sentiment-"], &[]),
    case(Customer("Fate schifo!"), &["anger", "sentiment-"], &[]),
    case(Customer("Che schifo questo tempo"), &["sentiment-"], &["anger"]),
    case(Customer("Infastidita dal vostro comportamento"), &["anger", "sentiment-"], &[]),
    case(Customer("Bugiardi!"), &["anger", "sentiment-"], &[]),
    // ---- customer: concord, scare quotes, thanks formulas, raised voice (third revision) ----
    case(Customer("Non ho avuto nessuna risposta"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Non lo comprerò mai più"), &["anger", "sentiment-"], &["sentiment+"]),
    case(Customer("Un servizio davvero \"eccellente\""), &["sentiment-"], &["sentiment+"]),
    case(Customer("Ho visto \"La vita è bella\", stupendo"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Quando arriva il mio ordine? Grazie"), &["thanks"], &["sentiment+", "joy"]),
    case(Customer("Fatemi sapere, grazie in anticipo"), &["thanks"], &["sentiment+"]),
    case(Customer("Grazie per la pazienza! Quando arriva?"), &["thanks", "sentiment+"], &[]),
    case(Customer("Mi date una stima dei tempi?"), &[], &["sentiment+"]),
    case(Customer("Tanta stima per voi"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Non è possibile pagare con la carta"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Che bel video"), &["sentiment+"], &["sentiment-"]),
    case(Customer("La mia canzone preferita"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Questa è arte"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Non è degno di voi"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Da ore non mi risponde nessuno!!!"), &["anger", "sentiment-"], &[]),
    case(Customer("Il pacco è rotto?!"), &["anger"], &[]),
    case(Customer("Bellissimo!!!"), &["sentiment+"], &["anger"]),
    case(Customer("Quando arriva??"), &[], &["anger"]),
    case(Customer("A causa del maltempo il pacco è in ritardo"), &[], &["urgency:legal_threat", "anger"]),
    case(Customer("Vi faccio causa"), &["urgency:legal_threat"], &[]),
    case(Customer("Non capisco perché sia così lento"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Not so good"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Non riesco a smettere di ascoltarla"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Non posso non amarla"), &["sentiment+"], &["sentiment-"]),
    case(Customer("A cosa serve questo aggiornamento?"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Non serve a niente"), &["sentiment-"], &["sentiment+"]),
    case(Customer("È buono? Mah."), &["sentiment-"], &["sentiment+"]),
    case(Customer("Bello. BRUTTO."), &["sentiment-"], &["sentiment+"]),
    case(Customer("Quando arriva??"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Ma come si fa a lasciare i clienti così"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Come si fa a cambiare la password?"), &[], &["sentiment-"]),
    case(Customer("Rivoglio i miei soldi"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Avete appena perso un cliente"), &["urgency:cancel_threat", "sentiment-"], &[]),
    case(Customer("Uno spot sessista"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Sono disperata, nessuno mi aiuta"), &["sentiment-", "sadness"], &["sentiment+"]),
    case(Customer("Andate a fare in culo"), &["abuse", "anger", "sentiment-"], &[]),
    case(Customer("Nn si può ordinare online"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Nn è bello"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Ke schifo"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Una canzone toccante e coinvolgente"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Evvai!"), &["sentiment+"], &["sentiment-"]),
    case(Customer("🤍🫶"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Che scempio"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Pfff, pretenzioso e superficiale"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Il pannello solare è arrivato"), &[], &["sentiment+"]),
    case(Customer("I would like to return this"), &[], &["sentiment+"]),
    case(Customer("I like this one"), &["sentiment+"], &[]),
    case(Customer("This is not what I ordered"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Mi mancate tanto"), &["sentiment+"], &["sentiment-"]),
    // ---- customer: accents typed as apostrophes, words typed without them (fourth revision) ----
    case(Customer("Non ne posso piu"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Non ne posso piu'"), &["sentiment-"], &["sentiment+"]),
    case(Customer("É arte"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Non lo comprerò mai piu"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Un po' di pazienza"), &[], &["sentiment-"]),
    // The clitic "ne" negates nothing ("né" does).
    case(Customer("Ne sono felicissima"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Non è né bello né utile"), &["sentiment-"], &["sentiment+"]),
    // ---- customer: evaluative vocabulary by semantic field (fourth revision) ----
    // Aesthetics and quality.
    case(Customer("Un video stratosferico"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Questa canzone è una chicca"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Un prodotto da quattro soldi"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Che porcata di spot"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Una cantante di serie B"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Che figuraccia"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Una regia sciatta e dozzinale"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Ugly and creepy"), &["sentiment-"], &["sentiment+"]),
    // Sound and performance.
    case(Customer("Che voce!"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Che canzone è?"), &[], &["sentiment+", "sentiment-"]),
    case(Customer("Sempre intonatissima"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Canta in playback"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Non si capisce una parola"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Mi sanguinano le orecchie"), &["sentiment-"], &["sentiment+"]),
    case(Customer("La ascolto a ripetizione"), &["sentiment+"], &["sentiment-"]),
    // Taste and boredom.
    case(Customer("Un film barboso e soporifero"), &["sentiment-"], &["sentiment+"]),
    case(Customer("La solita minestra riscaldata"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Trito e ritrito"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Niente di che"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Non fa per me"), &["sentiment-"], &["sentiment+"]),
    // Degree constructions over word classes.
    case(Customer("Bravo un cazzo"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Non troppo lunga, perfetta"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Troppo bella"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Non ho capito un bel niente"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Tra poco belle novità"), &[], &["sentiment-"]),
    // Competence and skill.
    case(Customer("Dilettanti allo sbaraglio"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Non sa recitare"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Cambia mestiere"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Un vero professionista"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Capaci tutti"), &["sentiment-"], &["sentiment+"]),
    // Morality and honesty.
    case(Customer("Una persona onesta e genuina"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Pubblicità subdola e diseducativa"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Ci prendete per il culo"), &["sentiment-", "anger"], &["sentiment+"]),
    case(Customer("Siete degli sciacalli"), &["sentiment-", "anger"], &["sentiment+"]),
    case(Customer("Mi sono autenticato sul sito"), &[], &["sentiment+"]),
    // Price and value.
    case(Customer("Un furto!"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Prezzi folli"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Costa un occhio della testa"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Ne vale la pena"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Non ne vale la pena"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Un finale scontato"), &["sentiment-"], &["sentiment+"]),
    // Usefulness and effort.
    case(Customer("Ma che senso ha?"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Un'app scomoda e macchinosa"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Indispensabile in cucina"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Per fare il reso è stata un'odissea"), &["sentiment-"], &["sentiment+"]),
    // Emotional impact.
    case(Customer("Mi scalda il cuore"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Mi deprime"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Che disagio"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Mi irrita"), &["sentiment-", "anger"], &["sentiment+"]),
    case(Customer("Non irrita la pelle"), &["sentiment+"], &["sentiment-", "anger"]),
    case(Customer("Mi avete rotto le palle"), &["sentiment-", "anger"], &["sentiment+"]),
    // Nostalgia and decline.
    case(Customer("Siamo alla frutta"), &["sentiment-"], &["sentiment+"]),
    case(Customer("È meglio prima chiamare il negozio"), &[], &["sentiment-"]),
    case(Customer("Che ricordi"), &["sentiment+"], &["sentiment-"]),
    // Dismissive interjections and rhetorical questions.
    case(Customer("Bho"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Ma anche no"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Ma per favore"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Chissenefrega"), &["sentiment-"], &["sentiment+"]),
    // Liking and disliking in every person and tense.
    case(Customer("Mi piaci un sacco"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Spero vi piaccia"), &["sentiment+"], &["sentiment-"]),
    case(Customer("La amavo da bambina"), &["sentiment+"], &["sentiment-"]),
    case(Customer("La odiano tutti"), &["sentiment-", "anger"], &["sentiment+"]),
    case(Customer("Il codice è scritto sulle scatole"), &[], &["sentiment-"]),
    // Approval formulas, deserving to win, loyalty.
    case(Customer("Continuate così!"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Dovevi vincere tu"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Dovevate avvisarmi"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Vostra affezionata cliente"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Compro solo quando è in offerta"), &[], &["sentiment+"]),
    case(Customer("Wuau!"), &["sentiment+"], &["sentiment-"]),
    // Criticism as advice, suspicion, warnings.
    case(Customer("Qualcosa non torna"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Prodotto da evitare"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Il corriere si è rifiutato di salire"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Perderete molti clienti"), &["sentiment-", "urgency:cancel_threat"], &["sentiment+"]),
    // Constructions over word classes (`frames`): degree, excess, decline, irony, rhetorical
    // questions, counterfactual praise, and idioms that evaluate nothing.
    case(Customer("Che interpretazione ragazzi"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Una voce della madonna"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Canta da dio"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Bis!"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Non è un granché"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Non mi trasmette niente"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Mi aspettavo di più"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Speravo meglio"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Poco credibile"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Uno spot poco originale"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Tutt'altro che bello"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Zero talento"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Una canzone senza anima"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Gente senza vergogna"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Non manca di talento"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Troppo lunga"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Troppa pubblicità"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Un bel problema"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Impara a cantare"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Le bollette sono alle stelle"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Prodotti scontati del 30%"), &[], &["sentiment-"]),
    case(Customer("Ho un buono sconto da usare"), &[], &["sentiment+"]),
    case(Customer("Era meglio prima"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Era molto più bella la versione originale"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Non è più quello di una volta"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Ma chi vi ascolta?"), &["sentiment-"], &["sentiment+"]),
    case(Customer("A chi può piacere una cosa del genere?"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Ma siete seri?"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Chi è il genio che ha pensato questo spot?"), &["sentiment-"], &["sentiment+"]),
    case(Customer("E questa sarebbe musica?"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Questa non è musica"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Se ne sentiva proprio il bisogno"), &["sentiment-"], &["sentiment+"]),
    case(Customer("No grazie"), &[], &["sentiment+", "sentiment-", "thanks"]),
    case(Customer("Non la reggo più"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Mi sta sulle scatole"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Mi piace di brutto"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Bella da morire"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Lo sai benissimo"), &[], &["sentiment+"]),
    case(Customer("Negli anni 90 avrebbe spaccato"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Date un premio a chi ha fatto questo spot"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Unica!"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Io avrei fatto un finale diverso"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Si poteva fare di meglio"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Non e' piu' quello di una volta"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Non comprero' piu' questa pasta"), &["sentiment-"], &["sentiment+"]),
    case(Customer("QUESTA PUBBLICITA' E' BELLISSIMA"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Un grazie infinite a tutti, anche in questa guerra"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Quando arriva il pacco? Grazie mille"), &["thanks"], &["sentiment+"]),
    case(Customer("Che nostalgia..."), &["sentiment+", "sadness"], &["sentiment-"]),
    case(Customer("Il solito buonismo della minchia"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Il vostro programma ha rotto le scatole"), &["sentiment-", "anger"], &["sentiment+"]),
    case(Customer("Si è fumato qualcosa prima di scriverla"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Meglio quando costava meno"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Roba da matti"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Tutta una messa in scena"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Sfruttare la pandemia per vendere"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Sfruttare la luce del mattino"), &[], &["sentiment-"]),
    case(Customer("Non mi interessa"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Ma chi ci crede?"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Non è all'altezza"), &["sentiment-"], &["sentiment+"]),
    case(Customer("All'altezza del semaforo giri a destra"), &[], &["sentiment+", "sentiment-"]),
    case(Customer("Un film da non perdere"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Niente da dire, ottimo"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Lo ricomprerei subito"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Mi hai fatto la giornata"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Una pubblicità del cavolo"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Manco per sogno"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Che culo!"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Ke skifoso"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Belllissima"), &["sentiment+"], &["sentiment-"]),
    case(Customer("I like this kind of thing"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Un testo incomprensibile e sconclusionato"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Personale sgarbato"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Uno spot fazioso e tendenzioso"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Una concorrenza spietata"), &[], &["sentiment-"]),
    case(Customer("An avid reader"), &[], &["sentiment-"]),
    case(Customer("Una canzone romantica e spiritosa"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Servizio rapido e personale premuroso"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Un lavoro ineccepibile"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Un video ben girato e ben recitato"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Un sito mal fatto"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Lo sconsiglio a tutti"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Appena parte cambio canale"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Il pacco non è ancora arrivato"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Mi è venuta voglia di pizza"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Manco bella è"), &["sentiment-"], &["sentiment+"]),
    // Neutral senses that must stay silent.
    case(Customer("Ottima sceneggiatura"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Piatti della cucina povera, genuini"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Una porta scorrevole in vetro"), &[], &["sentiment+", "sentiment-"]),
    case(Customer("I miei compagni di classe"), &[], &["sentiment+"]),
    case(Customer("Un luogo di culto"), &[], &["sentiment+"]),
    case(Customer("Una montatura per occhiali"), &[], &["sentiment-"]),
    case(Customer("I pacchi ritirati ieri"), &[], &["sentiment-"]),
    case(Customer("L'app si riavvia in loop"), &[], &["sentiment+"]),
    case(Customer("Mi chiamano a ripetizione"), &[], &["sentiment+"]),
    case(Customer("Sono buoni tutti"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Prezzi stratosferici"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Consuma poca energia"), &[], &["sentiment-"]),
    case(Customer("A chi interessa, il link è sotto"), &[], &["sentiment-"]),
    case(Customer("Impara a fare la pizza con noi"), &[], &["sentiment-"]),
    case(Customer("Mi ha fatto girare la testa"), &[], &["anger", "sentiment-"]),
    case(Customer("Un aumento per gli abbonati"), &[], &["sentiment+"]),
    case(Customer("Nessuna vergogna a dirlo"), &[], &["sentiment-"]),
    case(Customer("Bella, niente da dire"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Il mondo è cambiato molto"), &[], &["sentiment-"]),
    case(Customer("Senza conservanti né coloranti"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Con olio di palma, no grazie"), &["sentiment-"], &["sentiment+"]),
    case(Customer("È solo marketing"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Una voce da karaoke"), &["sentiment-"], &["sentiment+"]),
    case(Customer("Non mi esce più dalla testa"), &["sentiment+"], &["sentiment-"]),
    case(Customer("Meritava il podio"), &["sentiment+"], &["sentiment-"]),
    // ---- courtesy: emphasis, agreement, welcome, hedges ----
    case(Customer("Can you be MUCH more specific?"), &["courtesy:emphasis=MUCH"], &["courtesy:emphasis=Can"]),
    case(Customer("The *whole point* is speed."), &["courtesy:emphasis=whole point"], &[]),
    case(Customer("Use the snake_case names."), &[], &["courtesy:emphasis"]),
    case(Customer("I use the PDF export daily."), &[], &["courtesy:emphasis"]),
    case(Customer("I agree, that would be cleaner."), &["courtesy:deference=I agree", "polite"], &[]),
    case(Customer("Welcome to the site! Have a look around."), &["courtesy:greeting=Welcome to"], &[]),
    case(Customer("If I'm not mistaken, the flag is off."), &["courtesy:hedge", "polite"], &[]),
    // ---- courtesy: consulting, challenges, criticism, emphatic marks, word senses ----
    case(
        Customer("I rewrote the intro. What do you think?"),
        &["courtesy:consultation=What do you think", "polite"],
        &["courtesy:direct_question"],
    ),
    case(Customer("Ho riscritto l'introduzione, che ne pensa?"), &["courtesy:consultation", "polite"], &[]),
    case(Customer("I don't need your opinion."), &[], &["courtesy:consultation"]),
    case(Customer("How can you say that?"), &["courtesy:direct_question"], &["courtesy:indirect", "polite"]),
    case(Customer("Can you say that again?"), &["courtesy:indirect=Can you", "polite"], &[]),
    case(Customer("Have you tried restarting it?"), &["courtesy:indirect=Have you tried", "polite"], &[]),
    case(Customer("What have you tried?"), &[], &["courtesy:indirect"]),
    case(Customer("Ha provato a riavviare il modem?"), &["courtesy:indirect", "polite"], &[]),
    case(Customer("Did you even read my message?"), &["courtesy:challenge=Did you even", "not_polite"], &[]),
    case(Customer("Did you read my message?"), &[], &["courtesy:challenge"]),
    case(Customer("Hai almeno letto la mail?"), &["courtesy:challenge", "not_polite"], &[]),
    case(Customer("Don't you think that is a bit much?"), &["courtesy:challenge=Don't you"], &[]),
    case(Customer("Why don't you try the web version?"), &[], &["courtesy:challenge"]),
    case(Customer("So can you fix it or not?"), &["courtesy:challenge=or not", "not_polite"], &[]),
    case(Customer("I wanted to ask if it is ready or not?"), &[], &["courtesy:challenge"]),
    case(Customer("Excuse me? What do you mean?"), &["courtesy:challenge=Excuse me"], &["courtesy:apology"]),
    case(Customer("Excuse me, could you check my order?"), &["courtesy:apology=Excuse me", "polite"], &[]),
    case(Customer("Where is my refund??"), &["courtesy:emphatic_punctuation=??", "not_polite"], &[]),
    case(Customer("Dov'è il mio rimborso?!"), &["courtesy:emphatic_punctuation=?!"], &[]),
    case(Customer("Cast it with `!!value` first."), &[], &["courtesy:emphatic_punctuation"]),
    case(Customer("The question is unclear. Can you add details?"), &["courtesy:criticism=unclear"], &[]),
    case(Customer("La richiesta è poco chiara."), &["courtesy:criticism=poco chiara", "not_polite"], &[]),
    case(Customer("It is unclear to me how this works."), &[], &["courtesy:criticism"]),
    case(Customer("I'm not clear about the second step."), &[], &["courtesy:criticism"]),
    case(Customer("Sorry if I was a bit vague."), &[], &["courtesy:criticism"]),
    case(
        Customer("Sorry if this is a stupid question, but how do I reset it?"),
        &["courtesy:hedge=stupid question", "polite"],
        &["courtesy:abuse"],
    ),
    case(Customer("That is a stupid question."), &["courtesy:abuse=stupid"], &["courtesy:hedge"]),
    case(Customer("I like the new layout."), &["courtesy:positive=like"], &[]),
    case(Customer("Is it something like a cache?"), &[], &["courtesy:positive"]),
    case(Customer("That is very kind of you."), &["courtesy:positive=kind"], &[]),
    case(Customer("What kind of error is it?"), &[], &["courtesy:positive"]),
    case(Customer("Well, the export failed."), &[], &["courtesy:positive"]),
    case(Customer("The export works well now."), &["courtesy:positive=well"], &[]),
    case(Customer("@anna Hi, is the patch merged?"), &["courtesy:greeting=Hi", "polite"], &[]),
    case(Customer("@anna what version is it?"), &["courtesy:direct_question=what"], &[]),
    case(Customer("You may want to restart the router."), &[], &["courtesy:second_person_start"]),
    case(Customer("You need to restart the router."), &["courtesy:second_person_start=You"], &[]),
    case(Customer("I wondered if you had a minute for this."), &["courtesy:hedge=I wondered", "polite"], &[]),
    case(Customer("Any help would be appreciated."), &["courtesy:gratitude=appreciated", "polite"], &[]),
    case(Customer("Le sarei grato se mi rispondesse."), &["courtesy:gratitude", "polite"], &[]),
    case(
        Reply("Your request is unclear. Why didn't you send the invoice??", &[], None, false),
        &["brusque"],
        &[],
    ),
    case(Reply("Could you send us the invoice, please?", &[], None, false), &[], &["brusque"]),
    // ---- courtesy: accountability, assent, compliments after a copula, checking one's understanding ----
    case(Customer("Why did you delete my post?"), &["courtesy:challenge=Why did you", "not_polite"], &[]),
    case(Customer("Can you explain why the parcel is late?"), &["courtesy:challenge=explain why"], &[]),
    case(Customer("Why don't you try the beta?"), &[], &["courtesy:challenge"]),
    case(Customer("Perché avete annullato l'ordine?"), &["courtesy:challenge", "not_polite"], &[]),
    case(Customer("Sure, is Monday fine?"), &["courtesy:deference=Sure", "polite"], &[]),
    case(Customer("Certo, va bene lunedì?"), &["courtesy:deference=Certo", "polite"], &[]),
    case(Customer("I am sure it works."), &[], &["courtesy:deference"]),
    case(Customer("That's a good idea. Shall we try it?"), &["courtesy:deference=good idea", "polite"], &[]),
    case(Customer("I had a good idea yesterday."), &[], &["courtesy:deference"]),
    case(
        Customer("Am I missing something?"),
        &["courtesy:hedge=Am I missing something", "polite"],
        &["courtesy:negative"],
    ),
    case(Customer("Mi corregga se sbaglio, il reso è gratuito?"), &["courtesy:hedge", "polite"], &[]),
    case(Customer("Sorry, I missed your call."), &["courtesy:apology=Sorry"], &["courtesy:negative=Sorry"]),
    // ---- courtesy: inclusive proposals, more Italian apologies, hedges and indirect requests ----
    case(Customer("Let's try the other cable first."), &["courtesy:inclusive=Let's", "polite"], &[]),
    case(Customer("Proviamo a riavviare il router."), &["courtesy:inclusive=Proviamo", "polite"], &[]),
    case(Customer("We need more details."), &[], &["courtesy:inclusive"]),
    case(Customer("Ci scusiamo per il ritardo."), &["courtesy:apology=Ci scusiamo", "polite"], &[]),
    case(Customer("Mi sembra che manchi un allegato."), &["courtesy:hedge=Mi sembra", "polite"], &[]),
    case(
        Customer("When you have a moment, send me the log."),
        &["courtesy:indirect=When you have a moment", "polite"],
        &[],
    ),
    case(Customer("Se non le dispiace, mi mandi il codice."), &["courtesy:indirect", "polite"], &[]),
    // ---- courtesy: degree "really", enthusiastic exclamations, questions about views ----
    case(Customer("That must be really hard."), &[], &["courtesy:factuality"]),
    case(Customer("Do you really want to delete it?"), &["courtesy:factuality=really"], &[]),
    case(Customer("Thank you so much!!"), &["polite"], &["courtesy:emphatic_punctuation"]),
    case(Customer("It still does not work!!"), &["courtesy:emphatic_punctuation=!!"], &[]),
    case(Customer("Why do you think the router stopped?"), &[], &["courtesy:challenge"]),
    case(Customer("Why do you keep closing my tickets?"), &["courtesy:challenge=Why do you keep"], &[]),
    // ---- courtesy: leave-taking, one strategy per span ----
    case(Customer("The file is attached.\nKind regards"), &["courtesy:greeting=Kind regards", "polite"], &[]),
    case(
        Customer("Il file è in allegato.\nCordiali saluti"),
        &["courtesy:greeting=Cordiali saluti", "polite"],
        &[],
    ),
    case(Customer("Have a nice day!"), &["courtesy:greeting=Have a nice day", "polite"], &[]),
    case(Customer("I have regards for nobody here."), &[], &["courtesy:greeting"]),
    case(Customer("Could you not shout?"), &["courtesy:challenge=Could you not"], &["courtesy:indirect"]),
    case(Customer("Thanks!"), &["courtesy:gratitude=Thanks"], &["courtesy:positive"]),
    // ---- courtesy: offers, presentations, apologies' objects, alternatives ----
    case(
        Customer("Let me know if you need anything else."),
        &["courtesy:offer=Let me know if you need", "polite"],
        &[],
    ),
    case(Customer("Non esiti a contattarci."), &["courtesy:offer=Non esiti a", "polite"], &[]),
    case(
        Customer("Please find attached the invoice."),
        &["courtesy:please=Please", "polite"],
        &["courtesy:please_start"],
    ),
    case(
        Customer("Please do not remove the warning."),
        &["courtesy:please_start=Please"],
        &["courtesy:please"],
    ),
    case(Customer("Sorry for the delay."), &["courtesy:apology=Sorry"], &["courtesy:negative"]),
    case(Customer("Sorry, but this is wrong."), &["courtesy:negative=wrong"], &[]),
    case(Customer("We appreciate your patience."), &["courtesy:gratitude", "polite"], &[]),
    case(Customer("Sì o no?"), &["courtesy:challenge=o no"], &["courtesy:deference"]),
    case(
        Reply("That must be really hard, I'm so sorry. Let's fix it together today.", &[], None, false),
        &[],
        &["brusque"],
    ),
    // ==== Revision of 2026-12-07: warmth (sympathy, reassurance, validation) ====
    // ---- not being able to imagine how hard it is: sympathy, not a refusal ----
    case(
        Reply("I can't imagine how hard that must be.", &[], None, false),
        &["good_empathy"],
        &["refusal_without_reason", "only_negative"],
    ),
    case(
        Reply("Non posso immaginare quanto sia dura.", &[], None, false),
        &["good_empathy"],
        &["refusal_without_reason", "only_negative"],
    ),
    case(Reply("Non oso immaginare quanto sia stato difficile.", &[], None, false), &["good_empathy"], &[]),
    case(
        Reply("I can't refund this order.", &[], None, false),
        &["refusal_without_reason=I can't", "only_negative=I can't"],
        &["good_empathy"],
    ),
    case(
        Reply("Non posso rimborsare l'ordine.", &[], None, false),
        &["refusal_without_reason=Non posso"],
        &["good_empathy"],
    ),
    case(Reply("I can't imagine why the parcel is late.", &[], None, false), &[], &["good_empathy"]),
    // ---- sympathy: resonating, a breaking heart, understanding how it feels, sharing the pain ----
    case(
        Reply("I really resonate with that.", &[], None, false),
        &["good_empathy=I really resonate with"],
        &[],
    ),
    case(
        Reply("The case can resonate with the fan at high speed.", &[], None, false),
        &[],
        &["good_empathy"],
    ),
    case(Reply("Mi ci ritrovo molto.", &[], None, false), &["good_empathy=Mi ci ritrovo"], &[]),
    case(Reply("Non mi ci ritrovo con questi conti.", &[], None, false), &[], &["good_empathy"]),
    case(
        Reply("My heart is breaking for you.", &[], None, false),
        &["good_empathy=My heart is breaking"],
        &[],
    ),
    case(Reply("My heart monitor is broken.", &[], None, false), &[], &["good_empathy"]),
    case(Reply("Mi si spezza il cuore a leggere questo.", &[], None, false), &["good_empathy"], &[]),
    case(Reply("Il cuore del problema è la batteria.", &[], None, false), &[], &["good_empathy"]),
    case(
        Reply("I understand how that would make you feel anxious.", &[], None, false),
        &["good_empathy=I understand how that would make you feel anxious"],
        &[],
    ),
    case(Reply("I understand how that made you late.", &[], None, false), &[], &["good_empathy"]),
    case(Reply("Capisco come questo la possa far sentire.", &[], None, false), &["good_empathy"], &[]),
    case(Reply("Capisco come questo possa funzionare.", &[], None, false), &[], &["good_empathy"]),
    case(Reply("I feel your pain.", &[], None, false), &["good_empathy=I feel your pain"], &[]),
    case(Reply("I share your view on the plan.", &[], None, false), &[], &["good_empathy"]),
    case(Reply("Capisco il tuo dolore.", &[], None, false), &["good_empathy=Capisco il tuo dolore"], &[]),
    case(Reply("Capisco il tuo punto di vista.", &[], None, false), &[], &["good_empathy"]),
    case(Reply("I'm glad that its working now.", &[], None, false), &["good_empathy"], &[]),
    case(Reply("I'm not glad that it broke.", &[], None, false), &[], &["good_empathy"]),
    // ---- reassurance: no guilt, people who care, comfort to take ----
    case(
        Reply("It happens, don't feel guilty.", &[], None, false),
        &["good_reassurance=don't feel guilty"],
        &[],
    ),
    case(Reply("Please don't feel bad.", &[], None, false), &["good_reassurance"], &[]),
    case(Reply("I don't feel bad about it.", &[], None, false), &[], &["good_reassurance"]),
    case(Reply("Non sentirti in colpa.", &[], None, false), &["good_reassurance=Non sentirti in colpa"], &[]),
    case(Reply("Lui non si sente in colpa.", &[], None, false), &[], &["good_reassurance"]),
    case(Reply("There are people who care about you.", &[], None, false), &["good_reassurance"], &[]),
    case(Reply("People care about prices more than speed.", &[], None, false), &[], &["good_reassurance"]),
    case(Reply("Ci sono tante persone che ti vogliono bene.", &[], None, false), &["good_reassurance"], &[]),
    case(
        Reply("Ci sono tante persone che vogliono il rimborso.", &[], None, false),
        &[],
        &["good_reassurance"],
    ),
    case(
        Reply("You can take solace in that.", &[], None, false),
        &["good_reassurance=You can take solace in"],
        &["good_suggestion"],
    ),
    case(Reply("The seat gives comfort in long trips.", &[], None, false), &[], &["good_reassurance"]),
    case(
        Reply("Ti consoli sapere che hai fatto tutto il possibile.", &[], None, false),
        &["good_reassurance"],
        &[],
    ),
    case(Reply("Le consoli arrivano domani.", &[], None, false), &[], &["good_reassurance"]),
    // ---- validation: keeping one's spirits up is hard ----
    case(
        Reply("It's hard to stay positive.", &[], None, false),
        &["good_validation=It's hard to stay positive"],
        &[],
    ),
    case(Reply("It's hard to stay in the queue.", &[], None, false), &[], &["good_validation"]),
    case(Reply("Non è facile restare motivati.", &[], None, false), &["good_validation"], &[]),
    case(Reply("È difficile restare positivi.", &[], None, false), &["good_validation"], &[]),
    case(Reply("È difficile restare in linea.", &[], None, false), &[], &["good_validation"]),
    case(Reply("È facile restare positivi con voi.", &[], None, false), &[], &["good_validation"]),
    // ---- sharing the reaction, sharing the experience ----
    case(Reply("I would be too.", &[], None, false), &["good_reflection=I would be too"], &[]),
    case(Reply("I would be too upset to talk.", &[], None, false), &[], &["good_reflection"]),
    case(Reply("Lo sarei anch'io.", &[], None, false), &["good_reflection"], &[]),
    case(Reply("Sarei anch'io troppo stanco per guidare.", &[], None, false), &[], &["good_reflection"]),
    case(
        Reply("I feel the same.", &[], None, false),
        &["good_relating"],
        &["good_empathy", "good_reassurance", "good_reflection"],
    ),
    case(Reply("Same here.", &[], None, false), &["good_relating"], &["good_empathy", "good_reassurance"]),
    case(Reply("The price is the same here and online.", &[], None, false), &[], &["good_relating"]),
    // ---- festive greetings and "hope this helps" are ritual, not reassurance ----
    case(
        Reply(
            "We have checked your account and the refund is on its way to your card now. Happy holidays to you and your family.",
            &[],
            None,
            false,
        ),
        &[],
        &["good_reassurance"],
    ),
    case(
        Reply(
            "Abbiamo verificato il tuo ordine e il rimborso arriverà entro tre giorni. Buone feste e tanti auguri!",
            &[],
            None,
            false,
        ),
        &[],
        &["good_reassurance"],
    ),
    case(
        Reply(
            "Abbiamo verificato il tuo ordine e il rimborso arriverà entro tre giorni. Auguri per l'esame!",
            &[],
            None,
            false,
        ),
        &["good_reassurance=Auguri"],
        &[],
    ),
    case(
        Reply(
            "We have checked your account and the refund is on its way to your card now. Hope this helps.",
            &[],
            None,
            false,
        ),
        &[],
        &["good_reassurance"],
    ),
    case(
        Reply(
            "We have checked your account and the refund is on its way to your card now. I hope this helps you sleep better.",
            &[],
            None,
            false,
        ),
        &["good_reassurance"],
        &[],
    ),
    case(
        Reply(
            "Abbiamo verificato il tuo ordine e il rimborso arriverà entro tre giorni. Spero che questo le sia utile.",
            &[],
            None,
            false,
        ),
        &[],
        &["good_reassurance"],
    ),
    case(
        Reply(
            "Abbiamo verificato il tuo ordine e il rimborso arriverà entro tre giorni. Spero che tu possa riposare.",
            &[],
            None,
            false,
        ),
        &["good_reassurance=Spero che"],
        &[],
    ),
    // ---- "it hurts" alone is the person's pain, not the writer's sympathy ----
    case(Reply("It hurts when I walk, the doctor said.", &[], None, false), &[], &["good_empathy"]),
    case(Reply("It hurts to read this.", &[], None, false), &["good_empathy"], &[]),
    case(Reply("That hurts.", &[], None, false), &["good_empathy"], &[]),
];

#[test]
fn every_case_holds() {
    assert!(CASES.len() >= 200, "keep the table large: {} rows", CASES.len());
    let errors: Vec<String> = CASES.iter().enumerate().flat_map(|(row, case)| check(row, case)).collect();
    assert!(errors.is_empty(), "{} broken expectations:\n{}", errors.len(), errors.join("\n"));
}

/// Long input: the same facts hold when a reply is buried in a very long text.
#[test]
fn very_long_input_still_finds_the_words_at_fault() {
    let padding = "Il pacco è partito ieri e arriverà presto. ".repeat(2_000);
    let reply: &'static str = Box::leak(format!("{padding}Non dipende da noi.").into_boxed_str());
    let case =
        case(Reply(reply, &[QUESTIONS_IT], None, false), &["deflection=Non dipende da noi", "too_long"], &[]);
    let errors = check(0, &case);
    assert!(errors.is_empty(), "{errors:?}");
}
