//! Storage values decoded as the runtime stores them (SCALE, `parity-scale-codec`), every byte
//! accounted for: a value with bytes left over, or too few, is an error naming the item, never a
//! silent default.
//!
//! ```
//! use yuma::chain::decode::{decode, Account};
//! let row: Vec<(u16, u16)> = decode(&[8, 1, 0, 0xff, 0xff, 2, 0, 1, 0], "Weights[7, 0]", 10).unwrap();
//! assert_eq!(row, vec![(1, 65535), (2, 1)]);
//! // Truncated: one byte short.
//! assert!(decode::<Vec<(u16, u16)>>(&[8, 1, 0, 0xff, 0xff, 2, 0, 1], "Weights[7, 0]", 10).is_err());
//! let _: Option<Account> = None;
//! ```

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use parity_scale_codec::Decode;

use super::ChainError;
use crate::{ConsensusMode, EpochConsensus};

/// An `AccountId32`: 32 raw bytes.
pub type Account = [u8; 32];

/// A weight-commit queue entry of `WeightCommits` (commit-reveal v2): `(hash, commit epoch,
/// commit block, reveal block)`.
pub type HashCommit = ([u8; 32], u64, u64, u64);

/// A queue entry of `TimelockedWeightCommits` (commit-reveal v4): `(hotkey, commit block,
/// ciphertext, drand round)`.
pub type TimelockedCommit = (Account, u64, Vec<u8>, u64);

/// Decodes `bytes` as `T`, all of them.
pub fn decode<T: Decode>(bytes: &[u8], item: &str, block: u64) -> Result<T, ChainError> {
    let fail = |reason: String| ChainError::Decode {
        item: format!("SubtensorModule::{item}"),
        block,
        reason,
    };
    let mut rest = bytes;
    match T::decode(&mut rest) {
        Ok(v) if rest.is_empty() => Ok(v),
        Ok(_) => Err(fail(format!(
            "{} of its {} bytes are left over after the value",
            rest.len(),
            bytes.len()
        ))),
        Err(e) => Err(fail(if bytes.is_empty() {
            String::from("no bytes")
        } else {
            format!("{} bytes do not hold the stored type ({e})", bytes.len())
        })),
    }
}

/// `ConsensusMode` as the newer runtimes store it: `Current` = 0, `Previous` = 1, `Auto` = 2.
pub fn consensus_mode(bytes: &[u8], item: &str, block: u64) -> Result<ConsensusMode, ChainError> {
    match decode::<u8>(bytes, item, block)? {
        0 => Ok(ConsensusMode::Current),
        1 => Ok(ConsensusMode::Previous),
        2 => Ok(ConsensusMode::Auto),
        k => Err(ChainError::Decode {
            item: format!("SubtensorModule::{item}"),
            block,
            reason: format!("variant {k} is not a ConsensusMode (Current 0, Previous 1, Auto 2)"),
        }),
    }
}

/// `EpochConsensus` as spec 475 stores it: `Yuma` = 0, `Null` = 1.
pub fn epoch_consensus(bytes: &[u8], item: &str, block: u64) -> Result<EpochConsensus, ChainError> {
    match decode::<u8>(bytes, item, block)? {
        0 => Ok(EpochConsensus::Yuma),
        1 => Ok(EpochConsensus::Null),
        k => Err(ChainError::Decode {
            item: format!("SubtensorModule::{item}"),
            block,
            reason: format!("variant {k} is not an EpochConsensus (Yuma 0, Null 1)"),
        }),
    }
}
