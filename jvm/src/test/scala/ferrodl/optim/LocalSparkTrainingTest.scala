package ferrodl.optim

import ferrodl.feature.Sample
import ferrodl.nn.{ClassNLLCriterion, Linear, LogSoftMax, Sequential, Tanh}
import ferrodl.tensor.Tensor
import org.apache.spark.SparkContext
import org.junit.Assert._
import org.junit.{AfterClass, BeforeClass, Test}

import scala.util.Random

object LocalSparkTrainingTest {
  var sc: SparkContext = _

  @BeforeClass def start(): Unit = {
    sc = ferrodl.testing.LocalSpark.start("ferrodl-test", logLevel = "WARN")
  }

  @AfterClass def stop(): Unit = if (sc != null) sc.stop()

  /** Three Gaussian blobs in 4-D: a problem a small MLP must solve almost perfectly. */
  def blobs(n: Int, seed: Int): Seq[Sample] = {
    val r = new Random(seed)
    val centres = Array(Array(2f, 0f, 0f, 1f), Array(-2f, 1f, 0f, 0f), Array(0f, -2f, 2f, 0f))
    Seq.tabulate(n) { i =>
      val c = i % 3
      Sample(Tensor(Array.tabulate(4)(j => centres(c)(j) + 0.5f * r.nextGaussian().toFloat), Array(4)), (c + 1).toFloat)
    }
  }
}

class LocalSparkTrainingTest {
  import LocalSparkTrainingTest._

  @Test def trainsPredictsAndEvaluatesWithABatchThatIsNotAMultipleOfTheCores(): Unit = {
    val train = sc.parallelize(blobs(600, 1), 3)
    val test = sc.parallelize(blobs(300, 2), 2)
    val model = Sequential().add(Linear(4, 8)).add(Tanh()).add(Linear(8, 3)).add(LogSoftMax())
    val before = model.evaluate(test, Array(new Top1Accuracy()))(0)._1.result()._1
    val opt = Optimizer(model = model, sampleRDD = train, criterion = ClassNLLCriterion(), batchSize = 37)
      .setOptimMethod(new SGD(learningRate = 0.2))
      .setEndWhen(Trigger.maxEpoch(3))
    val trained = opt.optimize()
    val d = opt.asInstanceOf[DistriOptimizer]
    assertEquals("iterations for 3 epochs of 600 at 37", 3 * math.ceil(600 / 37.0).toInt, d.timings.length)
    val acc = trained.evaluate(test, Array(new Top1Accuracy()), Some(50))(0)._1
    assertTrue(s"accuracy $acc (before: $before)", acc.result()._1 > 0.95)
    assertEquals(300, acc.result()._2)
    val classes = trained.predictClass(test).collect()
    val labels = test.map(_.label.storage(0).toInt).collect()
    assertEquals(300, classes.length)
    assertTrue(classes.zip(labels).count { case (p, l) => p == l } > 285)
    val outputs = trained.predict(test, 64).collect()
    assertArrayEquals(Array(3), outputs.head.size())
  }

  @Test def adamWithAStepScheduleAndClippingTrains(): Unit = {
    val train = sc.parallelize(blobs(600, 5), 2)
    val test = sc.parallelize(blobs(300, 6), 2)
    val model = Sequential().add(Linear(4, 8)).add(Tanh()).add(Linear(8, 3)).add(LogSoftMax())
    val adam = new Adam(learningRate = 0.05).setLearningRateSchedule(SGD.Step(stepSize = 20, gamma = 0.5))
    Optimizer(model = model, sampleRDD = train, criterion = ClassNLLCriterion(), batchSize = 32)
      .setOptimMethod(adam)
      .setGradientClippingByl2Norm(1.0)
      .setConstantGradientClipping(-0.8, 0.8)
      .setEndWhen(Trigger.maxEpoch(2))
      .optimize()
    val acc = model.evaluate(test, Array(new Top1Accuracy()))(0)._1.result()._1
    assertTrue(s"accuracy $acc", acc > 0.95)
    assertNotNull("the method keeps its state for the next run", adam.state)
  }

  @Test def regressionWithMSECriterionFitsALinearFunction(): Unit = {
    val r = new Random(7)
    val data = Seq.fill(400) {
      val x = Array.fill(3)(r.nextGaussian().toFloat)
      Sample(Tensor(x, Array(3)), Tensor(Array(2 * x(0) - x(1) + 0.5f * x(2) + 1), Array(1)))
    }
    val model = Sequential().add(Linear(3, 1))
    Optimizer(model = model, sampleRDD = sc.parallelize(data, 2), criterion = ferrodl.nn.MSECriterion(), batchSize = 20)
      .setOptimMethod(new SGD(learningRate = 0.1))
      .setEndWhen(Trigger.maxEpoch(5))
      .optimize()
    val w = model.getWeightsArray()
    assertArrayEquals(Array(2f, -1f, 0.5f, 1f), w, 0.01f)
  }

