//! Every message and suggestion the coach writes, in Italian and English; `{x}` is replaced by the words at fault.

use crate::{Language, UrgencyKind};

/// A message and a suggestion in one language.
type Pair = (&'static str, &'static str);

/// The message and suggestion for a rule code, with `{x}` replaced by `argument`.
pub(crate) fn finding_text(code: &str, ui: Language, argument: &str) -> (String, String) {
    let (italian, english) = texts(code);
    let (message, suggestion) = match ui {
        Language::It => italian,
        Language::En => english,
    };
    (message.replace("{x}", argument), suggestion.replace("{x}", argument))
}

fn texts(code: &str) -> (Pair, Pair) {
    match code {
        "unanswered_question" => (
            (
                "Questa domanda del cliente sembra restare senza risposta.",
                "Rispondi a ogni domanda, anche solo per dire quando avrai la risposta.",
            ),
            (
                "This question from the customer seems to get no answer.",
                "Answer every question, even if only to say when you will know.",
            ),
        ),
        "no_restatement" => (
            (
                "Il cliente ha scritto un messaggio lungo o carico di emozione e la risposta non lo riprende.",
                "Apri riassumendo con parole tue che cosa è successo («Se ho capito bene, …»): il cliente saprà di essere stato ascoltato.",
            ),
            (
                "The customer wrote a long or emotional message and the reply does not restate it.",
                "Open by summing up in your own words what happened (\"If I understand correctly, …\") so the customer knows they were heard.",
            ),
        ),
        "already_tried" => (
            (
                "Suggerisci qualcosa che il cliente dice di aver già provato: «{x}».",
                "Riconosci ciò che ha già fatto («Visto che ha già …») e proponi il passo successivo.",
            ),
            (
                "You suggest something the customer says they already tried: \"{x}\".",
                "Acknowledge what they already did (\"Since you've already …\") and offer the next step.",
            ),
        ),
        "vague_no_question" => (
            (
                "La richiesta del cliente è vaga e la risposta non fa domande per capirla.",
                "Fai una domanda mirata (quale prodotto, quale messaggio d'errore, da quando) prima di proporre soluzioni.",
            ),
            (
                "The customer's request is vague and the reply asks nothing to understand it.",
                "Ask one focused question (which product, which error message, since when) before offering solutions.",
            ),
        ),
        "good_restatement" => (
            ("Bene: riprendi con parole tue quello che ha scritto il cliente.", "Continua così."),
            ("Good: you restate in your own words what the customer wrote.", "Keep it up."),
        ),
        "good_question" => (
            (
                "Bene: fai una domanda per capire meglio.",
                "Una domanda alla volta rende più facile rispondere.",
            ),
            ("Good: you ask a question to understand better.", "One question at a time is easier to answer."),
        ),
        "no_empathy" => (
            (
                "Il cliente è turbato, o c'è in gioco una perdita o una scadenza, e la risposta non riconosce come si sente.",
                "Aggiungi una frase che nomini la situazione e il suo peso per lui («Capisco quanto sia frustrante restare senza …»).",
            ),
            (
                "The customer is upset, or a loss or a deadline is at stake, and the reply does not acknowledge how they feel.",
                "Add a sentence that names the situation and what it means to them (\"I understand how frustrating it is to be without …\").",
            ),
        ),
        "formulaic_apology" => (
            (
                "Una scusa di rito, da sola, non basta: «{x}».",
                "Affiancala a una frase specifica sulla sua situazione, che mostri che hai capito che cosa ha passato.",
            ),
            (
                "A formulaic apology alone is not enough: \"{x}\".",
                "Pair it with a sentence about their particular situation that shows you understood what they went through.",
            ),
        ),
        "good_empathy" => (
            ("Bene: riconosci ciò che prova il cliente.", "Continua così."),
            ("Good: you acknowledge how the customer feels.", "Keep it up."),
        ),
        "good_reflection" => (
            (
                "Bene: dai un nome a ciò che prova il cliente.",
                "Se non sei sicuro del sentimento, chiedi conferma («Mi sembra che …, è così?»).",
            ),
            (
                "Good: you name what the customer feels.",
                "When you are not sure of the feeling, check it (\"It sounds like …, is that right?\").",
            ),
        ),
        "good_validation" => (
            (
                "Bene: dici al cliente che la sua reazione è comprensibile.",
                "Fai seguire la comprensione da ciò che farai per lui.",
            ),
            (
                "Good: you tell the customer their reaction makes sense.",
                "Follow the understanding with what you will do for them.",
            ),
        ),
        "good_relating" => (
            (
                "Racconti un'esperienza tua per mostrare che capisci.",
                "Tienila breve e riporta subito l'attenzione sul cliente e sul suo problema.",
            ),
            (
                "You share an experience of your own to show you understand.",
                "Keep it short and bring the focus straight back to the customer and their problem.",
            ),
        ),
        "good_reassurance" => (
            ("Bene: rassicuri il cliente.", "Fai seguire alla rassicurazione un passo concreto."),
            ("Good: you reassure the customer.", "Follow the reassurance with a concrete step."),
        ),
        "hard_to_read" => (
            (
                "Il testo è difficile da leggere (indice {x}).",
                "Usa frasi più brevi e parole più comuni: una idea per frase.",
            ),
            (
                "The text is hard to read (index {x}).",
                "Use shorter sentences and everyday words: one idea per sentence.",
            ),
        ),
        "long_sentence" => (
            ("Frase lunga ({x} parole).", "Dividila in due o tre frasi più brevi."),
            ("Long sentence ({x} words).", "Split it into two or three shorter sentences."),
        ),
        "bureaucratic" => (
            (
                "Linguaggio burocratico: «{x}».",
                "Scrivi come parleresti a una persona: in modo diretto e cordiale.",
            ),
            ("Bureaucratic phrasing: \"{x}\".", "Write as you would speak to a person: direct and warm."),
        ),
        "wordy" => (
            ("Giro di parole: «{x}».", "Dillo con meno parole."),
            ("Wordy phrase: \"{x}\".", "Say it in fewer words."),
        ),
        "misspelled" => (
            (
                "«{x}» non è nel dizionario.",
                "Controlla l'ortografia; se è un nome o un termine del vostro lavoro, aggiungilo alle parole dello spazio di lavoro.",
            ),
            (
                "\"{x}\" is not in the dictionary.",
                "Check the spelling; if it is a name or a term of your trade, add it to the workspace's words.",
            ),
        ),
        "too_long" => (
            (
                "Risposta molto lunga ({x} parole).",
                "Tieni ciò che serve al cliente; il resto può andare in un link.",
            ),
            ("Very long reply ({x} words).", "Keep what the customer needs; the rest can go in a link."),
        ),
        "empty_reply" => (
            ("La risposta è vuota.", "Scrivi una risposta prima di inviarla."),
            ("The reply is empty.", "Write a reply before sending it."),
        ),
        "deflection" => (
            (
                "Scarichi la responsabilità: «{x}».",
                "Parla in prima persona di che cosa farai tu («Verifico io e le scrivo entro oggi»).",
            ),
            (
                "This deflects responsibility: \"{x}\".",
                "Say in the first person what you will do (\"I'll check this myself and write back today\").",
            ),
        ),
        "blame" => (
            (
                "Sembra che tu dia la colpa al cliente: «{x}».",
                "Descrivi il problema senza colpe e passa alla soluzione.",
            ),
            (
                "This sounds like blaming the customer: \"{x}\".",
                "Describe the problem without blame and move on to the solution.",
            ),
        ),
        "no_commitment" => (
            ("Non c'è un impegno in prima persona.", "Di' che cosa farai tu: «Me ne occupo io e …»."),
            (
                "There is no first-person commitment.",
                "Say what you will do: \"I'll take care of this and …\".",
            ),
        ),
        "good_commitment" => (
            ("Bene: ti impegni in prima persona.", "Continua così."),
            ("Good: you commit in the first person.", "Keep it up."),
        ),
        "refusal_without_reason" => (
            (
                "Un rifiuto, un limite o un cambiamento senza il suo perché: «{x}».",
                "Spiega il motivo in parole semplici: un perché convince più di un no.",
            ),
            (
                "A refusal, a limit or a change without its reason: \"{x}\".",
                "Explain the reason in plain words: a why convinces more than a no.",
            ),
        ),
        "non_reason" => (
            (
                "«{x}» non è un motivo, per il cliente.",
                "Spiega il motivo vero e che cosa cambia per il cliente, non chi l'ha deciso.",
            ),
            (
                "\"{x}\" is not a reason to the customer.",
                "Give the real reason and what it means for the customer, not who decided it.",
            ),
        ),
        "no_next_step" => (
            (
                "Non c'è un passo successivo concreto.",
                "Di' che cosa succede ora, chi lo fa e quando («Le invio l'etichetta di reso entro oggi»).",
            ),
            (
                "There is no concrete next step.",
                "Say what happens now, who does it and when (\"I'll send you the return label today\").",
            ),
        ),
        "no_timing" => (
            (
                "Si parla di reso, rimborso o consegna senza dire i tempi.",
                "Indica tempi precisi («entro 5 giorni lavorativi»).",
            ),
            (
                "Return, refund or delivery is mentioned without any timing.",
                "Give precise timing (\"within 5 business days\").",
            ),
        ),
        "vague_timing" => (
            ("Tempi vaghi: «{x}».", "Dai una data o un intervallo preciso."),
            ("Vague timing: \"{x}\".", "Give a date or a precise range."),
        ),
        "good_next_step" => (
            ("Bene: c'è un passo successivo concreto.", "Dove puoi, aggiungi anche quando."),
            ("Good: there is a concrete next step.", "Where you can, say when as well."),
        ),
        "good_suggestion" => (
            ("Bene: proponi qualcosa di concreto da fare.", "Continua così."),
            ("Good: you suggest something concrete to do.", "Keep it up."),
        ),
        "only_negative" => (
            (
                "Dici che cosa non si può fare, ma non che cosa si può fare: «{x}».",
                "Aggiungi un'alternativa concreta («Quello che posso fare è …»).",
            ),
            (
                "You say what can't be done but not what can: \"{x}\".",
                "Add a concrete alternative (\"What I can do is …\").",
            ),
        ),
        "apathy" => (
            (
                "Suona disinteressato: «{x}».",
                "Mostra che ti sta a cuore trovare una soluzione, anche se non è immediata.",
            ),
            (
                "This sounds indifferent: \"{x}\".",
                "Show that you care about finding a way forward, even if it is not immediate.",
            ),
        ),
        "shouting_caps" => (
            (
                "Le maiuscole suonano come urlare: «{x}».",
                "Scrivi in minuscolo; per dare rilievo usa una frase chiara.",
            ),
            (
                "Capitals read as shouting: \"{x}\".",
                "Use lowercase; to stress a point, use a clear sentence.",
            ),
        ),
        "exclamations" => (
            ("Troppi punti esclamativi: «{x}».", "Ne basta uno, o nessuno."),
            ("Too many exclamation marks: \"{x}\".", "One is enough, or none."),
        ),
        "already_said" => (
            (
                "«{x}» suona spazientito.",
                "Ripeti l'informazione con calma e con altre parole, senza ricordare che l'hai già detta.",
            ),
            (
                "\"{x}\" sounds impatient.",
                "Repeat the information calmly and in other words, without pointing out that you said it before.",
            ),
        ),
        "sarcasm" => (
            ("Può suonare sarcastico: «{x}».", "Togli l'ironia: scrivi in modo neutro e cordiale."),
            ("This may sound sarcastic: \"{x}\".", "Drop the irony: write in a neutral, friendly way."),
        ),
        "brusque" => (
            (
                "Il tono può risultare brusco: «{x}».",
                "Ammorbidisci con un saluto, un grazie o una domanda indiretta («Potrebbe …?»).",
            ),
            (
                "The tone may come across as brusque: \"{x}\".",
                "Soften it with a greeting, a thank-you or an indirect request (\"Could you …?\").",
            ),
        ),
        "placeholder" => (
            ("Segnaposto non compilato: «{x}».", "Sostituiscilo con il dato vero prima di inviare."),
            ("Unfilled placeholder: \"{x}\".", "Replace it with the real value before sending."),
        ),
        "no_name" => (
            ("Il nome del cliente ({x}) non compare nella risposta.", "Saluta il cliente per nome."),
            ("The customer's name ({x}) does not appear in the reply.", "Greet the customer by name."),
        ),
        "canned_emotional" => (
            (
                "Una risposta predefinita, inviata così com'è, in una conversazione carica di emozione.",
                "Aggiungi almeno una frase scritta per questa persona e questa situazione.",
            ),
            (
                "A canned reply sent unchanged into an emotional conversation.",
                "Add at least one sentence written for this person and this situation.",
            ),
        ),
        "change_without_benefit" => (
            (
                "Annunci un cambiamento senza dire che cosa ci guadagna il cliente: «{x}».",
                "Spiega il vantaggio per lui («Così potrà …»).",
            ),
            (
                "You announce a change without saying what the customer gains: \"{x}\".",
                "State the benefit to them (\"This way you can …\").",
            ),
        ),
        _ => (("Nota del coach.", ""), ("Coach note.", "")),
    }
}

