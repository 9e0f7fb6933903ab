//! The JSON-RPC of a Substrate node, without a transport: the calls the bridge makes and how
//! their answers decode. The native client ([`super::rpc`], feature `rpc`) and the replaying
//! reader the page drives ([`super::replay`]) share it.
//!
//! Only standard methods: `chain_getBlockHash`, `chain_getHeader`, `state_getRuntimeVersion`,
//! `state_getStorage`, `state_getKeysPaged`, `state_queryStorageAt`. (`state_call` is not used:
//! every value an epoch reads is in storage; only `rao_emission` is not, and no runtime API
//! returns it either.)

use alloc::borrow::ToOwned;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use serde_json::{json, Value};

use super::keys::{from_hex, to_hex, StorageKey};
use super::{ChainError, Hash, Header};

/// One JSON-RPC call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The method.
    pub method: &'static str,
    /// Its parameters.
    pub params: Value,
}

impl Call {
    /// A text that identifies the call (method and parameters).
    pub fn id_text(&self) -> String {
        format!("{}{}", self.method, self.params)
    }
}

/// `chain_getBlockHash` of block `number` (`None`: the best block).
pub fn block_hash_call(number: Option<u64>) -> Call {
    Call {
        method: "chain_getBlockHash",
        params: match number {
            Some(n) => json!([n]),
            None => json!([]),
        },
    }
}

/// `chain_getHeader` of a block.
pub fn header_call(hash: &Hash) -> Call {
    Call {
        method: "chain_getHeader",
        params: json!([to_hex(hash)]),
    }
}

/// `state_getRuntimeVersion` at a block.
pub fn runtime_version_call(hash: &Hash) -> Call {
    Call {
        method: "state_getRuntimeVersion",
        params: json!([to_hex(hash)]),
    }
}

/// `state_queryStorageAt` of `keys` at a block.
pub fn query_storage_at_call(keys: &[StorageKey], at: &Hash) -> Call {
    let hexes: Vec<String> = keys.iter().map(StorageKey::hex).collect();
    Call {
        method: "state_queryStorageAt",
        params: json!([hexes, to_hex(at)]),
    }
}

/// `state_getStorage` of one key at a block.
pub fn get_storage_call(key: &StorageKey, at: &Hash) -> Call {
    Call {
        method: "state_getStorage",
        params: json!([key.hex(), to_hex(at)]),
    }
}

/// `state_getKeysPaged`: up to `count` keys under `prefix` after `start`, at a block.
pub fn keys_paged_call(
    prefix: &StorageKey,
    count: u32,
    start: Option<&StorageKey>,
    at: &Hash,
) -> Call {
    Call {
        method: "state_getKeysPaged",
        params: json!([prefix.hex(), count, start.map(StorageKey::hex), to_hex(at)]),
    }
}

/// The JSON-RPC 2.0 request for `calls`, ids from `first`: one object, or a batch array.
pub fn request_body(calls: &[Call], first: u64) -> Value {
    let mut requests: Vec<Value> = calls
        .iter()
        .zip(first..)
        .map(|(c, id)| json!({"jsonrpc": "2.0", "id": id, "method": c.method, "params": c.params}))
        .collect();
    if requests.len() == 1 {
        requests.pop().unwrap_or(Value::Null)
    } else {
        Value::Array(requests)
    }
}

/// Whether a node's error message reads like "busy, try later".
pub fn busy(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    [
        "busy",
        "too many",
        "rate limit",
        "limit exceeded",
        "try again",
        "overloaded",
    ]
    .iter()
    .any(|w| m.contains(w))
}

/// A failed answer: the error, and whether the node said it was busy (worth retrying).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerError {
    /// What failed.
    pub error: ChainError,
    /// The node was busy.
    pub busy: bool,
}

/// Each call's `result` from the answer to [`request_body`] (one object or a batch array, in
/// any order).
pub fn match_answers(calls: &[Call], first: u64, answer: Value) -> Result<Vec<Value>, AnswerError> {
    let items = match answer {
        Value::Array(a) => a,
        one => alloc::vec![one],
    };
    let fail = |method: &str, message: String| AnswerError {
        error: ChainError::Node {
            method: method.to_owned(),
            message,
        },
        busy: false,
    };
    let mut out: Vec<Option<Value>> = alloc::vec![None; calls.len()];
    for item in items {
        let id = item.get("id").and_then(Value::as_u64);
        let slot = id
            .and_then(|id| id.checked_sub(first))
            .and_then(|k| usize::try_from(k).ok())
            .filter(|&k| k < calls.len());
        let method = slot
            .and_then(|k| calls.get(k))
            .map_or("a JSON-RPC request", |c| c.method);
        if let Some(err) = item.get("error") {
            let message = err
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("an error")
                .to_owned();
            let code = err.get("code").and_then(Value::as_i64).unwrap_or(0);
            return Err(AnswerError {
                busy: busy(&message) || code == -32005,
                error: ChainError::Node {
                    method: method.to_owned(),
                    message: format!("error {code}: {message}"),
                },
            });
        }
        let Some(k) = slot else {
            return Err(fail(
                method,
                String::from("an answer to a request it was not sent"),
            ));
        };
        if let Some(dst) = out.get_mut(k) {
            *dst = Some(item.get("result").cloned().unwrap_or(Value::Null));
        }
    }
    out.into_iter()
        .zip(calls)
        .map(|(r, c)| {
            r.ok_or_else(|| {
                fail(
                    c.method,
                    String::from("no answer to one of the batched calls"),
                )
            })
        })
        .collect()
}

