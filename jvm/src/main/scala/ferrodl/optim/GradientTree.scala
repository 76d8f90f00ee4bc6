package ferrodl.optim

import org.apache.spark.rdd.RDD

/**
 * Sums per-partition gradients in an order that depends only on partition indices, so that runs
 * with the same seed and partitioning give identical weights (float addition is not
 * associative, and `treeReduce` merges in task completion order).
 *
 * Up to `DirectLimit` partitions the driver receives each partition's sum (as `treeReduce` does
 * for so few) and adds them in index order. Beyond, partitions are grouped by index into about
 * √P groups, each group is summed in index order on an executor, and the driver adds the group
 * sums in order: two levels, like `treeReduce` with depth 2. With `packGroups` (bfloat16
 * gradient compression) the group sums travel packed too; the result is always unpacked.
 */
private[optim] object GradientTree {
  val DirectLimit = 6

  def sum(perPartition: RDD[(Int, GradPart)], partitions: Int, packGroups: Boolean = false): GradPart = {
    val ordered: Array[GradPart] =
      if (partitions <= DirectLimit) perPartition.collect().sortBy(_._1).map(_._2)
      else {
        val fanIn = math.ceil(math.sqrt(partitions.toDouble)).toInt
        val groups = (partitions + fanIn - 1) / fanIn
        perPartition
          .map { case (pid, g) => (pid / fanIn, (pid, g)) }
          .groupByKey(groups)
          .map { case (group, parts) =>
            val sum = parts.toSeq.sortBy(_._1).map(_._2).reduce((a, b) => a.merge(b))
            (group, if (packGroups) sum.pack() else sum)
          }
          .collect()
          .sortBy(_._1)
          .map(_._2)
      }
    if (ordered.isEmpty) throw new IllegalStateException("no partition produced gradients (is every partition empty?)")
    ordered.reduce((a, b) => a.merge(b)).unpacked()
  }
}
