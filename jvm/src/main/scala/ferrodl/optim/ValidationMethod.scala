package ferrodl.optim

import ferrodl.tensor.Tensor

/** The result of a validation method; results from partitions add up. */
trait ValidationResult extends Serializable {

  /** (the metric, the number of records it covers) */
  def result(): (Float, Int)

  def +(other: ValidationResult): ValidationResult
}

/** Correct predictions out of a count. */
class AccuracyResult(val correct: Int, val count: Int) extends ValidationResult {
  override def result(): (Float, Int) = (if (count == 0) 0f else correct.toFloat / count, count)

  override def +(other: ValidationResult): ValidationResult = other match {
    case a: AccuracyResult => new AccuracyResult(correct + a.correct, count + a.count)
    case o => throw new IllegalArgumentException(s"cannot add AccuracyResult and ${o.getClass.getSimpleName}")
  }

  override def toString: String = s"Accuracy(correct: $correct, count: $count, accuracy: ${result()._1})"
}

/** A mean of a per-record quantity (loss, absolute error) over a count of records. */
class MeanResult(val name: String, val total: Double, val count: Int) extends ValidationResult {
  override def result(): (Float, Int) = (if (count == 0) 0f else (total / count).toFloat, count)

  override def +(other: ValidationResult): ValidationResult = other match {
    case m: MeanResult if m.name == name => new MeanResult(name, total + m.total, count + m.count)
    case o => throw new IllegalArgumentException(s"cannot add $name and ${o.getClass.getSimpleName}")
  }

  override def toString: String = s"($name: ${result()._1}, count: $count)"
}

/** A metric computed from a batch of outputs and targets. */
trait ValidationMethod extends Serializable {
  def apply(output: Tensor, target: Tensor): ValidationResult

  def format(): String

  /** Whether a larger result is better (accuracies) or worse (losses, errors). */
  def higherIsBetter: Boolean = true

  override def toString: String = format()
}

/** The share of records whose (1-based) target class is among the `k` largest outputs. */
class TopKAccuracy(k: Int) extends ValidationMethod {
  override def apply(output: Tensor, target: Tensor): ValidationResult = {
    val n = if (output.dim() == 0) 1 else output.size().last
    val rows = if (n == 0) 0 else output.nElement() / n
    require(rows == target.nElement(), s"${format()}: $rows output rows but ${target.nElement()} targets")
    var correct = 0
    for (r <- 0 until rows) {
      val t = math.round(target.storage(r)) - 1
      val score = output.storage(r * n + t)
      var better = 0
      for (j <- 0 until n) if (output.storage(r * n + j) > score) better += 1
      if (t >= 0 && t < n && better < k) correct += 1
    }
    new AccuracyResult(correct, rows)
  }

  override def format(): String = s"Top${k}Accuracy"
}

/** The share of records whose target class is among the 5 largest outputs. */
class Top5Accuracy extends TopKAccuracy(5)

/** The mean loss of `criterion` per record (BigDL's `Loss`). */
class Loss(criterion: ferrodl.nn.abstractnn.AbstractCriterion = ferrodl.nn.ClassNLLCriterion())
    extends ValidationMethod {
  override def apply(output: Tensor, target: Tensor): ValidationResult = {
    val rows = if (output.dim() <= 1) 1 else output.size(1)
    new MeanResult("Loss", criterion.forward(output, target).toDouble * rows, rows)
  }

  override def format(): String = "Loss"

  override def higherIsBetter: Boolean = false
}

/** The mean absolute error between outputs and targets over all elements (BigDL's `MAE`). */
class MAE extends ValidationMethod {
  override def apply(output: Tensor, target: Tensor): ValidationResult = {
    require(output.nElement() == target.nElement(), s"MAE: ${output.nElement()} outputs, ${target.nElement()} targets")
    var sum = 0.0
    for (i <- 0 until output.nElement()) sum += math.abs(output.storage(i) - target.storage(i))
    new MeanResult("MAE", sum, output.nElement())
  }

  override def format(): String = "MAE"

  override def higherIsBetter: Boolean = false
}

/** The share of records whose largest output is at the (1-based) target class. */
class Top1Accuracy extends ValidationMethod {
  override def apply(output: Tensor, target: Tensor): ValidationResult = {
    val predicted = output.argmaxRows()
    require(
      predicted.length == target.nElement(),
      s"Top1Accuracy: ${predicted.length} output rows but ${target.nElement()} targets"
    )
    var correct = 0
    var i = 0
    while (i < predicted.length) {
      if (predicted(i) == math.round(target.storage(i))) correct += 1
      i += 1
    }
    new AccuracyResult(correct, predicted.length)
  }

  override def format(): String = "Top1Accuracy"
}
