//! Local mail servers on loopback for tests and `ascolto bench imap`: Debian's dovecot run
//! unprivileged in a temporary folder, and Debian's aiosmtpd writing each received mail to a
//! maildir. Nothing here is used by a running desk.
