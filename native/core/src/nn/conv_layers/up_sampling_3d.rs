//! UpSampling3D: nearest-neighbour enlargement of volumes by integer factors.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::tensor::{check_same_shape, flat, from_vec, Tensor};

/// BigDL's `UpSampling3D(size)`: every voxel is repeated `size(0)` times along the depth,
/// `size(1)` along the height and `size(2)` along the width.
///
/// # Shapes
/// - input: `[batch, C, D, H, W]`
/// - output: `[batch, C, D·size(0), H·size(1), W·size(2)]`
#[derive(Debug, Clone)]
pub struct UpSampling3D {
    size: [usize; 3],
}

impl UpSampling3D {
    /// `size` is (depth, height, width) factors, all positive.
    pub fn new(size: &[usize]) -> Result<Self> {
        match *size {
            [d, h, w] if d > 0 && h > 0 && w > 0 => Ok(UpSampling3D { size: [d, h, w] }),
            _ => Err(Error::invalid(
                "UpSampling3D",
                format!("size must be three positive factors (depth, height, width), got {size:?}"),
            )),
        }
    }

    /// Input and output shapes.
    fn dims(&self, name: &str, shape: &[usize]) -> Result<([usize; 5], [usize; 5])> {
        let &[n, c, d, h, w] = shape else {
            return Err(Error::shape(name, "[batch, C, D, H, W]", shape));
        };
        let [sd, sh, sw] = self.size;
        let out = [n, c, d * sd, h * sh, w * sw];
        crate::error::checked_count(name, &out)?;
        Ok(([n, c, d, h, w], out))
    }

    /// For every output element in order, the flat index of the input element it copies.
    fn sources(&self, i: [usize; 5], o: [usize; 5]) -> impl Iterator<Item = usize> + '_ {
        let [sd, sh, sw] = self.size;
        (0..o[0] * o[1]).flat_map(move |p| {
            (0..o[2]).flat_map(move |z| {
                (0..o[3]).flat_map(move |y| {
                    (0..o[4]).map(move |x| ((p * i[2] + z / sd) * i[3] + y / sh) * i[4] + x / sw)
                })
            })
        })
    }
}

impl<T: Element> Module<T> for UpSampling3D {
    fn describe(&self) -> String {
        format!("UpSampling3D({:?})", self.size)
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let (i, o) = self.dims(&name, input.shape())?;
        let x = flat(input);
        let y = self.sources(i, o).map(|s| x[s]).collect();
        from_vec(&name, &o, y)
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
        let (i, o) = self.dims(&name, input.shape())?;
        if grad_output.shape() != o {
            let want = crate::error::fmt_shape(&o);
            return Err(Error::shape(&name, want, grad_output.shape()));
        }
        let gy = flat(grad_output);
        let mut gx = vec![T::zero(); input.len()];
        for (s, g) in self.sources(i, o).zip(gy.iter()) {
            gx[s] += *g;
        }
        from_vec(&name, input.shape(), gx)
    }
}
