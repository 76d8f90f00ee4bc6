package ferrodl.optim

import scala.collection.mutable.ArrayBuffer

import ferrodl.nn.{SpecAttr, SpecNode}
import ferrodl.tensor.Tensor

/**
 * Stochastic gradient descent, as BigDL's `SGD`. By default the learning rate at step t (from 0)
 * is `learningRate / (1 + t * learningRateDecay)`; `learningRateSchedule` replaces that.
 * `dampening` defaults to `momentum`.
 *
 * `learningRates` and `weightDecays` (one value per weight of the model, in the order of its
 * flat parameters) multiply the rate and set the weight decay element by element; a non-zero
 * `weightDecay` wins over `weightDecays`, as in BigDL. Their length is checked against the model
 * at the first step.
 */
class SGD(
    var learningRate: Double = 1e-3,
    var learningRateDecay: Double = 0.0,
    var weightDecay: Double = 0.0,
    var momentum: Double = 0.0,
    var dampening: Double = Double.MaxValue,
    var nesterov: Boolean = false,
    learningRateSchedule: LearningRateSchedule = null,
    var learningRates: Tensor = null,
    var weightDecays: Tensor = null
) extends OptimMethod {
  if (learningRateSchedule != null) setLearningRateSchedule(learningRateSchedule)

  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "learningRate" -> SpecAttr.floats(Seq(learningRate)),
    "learningRateDecay" -> SpecAttr.floats(Seq(learningRateDecay)),
    "weightDecay" -> SpecAttr.floats(Seq(weightDecay)),
    "momentum" -> SpecAttr.floats(Seq(momentum)),
    "dampening" -> SpecAttr.floats(Seq(if (dampening == Double.MaxValue) momentum else dampening)),
    "nesterov" -> SpecAttr.bool(nesterov)
  ) ++ Option(learningRates).map(t => "learningRates" -> SGD.vector(t)) ++
    Option(weightDecays).map(t => "weightDecays" -> SGD.vector(t))
}

/**
 * BigDL's learning-rate schedules (usable with every method). The epoch ones count epochs from 1;
 * the iteration ones count the method's steps from 0.
 */
object SGD {
  private def node(kind: String, attrs: (String, SpecAttr)*): SpecNode = SpecNode(kind, "", attrs, Nil)
  private def f(v: Double): SpecAttr = SpecAttr.floats(Seq(v))
  private[optim] def vector(t: Tensor): SpecAttr = SpecAttr.floats(t.storage.map(_.toDouble).toSeq)

  /** How many epochs a decay function is tabulated for (the last value holds after). */
  val DefaultDecayEpochs: Int = 10000

  /**
   * A decay function of the epoch as the engine takes it: a Scala function cannot cross into
   * the native engine, so it is evaluated here for epochs 1..`maxEpoch` and sent as the epochs
   * where its value changes (`epochs`) with the values (`exponents`). A step function costs a
   * few numbers; after `maxEpoch` the last value holds.
   */
  private def decayAttrs(decayType: Int => Double, maxEpoch: Int): Seq[(String, SpecAttr)] = {
    require(maxEpoch >= 1, s"maxEpoch must be >= 1, got $maxEpoch")
    val epochs = ArrayBuffer.empty[Long]
    val values = ArrayBuffer.empty[Double]
    var e = 1
    while (e <= maxEpoch) {
      val v = decayType(e)
      require(!v.isNaN && !v.isInfinite, s"decayType($e) = $v is not a finite number")
      if (values.isEmpty || values.last != v) { epochs += e.toLong; values += v }
      e += 1
    }
    Seq("epochs" -> SpecAttr.Ints(epochs.toVector), "exponents" -> SpecAttr.floats(values.toVector))
  }

  /** `lr / (1 + t * learningRateDecay)`. */
  case class Default() extends LearningRateSchedule {
    override def toSpec: SpecNode = node("Default")
  }

  /** `lr * gamma ^ floor(t / stepSize)`. */
  case class Step(stepSize: Int, gamma: Double) extends LearningRateSchedule {
    override def toSpec: SpecNode = node("Step", "stepSize" -> SpecAttr.int(stepSize), "gamma" -> f(gamma))
  }

