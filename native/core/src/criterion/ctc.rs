//! CTCCriterion: connectionist temporal classification (Graves et al., 2006), forward-backward in
//! log space.

use super::traits::{Criterion, LossSum};
use crate::element::Element;
use crate::error::{fmt_shape, Error, Result};
use crate::tensor::{check_finite, from_vec, Tensor};

const NAME: &str = "CTCCriterion";

/// The largest forward-backward lattice (time steps × extended label positions) of one sample:
/// hostile sizes are refused instead of exhausting memory.
const MAX_LATTICE: usize = 1 << 26;

/// Connectionist temporal classification loss, `−log p(labels | input)` per sample, summed over
/// the batch and divided by the batch size when size-averaged (PyTorch's
/// `ctc_loss(reduction="sum") / batch`).
///
/// Conventions (BigDL has no CTC criterion; these follow its 1-based classes):
/// - the input is **log-probabilities** `[batch, time, classes]` (e.g. the output of
///   `TimeDistributed(LogSoftMax)`), or `[time, classes]` for one sample; the gradient is the
///   exact derivative with respect to those log-probabilities;
/// - class 1 is the blank (PyTorch's `blank = 0`);
/// - the target is `[batch, maxLength]` (or `[maxLength]`): 1-based labels in `2..=classes`,
///   padded at the end with 0, so each sample's target length is its count of labels (PyTorch's
///   `target_lengths`);
/// - without `inputLengths`, every time step of the input counts; with `inputLengths = true`,
///   the target is `[batch, 1 + maxLength]` and its first column is the sample's input length
///   `1..=time` (PyTorch's `input_lengths`): only those first steps count, and the later ones get
///   a zero gradient. A target row then carries everything about its sample, so variable-length
///   utterances padded to one `time` go through `Sample`s and mini-batches unchanged.
///
/// A target that needs more time steps than the sample's input has (its length plus one blank
/// between every repeated pair) is an error, not an infinite loss.
pub struct CTCCriterion {
    size_average: bool,
    input_lengths: bool,
}

impl CTCCriterion {
    pub fn new(size_average: bool) -> Self {
        CTCCriterion::with_input_lengths(size_average, false)
    }

    /// With `input_lengths`, the first column of the target holds each sample's input length.
    pub fn with_input_lengths(size_average: bool, input_lengths: bool) -> Self {
        CTCCriterion {
            size_average,
            input_lengths,
        }
    }
}

/// The input length in the first column of a target row, checked against `time`.
fn input_length(v: f64, time: usize, b: usize) -> Result<usize> {
    if v.fract() != 0.0 || v < 1.0 || v > time as f64 {
        return Err(Error::invalid(
            NAME,
            format!(
                "sample {}: input length {v} must be a whole number in 1..={time} (the target's first column)",
                b + 1
            ),
        ));
    }
    Ok(v as usize)
}

fn lse(a: f64, b: f64) -> f64 {
    if a == f64::NEG_INFINITY {
        return b;
    }
    if b == f64::NEG_INFINITY {
        return a;
    }
    let m = a.max(b);
    m + ((a - m).exp() + (b - m).exp()).ln()
}

/// One sample: log-probabilities `[time][classes]` (row-major) and 0-based labels.
struct Sample<'a> {
    lp: &'a [f64],
    time: usize,
    classes: usize,
    ext: Vec<usize>,
}

impl Sample<'_> {
    fn at(&self, t: usize, s: usize) -> f64 {
        self.lp[t * self.classes + self.ext[s]]
    }

    /// Whether a path may skip from position `s - 2` to `s`.
    fn skip(&self, s: usize) -> bool {
        s >= 2 && self.ext[s] != 0 && self.ext[s] != self.ext[s - 2]
    }

    /// −log p and the gradient of −log p with respect to the log-probabilities.
    fn loss_and_grad(&self, want_grad: bool) -> (f64, Vec<f64>) {
        let (tn, sn) = (self.time, self.ext.len());
        let ninf = f64::NEG_INFINITY;
        let mut alpha = vec![ninf; tn * sn];
        alpha[0] = self.at(0, 0);
        if sn > 1 {
            alpha[1] = self.at(0, 1);
        }
        for t in 1..tn {
            for s in 0..sn {
                let prev = &alpha[(t - 1) * sn..t * sn];
                let mut a = prev[s];
                if s >= 1 {
                    a = lse(a, prev[s - 1]);
                }
                if self.skip(s) {
                    a = lse(a, prev[s - 2]);
                }
                alpha[t * sn + s] = a + self.at(t, s);
            }
        }
        let last = &alpha[(tn - 1) * sn..];
        let log_p = if sn > 1 {
            lse(last[sn - 1], last[sn - 2])
        } else {
            last[0]
        };
        if !want_grad {
            return (-log_p, Vec::new());
        }
        // beta[t][s]: log-probability of the rest of the labelling after step t, from s.
        let mut beta = vec![ninf; tn * sn];
        beta[(tn - 1) * sn + sn - 1] = 0.0;
        if sn > 1 {
            beta[(tn - 1) * sn + sn - 2] = 0.0;
        }
        for t in (0..tn - 1).rev() {
            for s in 0..sn {
                let next = |s2: usize| beta[(t + 1) * sn + s2] + self.at(t + 1, s2);
                let mut b = next(s);
                if s + 1 < sn {
                    b = lse(b, next(s + 1));
                }
                if s + 2 < sn && self.skip(s + 2) {
                    b = lse(b, next(s + 2));
                }
                beta[t * sn + s] = b;
            }
        }
        let mut grad = vec![0.0; tn * self.classes];
        for t in 0..tn {
            for s in 0..sn {
                let w = (alpha[t * sn + s] + beta[t * sn + s] - log_p).exp();
                grad[t * self.classes + self.ext[s]] -= w;
            }
        }
        (-log_p, grad)
    }
}

