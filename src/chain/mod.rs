//! The chain bridge (feature `chain`): what one epoch of a real subnet read and wrote, from a
//! node's raw storage, and its verification.
//!
//! * [`keys`]: storage keys as FRAME computes them (`twox128(pallet) ++ twox128(item) ++ hashed
//!   keys`);
//! * [`Reader`]: the five reads the bridge needs (a block's hash and header, the runtime
//!   version, storage values and key listings at a block) — a node ([`rpc::RpcClient`], feature
//!   `rpc`), a recorded file, an indexer or a runtime test can stand behind it.

pub mod decode;
pub mod error;
pub mod fetch;
pub mod items;
pub mod keys;
pub mod replay;
#[cfg(feature = "rpc")]
pub mod rpc;
pub mod rpc_json;
pub mod snapshot;
pub mod stake;

pub use error::ChainError;
pub use fetch::{fetch_epoch, FetchOptions, Progress, Target};
pub use snapshot::{parse_snapshot, verify, ChainSnapshot, SnapshotReport};

use alloc::vec::Vec;

use keys::StorageKey;

/// A block hash.
pub type Hash = [u8; 32];

/// What the bridge reads of a block header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The block number.
    pub number: u64,
    /// The parent block's hash.
    pub parent: Hash,
}

/// Where the chain's state comes from: a node's standard JSON-RPC, or anything that answers the
/// same five questions.
pub trait Reader {
    /// The hash of block `number` (`None`: the best block), `Ok(None)` when there is no such block.
    fn block_hash(&mut self, number: Option<u64>) -> Result<Option<Hash>, ChainError>;
    /// The header of the block `hash`, `Ok(None)` when unknown.
    fn header(&mut self, hash: &Hash) -> Result<Option<Header>, ChainError>;
    /// The spec version of the runtime in the state of block `hash`.
    fn spec_version(&mut self, hash: &Hash) -> Result<u32, ChainError>;
    /// The values of `keys` in the state of block `hash` (`None`: absent), in order.
    fn storage(
        &mut self,
        at: &Hash,
        keys: &[StorageKey],
    ) -> Result<Vec<Option<Vec<u8>>>, ChainError>;
    /// Every key under `prefix` in the state of block `hash`.
    fn keys(&mut self, at: &Hash, prefix: &StorageKey) -> Result<Vec<StorageKey>, ChainError>;

    /// [`Reader::storage`] for several blocks at once (one round trip where the reader can).
    fn storage_many(
        &mut self,
        reads: &[(Hash, Vec<StorageKey>)],
    ) -> Result<Vec<Vec<Option<Vec<u8>>>>, ChainError> {
        reads
            .iter()
            .map(|(at, keys)| self.storage(at, keys))
            .collect()
    }

    /// [`Reader::keys`] for several prefixes at once (one round trip per page where the reader
    /// can).
    fn keys_many(
        &mut self,
        prefixes: &[(Hash, StorageKey)],
    ) -> Result<Vec<Vec<StorageKey>>, ChainError> {
        prefixes.iter().map(|(at, p)| self.keys(at, p)).collect()
    }
}