  /** `lr * gamma ^ (number of stepSizes <= t)`. */
  case class MultiStep(stepSizes: Array[Int], gamma: Double) extends LearningRateSchedule {
    override def toSpec: SpecNode = node("MultiStep", "stepSizes" -> SpecAttr.ints(stepSizes), "gamma" -> f(gamma))
  }

  /** `lr * (1 - t / maxIteration) ^ power`, 0 afterwards. */
  case class Poly(power: Double, maxIteration: Int) extends LearningRateSchedule {
    override def toSpec: SpecNode = node("Poly", "power" -> f(power), "maxIteration" -> SpecAttr.int(maxIteration))
  }

  /** `lr * decayRate ^ (t / decayStep)`, the exponent floored when `stairCase`. */
  case class Exponential(decayStep: Int, decayRate: Double, stairCase: Boolean = false) extends LearningRateSchedule {
    override def toSpec: SpecNode = node(
      "Exponential",
      "decayStep" -> SpecAttr.int(decayStep),
      "decayRate" -> f(decayRate),
      "stairCase" -> SpecAttr.bool(stairCase)
    )
  }

  /** `lr * exp(-gamma * floor(t / decay_step))`. */
  case class NaturalExp(decay_step: Int, gamma: Double) extends LearningRateSchedule {
    override def toSpec: SpecNode = node("NaturalExp", "decay_step" -> SpecAttr.int(decay_step), "gamma" -> f(gamma))
  }

  /** `lr + delta * t`. */
  case class Warmup(delta: Double) extends LearningRateSchedule {
    override def toSpec: SpecNode = node("Warmup", "delta" -> f(delta))
  }

  /** `lr * gamma ^ floor(epoch / stepSize)`, by (1-based) epoch. */
  case class EpochStep(stepSize: Int, gamma: Double) extends LearningRateSchedule {
    override def toSpec: SpecNode = node("EpochStep", "stepSize" -> SpecAttr.int(stepSize), "gamma" -> f(gamma))
  }

  /**
   * BigDL's `Regime`: in epochs `startEpoch..endEpoch` (1-based, inclusive) the method runs with
   * `config`'s `learningRate` and `weightDecay` (the weight decay is SGD's and LarsSGD's). BigDL's
   * config is a `Table`; here it is a `Map`, e.g. `Map("learningRate" -> 1e-2, "weightDecay" -> 5e-4)`.
   */
  case class Regime(startEpoch: Int, endEpoch: Int, config: Map[String, Double]) {
    require(1 <= startEpoch && startEpoch <= endEpoch, s"Regime needs 1 <= startEpoch <= endEpoch: $this")
    private val keys = Set("learningRate", "weightDecay")
    require(
      config.keySet.subsetOf(keys),
      s"Regime: ferrodl's regimes set ${keys.mkString(" and ")}, not ${(config.keySet -- keys).mkString(", ")}"
    )

    private[optim] def toSpec: SpecNode = SpecNode(
      "Regime",
      "",
      Seq("startEpoch" -> SpecAttr.int(startEpoch), "endEpoch" -> SpecAttr.int(endEpoch)) ++
        config.toSeq.sortBy(_._1).map { case (k, v) => k -> f(v) },
      Nil
    )
  }

  /**
   * The regime covering the epoch sets the learning rate (and weight decay); as in BigDL, the
   * values stay after a regime ends until another one sets them.
   */
  case class EpochSchedule(regimes: Array[Regime]) extends LearningRateSchedule {
    override def toSpec: SpecNode = SpecNode("EpochSchedule", "", Nil, regimes.map(_.toSpec).toSeq)
  }

  /**
   * `lr * 0.1 ^ decayType(epoch)`. The function is tabulated for epochs 1..`maxEpoch` when the
   * method is built (see `DefaultDecayEpochs`); after that the last value holds.
   */
  case class EpochDecay(decayType: Int => Double, maxEpoch: Int = DefaultDecayEpochs) extends LearningRateSchedule {
    override def toSpec: SpecNode = SpecNode("EpochDecay", "", decayAttrs(decayType, maxEpoch), Nil)
  }

