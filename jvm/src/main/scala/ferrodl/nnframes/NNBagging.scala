package ferrodl.nnframes

import ferrodl.nn.{CAveTable, ConcatTable, Exp, Log, Sequential}
import ferrodl.optim.ModelState
import org.apache.spark.ml.param.{Param, ParamMap}
import org.apache.spark.sql.DataFrame
import org.apache.spark.sql.functions.col

/**
 * Class imbalance helpers (the fraud-detection use case): stratified sampling, and bagging, which
 * trains `k` classifiers on resampled data and averages their class probabilities.
 * {{{
 * val bagged = NNBagging.fit(clf, train, numModels = 3, fractions = Map(0.0 -> 0.1, 1.0 -> 1.0), seed = 7)
 * bagged.transform(test)      // an NNClassifierModel: probability = mean of the 3 models'
 * }}}
 */
object NNBagging {

  /**
   * Samples each class `c` of `labelCol` at `fractions(c)` (a class without a fraction is left
   * out); with replacement the fraction may exceed 1 (a bootstrap: each row is drawn a Poisson
   * number of times). Seeded: the same seed gives the same sample on the same data.
   */
  def stratifiedSample(
      df: DataFrame,
      labelCol: String,
      fractions: Map[Double, Double],
      withReplacement: Boolean,
      seed: Long
  ): DataFrame = {
    require(fractions.nonEmpty, "stratifiedSample needs a fraction for at least one class")
    fractions.foreach { case (c, f) =>
      require(f >= 0 && (withReplacement || f <= 1), s"class $c: fraction $f must be in [0, 1] without replacement")
    }
    fractions.toSeq
      .sortBy(_._1)
      .zipWithIndex
      .map { case ((c, f), i) => df.filter(col(labelCol) === c).sample(withReplacement, f, seed * 31 + i) }
      .reduce(_ union _)
  }

  /**
   * Fits `numModels` copies of `classifier`, each on its own stratified bootstrap of `df` (class
   * fractions `fractions`, seeds `seed`, `seed + 1`, ...), and returns one NNClassifierModel whose
   * probability is the mean of theirs. Its model is `Sequential(ConcatTable(m_i -> Exp), CAveTable,
   * Log)`, one native model that outputs the log of the mean probability, so it transforms in one
   * pass and saves and loads like any NNClassifierModel. The classifier's model must end in
   * LogSoftMax.
   */
  def fit(
      classifier: NNClassifier,
      df: DataFrame,
      numModels: Int,
      fractions: Map[Double, Double],
      seed: Long
  ): NNClassifierModel = {
    require(numModels > 0, s"numModels must be positive, got $numModels")
    val last = NNClassifierModel.lastLayer(classifier.model.toSpec)
    require(last == "LogSoftMax", s"bagging averages probabilities: the model must end in LogSoftMax, not $last")
    val models = (0 until numModels).map { i =>
      val sample = stratifiedSample(df, classifier.getLabelCol, fractions, withReplacement = true, seed + i)
      classifier.copy(ParamMap.empty).fit(sample)
    }
    val bagged = copyParams(classifier, average(models))
    bagged.setParent(classifier)
    bagged
  }

  /** [[stratifiedSample]] with a Java map of fractions (for Python). */
  def stratifiedSample(
      df: DataFrame,
      labelCol: String,
      fractions: java.util.Map[java.lang.Double, java.lang.Double],
      withReplacement: Boolean,
      seed: Long
  ): DataFrame = stratifiedSample(df, labelCol, scalaFractions(fractions), withReplacement, seed)

  /** [[fit]] with a Java map of fractions (for Python). */
  def fit(
      classifier: NNClassifier,
      df: DataFrame,
      numModels: Int,
      fractions: java.util.Map[java.lang.Double, java.lang.Double],
      seed: Long
  ): NNClassifierModel = fit(classifier, df, numModels, scalaFractions(fractions), seed)

  private def scalaFractions(m: java.util.Map[java.lang.Double, java.lang.Double]): Map[Double, Double] = {
    val out = Map.newBuilder[Double, Double]
    m.entrySet().forEach(e => out += (e.getKey.doubleValue() -> e.getValue.doubleValue()))
    out.result()
  }

  private def copyParams(from: NNClassifier, to: NNClassifierModel): NNClassifierModel = {
    from.extractParamMap().toSeq.foreach { pair =>
      if (to.hasParam(pair.param.name)) to.set(to.getParam(pair.param.name).asInstanceOf[Param[Any]], pair.value)
    }
    to
  }

  /** One classifier model whose probability is the mean of `models`' (all ending in LogSoftMax). */
  def average(models: Seq[NNClassifierModel]): NNClassifierModel = {
    require(models.nonEmpty, "average needs at least one model")
    val branches = new ConcatTable()
    models.foreach(m => branches.add(Sequential().add(m.model).add(Exp())))
    val combined = Sequential().add(branches).add(CAveTable()).add(Log())
    val states = models.map(_.model.getState())
    combined.setState(ModelState(states.flatMap(_.weights).toArray, states.flatMap(_.buffers).toArray))
    val head = models.head
    new NNClassifierModel(combined).setFeatureSize(head.getFeatureSize).setFeaturesCol(head.getFeaturesCol)
  }
}
