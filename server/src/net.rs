//! Connections: hyper's HTTP/1.1 server with the header and slow-client limits, a cap on open
//! connections, the body-size and request-time limits as tower layers, and the connection
//! wrapper that lets a handler lose its answer.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tower::ServiceExt;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::app::{LoseAnswer, shape_bare_errors};

/// The HTTP limits (each a flag of `atlscim serve`; defaults in `Limits::default`).
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest request body (413 beyond): the profile's `limits.max_body_bytes`.
    pub max_body_bytes: usize,
    /// Largest request head, request line and headers together (431 beyond).
    pub max_header_bytes: usize,
    /// Open connections at once; more wait to be accepted.
    pub max_connections: usize,
    /// Time to send the request head (slow clients are cut off).
    pub header_timeout: Duration,
    /// Time for a whole request, body and answer (408 beyond).
    pub request_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_body_bytes: 16 * 1024 * 1024,
            max_header_bytes: 64 * 1024,
            max_connections: 1024,
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// The router with the limit layers around it.
pub fn service(router: Router, limits: &Limits) -> Router {
    #[allow(deprecated)] // TimeoutLayer::new answers 408, which is the status we want
    let timeout = TimeoutLayer::new(limits.request_timeout);
    router
        .layer(RequestBodyLimitLayer::new(limits.max_body_bytes))
        .layer(timeout)
        .layer(axum::middleware::map_response(|r| async move { shape_bare_errors(r) }))
}

/// Accepts connections until `shutdown` turns true, then closes them all.
pub async fn serve(listener: TcpListener, app: Router, limits: Limits, mut shutdown: watch::Receiver<bool>) {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut connections = JoinSet::new();
    loop {
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => break },
            _ = shutdown.changed() => break,
        };
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Out of file descriptors and the like: wait a moment rather than spin.
                Err(_) => { tokio::time::sleep(Duration::from_millis(10)).await; continue }
            },
            _ = shutdown.changed() => break,
        };
        let _ = stream.set_nodelay(true);
        let lose = Arc::new(AtomicBool::new(false));
        let flag = LoseAnswer(lose.clone());
        let svc = app.clone().map_request(move |mut r: Request<Incoming>| {
            r.extensions_mut().insert(flag.clone());
            r
        });
        let io = TokioIo::new(LosingIo { inner: stream, lose });
        let builder = {
            let mut b = hyper::server::conn::http1::Builder::new();
            b.timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .max_buf_size(limits.max_header_bytes.max(8192));
            b
        };
        connections.spawn(async move {
            let _permit = permit;
            let _ = builder.serve_connection(io, TowerToHyperService::new(svc)).await;
        });
        // Reap finished connections so the set does not grow.
        while connections.try_join_next().is_some() {}
    }
    connections.abort_all();
}

/// A TCP stream whose writes fail once `lose` is set: hyper then drops the connection without
/// sending the answer it was writing (the "response lost" fault).
struct LosingIo {
    inner: TcpStream,
    lose: Arc<AtomicBool>,
}

impl AsyncRead for LosingIo {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for LosingIo {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if self.lose.load(Ordering::SeqCst) {
            return Poll::Ready(Err(io::Error::new(io::ErrorKind::BrokenPipe, "answer lost on purpose (fault)")));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
