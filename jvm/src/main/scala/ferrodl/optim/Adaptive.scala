package ferrodl.optim

import ferrodl.nn.SpecAttr

// The adaptive methods, with BigDL's names, parameters and defaults (AdamW follows PyTorch's).
// Formulas: native/core/src/optim/adaptive.rs.

private[optim] object Hyper {
  def apply(kv: (String, Double)*): Seq[(String, SpecAttr)] = kv.map { case (k, v) => k -> SpecAttr.floats(Seq(v)) }
}

class Adam(
    var learningRate: Double = 1e-3,
    var learningRateDecay: Double = 0.0,
    var beta1: Double = 0.9,
    var beta2: Double = 0.999,
    var Epsilon: Double = 1e-8
) extends OptimMethod {
  override protected def attrs: Seq[(String, SpecAttr)] = Hyper(
    "learningRate" -> learningRate,
    "learningRateDecay" -> learningRateDecay,
    "beta1" -> beta1,
    "beta2" -> beta2,
    "Epsilon" -> Epsilon
  )
}

/** Adam with decoupled weight decay (not in BigDL; PyTorch's `AdamW`). */
class AdamW(
    var learningRate: Double = 1e-3,
    var beta1: Double = 0.9,
    var beta2: Double = 0.999,
    var Epsilon: Double = 1e-8,
    var weightDecay: Double = 0.01
) extends OptimMethod {
  override protected def attrs: Seq[(String, SpecAttr)] = Hyper(
    "learningRate" -> learningRate,
    "beta1" -> beta1,
    "beta2" -> beta2,
    "Epsilon" -> Epsilon,
    "weightDecay" -> weightDecay
  )
}

class Adamax(
    var learningRate: Double = 0.002,
    var beta1: Double = 0.9,
    var beta2: Double = 0.999,
    var Epsilon: Double = 1e-38
) extends OptimMethod {
  override protected def attrs: Seq[(String, SpecAttr)] =
    Hyper("learningRate" -> learningRate, "beta1" -> beta1, "beta2" -> beta2, "Epsilon" -> Epsilon)
}

class Adagrad(var learningRate: Double = 1e-3, var learningRateDecay: Double = 0.0, var weightDecay: Double = 0.0)
    extends OptimMethod {
  override protected def attrs: Seq[(String, SpecAttr)] =
    Hyper("learningRate" -> learningRate, "learningRateDecay" -> learningRateDecay, "weightDecay" -> weightDecay)
}

class RMSprop(
    var learningRate: Double = 1e-2,
    var learningRateDecay: Double = 0.0,
    var decayRate: Double = 0.99,
    var Epsilon: Double = 1e-8
) extends OptimMethod {
  override protected def attrs: Seq[(String, SpecAttr)] = Hyper(
    "learningRate" -> learningRate,
    "learningRateDecay" -> learningRateDecay,
    "decayRate" -> decayRate,
    "Epsilon" -> Epsilon
  )
}

class Adadelta(var decayRate: Double = 0.9, var Epsilon: Double = 1e-10) extends OptimMethod {
  override protected def attrs: Seq[(String, SpecAttr)] = Hyper("decayRate" -> decayRate, "Epsilon" -> Epsilon)
}
