//! Change signals for live views. Every HTTP call that may have changed a
//! sandbox (a Graph call, a control-plane change, a webhook attempt) touches
//! the sandbox's signal after it released the sandbox lock; a stream waits on
//! the signal, then reads what is new under a short lock of its own. A reset,
//! a restored snapshot or a delete also moves the signal's generation — while
//! still holding the sandbox lock, so a stream never reads the new state
//! under the old generation — and streams start over. Signals exist only
//! while someone watches, and the number of open streams is bounded.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};

/// How many streams may be open at once on one server.
pub const MAX_STREAMS: usize = 32;

/// What a watcher sees: `version` moves on every change, `generation` when
/// the sandbox was replaced (reset, snapshot restored) or deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Signal {
    pub version: u64,
    pub generation: u64,
}

pub struct Changes {
    signals: Mutex<HashMap<String, watch::Sender<Signal>>>,
    streams: Arc<Semaphore>,
}

impl Default for Changes {
    fn default() -> Self {
        Self {
            signals: Mutex::new(HashMap::new()),
            streams: Arc::new(Semaphore::new(MAX_STREAMS)),
        }
    }
}

impl Changes {
    /// Watch a sandbox's changes (from now on), holding a place from
    /// [`Changes::open_stream`] for as long as the watch lasts.
    pub fn watch(&self, sid: &str) -> watch::Receiver<Signal> {
        let mut signals = self.signals.lock().unwrap_or_else(|p| p.into_inner());
        signals
            .entry(sid.to_owned())
            .or_insert_with(|| watch::channel(Signal::default()).0)
            .subscribe()
    }

    /// The sandbox may have changed.
    pub fn touch(&self, sid: &str) {
        self.bump(sid, |signal| signal.version += 1);
    }

    /// The sandbox was replaced by another state, or deleted.
    pub fn replaced(&self, sid: &str) {
        self.bump(sid, |signal| {
            signal.version += 1;
            signal.generation += 1;
        });
    }

    /// Change a watched signal; forget it when nobody watches any more.
    fn bump(&self, sid: &str, change: impl FnOnce(&mut Signal)) {
        // Every watcher holds a stream's place first, so with every place
        // free nobody watches: the common case costs one atomic load.
        if self.streams.available_permits() == MAX_STREAMS {
            return;
        }
        let mut signals = self.signals.lock().unwrap_or_else(|p| p.into_inner());
        let Some(sender) = signals.get(sid) else {
            return;
        };
        if sender.receiver_count() == 0 {
            signals.remove(sid);
        } else {
            sender.send_modify(change);
        }
    }

    /// A place for one more open stream, while there is one.
    pub fn open_stream(&self) -> Option<OwnedSemaphorePermit> {
        Arc::clone(&self.streams).try_acquire_owned().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watchers_see_touches_and_replacements() {
        let changes = Changes::default();
        changes.touch("a"); // nobody watches yet: nothing to keep
        let _place = changes.open_stream();
        let mut watcher = changes.watch("a");
        assert!(!watcher.has_changed().unwrap());
        changes.touch("a");
        changes.touch("b");
        assert!(watcher.has_changed().unwrap());
        assert_eq!(
            *watcher.borrow_and_update(),
            Signal {
                version: 1,
                generation: 0
            }
        );
        changes.replaced("a");
        assert_eq!(
            *watcher.borrow_and_update(),
            Signal {
                version: 2,
                generation: 1
            }
        );
    }

    #[test]
    fn signals_are_forgotten_when_unwatched() {
        let changes = Changes::default();
        let _place = changes.open_stream();
        drop(changes.watch("a"));
        changes.touch("a");
        assert!(changes.signals.lock().unwrap().is_empty());
    }

    #[test]
    fn streams_are_bounded() {
        let changes = Changes::default();
        let permits: Vec<_> = (0..MAX_STREAMS)
            .map(|_| changes.open_stream().expect("a place"))
            .collect();
        assert!(changes.open_stream().is_none());
        drop(permits);
        assert!(changes.open_stream().is_some());
    }
}
