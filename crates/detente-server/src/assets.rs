//! The dashboard: the files of `assets/dist/`, embedded at compile time
//! (build.rs copies them into `$OUT_DIR/dist` and reruns when they change). Paths that are not files
//! get `index.html` (the dashboard routes in the browser); without a built
//! dashboard, `/` says so.

use axum::http::{StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use include_dir::{Dir, include_dir};

static DIST: Dir<'_> = include_dir!("$OUT_DIR/dist");

/// Whether the dashboard was built into this binary.
pub fn dashboard_built() -> bool {
    DIST.get_file("index.html").is_some()
}

const NOT_BUILT: &str = "<!doctype html>
<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Detente</title></head>
<body style=\"font-family: system-ui, sans-serif; max-width: 40em; margin: 4em auto; line-height: 1.5\">
<h1>Detente</h1>
<p>The dashboard is not built into this binary: build it into
<code>crates/detente-server/assets/dist/</code> and rebuild <code>detente</code>.</p>
<p>The API is here all the same: <a href=\"/api/health\">/api/health</a>,
<a href=\"/api/scenarios\">/api/scenarios</a>, and its OpenAPI document at
<a href=\"/api/openapi.json\">/api/openapi.json</a>.</p>
</body></html>
";

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).as_deref() {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("txt") => "text/plain; charset=utf-8",
        Some("wasm") => "application/wasm",
        _ => "application/octet-stream",
    }
}

fn file(path: &str, body: &'static [u8]) -> Response {
    // Hashed build outputs never change; index.html must be revalidated.
    let cache = if path.ends_with(".html") { "no-cache" } else { "public, max-age=3600" };
    ([(header::CONTENT_TYPE, content_type(path)), (header::CACHE_CONTROL, cache)], body).into_response()
}

/// Everything outside `/api`.
pub async fn serve(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    let path = if path.is_empty() { "index.html" } else { path };
    if let Some(f) = DIST.get_file(path) {
        return file(path, f.contents());
    }
    let looks_like_file = path.rsplit('/').next().is_some_and(|last| last.contains('.'));
    match DIST.get_file("index.html") {
        Some(index) if !looks_like_file => file("index.html", index.contents()),
        None if path == "index.html" => Html(NOT_BUILT).into_response(),
        _ => (StatusCode::NOT_FOUND, "not found\n").into_response(),
    }
}
