//! Replies as JSON for `replscope run --json`: a string (simple or bulk), a
//! number, null, an array, or `{"error": "ERR ..."}`.

use crate::resp::Frame;
use serde_json::Value;

/// The JSON form of a reply. Bulk strings that are not UTF-8 are converted
/// lossily (JSON strings hold text); use the trace for exact bytes.
pub fn reply_json(frame: &Frame) -> Value {
    match frame {
        Frame::Simple(s) => Value::String(s.clone()),
        Frame::Bulk(b) => Value::String(String::from_utf8_lossy(b).into_owned()),
        Frame::Integer(n) => Value::from(*n),
        Frame::Null | Frame::NullArray => Value::Null,
        Frame::Array(items) => Value::Array(items.iter().map(reply_json).collect()),
        Frame::Error(e) => {
            let mut obj = serde_json::Map::new();
            obj.insert("error".to_string(), Value::String(e.clone()));
            Value::Object(obj)
        }
    }
}
