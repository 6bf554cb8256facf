//! Benchmarks: `analyze_reply` on 120-word replies with a three-message context, `analyze_customer` on
//! a 60-word message, with spelling when the system dictionaries are installed, and dictionary loading.
//!
//! `cargo bench -p ascolto-coach` (set `DIVAN_THREADS=1` to stay on one core).

use std::hint::black_box;

use ascolto_coach::{Language, ReplyContext, Spelling, analyze_customer, analyze_reply};

fn main() {
    for name in ["it_IT", "en_US"] {
        let dic = format!("/usr/share/hunspell/{name}.dic");
        if !std::path::Path::new(&dic).exists() {
            // Without it, the "with spelling" figures measure no spelling and the load measures nothing.
            eprintln!(
                "SKIPPED: {dic} not found (apt-get install hunspell-it hunspell-en-us); spelling is not measured"
            );
        }
    }
    divan::main();
}

const REPLY_IT: &str = "Gentile Laura, mi dispiace davvero che il regalo per il compleanno di sua figlia sia arrivato rotto, \
capisco quanto sia frustrante dopo tre messaggi senza risposta. Se ho capito bene, il pacco è arrivato ieri con la scatola \
schiacciata e il vaso in pezzi. Me ne occupo io: oggi stesso le spedisco un vaso nuovo con corriere espresso, senza costi, \
e arriverà entro giovedì. Non serve restituire quello rotto, perché il corriere ha già confermato il danno. Le invio entro \
stasera il numero di tracciamento per seguire la consegna. Per il disagio le ho anche accreditato un buono di dieci euro \
sul suo account, valido sul prossimo ordine. Se preferisce il rimborso completo, mi risponda a questo messaggio e lo \
dispongo subito. Un caro saluto, Marco.";

const REPLY_EN: &str = "Hi Laura, I'm so sorry the birthday present for your daughter arrived broken, and I understand \
how frustrating it is after three messages without an answer. If I understand correctly, the parcel came yesterday with \
the box crushed and the vase in pieces. I'll take care of this myself: today I'm shipping a new vase by express courier \
at no cost, and it will arrive by Thursday. You don't need to send the broken one back, because the courier has already \
confirmed the damage. I'll send you the tracking number tonight so you can follow the delivery. I've also added a ten \
euro voucher to your account for the trouble, valid on your next order. If you'd rather have a full refund, just reply \
to this message and I'll issue it right away. Best wishes, Mark.";

const CUSTOMER_IT: &str = "Buongiorno, è la terza volta che vi scrivo e nessuno mi risponde. Il regalo per il \
compleanno di mia figlia è arrivato rotto, la scatola era schiacciata e il vaso è in pezzi. Sono davvero delusa e \
arrabbiata. Ho già provato a chiamare il numero verde ma non risponde nessuno. Mi serve una soluzione entro sabato, \
altrimenti chiedo il rimborso. Quando potete mandarmene uno nuovo?";

const CUSTOMER_EN: &str = "Hello, this is the third time I'm writing and nobody answers. The birthday present for my \
daughter arrived broken, the box was crushed and the vase is in pieces. I'm really disappointed and angry. I already \
tried calling your helpline but nobody picks up. I need a solution by Saturday, otherwise I want a refund. When can \
you send me a new one?";

fn context(message: &str, ui: Language) -> ReplyContext {
    ReplyContext {
        customer_messages: vec![
            message.to_string(),
            "Ci siete? / Are you there?".to_string(),
            message.to_string(),
        ],
        customer_name: Some("Laura Bianchi".to_string()),
        from_macro: false,
        ui_language: ui,
    }
}

fn system_spelling() -> Option<Spelling> {
    let mut spelling = Spelling::new();
    let mut loaded = false;
    for (language, name) in [(Language::It, "it_IT"), (Language::En, "en_US")] {
        let aff = std::fs::read_to_string(format!("/usr/share/hunspell/{name}.aff"));
        let dic = std::fs::read_to_string(format!("/usr/share/hunspell/{name}.dic"));
        if let (Ok(aff), Ok(dic)) = (aff, dic) {
            loaded |= spelling.add_dictionary(language, &aff, &dic).is_ok();
        }
    }
    loaded.then_some(spelling)
}

#[divan::bench(args = ["it", "en"])]
fn reply_with_spelling(bencher: divan::Bencher, language: &str) {
    let spelling = system_spelling();
    let (reply, context) = match language {
        "it" => (REPLY_IT, context(CUSTOMER_IT, Language::It)),
        _ => (REPLY_EN, context(CUSTOMER_EN, Language::En)),
    };
    bencher.bench(|| analyze_reply(black_box(reply), black_box(&context), spelling.as_ref()));
}

#[divan::bench(args = ["it", "en"])]
fn reply_without_spelling(bencher: divan::Bencher, language: &str) {
    let (reply, context) = match language {
        "it" => (REPLY_IT, context(CUSTOMER_IT, Language::It)),
        _ => (REPLY_EN, context(CUSTOMER_EN, Language::En)),
    };
    bencher.bench(|| analyze_reply(black_box(reply), black_box(&context), None));
}

#[divan::bench(args = ["it", "en"])]
fn customer_message(bencher: divan::Bencher, language: &str) {
    let text = if language == "it" { CUSTOMER_IT } else { CUSTOMER_EN };
    bencher.bench(|| analyze_customer(black_box(text)));
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn load_dictionaries(bencher: divan::Bencher) {
    let files: Vec<(Language, String, String)> = [(Language::It, "it_IT"), (Language::En, "en_US")]
        .into_iter()
        .filter_map(|(language, name)| {
            let aff = std::fs::read_to_string(format!("/usr/share/hunspell/{name}.aff")).ok()?;
            let dic = std::fs::read_to_string(format!("/usr/share/hunspell/{name}.dic")).ok()?;
            Some((language, aff, dic))
        })
        .collect();
    bencher.bench(|| {
        let mut spelling = Spelling::new();
        for (language, aff, dic) in &files {
            let _ = spelling.add_dictionary(*language, aff, dic);
        }
        spelling
    });
}
