package ferrodl.optim

import ferrodl.nn.SpecAttr

/**
 * FTRL-Proximal (McMahan et al., "Ad click prediction: a view from the trenches"), as BigDL's
 * `Ftrl`, with L1, L2 and shrinkage-type L2 penalties. Per weight, with `p = -learningRatePower`:
 * `accum' = accum + g²`, `linear += g + (accum^p - accum'^p) / lr * w`, and
 * `w = (sign(linear) * l1 - linear) / (accum'^p / lr + 2 * l2)` where `|linear| > l1`, else 0
 * (`g` gains `2 * l2Shrinkage * w` first). Formulas: native/core/src/optim/ftrl.rs.
 *
 * @param learningRatePower must be <= 0
 * @param initialAccumulatorValue where the accumulators start, >= 0
 */
class Ftrl(
    var learningRate: Double = 1e-3,
    var learningRatePower: Double = -0.5,
    var initialAccumulatorValue: Double = 0.1,
    var l1RegularizationStrength: Double = 0.0,
    var l2RegularizationStrength: Double = 0.0,
    var l2ShrinkageRegularizationStrength: Double = 0.0
) extends OptimMethod {
  override protected def attrs: Seq[(String, SpecAttr)] = Hyper(
    "learningRate" -> learningRate,
    "learningRatePower" -> learningRatePower,
    "initialAccumulatorValue" -> initialAccumulatorValue,
    "l1RegularizationStrength" -> l1RegularizationStrength,
    "l2RegularizationStrength" -> l2RegularizationStrength,
    "l2ShrinkageRegularizationStrength" -> l2ShrinkageRegularizationStrength
  )
}
