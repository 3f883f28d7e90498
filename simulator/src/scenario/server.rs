//! metasim served in-process for a run: the same router as `metasim serve`,
//! on 127.0.0.1 at a chosen port (0: any free one, the usual case; a fixed
//! one when an app under test must be told where metasim is). Stops on drop.

use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::api::state::{AppState, ServerConfig};

pub struct Server {
    url: String,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Server {
    pub async fn start(port: u16) -> Result<Self, String> {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let (tx, rx) = oneshot::channel::<()>();
        let state = AppState::new(ServerConfig::default());
        tokio::spawn(async move {
            let _ = crate::server::serve(listener, state, async {
                let _ = rx.await;
            })
            .await;
        });
        Ok(Self {
            url: format!("http://{address}"),
            shutdown: Some(tx),
        })
    }

    /// `http://127.0.0.1:{port}`.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
