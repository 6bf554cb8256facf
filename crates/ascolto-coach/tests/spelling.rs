//! Spelling with the system's Hunspell dictionaries (Debian `hunspell-it`, `hunspell-en-us`).

use ascolto_coach::{Language, ReplyContext, Spelling, analyze_reply};

const DIR: &str = "/usr/share/hunspell";

/// Loads both dictionaries, or says why not: `SKIPPED` locally, a failure when `CI=true`.
fn dictionaries() -> Option<Spelling> {
    let read = |name: &str| std::fs::read_to_string(format!("{DIR}/{name}"));
    let loaded = (|| -> Result<Spelling, String> {
        let mut spelling = Spelling::new();
        for (language, name) in [(Language::It, "it_IT"), (Language::En, "en_US")] {
            let aff = read(&format!("{name}.aff")).map_err(|e| format!("{name}.aff: {e}"))?;
            let dic = read(&format!("{name}.dic")).map_err(|e| format!("{name}.dic: {e}"))?;
            spelling.add_dictionary(language, &aff, &dic).map_err(|e| e.to_string())?;
        }
        Ok(spelling)
    })();
    match loaded {
        Ok(spelling) => Some(spelling),
        Err(why) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("dictionaries needed on CI: {why}")
        }
        Err(why) => {
            println!("SKIPPED: no Hunspell dictionaries in {DIR} ({why})");
            None
        }
    }
}

fn misspelled(reply: &str, spelling: &Spelling) -> Vec<String> {
    let report = analyze_reply(reply, &ReplyContext::default(), Some(spelling));
    assert!(report.spelling.enabled);
    report
        .findings
        .iter()
        .filter(|f| f.code == "misspelled")
        .map(|f| reply[f.start..f.end].to_string())
        .collect()
}

#[test]
fn flags_misspellings_but_not_names_codes_or_addresses() {
    let Some(mut spelling) = dictionaries() else {
        return;
    };
    let italian = "Gentile Marco, il suo ordine A-1234 è stato spedito ieri: lo ricevera domani. Scriva a info@ascolto.it o visiti https://ascolto.it/ordini.";
    assert_eq!(misspelled(italian, &spelling), ["ricevera"]);
    let english = "Hi Jane, your order 12345 has shiped today and will arrive tomorow, see www.example.com.";
    assert_eq!(misspelled(english, &spelling), ["shiped", "tomorow"]);
    // A contraction typed without its apostrophe is read as the contraction but still flagged, whole.
    let unapostrophed = "Please dont worry, your refund is on its way.";
    assert_eq!(misspelled(unapostrophed, &spelling), ["dont"]);
    let trade = "Il vostro abbonamento ascoltopro è attivo.";
    assert_eq!(misspelled(trade, &spelling), ["ascoltopro"]);
    spelling.add_words(["AscoltoPro"]);
    assert!(misspelled(trade, &spelling).is_empty());
}

#[test]
fn without_dictionaries_spelling_is_off() {
    let report = analyze_reply("Questo testo ha un erore.", &ReplyContext::default(), None);
    assert!(!report.spelling.enabled);
    let empty = Spelling::new();
    let report = analyze_reply("Questo testo ha un erore.", &ReplyContext::default(), Some(&empty));
    assert!(!report.spelling.enabled);
}

#[test]
fn a_replaced_dictionary_takes_its_words_with_it() {
    // Small dictionaries of words the coach's lexicon also spells: the answers must be the
    // dictionaries' own, before and after the Italian one is replaced.
    let aff = "SET UTF-8\n";
    let mut spelling = Spelling::new();
    spelling.add_dictionary(Language::It, aff, "2\ngrazie\nrimborso\n").unwrap();
    spelling.add_dictionary(Language::En, aff, "1\nrefund\n").unwrap();
    for word in ["grazie", "rimborso", "refund"] {
        assert!(spelling.is_correct(word, Language::It), "{word}");
        assert!(spelling.is_correct(word, Language::En), "{word}");
    }
    assert!(!spelling.is_correct("ordine", Language::It));
    spelling.add_dictionary(Language::It, aff, "1\nordine\n").unwrap();
    assert!(spelling.is_correct("ordine", Language::It));
    assert!(!spelling.is_correct("grazie", Language::It), "the replaced dictionary's word stays known");
    assert!(!spelling.is_correct("rimborso", Language::En));
    assert!(spelling.is_correct("refund", Language::It));
}
