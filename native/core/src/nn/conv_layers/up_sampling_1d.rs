//! UpSampling1D: repeats every frame of a sequence.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::tensor::{check_same_shape, flat, from_vec, Tensor};

/// BigDL's `UpSampling1D(length)`: every frame is repeated `length` times along the time axis.
///
/// # Shapes
/// - input: `[batch, steps, features]`
/// - output: `[batch, steps·length, features]`
#[derive(Debug, Clone)]
pub struct UpSampling1D {
    length: usize,
}

impl UpSampling1D {
    /// Repeats each frame `length > 0` times.
    pub fn new(length: usize) -> Result<Self> {
        if length == 0 {
            return Err(Error::invalid("UpSampling1D", "length must be positive"));
        }
        Ok(UpSampling1D { length })
    }

    fn dims(&self, name: &str, shape: &[usize]) -> Result<[usize; 3]> {
        match *shape {
            [n, t, f] => Ok([n, t, f]),
            _ => Err(Error::shape(name, "[batch, steps, features]", shape)),
        }
    }
}

impl<T: Element> Module<T> for UpSampling1D {
    fn describe(&self) -> String {
        format!("UpSampling1D({})", self.length)
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let [n, t, f] = self.dims(&name, input.shape())?;
        let x = flat(input);
        let mut y = Vec::with_capacity(x.len() * self.length);
        for frame in x.chunks(f.max(1)) {
            for _ in 0..self.length {
                y.extend_from_slice(frame);
            }
        }
        let shape = [n, t * self.length, f];
        crate::error::checked_count(&name, &shape)?;
        from_vec(&name, &shape, y)
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        check_same_shape(&name, "gradOutput", output.shape(), grad_output)?;
        let [n, t, f] = self.dims(&name, input.shape())?;
        if grad_output.shape() != [n, t * self.length, f] {
            let want = format!("[{n}, {}, {f}]", t * self.length);
            return Err(Error::shape(&name, want, grad_output.shape()));
        }
        let gy = flat(grad_output);
        let mut gx = vec![T::zero(); input.len()];
        for (i, frame) in gy.chunks(f.max(1)).enumerate() {
            let dst = &mut gx[(i / self.length) * f..][..f];
            dst.iter_mut().zip(frame).for_each(|(d, v)| *d += *v);
        }
        from_vec(&name, input.shape(), gx)
    }
}
