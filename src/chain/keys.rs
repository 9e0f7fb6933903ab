//! Storage keys as FRAME computes them: `twox128(pallet) ++ twox128(item) ++ hash(key)…`.
//!
//! Each map key is SCALE-encoded, then hashed by the item's hasher: `Identity` (the encoding
//! itself), `Twox64Concat` (`twox64(k) ++ k`), `Blake2_128Concat` (`blake2_128(k) ++ k`). The
//! `…Concat` forms and `Identity` keep the key readable after the hash, which is how a key found
//! by prefix iteration (`state_getKeysPaged`) is decoded back ([`split_key`]).
//!
//! ```
//! use yuma::chain::keys::{twox_128, Hasher, StorageKey};
//! // `System::Number`: a plain value, the two prefix hashes only.
//! let k = StorageKey::value("System", "Number");
//! assert_eq!(yuma::chain::keys::to_hex(&k.0), "0x26aa394eea5630e07c48ae0c9558cef702a5c1b19ab7a04f536c519aca4983ac");
//! assert_eq!(&k.0[..16], &twox_128(b"System"));
//! ```

use alloc::string::String;
use alloc::vec::Vec;

use blake2::digest::consts::U16;
use blake2::{Blake2b, Digest};
use twox_hash::XxHash64;

/// `twox128(data)`: xxHash64 with seeds 0 and 1, little-endian, concatenated.
pub fn twox_128(data: &[u8]) -> [u8; 16] {
    let mut out = [0u8; 16];
    let (a, b) = out.split_at_mut(8);
    a.copy_from_slice(&XxHash64::oneshot(0, data).to_le_bytes());
    b.copy_from_slice(&XxHash64::oneshot(1, data).to_le_bytes());
    out
}

/// `twox64(data)`: xxHash64 with seed 0, little-endian.
pub fn twox_64(data: &[u8]) -> [u8; 8] {
    XxHash64::oneshot(0, data).to_le_bytes()
}

/// `blake2_128(data)`: BLAKE2b with a 16-byte digest.
pub fn blake2_128(data: &[u8]) -> [u8; 16] {
    let mut h = Blake2b::<U16>::new();
    h.update(data);
    h.finalize().into()
}

/// How a storage map hashes one of its keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hasher {
    /// The key's encoding as is.
    Identity,
    /// `twox64(k) ++ k`.
    Twox64Concat,
    /// `blake2_128(k) ++ k`.
    Blake2_128Concat,
}

impl Hasher {
    /// Appends the hashed form of an encoded key to `out`.
    pub fn hash_into(self, key: &[u8], out: &mut Vec<u8>) {
        match self {
            Hasher::Identity => {}
            Hasher::Twox64Concat => out.extend_from_slice(&twox_64(key)),
            Hasher::Blake2_128Concat => out.extend_from_slice(&blake2_128(key)),
        }
        out.extend_from_slice(key);
    }

    /// Bytes of hash before the key's own encoding.
    pub fn hash_len(self) -> usize {
        match self {
            Hasher::Identity => 0,
            Hasher::Twox64Concat => 8,
            Hasher::Blake2_128Concat => 16,
        }
    }

    /// The name FRAME metadata uses.
    pub fn name(self) -> &'static str {
        match self {
            Hasher::Identity => "Identity",
            Hasher::Twox64Concat => "Twox64Concat",
            Hasher::Blake2_128Concat => "Blake2_128Concat",
        }
    }
}

/// A full storage key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StorageKey(pub Vec<u8>);

impl StorageKey {
    /// The key of a plain value (`StorageValue`), and the prefix of a map's every key.
    pub fn value(pallet: &str, item: &str) -> StorageKey {
        let mut k = Vec::with_capacity(32);
        k.extend_from_slice(&twox_128(pallet.as_bytes()));
        k.extend_from_slice(&twox_128(item.as_bytes()));
        StorageKey(k)
    }

    /// The key of a map entry: each `(hasher, encoded key)` in order.
    pub fn map(pallet: &str, item: &str, keys: &[(Hasher, &[u8])]) -> StorageKey {
        let mut k = StorageKey::value(pallet, item);
        for (h, key) in keys {
            h.hash_into(key, &mut k.0);
        }
        k
    }

    /// The key as `0x`-prefixed hex.
    pub fn hex(&self) -> String {
        to_hex(&self.0)
    }
}

/// The encoded keys of a full storage key under `prefix`, one per `(hasher, encoded length)`:
/// `None` when the key does not start with the prefix or is too short.
///
/// ```
/// use yuma::chain::keys::{split_key, Hasher, StorageKey};
/// let k = StorageKey::map("P", "M", &[(Hasher::Identity, &7u16.to_le_bytes()), (Hasher::Twox64Concat, &[1, 2, 3])]);
/// let prefix = StorageKey::value("P", "M");
/// let parts = split_key(&k.0, &prefix.0, &[(Hasher::Identity, 2), (Hasher::Twox64Concat, 3)]).unwrap();
/// assert_eq!(parts, vec![&[7u8, 0][..], &[1, 2, 3][..]]);
/// ```
pub fn split_key<'a>(
    key: &'a [u8],
    prefix: &[u8],
    parts: &[(Hasher, usize)],
) -> Option<Vec<&'a [u8]>> {
    let mut rest = key.strip_prefix(prefix)?;
    let mut out = Vec::with_capacity(parts.len());
    for &(h, len) in parts {
        let after_hash = rest.get(h.hash_len()..)?;
        let (k, tail) = (after_hash.get(..len)?, after_hash.get(len..)?);
        out.push(k);
        rest = tail;
    }
    rest.is_empty().then_some(out)
}

/// Bytes as `0x`-prefixed lowercase hex.
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len().saturating_mul(2).saturating_add(2));
    s.push_str("0x");
    for &b in bytes {
        for nibble in [b >> 4, b & 15] {
            s.push(char::from(
                DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'0'),
            ));
        }
    }
    s
}

/// `0x`-prefixed (or bare) hex as bytes; `None` for anything else.
///
/// ```
/// assert_eq!(yuma::chain::keys::from_hex("0x0a0B"), Some(vec![10, 11]));
/// assert_eq!(yuma::chain::keys::from_hex("0xabc"), None);
/// ```
pub fn from_hex(s: &str) -> Option<Vec<u8>> {
    let s = s.strip_prefix("0x").unwrap_or(s).as_bytes();
    if s.len() % 2 != 0 {
        return None;
    }
    let digit = |c: u8| -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c.wrapping_sub(b'0')),
            b'a'..=b'f' => Some(c.wrapping_sub(b'a').wrapping_add(10)),
            b'A'..=b'F' => Some(c.wrapping_sub(b'A').wrapping_add(10)),
            _ => None,
        }
    };
    s.chunks_exact(2)
        .map(|p| match p {
            [h, l] => Some((digit(*h)? << 4) | digit(*l)?),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_hashes() {
        // twox128("Sudo") ++ twox128("Key") is the well-known `Sudo::Key` storage key.
        assert_eq!(
            StorageKey::value("Sudo", "Key").hex(),
            "0x5c0d1176a568c1f92944340dbfed9e9c530ebca703c85910e7164cb7d1c9e47b"
        );
        // blake2_128 of the empty input.
        assert_eq!(
            to_hex(&blake2_128(b"")),
            "0xcae66941d9efbd404e4d88758ea67670"
        );
        // twox64 of the empty input (xxh64 seed 0 = 0xef46db3751d8e999, little-endian).
        assert_eq!(to_hex(&twox_64(b"")), "0x99e9d85137db46ef");
    }
}
