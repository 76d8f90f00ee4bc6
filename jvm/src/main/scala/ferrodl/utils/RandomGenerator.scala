package ferrodl.utils

import java.util.concurrent.atomic.AtomicLong

/**
 * Seeds for weight initialisation. Each new model takes the next seed, so a program that sets
 * the seed once (`RandomGenerator.setSeed(42)`) builds the same initial weights on every run.
 */
object RandomGenerator {
  private val next = new AtomicLong(1L)

  def setSeed(seed: Long): Unit = next.set(seed)

  def nextSeed(): Long = next.getAndIncrement()
}
