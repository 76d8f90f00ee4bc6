package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

/**
 * The cosine similarity of the input with each of `outputSize` learned vectors,
 * `y_j = w_j·x / ((‖w_j‖ + 1e-12)(‖x‖ + 1e-12))`, as BigDL's `Cosine`. Input `[inputSize]` or
 * `[batch, inputSize]`; weight `[outputSize, inputSize]`, initialised uniformly in ±1/√outputSize.
 */
class Cosine(val inputSize: Int, val outputSize: Int) extends AbstractModule {
  require(inputSize > 0 && outputSize > 0, s"Cosine sizes must be positive, got $inputSize -> $outputSize")

  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("inputSize" -> SpecAttr.int(inputSize), "outputSize" -> SpecAttr.int(outputSize))

  override def describe(): String = s"Cosine($inputSize -> $outputSize)"
}

object Cosine {
  def apply(inputSize: Int, outputSize: Int): Cosine = new Cosine(inputSize, outputSize)
}

/**
 * The Euclidean distance from the input to each of `outputSize` learned points, `y_j = ‖x - w_j‖`, as BigDL's
 * `Euclidean`. Input `[inputSize]` or `[batch, inputSize]`; weight `[inputSize, outputSize]` (column `j` is
 * `w_j`), initialised uniformly in ±1/√inputSize. `fastBackward` only chooses a caching strategy in BigDL and
 * does not change the results.
 */
class Euclidean(val inputSize: Int, val outputSize: Int, val fastBackward: Boolean = true) extends AbstractModule {
  require(inputSize > 0 && outputSize > 0, s"Euclidean sizes must be positive, got $inputSize -> $outputSize")

  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "inputSize" -> SpecAttr.int(inputSize),
    "outputSize" -> SpecAttr.int(outputSize),
    "fastBackward" -> SpecAttr.bool(fastBackward)
  )

  override def describe(): String = s"Euclidean($inputSize -> $outputSize)"
}

object Euclidean {
  def apply(inputSize: Int, outputSize: Int, fastBackward: Boolean = true): Euclidean =
    new Euclidean(inputSize, outputSize, fastBackward)
}

/**
 * A bilinear form of a table of two inputs, `y[b, k] = x1[b]ᵀ W_k x2[b] + bias_k`, as BigDL's `Bilinear`. Input
 * `T(x1 [batch, inputSize1], x2 [batch, inputSize2])`, output `[batch, outputSize]`; weight
 * `[outputSize, inputSize1, inputSize2]` then, when `biasRes`, bias `[outputSize]`, initialised uniformly in
 * ±1/√inputSize1.
 */
class Bilinear(
    val inputSize1: Int,
    val inputSize2: Int,
    val outputSize: Int,
    val biasRes: Boolean = true,
    val wRegularizer: ferrodl.optim.Regularizer = null,
    val bRegularizer: ferrodl.optim.Regularizer = null
) extends AbstractModule {
  require(
    inputSize1 > 0 && inputSize2 > 0 && outputSize > 0,
    s"Bilinear sizes must be positive, got $inputSize1, $inputSize2 -> $outputSize"
  )

  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "inputSize1" -> SpecAttr.int(inputSize1),
    "inputSize2" -> SpecAttr.int(inputSize2),
    "outputSize" -> SpecAttr.int(outputSize),
    "biasRes" -> SpecAttr.bool(biasRes)
  ) ++ ferrodl.optim.Regularizer.attrs(wRegularizer, bRegularizer)

  override def describe(): String = s"Bilinear($inputSize1, $inputSize2 -> $outputSize)"
}

object Bilinear {
  def apply(
      inputSize1: Int,
      inputSize2: Int,
      outputSize: Int,
      biasRes: Boolean = true,
      wRegularizer: ferrodl.optim.Regularizer = null,
      bRegularizer: ferrodl.optim.Regularizer = null
  ): Bilinear = new Bilinear(inputSize1, inputSize2, outputSize, biasRes, wRegularizer, bRegularizer)
}
