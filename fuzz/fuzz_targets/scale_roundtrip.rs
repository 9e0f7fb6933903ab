//! SCALE `Decode` of arbitrary bytes into `EpochInput`, `MechanismsInput` and `EpochOutput` must
//! never panic, and must not allocate what the bytes cannot back (a length prefix of 2^30 in a
//! 20-byte input must be an error, not an out-of-memory abort: libFuzzer's `-rss_limit_mb` and
//! `-malloc_limit_mb` turn that into a crash). Whatever decodes must re-encode and decode to the
//! same value, and re-encoding must reproduce exactly the bytes that were consumed (SCALE is
//! canonical for these types: fixed-width integers, compact lengths, 0/1 bools and options).
//!
//! The first byte picks the type; the rest is the encoding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parity_scale_codec::{Decode, Encode};
use yuma::{EpochInput, EpochOutput, MechanismsInput};

fn roundtrip<T: Decode + Encode + PartialEq + core::fmt::Debug>(bytes: &[u8]) {
    let mut rest = bytes;
    let Ok(value) = T::decode(&mut rest) else {
        return;
    };
    let consumed = &bytes[..bytes.len() - rest.len()];
    let encoded = value.encode();
    let again = T::decode(&mut &encoded[..]).expect("re-encoded value does not decode");
    assert_eq!(again, value, "encode → decode changed the value");
    assert_eq!(
        encoded, consumed,
        "re-encoding differs from the consumed bytes (non-canonical encoding accepted)"
    );
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, bytes)) = data.split_first() else {
        return;
    };
    match which % 3 {
        0 => roundtrip::<EpochInput>(bytes),
        1 => roundtrip::<MechanismsInput>(bytes),
        _ => roundtrip::<EpochOutput>(bytes),
    }
});
