package ferrodl.optim

import ferrodl.feature.Sample
import ferrodl.tensor.Tensor

/**
 * One partition's training records packed into two flat arrays, cached once, so that every
 * iteration gathers its batch with array copies instead of touching Sample objects.
 */
final class DataBlock(
    val features: Array[Float],
    val labels: Array[Float],
    val count: Int,
    val featureShape: Array[Int],
    val labelShape: Array[Int]
) extends Serializable {

  private val fLen = featureShape.product
  private val lLen = labelShape.product

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

  /** A block of the records at `rows`, in that order. */
  def select(rows: Array[Int]): DataBlock = {
    val x = new Array[Float](rows.length * fLen)
    val y = new Array[Float](rows.length * lLen)
    var i = 0
    while (i < rows.length) {
      System.arraycopy(features, rows(i) * fLen, x, i * fLen, fLen)
      System.arraycopy(labels, rows(i) * lLen, y, i * lLen, lLen)
      i += 1
    }
    new DataBlock(x, y, rows.length, featureShape, labelShape)
  }

  /**
   * The batch at `iteration` for a partition that takes `batch` records per iteration. Records
   * are visited in a fresh permutation on every pass over the block (seeded, reproducible).
   */
  def batchAt(iteration: Long, batch: Int, seed: Long): (Tensor, Tensor) = {
    val x = new Array[Float](batch * fLen)
    val y = new Array[Float](batch * lLen)
    var perm: Array[Int] = null
    var permPass = -1L
    var i = 0
    while (i < batch) {
      val k = iteration * batch + i
      val pass = k / count
      if (pass != permPass) { perm = permutationFor(seed * 1000003L + pass); permPass = pass }
      val r = perm((k % count).toInt)
      System.arraycopy(features, r * fLen, x, i * fLen, fLen)
      System.arraycopy(labels, r * lLen, y, i * lLen, lLen)
      i += 1
    }
    (Tensor(x, batch +: featureShape), Tensor(y, batch +: labelShape))
  }
}

object DataBlock {

  /**
   * Packs a partition's samples; all must share feature and label shapes. The records are put in
   * an order given by their content, so that the block does not depend on the order in which a
   * shuffle delivered them: with a seed, training is reproducible.
   */
  def pack(samples: Iterator[Sample]): DataBlock = {
    val all = samples.toArray.sortBy { s =>
      (java.util.Arrays.hashCode(s.feature.storage), java.util.Arrays.hashCode(s.label.storage))
    }
    if (all.isEmpty) new DataBlock(Array.empty, Array.empty, 0, Array(0), Array(0))
    else {
      val (x, y) = Batching.stack(all)
      new DataBlock(x.storage, y.storage, all.length, x.size.tail, y.size.tail)
    }
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
