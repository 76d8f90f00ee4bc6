//! LookupTable: an embedding, one learned row per (1-based) index.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::{check_same_shape, from_vec, Tensor};

/// BigDL's `LookupTable(nIndex, nOutput, paddingValue = 0, maxNorm = ∞, normType = 2,
/// shouldScaleGradByFreq = false)`, without `maxNorm` (it would rewrite weights in forward).
///
/// Each input element is a 1-based index; the output appends a dimension of `nOutput`. Rows whose
/// index equals `paddingValue` (when non-zero) get no gradient. With `shouldScaleGradByFreq`, a
/// row's gradient is divided by how often its index occurs in the batch.
///
/// # Shapes
/// - input: any shape of indices, e.g. `[batch, seqLen]`
/// - output: `input ++ [nOutput]`
/// - parameters: weight `[nIndex, nOutput]`, initialised from a standard normal (BigDL's default)
#[derive(Debug, Clone)]
pub struct LookupTable {
    n_index: usize,
    n_output: usize,
    padding_value: f64,
    scale_by_freq: bool,
}

impl LookupTable {
    /// An embedding of `n_index` rows of `n_output`.
    pub fn new(
        n_index: usize,
        n_output: usize,
        padding_value: f64,
        scale_by_freq: bool,
    ) -> Result<LookupTable> {
        if n_index == 0 || n_output == 0 {
            return Err(Error::invalid(
                "LookupTable",
                format!("nIndex and nOutput must be positive, got {n_index}, {n_output}"),
            ));
        }
        crate::error::checked_count("LookupTable", &[n_index, n_output])?;
        Ok(LookupTable {
            n_index,
            n_output,
            padding_value,
            scale_by_freq,
        })
    }

    fn rows<T: Element>(&self, input: &Tensor<T>) -> Result<Vec<usize>> {
        input
            .iter()
            .enumerate()
            .map(|(index, &v)| {
                let label = v.as_f64();
                if label.fract() == 0.0 && label >= 1.0 && label <= self.n_index as f64 {
                    Ok(label as usize - 1)
                } else {
                    Err(Error::LabelOutOfRange {
                        layer: "LookupTable".into(),
                        label,
                        index,
                        n_classes: self.n_index,
                    })
                }
            })
            .collect()
    }
}

impl<T: Element> Module<T> for LookupTable {
    fn describe(&self) -> String {
        format!("LookupTable({}, {})", self.n_index, self.n_output)
    }

    fn num_params(&self) -> usize {
        self.n_index * self.n_output
    }

    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        crate::param_tensor::weight_bias(&[self.n_index, self.n_output], None)
    }

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        params.iter_mut().for_each(|p| *p = T::lit(rng.normal()));
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let rows = self.rows(input)?;
        let d = self.n_output;
        let mut y = Vec::with_capacity(rows.len() * d);
        for r in rows {
            y.extend_from_slice(&params[r * d..(r + 1) * d]);
        }
        let mut shape = input.shape().to_vec();
        shape.push(d);
        from_vec("LookupTable", &shape, y)
    }

    fn backward(
        &mut self,
        _params: &[T],
        grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        check_same_shape("LookupTable", "gradOutput", output.shape(), grad_output)?;
        let rows = self.rows(input)?;
        let d = self.n_output;
        let mut counts = vec![0usize; self.n_index];
        rows.iter().for_each(|r| counts[*r] += 1);
        let gy = crate::tensor::flat(grad_output);
        let padding = (self.padding_value != 0.0).then(|| self.padding_value as usize - 1);
        for (k, &r) in rows.iter().enumerate() {
            if Some(r) == padding {
                continue;
            }
            let scale = if self.scale_by_freq {
                T::lit(1.0 / counts[r] as f64)
            } else {
                T::one()
            };
            for j in 0..d {
                grad_params[r * d + j] += gy[k * d + j] * scale;
            }
        }
        // Indices have no gradient.
        Ok(Tensor::zeros(input.raw_dim()))
    }
}
