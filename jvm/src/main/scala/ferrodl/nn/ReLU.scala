package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

/** Element-wise `max(x, 0)`. `ip` (in place) is accepted for BigDL compatibility. */
class ReLU(val ip: Boolean = false) extends AbstractModule

object ReLU {
  def apply(ip: Boolean = false): ReLU = new ReLU(ip)
}