  @Test def trainingWithDropoutIsReproducibleForASeed(): Unit = {
    val data = sc.parallelize(blobs(200, 8), 2)
    def run(seed: Long): Array[Float] = {
      val model =
        Sequential().add(Linear(4, 16)).add(ferrodl.nn.Dropout(0.3)).add(Tanh()).add(Linear(16, 3)).add(LogSoftMax())
      model.setWeightsArray(Array.tabulate(model.numParameters())(i => math.sin(i.toDouble).toFloat * 0.3f))
      Optimizer(model = model, sampleRDD = data, criterion = ClassNLLCriterion(), batchSize = 16)
        .setOptimMethod(new SGD(learningRate = 0.1))
        .setEndWhen(Trigger.maxIteration(10))
        .setSeed(seed)
        .optimize()
      model.getWeightsArray()
    }
    val (a, b, c) = (run(3), run(3), run(4))
    assertArrayEquals("same seed, same weights", a, b, 0f)
    assertFalse("another seed shuffles and drops differently", a.sameElements(c))
  }

  @Test def batchNormalizationRunningStatisticsAreAveragedAcrossPartitions(): Unit = {
    val train = sc.parallelize(blobs(600, 9), 3)
    val test = sc.parallelize(blobs(300, 10), 2)
    val model = Sequential()
      .add(Linear(4, 8))
      .add(ferrodl.nn.BatchNormalization(8))
      .add(Tanh())
      .add(Linear(8, 3))
      .add(LogSoftMax())
    assertEquals(16, model.getBuffersArray().length)
    Optimizer(model = model, sampleRDD = train, criterion = ClassNLLCriterion(), batchSize = 32)
      .setOptimMethod(new SGD(learningRate = 0.1))
      .setEndWhen(Trigger.maxEpoch(2))
      .optimize()
    val running = model.getBuffersArray()
    assertTrue(s"running means moved: ${running.take(8).toSeq}", running.take(8).exists(v => math.abs(v) > 0.05))
    assertTrue(s"running variances positive: ${running.drop(8).toSeq}", running.drop(8).forall(_ > 0))
    val acc = model.evaluate(test, Array(new Top1Accuracy()))(0)._1.result()._1
    assertTrue(s"accuracy in evaluation mode $acc", acc > 0.95)
  }

  @Test def anL2RegularizerShrinksTheWeights(): Unit = {
    val data = sc.parallelize(blobs(300, 12), 2)
    def norm(reg: Regularizer): Double = {
      val model = Sequential().add(Linear(4, 3, wRegularizer = reg)).add(LogSoftMax())
      model.setWeightsArray(Array.fill(15)(0.1f))
      Optimizer(model = model, sampleRDD = data, criterion = ClassNLLCriterion(), batchSize = 30)
        .setOptimMethod(new SGD(learningRate = 0.2))
        .setEndWhen(Trigger.maxEpoch(5))
        .optimize()
      math.sqrt(model.getWeightsArray().take(12).map(w => w.toDouble * w).sum)
    }
    val (free, l2) = (norm(null), norm(new L2Regularizer(0.5)))
    assertTrue(s"weight norm with L2 $l2 should be well below $free", l2 < 0.7 * free)
  }

  @Test def maxIterationStopsAndBadLabelsFailTheJobWithAClearMessage(): Unit = {
    val bad = sc.parallelize(blobs(30, 3).map(s => Sample(s.feature, 7f)), 2)
    val model = Sequential().add(Linear(4, 3)).add(LogSoftMax())
    val opt = Optimizer(model = model, sampleRDD = bad, criterion = ClassNLLCriterion(), batchSize = 8)
      .setEndWhen(Trigger.maxIteration(2))
    val e =
      try { opt.optimize(); fail("expected failure"); null }
      catch { case e: Exception => e }
    assertTrue(e.getMessage, e.getMessage.contains("label 7") && e.getMessage.contains("[1, 3]"))
    val good = sc.parallelize(blobs(30, 4), 2)
    val ok = Optimizer(model = model, sampleRDD = good, criterion = ClassNLLCriterion(), batchSize = 8)
      .setEndWhen(Trigger.maxIteration(2))
    ok.optimize()
    assertEquals(2, ok.asInstanceOf[DistriOptimizer].timings.length)
  }
}
