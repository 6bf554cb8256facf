//! HMAC-SHA256 signatures and constant-time comparison of secrets.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 of `data` with `key`, as lower-case hex.
pub fn hmac_hex(key: &[u8], data: &[u8]) -> String {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    hex::encode(mac.finalize().into_bytes())
}

/// Whether `hex_signature` is the HMAC-SHA256 of `data` with `key`, compared in constant time.
pub fn verify_hmac_hex(key: &[u8], data: &[u8], hex_signature: &str) -> bool {
    let Ok(signature) = hex::decode(hex_signature.trim()) else { return false };
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.verify_slice(&signature).is_ok()
}

/// Compares two secrets in time independent of where they differ (or of their lengths,
/// since both are hashed first).
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    a.iter().zip(b.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_the_rfc_4231_test_vector() {
        // RFC 4231, test case 2.
        let signature = hmac_hex(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(signature, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        assert!(verify_hmac_hex(b"Jefe", b"what do ya want for nothing?", &signature));
        assert!(!verify_hmac_hex(b"Jefe", b"what do ya want for nothing!", &signature));
        assert!(!verify_hmac_hex(b"Jefe", b"x", "not hex"));
    }

    #[test]
    fn secrets_compare_exactly() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", ""));
    }
}
