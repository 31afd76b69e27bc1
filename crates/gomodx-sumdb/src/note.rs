//! Signed notes (`golang.org/x/mod/sumdb/note`): a UTF-8 text ending in a
//! newline, a blank line, then signature lines `— <name> <base64(key hash ‖
//! signature)>`.
//!
//! A verifier key is `<name>+<8 hex digits of the key hash>+<base64(alg ‖
//! public key)>`, where the key hash is the first four bytes (big-endian)
//! of `SHA-256(name ‖ "\n" ‖ alg ‖ public key)` and the only algorithm is
//! Ed25519 (`alg` = 1). A note opens when a signature by the known key
//! verifies; signatures by other keys are ignored, a bad one by the known
//! key is an error.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use sha2::{Digest, Sha256};

/// The algorithm byte of Ed25519 keys.
const ALG_ED25519: u8 = 1;

/// Go's limit on signature lines in one note.
const MAX_SIGNATURES: usize = 100;

/// Why a key or a note was refused (Go's wording).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    /// The key text is not `name+hash+key`.
    #[error("malformed verifier id")]
    MalformedKey,
    /// The key's hash does not match its name and key.
    #[error("invalid verifier hash")]
    KeyHash,
    /// The key is not an Ed25519 key.
    #[error("unknown verifier algorithm")]
    KeyAlgorithm,
    /// The note is not text, has no signature block, or a bad signature line.
    #[error("malformed note")]
    Malformed,
    /// The known key signed the note, but the signature does not verify.
    #[error("invalid signature for key {name}+{hash:08x}")]
    InvalidSignature {
        /// The key name.
        name: String,
        /// The key hash.
        hash: u32,
    },
    /// No signature by the known key.
    #[error("note has no verifiable signatures")]
    Unverified,
}

/// Go's key hash: the first four bytes of `SHA-256(name ‖ "\n" ‖ key)`.
fn key_hash(name: &str, key: &[u8]) -> u32 {
    let digest = Sha256::new()
        .chain_update(name.as_bytes())
        .chain_update(b"\n")
        .chain_update(key)
        .finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// Go's `isValidName`: non-empty, no white space, no `+`.
fn is_valid_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(char::is_whitespace) && !name.contains('+')
}

/// A public key that notes are checked with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verifier {
    name: String,
    hash: u32,
    key: VerifyingKey,
}

impl Verifier {
    /// Parses a verifier key, `<name>+<hash>+<base64 key>`, checking its hash.
    pub fn parse(vkey: &str) -> Result<Self, NoteError> {
        let (name, rest) = vkey.split_once('+').unwrap_or((vkey, ""));
        let (hash16, key64) = rest.split_once('+').unwrap_or((rest, ""));
        let hash = u32::from_str_radix(hash16, 16).ok();
        let key = STANDARD.decode(key64).ok();
        let (Some(hash), Some(key)) = (hash, key) else {
            return Err(NoteError::MalformedKey);
        };
        if hash16.len() != 8 || !hash16.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(NoteError::MalformedKey);
        }
        if !is_valid_name(name) || key.is_empty() {
            return Err(NoteError::MalformedKey);
        }
        if hash != key_hash(name, &key) {
            return Err(NoteError::KeyHash);
        }
        if key[0] != ALG_ED25519 {
            return Err(NoteError::KeyAlgorithm);
        }
        let key: [u8; 32] = key[1..].try_into().map_err(|_| NoteError::MalformedKey)?;
        let key = VerifyingKey::from_bytes(&key).map_err(|_| NoteError::MalformedKey)?;
        Ok(Self {
            name: name.to_owned(),
            hash,
            key,
        })
    }

    /// The key's name (for a checksum database, its host and path).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key hash.
    pub fn hash(&self) -> u32 {
        self.hash
    }

    /// Go's `note.Open` with this key as the only known one: the note's
    /// text when this key signed it.
    pub fn open<'a>(&self, msg: &'a [u8]) -> Result<&'a str, NoteError> {
        let msg = std::str::from_utf8(msg).map_err(|_| NoteError::Malformed)?;
        if msg.chars().any(|c| c < '\u{20}' && c != '\n') {
            return Err(NoteError::Malformed);
        }
        let split = msg.rfind("\n\n").ok_or(NoteError::Malformed)?;
        let (text, sigs) = (&msg[..=split], &msg[split + 2..]);
        if !sigs.ends_with('\n') {
            return Err(NoteError::Malformed);
        }
        let mut verified = false;
        for (count, line) in sigs.lines().enumerate() {
            if count >= MAX_SIGNATURES {
                return Err(NoteError::Malformed);
            }
            let line = line.strip_prefix("— ").ok_or(NoteError::Malformed)?;
            let (name, b64) = line.split_once(' ').unwrap_or((line, ""));
            let sig = STANDARD.decode(b64).map_err(|_| NoteError::Malformed)?;
            if !is_valid_name(name) || b64.is_empty() || sig.len() < 5 {
                return Err(NoteError::Malformed);
            }
            let hash = u32::from_be_bytes([sig[0], sig[1], sig[2], sig[3]]);
            if name != self.name || hash != self.hash || verified {
                continue;
            }
            let valid = Signature::from_slice(&sig[4..])
                .is_ok_and(|sig| self.key.verify(text.as_bytes(), &sig).is_ok());
            if !valid {
                return Err(NoteError::InvalidSignature {
                    name: name.to_owned(),
                    hash,
                });
            }
            verified = true;
        }
        if verified {
            Ok(text)
        } else {
            Err(NoteError::Unverified)
        }
    }
}

