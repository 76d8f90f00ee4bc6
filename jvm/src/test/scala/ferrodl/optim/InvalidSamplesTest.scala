package ferrodl.optim

import ferrodl.feature.Sample
import ferrodl.nn.{ClassNLLCriterion, Linear, LogSoftMax, Sequential}
import ferrodl.tensor.Tensor
import org.apache.spark.{SparkContext, SparkException}
import org.junit.Assert._
import org.junit.{AfterClass, BeforeClass, Test}

object InvalidSamplesTest {
  var sc: SparkContext = _

  @BeforeClass def start(): Unit = {
    sc = ferrodl.testing.LocalSpark.start("ferrodl-invalid-samples")
  }

  @AfterClass def stop(): Unit = if (sc != null) sc.stop()

  /** 200 good rows (4 features, 1 label) with four bad ones among them. (A Sample without a label
   * cannot be built: its constructor refuses it.) */
  def rows(): Seq[Sample] = {
    val good = LocalSparkTrainingTest.blobs(200, 3)
    val bad = Seq(
      Sample(Tensor(Array.fill(5)(0.1f), Array(5)), 1f), // wrong feature length
      Sample(Tensor(Array.fill(4)(0.1f), Array(4)), Tensor(Array(1f, 2f), Array(2))), // two labels
      Sample(Tensor(Array(0f, Float.NaN, 0f, 0f), Array(4)), 2f), // NaN
      Sample(Tensor(Array.fill(4)(0.1f), Array(4)), Float.PositiveInfinity) // infinite label
    )
    good.take(50) ++ bad.take(2) ++ good.slice(50, 150) ++ bad.drop(2) ++ good.drop(150)
  }

  def model(): Sequential = Sequential().add(Linear(4, 3)).add(LogSoftMax())
}

class InvalidSamplesTest {
  import InvalidSamplesTest._

  private def rootCause(e: Throwable): Throwable = if (e.getCause == null) e else rootCause(e.getCause)

  @Test def aMalformedSampleNamesItsPartitionAndRow(): Unit = {
    val data = sc.parallelize(rows(), 1)
    val e =
      try {
        Optimizer(model = model(), sampleRDD = data, criterion = ClassNLLCriterion(), batchSize = 20)
          .setEndWhen(Trigger.maxIteration(2))
          .optimize()
        fail("expected an error for the malformed samples"); null
      } catch { case e: SparkException => e }
    val msg = rootCause(e).getMessage
    assertTrue(msg, msg.contains("invalid sample in partition 0, row "))
    assertTrue(msg, msg.contains("setDropInvalidSamples(true)"))
  }

  @Test def eachKindOfProblemIsNamed(): Unit = {
    val bad = rows().slice(50, 52) ++ rows().slice(152, 154)
    val reasons = bad.map { s =>
      try { DataBlock.pack((LocalSparkTrainingTest.blobs(10, 1) :+ s).iterator, 3); "accepted" }
      catch { case e: IllegalArgumentException => e.getMessage }
    }
    assertTrue(reasons(0), reasons(0).contains("partition 3, row 10") && reasons(0).contains("features {[5]}"))
    assertTrue(
      reasons(1),
      reasons(1).contains("labels {[2]}") && reasons(1).contains("other rows have features {[4]}, labels {[1]}")
    )
    assertTrue(reasons(2), reasons(2).contains("feature 1 holds NaN or infinity"))
    assertTrue(reasons(3), reasons(3).contains("label 1 holds NaN or infinity"))
  }

  @Test def dropInvalidSamplesTrainsOnTheRestAndCountsThem(): Unit = {
    val data = sc.parallelize(rows(), 2)
    val opt = Optimizer(model = model(), sampleRDD = data, criterion = ClassNLLCriterion(), batchSize = 20)
      .setDropInvalidSamples(true)
      .setOptimMethod(new SGD(learningRate = 0.5))
      .setEndWhen(Trigger.maxEpoch(3))
    val trained = opt.optimize()
    assertEquals(4L, opt.droppedSamples)
    val acc = trained.evaluate(sc.parallelize(LocalSparkTrainingTest.blobs(90, 9), 2), Array(new Top1Accuracy()))
    assertTrue(s"accuracy ${acc(0)._1}", acc(0)._1.result()._1 > 0.9)
    val local = new LocalOptimizer(model(), rows().toArray, ClassNLLCriterion(), 20, 2)
      .setDropInvalidSamples(true)
      .setEndWhen(Trigger.maxIteration(1))
    local.optimize()
    assertEquals(4L, local.droppedSamples)
  }
}
