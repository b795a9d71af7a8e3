//! Helpers the facade's wasm tests share: loading files as the worker does and building the
//! plain JS objects the page passes.

#![allow(dead_code)] // each test binary uses its own subset

use serde_json::Value;
use vitrine_wasm::{
    generate_sample, usecase_ask, usecase_download, usecase_preview, usecase_run, Ingest,
};
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
    load_sample("rossmann", files, seed);
}

/// Loads `files` of the built-in sample of `dataset` generated with `seed`.
pub fn load_sample(dataset: &str, files: &[&str], seed: u64) {
    let progress = js_sys::Function::new_no_args("");
    for file in files {
        load(
            file,
            &generate_sample(dataset, file, seed, &progress).unwrap(),
        );
    }
}

/// Loads `files` of the Rossmann sample at `scale` (the page's is 0.1) generated with `seed`:
/// a smaller file keeps the debug build's training short.
pub fn load_rossmann_scaled(files: &[&str], scale: f64, seed: u64) {
    for file in files {
        let bytes = samples::file_bytes(samples::Dataset::Rossmann, file, scale, seed);
        load(file, &bytes);
    }
}

/// Runs use case `name` with JSON `params` as the worker does; the report, or the error.
pub fn run(name: &str, params: &Value, on_progress: &js_sys::Function) -> Result<Value, Value> {
    usecase_run(name, &params.to_string(), on_progress)
        .map(|r| value(r)["report"].clone())
        .map_err(value)
}

/// Runs use case `name` with no progress callback.
pub fn run_quietly(name: &str, params: &Value) -> Result<Value, Value> {
    run(name, params, &js_sys::Function::new_no_args(""))
}

/// Asks use case `name`'s last result `question` with JSON `args`.
pub fn ask(name: &str, question: &str, args: &Value) -> Result<Value, Value> {
    usecase_ask(name, question, &args.to_string())
        .map(value)
        .map_err(value)
}

/// Asks use case `name` `question` before a run.
pub fn preview(name: &str, question: &str, args: &Value) -> Result<Value, Value> {
    usecase_preview(name, question, &args.to_string())
        .map(value)
        .map_err(value)
}

/// Download `key` of use case `name`'s last result, as text.
pub fn download(name: &str, key: &str) -> Result<String, Value> {
    usecase_download(name, key)
        .map(|bytes| String::from_utf8(bytes).expect("UTF-8 download"))
        .map_err(value)
}
