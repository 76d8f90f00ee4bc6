//! TransformerCriterion: a criterion applied after transforming the input and the target.

use super::activity_criterion::ActivityCriterion;
use super::traits::LossSum;
use crate::activity::Activity;
use crate::activity_module::ActivityModule;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::rng::Rng;
use std::sync::Mutex;

const NAME: &str = "TransformerCriterion";

/// A transformer module with its own parameters (initialised once, never trained).
struct Transformer<T: Element> {
    module: Mutex<Box<dyn ActivityModule<T>>>,
    params: Vec<T>,
}

impl<T: Element> Transformer<T> {
    fn new(module: Box<dyn ActivityModule<T>>, seed: u64) -> Self {
        let mut params = vec![T::lit(0.0); module.num_params()];
        module.init_params(&mut params, &mut Rng::new(seed));
        Transformer {
            module: Mutex::new(module),
            params,
        }
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Box<dyn ActivityModule<T>>>> {
        self.module
            .lock()
            .map_err(|_| Error::invalid(NAME, "a transformer failed earlier (poisoned lock)"))
    }

    fn forward(&self, x: &Activity<T>) -> Result<Activity<T>> {
        self.lock()?.forward(&self.params, x)
    }

    fn backward(&self, x: &Activity<T>, y: &Activity<T>, gy: &Activity<T>) -> Result<Activity<T>> {
        let mut discarded = vec![T::lit(0.0); self.params.len()];
        self.lock()?
            .backward(&self.params, &mut discarded, x, y, gy)
    }
}

/// BigDL's `TransformerCriterion(criterion, inputTransformer = null, targetTransformer = null)`:
/// `criterion(inputTransformer(input), targetTransformer(target))`, the gradient taken back
/// through `inputTransformer` (none flows to the target).
///
/// The transformers are modules (any description `spec::build_block` builds). As in BigDL,
/// their parameters are **not trained**: they belong to no model's weight buffer, so no
/// optimiser steps them (the gradient through them reaches the input only). They are the
/// weights the transformer module has when the criterion is built (the Scala API sends them,
/// see [`TransformerCriterion::with_transformer_weights`]); without any, the module's default
/// initialisation from a fixed seed.
///
/// The loss is the inner criterion's reported loss (sum and normaliser passed through).
pub struct TransformerCriterion<T: Element> {
    criterion: Box<dyn ActivityCriterion<T>>,
    input_transformer: Option<Transformer<T>>,
    target_transformer: Option<Transformer<T>>,
}

impl<T: Element> TransformerCriterion<T> {
    pub fn new(
        criterion: Box<dyn ActivityCriterion<T>>,
        input_transformer: Option<Box<dyn ActivityModule<T>>>,
        target_transformer: Option<Box<dyn ActivityModule<T>>>,
    ) -> Self {
        TransformerCriterion {
            criterion,
            input_transformer: input_transformer.map(|m| Transformer::new(m, 1)),
            target_transformer: target_transformer.map(|m| Transformer::new(m, 2)),
        }
    }

    /// Uses these weights for the input and target transformers (each must fit its module).
    pub fn with_transformer_weights(
        mut self,
        input: Option<&[f64]>,
        target: Option<&[f64]>,
    ) -> Result<Self> {
        for (which, t, w) in [
            ("inputTransformer", &mut self.input_transformer, input),
            ("targetTransformer", &mut self.target_transformer, target),
        ] {
            let (Some(t), Some(w)) = (t.as_mut(), w) else {
                continue;
            };
            if w.len() != t.params.len() {
                return Err(Error::invalid(
                    NAME,
                    format!(
                        "{which} has {} parameters, {} weights were given",
                        t.params.len(),
                        w.len()
                    ),
                ));
            }
            t.params = w.iter().map(|v| T::lit(*v)).collect();
        }
        Ok(self)
    }

    fn target(&self, target: &Activity<T>) -> Result<Activity<T>> {
        match &self.target_transformer {
            Some(t) => t.forward(target),
            None => Ok(target.clone()),
        }
    }
}

impl<T: Element> ActivityCriterion<T> for TransformerCriterion<T> {
    fn describe(&self) -> String {
        format!("{NAME}({})", self.criterion.describe())
    }
    fn size_average(&self) -> bool {
        self.criterion.size_average()
    }
    fn loss_sum(&self, input: &Activity<T>, target: &Activity<T>) -> Result<LossSum> {
        let t = self.target(target)?;
        match &self.input_transformer {
            Some(m) => self.criterion.loss_sum(&m.forward(input)?, &t),
            None => self.criterion.loss_sum(input, &t),
        }
    }
    fn grad_sum(&self, input: &Activity<T>, target: &Activity<T>) -> Result<Activity<T>> {
        let t = self.target(target)?;
        match &self.input_transformer {
            Some(m) => {
                let y = m.forward(input)?;
                let gy = self.criterion.grad_sum(&y, &t)?;
                m.backward(input, &y, &gy)
            }
            None => self.criterion.grad_sum(input, &t),
        }
    }
}