/// A short explanation of an urgency reason.
pub(crate) fn urgency(kind: UrgencyKind, ui: Language) -> &'static str {
    match (kind, ui) {
        (UrgencyKind::Deadline, Language::It) => "c'è una scadenza o una data in gioco",
        (UrgencyKind::Deadline, Language::En) => "a deadline or a date is at stake",
        (UrgencyKind::UrgentWord, Language::It) => "il cliente chiede di fare in fretta",
        (UrgencyKind::UrgentWord, Language::En) => "the customer asks for speed",
        (UrgencyKind::RepeatedContact, Language::It) => "il cliente ci ha già contattato per questo",
        (UrgencyKind::RepeatedContact, Language::En) => "the customer has contacted us about this before",
        (UrgencyKind::CancelThreat, Language::It) => "il cliente minaccia di disdire o di andarsene",
        (UrgencyKind::CancelThreat, Language::En) => "the customer threatens to cancel or leave",
        (UrgencyKind::LegalThreat, Language::It) => "il cliente parla di vie legali",
        (UrgencyKind::LegalThreat, Language::En) => "the customer mentions legal action",
        (UrgencyKind::MoneyLost, Language::It) => "ci sono soldi in gioco",
        (UrgencyKind::MoneyLost, Language::En) => "money is at stake",
        (UrgencyKind::BusinessStopped, Language::It) => "il lavoro del cliente è fermo",
        (UrgencyKind::BusinessStopped, Language::En) => "the customer's business is stopped",
    }
}
