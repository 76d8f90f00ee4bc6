package ferrodl.optim

import ferrodl.feature.Sample
import ferrodl.nn.abstractnn.Activity
import ferrodl.tensor.Tensor

/**
 * One partition's training records packed into flat arrays, one per feature slot and per label
 * slot, cached once, so that every iteration gathers its batch with array copies instead of
 * touching Sample objects.
 */
final class DataBlock(
    val features: Array[Array[Float]],
    val featureShapes: Array[Array[Int]],
    val labels: Array[Array[Float]],
    val labelShapes: Array[Array[Int]],
    val count: Int,
    val dropped: Int = 0
) extends Serializable {

  private val fLens = featureShapes.map(_.product)
  private val lLens = labelShapes.map(_.product)

  /** The permutation of the last (seed, pass) asked for: it changes once per pass, not per batch. */
  @transient @volatile private var lastPerm: (Long, Array[Int]) = _

  private def permutationFor(key: Long): Array[Int] = {
    val cached = lastPerm
    if (cached != null && cached._1 == key) cached._2
    else {
      val p = DataBlock.permutation(count, key)
      lastPerm = (key, p)
      p
    }
  }

  private def gather(rows: Array[Int], data: Array[Array[Float]], lens: Array[Int], shapes: Array[Array[Int]]) =
    Array.tabulate(data.length) { s =>
      val len = lens(s)
      val out = new Array[Float](rows.length * len)
      var i = 0
      while (i < rows.length) {
        System.arraycopy(data(s), rows(i) * len, out, i * len, len)
        i += 1
      }
      Tensor(out, rows.length +: shapes(s))
    }

  /** A block of the records at `rows`, in that order. */
  def select(rows: Array[Int]): DataBlock =
    new DataBlock(
      gather(rows, features, fLens, featureShapes).map(_.storage),
      featureShapes,
      gather(rows, labels, lLens, labelShapes).map(_.storage),
      labelShapes,
      rows.length
    )

  /** The rows of the batch at `iteration` for a partition taking `batch` records per iteration. */
  private def rowsAt(iteration: Long, batch: Int, seed: Long): Array[Int] = {
    val rows = new Array[Int](batch)
    var perm: Array[Int] = null
    var permPass = -1L
    var i = 0
    while (i < batch) {
      val k = iteration * batch + i
      val pass = k / count
      if (pass != permPass) { perm = permutationFor(seed * 1000003L + pass); permPass = pass }
      rows(i) = perm((k % count).toInt)
      i += 1
    }
    rows
  }

  /**
   * The batch at `iteration` for a partition that takes `batch` records per iteration: a
   * tensor per side, or a table when samples have several features or labels. Records are
   * visited in a fresh permutation on every pass over the block (seeded, reproducible).
   */
  def batchAt(iteration: Long, batch: Int, seed: Long): (Activity, Activity) = {
    val rows = rowsAt(iteration, batch, seed)
    (
      Batching.activity(gather(rows, features, fLens, featureShapes)),
      Batching.activity(gather(rows, labels, lLens, labelShapes))
    )
  }
}

object DataBlock {

  /**
   * Packs a partition's samples; all must share feature and label shapes. The records are put in
   * an order given by their content, so that the block does not depend on the order in which a
   * shuffle delivered them: with a seed, training is reproducible.
   *
   * A malformed record (feature or label shapes unlike the partition's other records, NaN or
   * infinity) is an error naming `partition` and the row; with `dropInvalid` such records
   * are left out instead, counted in `dropped` and logged.
   */
  def pack(samples: Iterator[Sample], partition: Int = 0, dropInvalid: Boolean = false): DataBlock = {
    val rows = samples.toArray
    val valid = validRows(rows, partition, dropInvalid)
    val all = valid.sortBy { s =>
      (java.util.Arrays.hashCode(s.feature.storage), java.util.Arrays.hashCode(s.label.storage))
    }
    val dropped = rows.length - all.length
    if (dropped > 0) {
      org.slf4j.LoggerFactory
        .getLogger(getClass)
        .warn(s"partition $partition: dropped $dropped invalid samples of ${rows.length} (setDropInvalidSamples)")
    }
    if (all.isEmpty)
      new DataBlock(
        Array(Array.emptyFloatArray),
        Array(Array(0)),
        Array(Array.emptyFloatArray),
        Array(Array(0)),
        0,
        dropped
      )
    else {
      val (x, y) = Batching.stackSlots(all)
      new DataBlock(x.map(_.storage), x.map(_.size.tail), y.map(_.storage), y.map(_.size.tail), all.length, dropped)
    }
  }

  private def fmt(shapes: Array[Tensor]): String = shapes.map(_.size.mkString("[", ", ", "]")).mkString("{", ", ", "}")

  private def signature(s: Sample): String = s"features ${fmt(s.features)}, labels ${fmt(s.labels)}"

  /** Why `s` cannot be trained on next to records of signature `expected`, if it cannot. */
  private def problem(s: Sample, expected: String): Option[String] =
    if (signature(s) != expected) Some(s"it has ${signature(s)}, the partition's other rows have $expected")
    else
      (s.features.map(_.storage) ++ s.labels.map(_.storage)).iterator.zipWithIndex.collectFirst {
        case (a, k) if a.exists(v => v.isNaN || v.isInfinite) =>
          s"its ${if (k < s.features.length) s"feature ${k + 1}" else s"label ${k - s.features.length + 1}"} holds NaN or infinity"
      }

  /**
   * The rows of a partition that can be trained on; the shapes most rows have are the expected
   * ones. A bad row is an error naming `partition` and its index, or with `dropInvalid` is left out.
   */
  def validRows(rows: Array[Sample], partition: Int, dropInvalid: Boolean): Array[Sample] =
    if (rows.isEmpty) rows
    else {
      val expected = rows.iterator.map(signature).toSeq.groupBy(identity).maxBy(_._2.size)._1
      rows.zipWithIndex
        .filter { case (s, i) =>
          problem(s, expected) match {
            case None => true
            case Some(_) if dropInvalid => false
            case Some(why) =>
              throw new IllegalArgumentException(
                s"invalid sample in partition $partition, row $i: $why " +
                  "(Optimizer.setDropInvalidSamples(true) drops such rows instead)"
              )
          }
        }
        .map(_._1)
    }

  /** A Fisher-Yates permutation of 0 until n from `seed`. */
  def permutation(n: Int, seed: Long): Array[Int] = {
    val rng = new java.util.SplittableRandom(seed)
    val p = Array.tabulate(n)(identity)
    var i = n - 1
    while (i > 0) {
      val j = rng.nextInt(i + 1)
      val t = p(i); p(i) = p(j); p(j) = t
      i -= 1
    }
    p
  }
}
