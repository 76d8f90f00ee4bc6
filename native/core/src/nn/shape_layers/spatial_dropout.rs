//! SpatialDropout1D, 2D and 3D: dropout of whole feature maps.

use super::common::broadcast_index;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::{check_same_shape, Tensor};

/// BigDL's `SpatialDropout1D(initP = 0.5)`, `SpatialDropout2D(initP = 0.5, format = NCHW)` and
/// `SpatialDropout3D(initP = 0.5, format = NCHW)`.
///
/// Training: each feature map (all positions of one channel of one sample) is kept with
/// probability `1 - initP` and zeroed otherwise, without rescaling (BigDL's convention).
/// Evaluation: `y = (1 - initP)·x`. The random stream is seeded by [`Module::reseed`], as
/// Dropout's is.
///
/// # Shapes
/// - 1D input: `[batch, time, C]` or `[time, C]`
/// - 2D input: `[batch, C, H, W]` or `[C, H, W]` (`NCHW`); `[batch, H, W, C]` or `[H, W, C]`
///   (`NHWC`)
/// - 3D input: `[batch, C, D, H, W]` or `[C, D, H, W]`; channels last with `NHWC`
/// - output: same as input
#[derive(Debug, Clone)]
pub struct SpatialDropout {
    /// 1, 2 or 3 spatial dimensions.
    dims: usize,
    p: f64,
    channels_first: bool,
    training: bool,
    rng: Rng,
    /// Keep flags per feature map, and the shape of the map grid, of the last forward pass.
    mask: Vec<bool>,
    mask_shape: Vec<usize>,
}

impl SpatialDropout {
    /// Validates `p` in `[0, 1)`; `channels_first` is ignored for 1D (always channels last).
    pub fn new(dims: usize, p: f64, channels_first: bool) -> Result<SpatialDropout> {
        let name = format!("SpatialDropout{dims}D");
        if !(1..=3).contains(&dims) || !(0.0..1.0).contains(&p) {
            return Err(Error::invalid(
                &name,
                format!("initP must be in [0, 1), got {p}"),
            ));
        }
        Ok(SpatialDropout {
            dims,
            p,
            channels_first: channels_first && dims > 1,
            training: true,
            rng: Rng::new(0x5eed),
            mask: Vec::new(),
            mask_shape: Vec::new(),
        })
    }

    fn name(&self) -> String {
        format!("SpatialDropout{}D({})", self.dims, self.p)
    }

    /// The shape of the grid of feature maps: the input's shape with spatial dimensions 1.
    fn map_shape(&self, shape: &[usize]) -> Result<Vec<usize>> {
        let rank = shape.len();
        if rank != self.dims + 1 && rank != self.dims + 2 {
            let spatial = ["time", "H, W", "D, H, W"][self.dims - 1];
            let want = if self.channels_first {
                format!("[batch, C, {spatial}] or [C, {spatial}]")
            } else {
                format!("[batch, {spatial}, C] or [{spatial}, C]")
            };
            return Err(Error::shape(&self.name(), want, shape));
        }
        let mut m = shape.to_vec();
        let first = if self.channels_first {
            rank - self.dims
        } else {
            rank - 1 - self.dims
        };
        m[first..first + self.dims].iter_mut().for_each(|d| *d = 1);
        Ok(m)
    }

    fn apply<T: Element>(&self, t: &Tensor<T>) -> Result<Tensor<T>> {
        let map = broadcast_index(&self.name(), t.shape(), &self.mask_shape)?;
        let mut out = t.as_standard_layout().into_owned();
        for (v, k) in out.iter_mut().zip(&map) {
            if !self.mask[*k] {
                *v = T::zero();
            }
        }
        Ok(out)
    }
}

impl<T: Element> Module<T> for SpatialDropout {
    fn describe(&self) -> String {
        self.name()
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let m = self.map_shape(input.shape())?;
        if !self.training {
            self.mask.clear();
            let f = T::lit(1.0 - self.p);
            return Ok(input.mapv(|x| x * f));
        }
        let keep = 1.0 - self.p;
        let n: usize = m.iter().product();
        let rng = &mut self.rng;
        self.mask = (0..n).map(|_| rng.next_f64() < keep).collect();
        self.mask_shape = m;
        self.apply(input)
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        check_same_shape(&self.name(), "gradOutput", output.shape(), grad_output)?;
        let m = self.map_shape(input.shape())?;
        if !self.training {
            let f = T::lit(1.0 - self.p);
            return Ok(grad_output.mapv(|x| x * f));
        }
        if m != self.mask_shape || self.mask.len() != m.iter().product::<usize>() {
            return Err(Error::state(
                &self.name(),
                "backward called before a training forward pass",
            ));
        }
        self.apply(grad_output)
    }

    fn set_training(&mut self, training: bool) {
        self.training = training;
    }

    fn reseed(&mut self, seed: u64) {
        self.rng = Rng::new(seed);
    }
}
