//! BatchNormalization and SpatialBatchNormalization: per-channel normalisation by batch statistics.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::{check_same_shape, from_vec, Tensor};

/// BigDL's `BatchNormalization(nOutput, eps = 1e-5, momentum = 0.1, affine = true)` and, with
/// `spatial`, `SpatialBatchNormalization` (channels of NCHW images).
///
/// Training normalises each channel by the batch mean and (biased) variance and updates the
/// running statistics: `running = (1 - momentum)·running + momentum·batch` (unbiased variance).
/// Evaluation normalises by the running statistics. The running statistics are the module's
/// buffers (see [`Module::num_buffers`]): mean, then variance, kept at the element type's
/// precision.
///
/// # Shapes
/// - input: `[batch, nOutput]` (or `[batch, nOutput, H, W]` / `[nOutput, H, W]` when spatial)
/// - output: same as input
/// - parameters, when affine: weight `[nOutput]`, then bias `[nOutput]`
///
/// Default initialisation (BigDL's): weight uniform in `[0, 1)`, bias 0.
#[derive(Debug, Clone)]
pub struct BatchNormalization {
    n: usize,
    eps: f64,
    momentum: f64,
    affine: bool,
    spatial: bool,
    training: bool,
    running_mean: Vec<f64>,
    running_var: Vec<f64>,
    /// Per channel, the mean and 1/√(var + ε) of the last training forward pass.
    saved: Vec<(f64, f64)>,
}

impl BatchNormalization {
    /// A normalisation over `n` channels.
    pub fn new(n: usize, eps: f64, momentum: f64, affine: bool, spatial: bool) -> Result<Self> {
        if n == 0 || eps.is_nan() || eps <= 0.0 || !(0.0..=1.0).contains(&momentum) {
            return Err(Error::invalid(
                "BatchNormalization",
                format!(
                    "need nOutput > 0, eps > 0, momentum in [0, 1]; got {n}, {eps}, {momentum}"
                ),
            ));
        }
        crate::error::checked_count("BatchNormalization", &[n, 4])?;
        Ok(BatchNormalization {
            n,
            eps,
            momentum,
            affine,
            spatial,
            training: true,
            running_mean: vec![0.0; n],
            running_var: vec![1.0; n],
            saved: Vec::new(),
        })
    }

    fn name(&self) -> &'static str {
        if self.spatial {
            "SpatialBatchNormalization"
        } else {
            "BatchNormalization"
        }
    }

    /// (batch, plane size) for an input shape, checking the channel count.
    fn layout(&self, shape: &[usize]) -> Result<(usize, usize)> {
        let n = self.n;
        match (self.spatial, shape) {
            (false, [b, c]) if *c == n => Ok((*b, 1)),
            (true, [b, c, h, w]) if *c == n => Ok((*b, h * w)),
            (true, [c, h, w]) if *c == n => Ok((1, h * w)),
            (false, _) => Err(Error::shape(self.name(), format!("[batch, {n}]"), shape)),
            (true, _) => Err(Error::shape(
                self.name(),
                format!("[batch, {n}, H, W] or [{n}, H, W]"),
                shape,
            )),
        }
    }

    fn affine_of<T: Element>(&self, params: &[T], c: usize) -> (f64, f64) {
        if self.affine {
            (params[c].as_f64(), params[self.n + c].as_f64())
        } else {
            (1.0, 0.0)
        }
    }
}

impl<T: Element> Module<T> for BatchNormalization {
    fn describe(&self) -> String {
        format!(
            "{}({}, eps={}, momentum={})",
            self.name(),
            self.n,
            self.eps,
            self.momentum
        )
    }

