package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

/** Passes its input through unchanged. */
class Identity extends AbstractModule

object Identity {
  def apply(): Identity = new Identity()
}

/** Passes its input through unchanged (BigDL's debugging layer). */
class Echo extends AbstractModule

object Echo {
  def apply(): Echo = new Echo()
}

/** Passes its input through; the engine's tensors are always contiguous. */
class Contiguous extends AbstractModule

object Contiguous {
  def apply(): Contiguous = new Contiguous()
}
