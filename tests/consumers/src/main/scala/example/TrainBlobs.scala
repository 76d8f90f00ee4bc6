package example

import ferrodl.feature.Sample
import ferrodl.nn.{ClassNLLCriterion, Linear, LogSoftMax, Sequential, Tanh}
import ferrodl.optim.{Optimizer, SGD, Top1Accuracy, Trigger}
import ferrodl.tensor.Tensor
import org.apache.spark.{SparkConf, SparkContext}

import scala.util.Random

/**
 * A user's program built against the published ferrodl artifact (Maven, Gradle or SBT): trains a
 * small MLP on three Gaussian blobs with Spark and exits 1 unless the test accuracy is above 0.95.
 *
 * {{{
 * spark-submit --master 'local[2]' --jars ferrodl-spark_2.12-<v>.jar --class example.TrainBlobs consumer.jar
 * }}}
 */
object TrainBlobs {

  /** `n` points around three centres in 4-D; labels 1 to 3 (BigDL's 1-based class labels). */
  def blobs(n: Int, seed: Int): Seq[Sample] = {
    val r = new Random(seed)
    val centres = Array(Array(2f, 0f, 0f, 1f), Array(-2f, 1f, 0f, 0f), Array(0f, -2f, 2f, 0f))
    Seq.tabulate(n) { i =>
      val c = i % 3
      Sample(Tensor(Array.tabulate(4)(j => centres(c)(j) + 0.5f * r.nextGaussian().toFloat), Array(4)), (c + 1).toFloat)
    }
  }

  def main(args: Array[String]): Unit = {
    val sc = SparkContext.getOrCreate(new SparkConf().setAppName("ferrodl consumer"))
    val train = sc.parallelize(blobs(3000, 1), 2)
    val test = sc.parallelize(blobs(600, 2), 2)
    val model = Sequential().add(Linear(4, 16)).add(Tanh()).add(Linear(16, 3)).add(LogSoftMax())
    val trained = Optimizer(model = model, sampleRDD = train, criterion = ClassNLLCriterion(), batchSize = 64)
      .setOptimMethod(new SGD(learningRate = 0.2))
      .setEndWhen(Trigger.maxEpoch(3))
      .optimize()
    val accuracy = trained.evaluate(test, Array(new Top1Accuracy()))(0)._1.result()._1
    println(s"ferrodl ${ferrodl.engine.Native.version()} on Spark ${sc.version}: test Top1 $accuracy")
    sc.stop()
    if (accuracy <= 0.95) {
      System.err.println(s"FAIL: test Top1 $accuracy <= 0.95")
      sys.exit(1)
    }
  }
}
