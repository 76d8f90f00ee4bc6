package ferrodl.nnframes

import ferrodl.nn.abstractnn.{AbstractCriterion, AbstractModule}
import org.apache.spark.ml.param.ParamMap
import org.apache.spark.ml.util.{Identifiable, MLReadable, MLReader}
import org.apache.spark.sql.Dataset

/**
 * Trains a classifier on a DataFrame (BigDL's `NNClassifier`): the label column holds one class
 * index per row (a number). With `zeroBasedLabel` (the default) labels are 0-based, as
 * StringIndexer gives them, and are shifted to the 1-based indices that ClassNLLCriterion and
 * CrossEntropyCriterion take; `setZeroBasedLabel(false)` passes 1-based labels through (BigDL).
 * {{{
 * val clf = NNClassifier(model, ClassNLLCriterion(), Array(4)).setMaxEpoch(20).setLearningRate(0.1)
 * clf.fit(df).transform(df)   // rawPrediction, probability (ML Vectors), prediction (Double)
 * }}}
 */
class NNClassifier(uid: String, model: AbstractModule, criterion: AbstractCriterion)
    extends NNEstimator(uid, model, criterion)
    with NNClassifierParams {

  def this(model: AbstractModule, criterion: AbstractCriterion) =
    this(Identifiable.randomUID("nnClassifier"), model, criterion)

  def this(model: AbstractModule, criterion: AbstractCriterion, featureSize: Array[Int]) = {
    this(model, criterion)
    set(this.featureSize, featureSize)
  }

  def setProbabilityCol(value: String): this.type = set(probabilityCol, value)
  def setRawPredictionCol(value: String): this.type = set(rawPredictionCol, value)
  def setZeroBasedLabel(value: Boolean): this.type = set(zeroBasedLabel, value)

  override def setLabelSize(value: Array[Int]): this.type = {
    require(value.sameElements(Array(1)), s"NNClassifier takes one class index per row, not labelSize ${value.toSeq}")
    super.setLabelSize(value)
  }

  override protected def labelMap: Float => Float =
    if ($(zeroBasedLabel)) NNClassifier.plusOne else NNEstimator.identity

  override protected def wrap(trained: AbstractModule): NNModel =
    new NNClassifierModel(trained)
      .setProbabilityCol($(probabilityCol))
      .setRawPredictionCol($(rawPredictionCol))
      .setZeroBasedLabel($(zeroBasedLabel))

  override def fit(dataset: Dataset[_]): NNClassifierModel = super.fit(dataset).asInstanceOf[NNClassifierModel]

  override def copy(extra: ParamMap): NNClassifier =
    NNEstimator.copyExtras(this, copyValues(new NNClassifier(uid, model, criterion), extra))
}

object NNClassifier extends MLReadable[NNClassifier] {

  def apply(model: AbstractModule, criterion: AbstractCriterion, featureSize: Array[Int]): NNClassifier =
    new NNClassifier(model, criterion, featureSize)

  private[nnframes] val plusOne: Float => Float = (v: Float) => v + 1f

  override def read: MLReader[NNClassifier] =
    new NNPersistence.EstimatorReader[NNClassifier]((uid, m, c) => new NNClassifier(uid, m, c))

  override def load(path: String): NNClassifier = super.load(path)
}
