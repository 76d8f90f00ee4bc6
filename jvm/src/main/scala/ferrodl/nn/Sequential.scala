package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

import scala.collection.mutable.ArrayBuffer

/** A container that runs its modules in order, each fed the previous one's output. */
class Sequential extends AbstractModule {
  val modules: ArrayBuffer[AbstractModule] = ArrayBuffer.empty

  /** Appends a module; its parameters are (re)initialised as part of this container. */
  def add(module: AbstractModule): this.type = {
    modules += module
    invalidate()
    this
  }

  override protected def children: Seq[AbstractModule] = modules

  override def describe(): String = {
    val inner = modules.zipWithIndex.map { case (m, i) => s"  (${i + 1}): ${m.describe().replace("\n", "\n  ")}" }
    s"Sequential {\n${inner.mkString("\n")}\n}"
  }
}

object Sequential {
  def apply(): Sequential = new Sequential()
}
