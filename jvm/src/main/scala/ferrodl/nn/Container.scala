package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

import scala.collection.mutable.ArrayBuffer

/** A container whose children are added one by one (`add`), as BigDL's `DynamicContainer`. */
abstract class Container extends AbstractModule {
  val modules: ArrayBuffer[AbstractModule] = ArrayBuffer.empty

  /** Appends a module; its parameters are (re)initialised as part of this container. */
  def add(module: AbstractModule): this.type = {
    require(module ne this, s"${getClass.getSimpleName} cannot contain itself")
    modules += module
    invalidate()
    this
  }

  override protected def children: Seq[AbstractModule] = modules.toSeq

  protected def title: String = getClass.getSimpleName

  override def describe(): String = {
    val inner = modules.zipWithIndex.map { case (m, i) => s"  (${i + 1}): ${m.describe().replace("\n", "\n  ")}" }
    s"$title {\n${inner.mkString("\n")}\n}"
  }
}