/// A private key that signs notes (for test databases).
pub struct Signer {
    name: String,
    hash: u32,
    key: SigningKey,
}

impl Signer {
    /// The Ed25519 signer `name` whose private key is `seed`.
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Self {
        let key = SigningKey::from_bytes(&seed);
        let hash = key_hash(name, &public_key(&key));
        Self {
            name: name.to_owned(),
            hash,
            key,
        }
    }

    /// The verifier key of this signer, as GOSUMDB takes it.
    pub fn verifier_key(&self) -> String {
        let key = STANDARD.encode(public_key(&self.key));
        format!("{}+{:08x}+{key}", self.name, self.hash)
    }

    /// `text` (which must end in a newline) signed: Go's `note.Sign`.
    pub fn sign(&self, text: &str) -> String {
        debug_assert!(text.ends_with('\n'));
        let mut sig = self.hash.to_be_bytes().to_vec();
        sig.extend_from_slice(&self.key.sign(text.as_bytes()).to_bytes());
        format!("{text}\n— {} {}\n", self.name, STANDARD.encode(sig))
    }
}

fn public_key(key: &SigningKey) -> Vec<u8> {
    let mut public = vec![ALG_ED25519];
    public.extend_from_slice(key.verifying_key().as_bytes());
    public
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Go's built-in key for the default database.
    const SUM_GOLANG_ORG: &str =
        "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";

    #[test]
    fn parses_the_default_key() {
        let verifier = Verifier::parse(SUM_GOLANG_ORG).unwrap();
        assert_eq!(verifier.name(), "sum.golang.org");
        assert_eq!(verifier.hash(), 0x033de0ae);
    }

    #[test]
    fn refuses_bad_keys() {
        let typo = SUM_GOLANG_ORG.replace("033de0ae", "033de0af");
        assert_eq!(Verifier::parse(&typo), Err(NoteError::KeyHash));
        assert_eq!(
            Verifier::parse("sum.golang.org"),
            Err(NoteError::MalformedKey)
        );
        assert_eq!(
            Verifier::parse("sum.golang.org+033de0a+Ac4z"),
            Err(NoteError::MalformedKey)
        );
    }

    #[test]
    fn signs_and_opens() {
        let signer = Signer::from_seed("example.com/db", [7; 32]);
        let verifier = Verifier::parse(&signer.verifier_key()).unwrap();
        let note = signer.sign("hello\nworld\n");
        assert_eq!(verifier.open(note.as_bytes()), Ok("hello\nworld\n"));

        let tampered = note.replace("world", "wurld");
        assert!(matches!(
            verifier.open(tampered.as_bytes()),
            Err(NoteError::InvalidSignature { .. })
        ));
        let other = Signer::from_seed("example.com/db", [8; 32]).sign("hello\n");
        assert_eq!(
            verifier.open(other.as_bytes()),
            Err(NoteError::Unverified),
            "another key's signature is ignored"
        );
        assert_eq!(verifier.open(b"hello\n"), Err(NoteError::Malformed));
        assert_eq!(
            verifier.open(b"hello\n\n- x y\n"),
            Err(NoteError::Malformed)
        );
    }

    #[test]
    fn another_key_of_the_same_name_is_ignored() {
        let signer = Signer::from_seed("db", [1; 32]);
        let other = Signer::from_seed("db", [2; 32]);
        let verifier = Verifier::parse(&signer.verifier_key()).unwrap();
        let both = format!(
            "{}{}",
            other.sign("t\n"),
            signer.sign("t\n").trim_start_matches("t\n\n")
        );
        assert_eq!(verifier.open(both.as_bytes()), Ok("t\n"));
    }
}
