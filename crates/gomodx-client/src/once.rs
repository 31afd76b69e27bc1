//! In-flight deduplication: each key's work runs once per process, and
//! every caller asking for the same key waits for that one result (shared
//! by the fetcher and the checksum database client).

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::OnceCell;

/// A map from keys to values computed at most once (Go's `par.Cache`). A
/// computation cancelled half-way is started again by the next caller.
#[derive(Debug)]
pub struct OnceMap<K, V> {
    cells: Mutex<HashMap<K, Arc<OnceCell<V>>>>,
}

impl<K, V> Default for OnceMap<K, V> {
    fn default() -> Self {
        Self {
            cells: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash + Clone, V: Clone> OnceMap<K, V> {
    /// The value for `key`, computing it with `init` unless another caller
    /// already did (or is doing so, in which case this waits for it).
    pub async fn get_or_init<F, Fut>(&self, key: &K, init: F) -> V
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = V>,
    {
        self.cell(key).get_or_init(init).await.clone()
    }

    /// The value for `key` without waiting: the one computed before, else
    /// what `init` gives, kept for later callers. `None` when `init` gives
    /// nothing (and the key is left for [`Self::get_or_init`]).
    pub fn get_or_init_now(&self, key: &K, init: impl FnOnce() -> Option<V>) -> Option<V> {
        let known = self.cells().get(key).and_then(|cell| cell.get().cloned());
        if known.is_some() {
            return known;
        }
        let value = init()?;
        let cell = self.cell(key);
        // Another caller may be computing it meanwhile: both are the same
        // answer, and the first one set wins.
        match cell.set(value.clone()) {
            Ok(()) => Some(value),
            Err(_) => Some(cell.get().cloned().unwrap_or(value)),
        }
    }

    /// The cell of `key`, made empty if there is none.
    fn cell(&self, key: &K) -> Arc<OnceCell<V>> {
        Arc::clone(self.cells().entry(key.clone()).or_default())
    }

    fn cells(&self) -> MutexGuard<'_, HashMap<K, Arc<OnceCell<V>>>> {
        self.cells
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn concurrent_callers_share_one_computation() {
        let map: Arc<OnceMap<&str, usize>> = Arc::default();
        let runs = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..16)
            .map(|i| {
                let (map, runs) = (Arc::clone(&map), Arc::clone(&runs));
                let key = if i % 2 == 0 { "a" } else { "b" };
                tokio::spawn(async move {
                    map.get_or_init(&key, || async {
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        runs.fetch_add(1, Ordering::SeqCst)
                    })
                    .await
                })
            })
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.unwrap());
        }
        assert_eq!(runs.load(Ordering::SeqCst), 2, "one run per key");
        assert_eq!(results[0], results[2]);
        assert_eq!(results[1], results[3]);
        assert_ne!(results[0], results[1]);
    }
}
