package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

/**
 * An embedding: each input element is a 1-based index into `nIndex` learned rows of `nOutput`,
 * and the output appends a dimension of `nOutput`. Rows at `paddingValue` (when non-zero) get no
 * gradient; `shouldScaleGradByFreq` divides a row's gradient by its count in the batch. Weights
 * initialise from a standard normal. `maxNorm` is not supported yet (an error if set).
 */
class LookupTable(
    val nIndex: Int,
    val nOutput: Int,
    val paddingValue: Double = 0,
    val maxNorm: Double = Double.MaxValue,
    val normType: Double = 2.0,
    val shouldScaleGradByFreq: Boolean = false,
    val wRegularizer: ferrodl.optim.Regularizer = null
) extends AbstractModule {
  require(nIndex > 0 && nOutput > 0, s"LookupTable: nIndex and nOutput must be positive")
  require(maxNorm == Double.MaxValue, "LookupTable: maxNorm is not supported yet")

  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "nIndex" -> SpecAttr.int(nIndex),
    "nOutput" -> SpecAttr.int(nOutput),
    "paddingValue" -> SpecAttr.floats(Seq(paddingValue)),
    "shouldScaleGradByFreq" -> SpecAttr.bool(shouldScaleGradByFreq)
  ) ++ ferrodl.optim.Regularizer.attrs(wRegularizer, null)
}

object LookupTable {
  def apply(
      nIndex: Int,
      nOutput: Int,
      paddingValue: Double = 0,
      maxNorm: Double = Double.MaxValue,
      normType: Double = 2.0,
      shouldScaleGradByFreq: Boolean = false,
      wRegularizer: ferrodl.optim.Regularizer = null
  ): LookupTable =
    new LookupTable(nIndex, nOutput, paddingValue, maxNorm, normType, shouldScaleGradByFreq, wRegularizer)
}
