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

/** A metric computed from a batch of outputs and targets. */
trait ValidationMethod extends Serializable {
  def apply(output: Tensor, target: Tensor): ValidationResult

  def format(): String

  override def toString: String = format()
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
