//! Buffers a layer keeps between calls, so the steady-state training step does not allocate.

use std::any::Any;
use std::fmt;

/// A type-erased slot for a layer's reusable buffers.
///
/// Layers are plain structs whose `Module<T>` impls are generic over the element type, so the
/// buffers (`Vec<T>`) are stored erased and taken back out by type. A clone starts empty: the
/// buffers are a cache, not state.
#[derive(Default)]
pub struct Scratch(Option<Box<dyn Any + Send + Sync>>);

impl Scratch {
    /// Takes the buffers out (the default value when empty or stored as another type).
    pub fn take<S: Default + Send + Sync + 'static>(&mut self) -> S {
        self.0
            .take()
            .and_then(|b| b.downcast::<S>().ok())
            .map_or_else(S::default, |b| *b)
    }

    /// Stores the buffers for the next call.
    pub fn put<S: Send + Sync + 'static>(&mut self, s: S) {
        // Past `ferrodl.native.memoryLimit` the buffers are freed, not kept (crate::memory).
        self.0 = if crate::memory::over_limit() {
            None
        } else {
            Some(Box::new(s))
        };
    }
}

impl Clone for Scratch {
    fn clone(&self) -> Self {
        Scratch(None)
    }
}

impl fmt::Debug for Scratch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Scratch(..)"
        } else {
            "Scratch"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Scratch;

    #[test]
    fn buffers_come_back_by_type_and_clones_start_empty() {
        let mut s = Scratch::default();
        s.put(vec![1.0f32, 2.0]);
        let c = s.clone();
        assert_eq!(s.take::<Vec<f32>>(), vec![1.0, 2.0]);
        assert!(s.take::<Vec<f32>>().is_empty());
        s.put(vec![1.0f64]);
        assert!(
            s.take::<Vec<f32>>().is_empty(),
            "another type gives the default"
        );
        let mut c = c;
        assert!(c.take::<Vec<f32>>().is_empty());
    }
}
