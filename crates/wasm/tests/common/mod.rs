//! Helpers the facade's wasm tests share: loading files as the worker does and building the
//! plain JS objects the page passes.

#![allow(dead_code)] // each test binary uses its own subset

use serde_json::Value;
use vitrine_wasm::{generate_sample, Ingest};
use wasm_bindgen::JsValue;

/// A JS value as JSON.
pub fn value(js: JsValue) -> Value {
    serde_wasm_bindgen::from_value(js).expect("a plain JS value")
}

/// Loads `bytes` as the table `name` in 64 KiB chunks, as the worker feeds `file.stream()`,
/// and returns its profile.
pub fn load(name: &str, bytes: &[u8]) -> Value {
    let mut ingest = Ingest::new(name, bytes.len() as f64)
        .map_err(value)
        .unwrap();
    for part in bytes.chunks(1 << 16) {
        ingest.push(part).map_err(value).unwrap();
    }
    ingest.finish(None).map(value).map_err(value).unwrap()
}

/// Loads `files` of the built-in Rossmann sample generated with `seed`.
pub fn load_rossmann_sample(files: &[&str], seed: u64) {
    let progress = js_sys::Function::new_no_args("");
    for file in files {
        load(
            file,
            &generate_sample("rossmann", file, seed, &progress).unwrap(),
        );
    }
}

/// The object `{key: value, ...}`, as the page's forms build parameters.
pub fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = js_sys::Object::new();
    for (key, v) in pairs {
        js_sys::Reflect::set(&object, &JsValue::from_str(key), v).unwrap();
    }
    object.into()
}
