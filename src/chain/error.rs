//! Why a fetch or a snapshot verification failed: one line naming what and where, and the exit
//! code the CLI uses for it.

use alloc::string::String;
use core::fmt;

/// A chain bridge failure.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChainError {
    /// A bad argument: a malformed URL, a block or netuid that does not exist, a block where
    /// no epoch ran (exit 2).
    Argument(String),
    /// The runtime that executed the block is not one this version reproduces (exit 2).
    UnsupportedRuntime {
        /// Its spec version.
        spec_version: u32,
        /// The block.
        block: u64,
    },
    /// The node could not be reached, dropped the connection, timed out, or kept refusing
    /// (exit 3).
    Network {
        /// The endpoint.
        url: String,
        /// What happened.
        message: String,
    },
    /// The node answered with an error, or with something that is not the JSON-RPC answer the
    /// method returns (exit 3).
    Node {
        /// The method called.
        method: String,
        /// What the node said.
        message: String,
    },
    /// A storage value that does not decode as the type the runtime stores there (exit 3: a
    /// truncated answer, or a runtime whose types differ).
    Decode {
        /// The storage item, with its key (`SubtensorModule::Weights[7, 3]`).
        item: String,
        /// The block the value was read at.
        block: u64,
        /// Why it does not decode.
        reason: String,
    },
    /// A snapshot file that is not what `yuma fetch` writes (exit 2).
    Snapshot(String),
    /// A [`super::replay::Replay`] lacks answers: its driver sends the calls it queued and runs
    /// the fetch again (exit 3 if it ever escapes).
    Pending,
}

impl ChainError {
    /// The CLI's exit code: 2 for bad arguments and unsupported runtimes, 3 for node and network
    /// failures.
    pub fn exit_code(&self) -> u8 {
        match self {
            ChainError::Argument(_)
            | ChainError::UnsupportedRuntime { .. }
            | ChainError::Snapshot(_) => 2,
            ChainError::Network { .. }
            | ChainError::Node { .. }
            | ChainError::Decode { .. }
            | ChainError::Pending => 3,
        }
    }
}

impl fmt::Display for ChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainError::Argument(m) | ChainError::Snapshot(m) => f.write_str(m),
            ChainError::Pending => f.write_str("the fetch is waiting for answers from the node"),
            ChainError::UnsupportedRuntime {
                spec_version,
                block,
            } => write!(
                f,
                "block {block} ran runtime {spec_version}, which is not reproduced by this version \
                 of yuma (it reproduces specs up to {}); rerun with --assume-spec {} to compute it \
                 under the newest known rules",
                crate::runtime::NEWEST_CHECKED_SPEC,
                crate::runtime::NEWEST_CHECKED_SPEC
            ),
            ChainError::Network { url, message } => write!(f, "{url}: {message}"),
            ChainError::Node { method, message } => write!(f, "the node answered {method} with {message}"),
            ChainError::Decode {
                item,
                block,
                reason,
            } => write!(
                f,
                "{item} at block {block} does not decode: {reason} (a truncated answer, or a runtime \
                 whose storage types differ)"
            ),
        }
    }
}

impl core::error::Error for ChainError {}
