package ferrodl.optim

import ferrodl.feature.Sample
import ferrodl.tensor.Tensor

/** Stacks samples into batch tensors: `[batch, featureShape...]` and `[batch, labelShape...]`. */
object Batching {

  def stack(samples: Seq[Sample]): (Tensor, Tensor) = {
    require(samples.nonEmpty, "cannot stack an empty batch")
    val fShape = samples.head.feature.size
    val lShape = samples.head.label.size
    val fLen = samples.head.feature.nElement()
    val lLen = samples.head.label.nElement()
    val features = new Array[Float](samples.length * fLen)
    val labels = new Array[Float](samples.length * lLen)
    var i = 0
    samples.foreach { s =>
      if (!s.feature.size.sameElements(fShape) || !s.label.size.sameElements(lShape)) {
        throw new IllegalArgumentException(
          s"all samples in a batch need the same shapes: feature ${fShape.mkString("[", ", ", "]")}, " +
            s"label ${lShape.mkString("[", ", ", "]")}; sample $i has feature ${s.feature.size.mkString("[", ", ", "]")}, " +
            s"label ${s.label.size.mkString("[", ", ", "]")}"
        )
      }
      System.arraycopy(s.feature.storage, 0, features, i * fLen, fLen)
      System.arraycopy(s.label.storage, 0, labels, i * lLen, lLen)
      i += 1
    }
    (Tensor(features, samples.length +: fShape), Tensor(labels, samples.length +: lShape))
  }

  /** A stable key for a native description (for the executor worker pool). */
  def key(parts: Array[Byte]*): String = {
    val md = java.security.MessageDigest.getInstance("SHA-256")
    parts.foreach { p => md.update(p); md.update(0: Byte) }
    md.digest().map("%02x".format(_)).mkString
  }
}