impl CTCCriterion {
    /// Runs every sample; returns the summed loss, the batch size and the gradient.
    fn run<T: Element>(
        &self,
        input: &Tensor<T>,
        target: &Tensor<T>,
        want_grad: bool,
    ) -> Result<(f64, usize, Vec<f64>)> {
        let (batch, time, classes) = match input.shape() {
            [b, t, c] => (*b, *t, *c),
            [t, c] => (1, *t, *c),
            s => {
                return Err(Error::shape(
                    NAME,
                    "[batch, time, classes] log-probabilities",
                    s,
                ))
            }
        };
        if time == 0 || classes < 2 {
            return Err(Error::shape(
                NAME,
                "at least one time step and two classes",
                input.shape(),
            ));
        }
        check_finite(NAME, "input", input)?;
        let row_len = match (input.ndim(), target.shape()) {
            (3, [b, l]) if *b == batch => *l,
            (3, [b]) if *b == batch => 1,
            (2, [l]) => *l,
            _ => 0,
        };
        if row_len == 0 || (self.input_lengths && row_len < 2) {
            let want = if self.input_lengths {
                "[batch, 1 + maxLength]: input lengths, then labels"
            } else {
                "[batch, maxLength] labels"
            };
            return Err(Error::invalid(
                NAME,
                format!(
                    "target {} does not match input {} (expected {want})",
                    fmt_shape(target.shape()),
                    fmt_shape(input.shape())
                ),
            ));
        }
        let lp: Vec<f64> = input.iter().map(|v| v.as_f64()).collect();
        let labels: Vec<f64> = target.iter().map(|v| v.as_f64()).collect();
        let (mut total, mut grad) = (0.0, Vec::new());
        for b in 0..batch {
            let row = &labels[b * row_len..(b + 1) * row_len];
            let (steps, row) = if self.input_lengths {
                (input_length(row[0], time, b)?, &row[1..])
            } else {
                (time, row)
            };
            let ext = extended(row, classes, b)?;
            let needed =
                (ext.len() / 2) + (1..ext.len() / 2).filter(|&i| row[i] == row[i - 1]).count();
            if needed > steps {
                return Err(Error::invalid(
                    NAME,
                    format!(
                        "sample {}: {} labels need at least {needed} time steps, the input has {steps}",
                        b + 1,
                        ext.len() / 2
                    ),
                ));
            }
            if steps.saturating_mul(ext.len()) > MAX_LATTICE {
                return Err(Error::invalid(
                    NAME,
                    format!(
                        "sample {}: {steps} time steps x {} label positions exceed the {MAX_LATTICE}-cell lattice limit",
                        b + 1,
                        ext.len()
                    ),
                ));
            }
            let start = b * time * classes;
            let sample = Sample {
                lp: &lp[start..start + steps * classes],
                time: steps,
                classes,
                ext,
            };
            let (loss, g) = sample.loss_and_grad(want_grad);
            total += loss;
            if want_grad {
                grad.extend(g);
                grad.resize(start + time * classes, 0.0);
            }
        }
        Ok((total, batch, grad))
    }
}

/// The extended labelling (blank, l1, blank, ..., blank), 0-based, from 1-based padded labels.
fn extended(row: &[f64], classes: usize, b: usize) -> Result<Vec<usize>> {
    let len = row.iter().position(|v| *v == 0.0).unwrap_or(row.len());
    if let Some(v) = row[len..].iter().find(|v| **v != 0.0) {
        return Err(Error::invalid(
            NAME,
            format!(
                "sample {}: label {v} after the padding 0 (pad only at the end)",
                b + 1
            ),
        ));
    }
    let mut ext = vec![0];
    for v in &row[..len] {
        if v.fract() != 0.0 || *v < 2.0 || *v > classes as f64 {
            return Err(Error::invalid(
                NAME,
                format!(
                    "sample {}: label {v} out of range: labels are 2..={classes} (1 is the blank, 0 pads)",
                    b + 1
                ),
            ));
        }
        ext.push(*v as usize - 1);
        ext.push(0);
    }
    Ok(ext)
}

impl<T: Element> Criterion<T> for CTCCriterion {
    fn describe(&self) -> String {
        NAME.into()
    }
    fn size_average(&self) -> bool {
        self.size_average
    }
    fn loss_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<LossSum> {
        let (sum, batch, _) = self.run(input, target, false)?;
        Ok(LossSum {
            sum,
            norm: batch as f64,
        })
    }
    fn grad_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<Tensor<T>> {
        let (_, _, g) = self.run(input, target, true)?;
        from_vec(NAME, input.shape(), g.into_iter().map(T::lit).collect())
    }
}
