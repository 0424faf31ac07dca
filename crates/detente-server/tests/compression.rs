//! Responses are gzipped for clients that ask, and only for them: the
//! dashboard's script and a JSON listing, decompressed, equal the plain
//! responses byte for byte.

use std::io::Read;

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use detente_server::{AppState, Settings, router};
use tower::ServiceExt;

async fn get(app: &axum::Router, uri: &str, gzip: bool) -> (StatusCode, Option<String>, Vec<u8>) {
    let mut request = Request::builder().uri(uri);
    if gzip {
        request = request.header(header::ACCEPT_ENCODING, "gzip");
    }
    let response = app.clone().oneshot(request.body(Body::empty()).expect("request")).await.expect("response");
    let status = response.status();
    let encoding = response.headers().get(header::CONTENT_ENCODING).map(|v| v.to_str().expect("header").to_owned());
    let body = to_bytes(response.into_body(), usize::MAX).await.expect("body").to_vec();
    (status, encoding, body)
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).expect("gzip");
    out
}

#[tokio::test]
async fn responses_are_gzipped_for_clients_that_ask() {
    let dir = std::env::temp_dir().join(format!("detente-compression-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = dir.join("detente.db").display().to_string();
    let state = AppState::connect_with(&url, Settings::default()).await.expect("connect");
    let app = router(state.clone());

    for uri in ["/assets/index.js", "/api/scenarios"] {
        let (status, encoding, plain) = get(&app, uri, false).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_eq!(encoding, None, "{uri}: not compressed unless asked");
        let (status, encoding, zipped) = get(&app, uri, true).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_eq!(encoding.as_deref(), Some("gzip"), "{uri}");
        assert_eq!(gunzip(&zipped), plain, "{uri}: the same bytes once decompressed");
        // Minified script and JSON both compress to well under half.
        assert!(zipped.len() * 2 < plain.len(), "{uri}: {} bytes gzipped of {}", zipped.len(), plain.len());
    }

    state.store().close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