  /**
   * `lr + warmUpDelta * t` for the first `warmUpIteration` iterations, then
   * `(lr + warmUpDelta * warmUpIteration) * 0.1 ^ decayType(epoch)` (tabulated as in `EpochDecay`).
   */
  case class EpochDecayWithWarmUp(
      warmUpIteration: Int,
      warmUpDelta: Double,
      decayType: Int => Double,
      maxEpoch: Int = DefaultDecayEpochs
  ) extends LearningRateSchedule {
    require(warmUpIteration >= 0, s"warmUpIteration must be >= 0, got $warmUpIteration")
    override def toSpec: SpecNode = SpecNode(
      "EpochDecayWithWarmUp",
      "",
      Seq("warmUpIteration" -> SpecAttr.int(warmUpIteration), "warmUpDelta" -> f(warmUpDelta)) ++
        decayAttrs(decayType, maxEpoch),
      Nil
    )
  }

  /**
   * Schedules run one after the other: `SequentialSchedule(iterationPerEpoch).add(Warmup(0.1), 10)
   * .add(Poly(0.5, 1000), 1000)`. Each starts from the rate the previous one ended at and sees
   * its own iterations (and epochs, counted with `iterationPerEpoch`); BigDL moves on after
   * `maxIteration + 1` steps of the first schedule and `maxIteration` of the others. The last
   * one goes on after its iterations.
   */
  case class SequentialSchedule(iterationPerEpoch: Int) extends LearningRateSchedule {
    require(iterationPerEpoch > 0, s"iterationPerEpoch must be > 0, got $iterationPerEpoch")
    val schedules: ArrayBuffer[(LearningRateSchedule, Int)] = ArrayBuffer.empty

    /** Appends `schedule`, run for `maxIteration` iterations. */
    def add(schedule: LearningRateSchedule, maxIteration: Int): this.type = {
      require(schedule != null, "SequentialSchedule.add: the schedule is null")
      require(maxIteration > 0, s"SequentialSchedule.add: maxIteration must be > 0, got $maxIteration")
      schedules += ((schedule, maxIteration))
      this
    }

    override def toSpec: SpecNode = {
      require(schedules.nonEmpty, "SequentialSchedule needs at least one schedule: add(schedule, maxIteration)")
      SpecNode(
        "SequentialSchedule",
        "",
        Seq(
          "iterationPerEpoch" -> SpecAttr.int(iterationPerEpoch),
          "maxIterations" -> SpecAttr.ints(schedules.map(_._2).toSeq)
        ),
        schedules.map(_._1.toSpec).toSeq
      )
    }
  }

  /**
   * Reduces the learning rate by `factor` when the monitored value stops improving, as BigDL's
   * `Plateau`. `monitor` is `"score"` (the first validation method's result, reported after each
   * validation) or `"Loss"` (the training loss, reported after each iteration); the schedule
   * reads the latest value at the first iteration of every epoch. After `patience` epochs
   * without an improvement of more than `epsilon` (`mode` `"min"` or `"max"`), the rate becomes
   * `max(rate * factor, minLr)`, then `cooldown` epochs pass before counting again.
   */
  case class Plateau(
      monitor: String = "score",
      factor: Float = 0.1f,
      patience: Int = 10,
      mode: String = "min",
      epsilon: Float = 1e-4f,
      cooldown: Int = 0,
      minLr: Float = 0
  ) extends LearningRateSchedule {
    require(monitor == "score" || monitor == "Loss", s"Plateau monitors 'score' or 'Loss', not '$monitor'")
    require(factor >= 0 && factor < 1, s"Plateau does not support a factor >= 1.0 (or < 0), got $factor")
    require(
      mode == "min" || mode == "max",
      s"Learning Rate Plateau Reducing mode $mode is unknown, please use min | max"
    )
    require(patience >= 0 && cooldown >= 0 && minLr >= 0, s"patience, cooldown and minLr must be >= 0: $this")

    override def toSpec: SpecNode = node(
      "Plateau",
      "monitor" -> SpecAttr.Str(monitor),
      "factor" -> f(factor.toDouble),
      "patience" -> SpecAttr.int(patience),
      "mode" -> SpecAttr.Str(mode),
      "epsilon" -> f(epsilon.toDouble),
      "cooldown" -> SpecAttr.int(cooldown),
      "minLr" -> f(minLr.toDouble)
    )
  }
}
