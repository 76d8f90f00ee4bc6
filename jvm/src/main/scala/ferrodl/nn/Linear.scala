package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

/**
 * A fully connected layer: `y = x Wᵀ + b`. Input `[batch, inputSize]` or `[inputSize]`.
 * Weights initialise uniformly in ±1/√inputSize, biases too (BigDL's default).
 */
class Linear(
    val inputSize: Int,
    val outputSize: Int,
    val withBias: Boolean = true,
    val wRegularizer: ferrodl.optim.Regularizer = null,
    val bRegularizer: ferrodl.optim.Regularizer = null
) extends AbstractModule {
  require(inputSize > 0 && outputSize > 0, s"Linear sizes must be positive, got $inputSize -> $outputSize")

  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "inputSize" -> SpecAttr.int(inputSize),
    "outputSize" -> SpecAttr.int(outputSize),
    "withBias" -> SpecAttr.bool(withBias)
  ) ++ ferrodl.optim.Regularizer.attrs(wRegularizer, bRegularizer)

  override def describe(): String =
    s"Linear($inputSize -> $outputSize${if (withBias) "" else ", withBias=false"})"
}

object Linear {
  def apply(
      inputSize: Int,
      outputSize: Int,
      withBias: Boolean = true,
      wRegularizer: ferrodl.optim.Regularizer = null,
      bRegularizer: ferrodl.optim.Regularizer = null
  ): Linear = new Linear(inputSize, outputSize, withBias, wRegularizer, bRegularizer)
}
