//! Initialisation methods (BigDL's `setInitMethod(weightInitMethod, biasInitMethod)`).

use crate::element::Element;
use crate::rng::Rng;

/// How a parameter tensor is filled.
#[derive(Debug, Clone, PartialEq)]
pub enum InitMethod {
    Zeros,
    Ones,
    /// `ConstInitMethod(value)`.
    Const(f64),
    /// `RandomUniform(lower, upper)`; without bounds, `±1/√fanIn`.
    RandomUniform(Option<(f64, f64)>),
    /// `RandomNormal(mean, stdv)`.
    RandomNormal(f64, f64),
    /// `Xavier`: uniform in `±√(6 / (fanIn + fanOut))`.
    Xavier,
    /// `MsraFiller(varianceNormAverage = true)`: normal with `σ = √(2 / n)`, `n` the mean of the
    /// fans (or fanIn).
    Msra {
        variance_norm_average: bool,
    },
    /// `BilinearFiller`: the weights of a transposed convolution that upsamples by bilinear
    /// interpolation (Caffe's and BigDL's): element `i` of each `kh x kw` kernel is
    /// `(1 - |x/f - c|)·(1 - |y/f - c|)` with `x = i mod kw`, `y = (i / kw) mod kh`,
    /// `f = ⌈kw/2⌉`, `c = (2f - 1 - f mod 2) / 2f`.
    BilinearFiller {
        kh: usize,
        kw: usize,
    },
}

impl InitMethod {
    /// Fills `out` for a parameter of the given fans.
    pub fn fill<T: Element>(&self, out: &mut [T], fan_in: usize, fan_out: usize, rng: &mut Rng) {
        let (fi, fo) = (fan_in.max(1) as f64, fan_out.max(1) as f64);
        if let InitMethod::BilinearFiller { kh, kw } = *self {
            let f = (kw as f64 / 2.0).ceil();
            let c = (2.0 * f - 1.0 - f % 2.0) / (2.0 * f);
            let (kh, kw) = (kh.max(1), kw.max(1));
            for (i, p) in out.iter_mut().enumerate() {
                let (x, y) = ((i % kw) as f64, ((i / kw) % kh) as f64);
                *p = T::lit((1.0 - (x / f - c).abs()) * (1.0 - (y / f - c).abs()));
            }
            return;
        }
        for p in out.iter_mut() {
            let v = match *self {
                InitMethod::Zeros => 0.0,
                InitMethod::Ones => 1.0,
                InitMethod::Const(c) => c,
                InitMethod::RandomUniform(Some((lo, hi))) => rng.uniform(lo, hi),
                InitMethod::RandomUniform(None) => rng.uniform(-1.0 / fi.sqrt(), 1.0 / fi.sqrt()),
                InitMethod::RandomNormal(mean, std) => mean + std * rng.normal(),
                InitMethod::Xavier => {
                    let b = (6.0 / (fi + fo)).sqrt();
                    rng.uniform(-b, b)
                }
                InitMethod::Msra {
                    variance_norm_average,
                } => {
                    let n = if variance_norm_average {
                        (fi + fo) / 2.0
                    } else {
                        fi
                    };
                    (2.0 / n).sqrt() * rng.normal()
                }
                InitMethod::BilinearFiller { .. } => 0.0,
            };
            *p = T::lit(v);
        }
    }
}

/// The fan-in, fan-out and weight length of a layer with a weight (the bias follows it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fans {
    pub fan_in: usize,
    pub fan_out: usize,
    pub weight_len: usize,
}
