package ferrodl.examples

import ferrodl.nn._
import ferrodl.optim.{Adam, SGD}

/**
 * LeNet-5 on MNIST, the talk's topology (tanh, max pooling), trained across Spark executors:
 * the talk's walkthrough, with validation (Top1, Top5, Loss) every epoch, and with the options
 * of [[MnistMlp]] checkpoints every epoch, TensorBoard summaries and a plot of loss and Top1:
 * {{{
 * ... --checkpoint /tmp/lenet/ckpt --summary /tmp/lenet/logs --plot /tmp/lenet/curves.png
 * }}}
 *
 * {{{
 * spark-submit --master 'local[2]' --jars ferrodl-spark_2.12-0.1.0.jar \
 *   --class ferrodl.examples.LeNet5 ferrodl-examples_2.12-0.1.0.jar --epochs 10
 * }}}
 * Options: --data DIR, --epochs N (10), --batch-size N (128), --lr X (0.2; Adam 0.002),
 * --lr-decay X (0.0002), --optim sgd|adam (Adam halves its rate every epoch and clips the
 * gradient to L2 norm 5), --expect-top1 X (exit 1 when the test accuracy is below X), and the
 * walkthrough options of [[MnistMlp]] (--checkpoint, --resume, --summary, --plot, --local ...).
 */
object LeNet5 {

  def build(classNum: Int): Sequential =
    Sequential()
      .add(Reshape(Array(1, 28, 28)))
      .add(SpatialConvolution(1, 6, 5, 5).setName("conv1"))
      .add(Tanh())
      .add(SpatialMaxPooling(2, 2, 2, 2).setName("pool1"))
      .add(Tanh())
      .add(SpatialConvolution(6, 12, 5, 5).setName("conv2"))
      .add(SpatialMaxPooling(2, 2, 2, 2).setName("pool2"))
      .add(Reshape(Array(12 * 4 * 4)))
      .add(Linear(12 * 4 * 4, 100).setName("fc1"))
      .add(Tanh())
      .add(Linear(100, classNum).setName("score"))
      .add(LogSoftMax())

  def main(argv: Array[String]): Unit = {
    val defaults = MnistMlp.Args(epochs = 10, lrDecay = 0.0002)
    val args = MnistMlp.parse(argv.toList, defaults)
    MnistMlp.train(args, build(10), "ferrodl LeNet-5") { optimizer =>
      args.optim match {
        case "sgd" =>
          optimizer.setOptimMethod(new SGD(learningRate = args.lr.getOrElse(0.2), learningRateDecay = args.lrDecay))
        case "adam" =>
          val perEpoch = math.ceil(60000.0 / args.batchSize).toInt
          val adam = new Adam(learningRate = args.lr.getOrElse(0.002)).setLearningRateSchedule(SGD.Step(perEpoch, 0.5))
          optimizer.setOptimMethod(adam).setGradientClippingByl2Norm(5.0)
        case other => throw new IllegalArgumentException(s"unknown --optim $other (sgd or adam)")
      }
    }
  }
}