fn bad(method: &str, what: &str) -> ChainError {
    ChainError::Node {
        method: method.to_owned(),
        message: format!("an answer that is not {what}"),
    }
}

/// A `0x…` hex string as bytes.
pub fn hex_value(method: &str, v: &Value) -> Result<Vec<u8>, ChainError> {
    v.as_str()
        .and_then(from_hex)
        .ok_or_else(|| bad(method, "hex data"))
}

fn hash_value(method: &str, v: &Value) -> Result<Hash, ChainError> {
    let bytes = hex_value(method, v)?;
    Hash::try_from(bytes.as_slice()).map_err(|_| bad(method, "a 32-byte block hash"))
}

/// `chain_getBlockHash`'s result: `None` when the node knows no such block.
pub fn parse_block_hash(v: &Value) -> Result<Option<Hash>, ChainError> {
    if v.is_null() {
        return Ok(None);
    }
    hash_value("chain_getBlockHash", v).map(Some)
}

/// `chain_getHeader`'s result: `None` when the node knows no such block.
pub fn parse_header(v: &Value) -> Result<Option<Header>, ChainError> {
    const M: &str = "chain_getHeader";
    if v.is_null() {
        return Ok(None);
    }
    let number = v
        .get("number")
        .and_then(Value::as_str)
        .and_then(|s| u64::from_str_radix(s.trim_start_matches("0x"), 16).ok())
        .ok_or_else(|| bad(M, "a header with a hex block number"))?;
    let parent = hash_value(M, v.get("parentHash").unwrap_or(&Value::Null))?;
    Ok(Some(Header { number, parent }))
}

/// `state_getRuntimeVersion`'s `specVersion`.
pub fn parse_spec_version(v: &Value) -> Result<u32, ChainError> {
    v.get("specVersion")
        .and_then(Value::as_u64)
        .and_then(|x| u32::try_from(x).ok())
        .ok_or_else(|| {
            bad(
                "state_getRuntimeVersion",
                "a runtime version with specVersion",
            )
        })
}

/// `state_getStorage`'s result: `None` when absent.
pub fn parse_storage(v: &Value) -> Result<Option<Vec<u8>>, ChainError> {
    if v.is_null() {
        return Ok(None);
    }
    hex_value("state_getStorage", v).map(Some)
}

/// The values of `keys` from one `state_queryStorageAt` answer (`[{block, changes: [[key,
/// value|null], …]}]`), in the order of `keys`.
pub fn parse_changes(
    keys: &[StorageKey],
    answer: &Value,
) -> Result<Vec<Option<Vec<u8>>>, ChainError> {
    const M: &str = "state_queryStorageAt";
    let sets = answer
        .as_array()
        .ok_or_else(|| bad(M, "a list of change sets"))?;
    let mut found: BTreeMap<Vec<u8>, Option<Vec<u8>>> = BTreeMap::new();
    for set in sets {
        let list = set
            .get("changes")
            .and_then(Value::as_array)
            .ok_or_else(|| bad(M, "change sets with `changes`"))?;
        for pair in list {
            let (Some(k), v) = (pair.get(0), pair.get(1)) else {
                return Err(bad(M, "[key, value] pairs"));
            };
            let k = hex_value(M, k)?;
            let v = match v {
                None | Some(Value::Null) => None,
                Some(v) => Some(hex_value(M, v)?),
            };
            found.insert(k, v);
        }
    }
    Ok(keys
        .iter()
        .map(|k| found.get(&k.0).cloned().flatten())
        .collect())
}

/// One `state_getKeysPaged` page, checked to lie under `prefix`.
pub fn parse_keys_page(prefix: &StorageKey, v: &Value) -> Result<Vec<StorageKey>, ChainError> {
    const M: &str = "state_getKeysPaged";
    let page = v.as_array().ok_or_else(|| bad(M, "a list of keys"))?;
    page.iter()
        .map(|k| {
            let key = StorageKey(hex_value(M, k)?);
            if key.0.starts_with(&prefix.0) {
                Ok(key)
            } else {
                Err(bad(M, "keys under the prefix asked for"))
            }
        })
        .collect()
}
