//! The HTTP layer of `atlscim serve`: arbitrary requests (method, target, headers, body) through
//! the router, handlers, limit layers and the core's Directory, on one server whose state carries
//! over between inputs. Nothing may panic or hang, and every error answer must have one of
//! Atlassian's shapes: a SCIM Error with a string `status`, a `{error, traceId}` Failure, or the
//! BadRequestException body.
#![no_main]

use std::sync::LazyLock;

use axum::body::Body;
use axum::http::Request;
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;

static RUNTIME: LazyLock<tokio::runtime::Runtime> =
    LazyLock::new(|| tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime"));

static SERVICE: LazyLock<(axum::Router, String)> = LazyLock::new(|| {
    let mut config = atlscim_server::ServerConfig::default();
    config.limits.max_body_bytes = 64 * 1024;
    atlscim_server::service(&config, "http://fuzz").expect("service")
});

const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "BREW"];

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let (router, token) = &*SERVICE;
    let method = METHODS[usize::from(data[0]) % METHODS.len()];
    let authorized = data[1] & 1 == 0;
    let text = String::from_utf8_lossy(&data[2..]);
    // target \n header lines \n\n body
    let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let target = lines.next().unwrap_or("/");
    // Most inputs aim at the directory; some go anywhere.
    let target = if target.starts_with('/') && !target.starts_with("//") {
        target.to_string()
    } else {
        format!("/scim/directory/{}/{target}", atlscim_server::DEFAULT_DIRECTORY_ID)
    };
    let mut request = Request::builder().method(method).uri(&target);
    if authorized {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    for line in lines {
        if let Some((k, v)) = line.split_once(':') {
            request = request.header(k.trim(), v.trim());
        }
    }
    let Ok(request) = request.body(Body::from(body.to_string())) else { return };
    let response = RUNTIME.block_on(router.clone().oneshot(request)).expect("the router is infallible");
    let status = response.status().as_u16();
    assert!((200..600).contains(&status));
    let bytes = RUNTIME.block_on(axum::body::to_bytes(response.into_body(), usize::MAX)).expect("body");
    if status >= 400 && !bytes.is_empty() {
        let v: serde_json::Value = serde_json::from_slice(&bytes).expect("error answers are JSON");
        let scim = v["status"].as_str() == Some(&status.to_string());
        let failure = v["error"].is_string() && v["traceId"].is_string();
        let exception = v["responseStatus"].is_string() && v["message"].is_string();
        assert!(scim || failure || exception, "{status} answered {v}");
    }
});
