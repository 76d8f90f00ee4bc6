package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

/** Element-wise hyperbolic tangent. */
class Tanh extends AbstractModule

object Tanh {
  def apply(): Tanh = new Tanh()
}
