//! E-mail parsing and classification on real-world shapes of mail.

use ascolto_channels::email::{AttachmentLimits, MailKind, ReplyToken, parse};

fn parsed(raw: &str) -> ascolto_channels::email::ParsedMail {
    parse(raw.replace('\n', "\r\n").as_bytes(), AttachmentLimits::default())
}

#[test]
fn iso_8859_1_text_is_decoded() {
    let mut raw = b"From: =?ISO-8859-1?Q?Jos=E9?= <jose@example.com>\r\nSubject: =?ISO-8859-1?Q?Perch=E9?=\r\nMessage-ID: <l1@example.com>\r\nContent-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n".to_vec();
    raw.extend_from_slice(b"Citt\xe0 e perch\xe9\r\n");
    let mail = parse(&raw, AttachmentLimits::default());
    assert_eq!(mail.text, "Città e perché");
    assert_eq!(mail.subject, "Perché");
    assert_eq!(mail.from_name.as_deref(), Some("José"));
    assert_eq!(mail.message_id.as_deref(), Some("l1@example.com"));
}

#[test]
fn broken_mime_is_kept_as_readable_text() {
    let mail = parsed(
        "From: a@example.com\nSubject: rotto\nContent-Type: multipart/mixed; boundary=\"nope\"\n\n--wrong\nContent-Type: text/plain\n\nTesto leggibile\n",
    );
    assert!(mail.text.contains("Testo leggibile"), "{:?}", mail.text);
    let garbage = parse(b"\xff\xfe\x00 not a mail at all", AttachmentLimits::default());
    assert!(garbage.text.contains("not a mail at all"));
    assert!(!garbage.content_hash.is_empty());
}

#[test]
fn html_only_mail_gets_a_text_version() {
    let mail = parsed(
        "From: a@example.com\nSubject: h\nContent-Type: text/html; charset=utf-8\n\n<p>Ciao <b>mondo</b></p>\n",
    );
    assert!(mail.text.contains("Ciao") && mail.text.contains("mondo"), "{:?}", mail.text);
    assert!(mail.html.as_deref().is_some_and(|h| h.contains("<b>mondo</b>")));
}

#[test]
fn oversized_attachments_are_recorded_as_skipped_and_inline_images_keep_their_id() {
    let raw = "From: a@example.com\nSubject: files\nContent-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nSee attached\n--b\nContent-Type: application/pdf; name=\"big.pdf\"\nContent-Disposition: attachment; filename=\"big.pdf\"\n\n0123456789012345678901234567890123456789\n--b\nContent-Type: image/png; name=\"logo.png\"\nContent-Disposition: inline; filename=\"logo.png\"\nContent-ID: <logo@x>\nContent-Transfer-Encoding: base64\n\naGVsbG8=\n--b--\n";
    let mail =
        parse(raw.replace('\n', "\r\n").as_bytes(), AttachmentLimits { max_bytes: 20, max_total_bytes: 100 });
    assert_eq!(mail.text, "See attached");
    assert_eq!(mail.attachments.len(), 2);
    let big = &mail.attachments[0];
    assert_eq!(big.meta.filename, "big.pdf");
    assert!(big.meta.skipped.is_some() && big.data.is_none());
    let logo = &mail.attachments[1];
    assert_eq!(logo.meta.content_id.as_deref(), Some("logo@x"));
    assert_eq!(logo.data.as_deref(), Some(&b"hello"[..]));
}

#[test]
fn autoresponders_and_lists_are_automatic() {
    for header in
        ["Auto-Submitted: auto-replied", "X-Autoreply: yes", "Precedence: bulk", "List-Id: <news.x>"]
    {
        let mail = parsed(&format!("From: a@example.com\nSubject: Out of office\n{header}\n\nAway\n"));
        assert!(matches!(mail.kind, MailKind::AutoReply { .. }), "{header}: {:?}", mail.kind);
    }
    let person = parsed("From: a@example.com\nSubject: hi\nAuto-Submitted: no\n\nHi\n");
    assert_eq!(person.kind, MailKind::Normal);
}

#[test]
fn a_dsn_names_the_bounced_message() {
    let raw = "From: MAILER-DAEMON@mx.example\nSubject: Undelivered Mail\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\n\n--r\nContent-Type: text/plain\n\nSorry.\n--r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; gone@example.com\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\n--r\nContent-Type: text/rfc822-headers\n\nFrom: support@desk.example\nMessage-ID: <ascolto-c5.m8.ff@desk.example>\nSubject: Re: x\n--r--\n";
    let mail = parsed(raw);
    match mail.kind {
        MailKind::Bounce { original, diagnostic } => {
            assert_eq!(original.as_deref(), Some("ascolto-c5.m8.ff@desk.example"));
            assert!(diagnostic.contains("550 5.1.1 user unknown"), "{diagnostic}");
        }
        other => panic!("not a bounce: {other:?}"),
    }
}

#[test]
fn the_token_is_found_in_references_or_the_plus_address() {
    let by_reference = parsed(
        "From: a@example.com\nSubject: Re: x\nReferences: <a@b> <ascolto-c77.m1.0@desk.example>\n\nok\n",
    );
    assert_eq!(by_reference.token, Some(ReplyToken { conversation: 77 }));
    let by_address = parsed("From: a@example.com\nTo: support+ascolto-c8@desk.example\nSubject: x\n\nok\n");
    assert_eq!(by_address.token, Some(ReplyToken { conversation: 8 }));
}

#[test]
fn the_same_content_hashes_alike_and_different_content_does_not() {
    let first = parsed(
        "From: a@example.com\nDate: Mon, 23 Nov 2026 09:00:00 +0000\nMessage-ID: <same@x>\nReceived: by mx1\nSubject: s\n\nbody one\n",
    );
    let copy = parsed(
        "From: a@example.com\nDate: Mon, 23 Nov 2026 09:00:00 +0000\nMessage-ID: <same@x>\nReceived: by mx2\nDelivered-To: other@x\nSubject: s\n\nbody one\n",
    );
    let reuse = parsed(
        "From: a@example.com\nDate: Mon, 23 Nov 2026 09:00:00 +0000\nMessage-ID: <same@x>\nSubject: s\n\nbody two\n",
    );
    assert_eq!(first.dedupe_key(), copy.dedupe_key());
    assert_ne!(first.dedupe_key(), reuse.dedupe_key());
    assert!(first.dedupe_key().starts_with("same@x#"));
}

#[test]
fn broken_multipart_with_a_mime_version_is_kept_as_text() {
    let mail = parse(
        b"From: rotto@example.com\r\nSubject: rotto\r\nMessage-ID: <broken@client>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"manca\"\r\n\r\n--altro\r\nContent-Type: text/plain\r\n\r\nIl testo si legge lo stesso\r\n",
        AttachmentLimits::default(),
    );
    assert!(mail.text.contains("Il testo si legge lo stesso"), "{mail:?}");
}
