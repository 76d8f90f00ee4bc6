package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

/** Log of the softmax over the last dimension; input `[n]` or `[batch, n]`. */
class LogSoftMax extends AbstractModule

object LogSoftMax {
  def apply(): LogSoftMax = new LogSoftMax()
}
