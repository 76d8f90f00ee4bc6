package ferrodl.utils

import org.apache.spark.SparkConf

/** Spark settings for training with ferrodl, as BigDL's `Engine.createSparkConf()` gives them. */
object Engine {

  /**
   * The largest task result Spark sends straight to the driver rather than through the block
   * manager: 120 MB, so that a partition's gradient of up to 31M float parameters (62M with
   * bfloat16 compression) comes back with its task's status. Spark's default, 1 MB, sends anything
   * beyond 262,144 parameters the long way (a block written, then fetched): measured on 2 cores
   * (bench/results/2026-12-02-c and -d), a 1M-parameter MLP's iteration took 114 ms with it and
   * 82 ms with this setting, a 25M-parameter one 2.2 s and 1.5 s. Spark caps it at
   * `spark.rpc.message.maxSize` (128 MB).
   */
  val MaxDirectResultSize = "120m"

  /**
   * `conf` (a new SparkConf by default) with ferrodl's recommended settings where it has none of
   * its own: `spark.task.maxDirectResultSize` ([[MaxDirectResultSize]]). Executors read it when
   * they start, so it must be set before the SparkContext is created (or with
   * `spark-submit --conf spark.task.maxDirectResultSize=120m`).
   */
  def createSparkConf(conf: SparkConf = new SparkConf()): SparkConf =
    conf.setIfMissing("spark.task.maxDirectResultSize", MaxDirectResultSize)
}
