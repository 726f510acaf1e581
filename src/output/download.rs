//! The browser's stand-in for a file: the bytes become a `Blob` that the page offers as a download
//! named after the file (screenshots, saved presets). Only in the browser build.

use std::path::Path;

use wasm_bindgen::{JsCast, JsValue};

use super::OutputError;

/// Offers `bytes` as a download named after `path`'s file name.
pub fn offer(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let name = path.file_name().map_or_else(|| "seqscape-download".into(), |n| n.to_string_lossy().into_owned());
    let fail = |what: &str, e: JsValue| OutputError::Encode {
        path: path.to_path_buf(),
        format: "download",
        message: format!("the browser refused to {what}: {e:?}"),
    };
    let mime = match path.extension().and_then(|e| e.to_str()) {
        Some("png") => "image/png",
        Some("gif") => "image/gif",
        Some("toml") => "application/toml",
        _ => "application/octet-stream",
    };
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes).into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|e| fail("make the file", e))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| fail("make a link", e))?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or_else(|| fail("reach the page", JsValue::NULL))?;
    let link: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|e| fail("make a link", e))?
        .dyn_into()
        .map_err(|e| fail("make a link", e.into()))?;
    link.set_href(&url);
    link.set_download(&name);
    link.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