    fn num_params(&self) -> usize {
        if self.affine {
            2 * self.n
        } else {
            0
        }
    }

    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        if self.affine {
            crate::param_tensor::weight_bias(&[self.n], Some(self.n))
        } else {
            Vec::new()
        }
    }

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        if self.affine {
            let (w, b) = params.split_at_mut(self.n);
            w.iter_mut()
                .for_each(|p| *p = T::lit(rng.uniform(0.0, 1.0)));
            b.iter_mut().for_each(|p| *p = T::zero());
        }
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let (batch, plane) = self.layout(input.shape())?;
        let x = crate::tensor::flat(input);
        let m = batch * plane;
        let idx = |b: usize, c: usize, i: usize| (b * self.n + c) * plane + i;
        let mut y = vec![T::zero(); x.len()];
        if self.training {
            if m < 2 {
                return Err(Error::shape(
                    self.name(),
                    "more than one value per channel in training",
                    input.shape(),
                ));
            }
            self.saved.clear();
        }
        // Channel c's values are `batch` contiguous planes: sums accumulate in f64 plane by
        // plane, and the element-wise passes run in T, so both vectorise.
        let planes = |c: usize| (0..batch).map(move |b| idx(b, c, 0)..idx(b, c, plane));
        for c in 0..self.n {
            let (mean, invstd) = if self.training {
                let sum: f64 = planes(c)
                    .map(|r| lane_sum(&x[r.clone()], &x[r], |v, _| v.as_f64()))
                    .sum();
                let mean = sum / m as f64;
                let mean_t = T::lit(mean);
                // Two passes, as before: the variance of values far from zero stays exact.
                let var = planes(c)
                    .map(|r| {
                        lane_sum(&x[r.clone()], &x[r], |v, _| {
                            let d = (v - mean_t).as_f64();
                            d * d
                        })
                    })
                    .sum::<f64>()
                    / m as f64;
                // The update runs in f64 and is stored rounded to T: the running statistics
                // are then exactly the buffers a model reads out, saves, broadcasts and loads,
                // so a saved and reloaded model evaluates bit for bit as the original.
                let mo = self.momentum;
                let in_t = |v: f64| T::lit(v).as_f64();
                self.running_mean[c] = in_t((1.0 - mo) * self.running_mean[c] + mo * mean);
                self.running_var[c] =
                    in_t((1.0 - mo) * self.running_var[c] + mo * var * m as f64 / (m - 1) as f64);
                self.saved.push((mean, 1.0 / (var + self.eps).sqrt()));
                (mean, 1.0 / (var + self.eps).sqrt())
            } else {
                (
                    self.running_mean[c],
                    1.0 / (self.running_var[c] + self.eps).sqrt(),
                )
            };
            let (w, b) = self.affine_of(params, c);
            let (mean_t, scale, shift) = (T::lit(mean), T::lit(invstd * w), T::lit(b));
            for r in planes(c) {
                for (o, v) in y[r.clone()].iter_mut().zip(&x[r]) {
                    *o = (*v - mean_t) * scale + shift;
                }
            }
        }
        from_vec(self.name(), input.shape(), y)
    }

    fn backward(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        check_same_shape(self.name(), "gradOutput", output.shape(), grad_output)?;
        let (batch, plane) = self.layout(input.shape())?;
        if self.training && self.saved.len() != self.n {
            return Err(Error::state(
                self.name(),
                "backward called before a training forward pass",
            ));
        }
        let x = crate::tensor::flat(input);
        let gy = crate::tensor::flat(grad_output);
        let m = (batch * plane) as f64;
        let idx = |b: usize, c: usize, i: usize| (b * self.n + c) * plane + i;
        let mut gx = vec![T::zero(); x.len()];
        for c in 0..self.n {
            let (mean, invstd) = if self.training {
                self.saved[c]
            } else {
                (
                    self.running_mean[c],
                    1.0 / (self.running_var[c] + self.eps).sqrt(),
                )
            };
            let (w, _) = self.affine_of(params, c);
            let mean_t = T::lit(mean);
            let planes = (0..batch).map(|b| idx(b, c, 0)..idx(b, c, plane));
            let (mut sum_dy, mut sum_dy_xc) = (0.0, 0.0);
            for r in planes.clone() {
                sum_dy += lane_sum(&gy[r.clone()], &x[r.clone()], |g, _| g.as_f64());
                sum_dy_xc += lane_sum(&gy[r.clone()], &x[r], |g, v| (g * (v - mean_t)).as_f64());
            }
            let sum_dy_xhat = sum_dy_xc * invstd;
            if self.affine {
                grad_params[c] += T::lit(sum_dy_xhat);
                grad_params[self.n + c] += T::lit(sum_dy);
            }
            // gx = a·gy + b·(x - mean) + c (in training; a·gy in evaluation).
            let a = w * invstd;
            let (bx, c0) = if self.training {
                (-a * invstd * sum_dy_xhat / m, -a * sum_dy / m)
            } else {
                (0.0, 0.0)
            };
            let (a, bx, c0) = (T::lit(a), T::lit(bx), T::lit(c0));
            for r in planes {
                let out = gx[r.clone()].iter_mut().zip(&gy[r.clone()]).zip(&x[r]);
                for ((o, g), v) in out {
                    *o = a * *g + bx * (*v - mean_t) + c0;
                }
            }
        }
        from_vec(self.name(), input.shape(), gx)
    }

    fn set_training(&mut self, training: bool) {
        self.training = training;
    }

    fn num_buffers(&self) -> usize {
        2 * self.n
    }

    fn read_buffers(&self, out: &mut [T]) {
        for c in 0..self.n {
            out[c] = T::lit(self.running_mean[c]);
            out[self.n + c] = T::lit(self.running_var[c]);
        }
    }

    fn write_buffers(&mut self, src: &[T]) {
        for c in 0..self.n {
            self.running_mean[c] = src[c].as_f64();
            self.running_var[c] = src[self.n + c].as_f64();
        }
    }
}

/// `Σ f(a[i], b[i])` in f64 over eight independent partial sums, so the additions vectorise
/// (one running sum is a chain of dependent additions, several times slower).
fn lane_sum<T: Element>(a: &[T], b: &[T], f: impl Fn(T, T) -> f64) -> f64 {
    let mut acc = [0.0f64; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += f(x[k], y[k]);
        }
    }
    let tail: f64 = ra.iter().zip(rb).map(|(x, y)| f(*x, *y)).sum();
    acc.iter().sum::<f64>() + tail
}
