package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

import scala.collection.mutable

/** A node of a graph: a module and the nodes feeding it (made by `module.inputs(nodes*)`). */
final class ModuleNode(val element: AbstractModule, val prevNodes: Vector[ModuleNode]) extends Serializable {
  override def toString: String = s"ModuleNode(${element.getName()})"
}

/** A graph's input placeholder, BigDL's `Input()`. */
class Input extends AbstractModule

object Input {

  /** A new input node. */
  def apply(): ModuleNode = new ModuleNode(new Input(), Vector.empty)
}

/**
 * A static DAG of modules, BigDL's functional API:
 * {{{
 * val input = Input()
 * val h = Linear(4, 8).inputs(input)
 * val a = ReLU().inputs(h); val b = Tanh().inputs(h)
 * val out = Linear(8, 2).inputs(CAddTable().inputs(a, b))
 * val model = Graph(Seq(input), Seq(out))
 * }}}
 * A node with one predecessor gets its output; with several, the table of their outputs in
 * order. The topological order is computed once, here; cycles, inputs that are not declared,
 * declared inputs no output uses, and a module in two nodes are errors at construction.
 */
class Graph(val inputs: Seq[ModuleNode], val outputs: Seq[ModuleNode]) extends AbstractModule {
  require(inputs.nonEmpty && outputs.nonEmpty, "a Graph needs at least one input and one output node")
  private val order: Vector[ModuleNode] = Graph.topologicalOrder(outputs)
  private val index: Map[ModuleNode, Int] = order.zipWithIndex.toMap
  Graph.check(inputs, order)
  private var stopped = Set.empty[Int]
  private var frozen = Set.empty[Int]

  override protected def children: Seq[AbstractModule] = order.map(_.element)

  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "preds" -> SpecAttr.ints(order.flatMap(n => n.prevNodes.length +: n.prevNodes.map(index))),
    "inputs" -> SpecAttr.ints(inputs.map(index)),
    "outputs" -> SpecAttr.ints(outputs.map(index)),
    "stopGradient" -> SpecAttr.ints(stopped.toSeq.sorted),
    "frozen" -> SpecAttr.ints(frozen.toSeq.sorted)
  )

  /** The nodes in the order they run. */
  def getForwardExecutions(): Array[ModuleNode] = order.toArray

  /** The node whose module is named `name`. */
  def node(name: String): ModuleNode =
    order.find(_.element.getName() == name).getOrElse(throw new NoSuchElementException(s"no node named $name"))

  /** The module named `name`, if any node has one. */
  def apply(name: String): Option[AbstractModule] = order.find(_.element.getName() == name).map(_.element)

  /** Stops the gradient at the named nodes: their inputs get none from them. */
  def stopGradient(names: Array[String]): this.type = {
    stopped ++= names.map(n => index(node(n)))
    invalidateSpec()
    this
  }

  /**
   * Freezes the named nodes' parameters: training leaves them unchanged (their gradients are 0).
   * Without names, the whole graph (AbstractModule.freeze).
   */
  override def freeze(names: String*): this.type = {
    if (names.isEmpty) return super.freeze()
    frozen ++= names.map(n => index(node(n)))
    invalidateSpec()
    this
  }

  /** Unfreezes the named nodes, or all when none are named. */
  override def unFreeze(names: String*): this.type = {
    if (names.isEmpty) super.unFreeze()
    frozen = if (names.isEmpty) Set.empty else frozen -- names.map(n => index(node(n)))
    invalidateSpec()
    this
  }

  /** Keeps the weights while the native model is rebuilt with the new description. */
  private def invalidateSpec(): Unit = {
    val state = getState()
    release()
    setState(state)
  }

  override def describe(): String = {
    val inner = order.zipWithIndex.map { case (n, i) =>
      val from = if (n.prevNodes.isEmpty) "input" else n.prevNodes.map(p => index(p) + 1).mkString("<- ", ", ", "")
      s"  (${i + 1}): ${n.element.describe().replace("\n", "\n  ")} $from"
    }
    s"Graph {\n${inner.mkString("\n")}\n}"
  }
}

object Graph {
  def apply(inputs: Seq[ModuleNode], outputs: Seq[ModuleNode]): Graph = new Graph(inputs, outputs)

  def apply(input: ModuleNode, output: ModuleNode): Graph = new Graph(Seq(input), Seq(output))

  private[nn] def topologicalOrder(outputs: Seq[ModuleNode]): Vector[ModuleNode] = {
    val done = mutable.LinkedHashSet.empty[ModuleNode]
    val onPath = mutable.Set.empty[ModuleNode]
    def visit(n: ModuleNode): Unit = if (!done.contains(n)) {
      require(!onPath.contains(n), s"the graph has a cycle through ${n.element.getName()}")
      onPath += n
      n.prevNodes.foreach(visit)
      onPath -= n
      done += n
    }
    outputs.foreach(visit)
    done.toVector
  }

  private[nn] def check(inputs: Seq[ModuleNode], order: Seq[ModuleNode]): Unit = {
    val reached = order.toSet
    inputs.foreach { i =>
      require(i.prevNodes.isEmpty, s"input ${i.element.getName()} has predecessors; use Input() nodes as inputs")
      require(reached.contains(i), s"input ${i.element.getName()} is not used by any output")
    }
    require(inputs.distinct.length == inputs.length, "an input node is listed twice")
    order.filter(n => n.prevNodes.isEmpty && !inputs.contains(n)).foreach { n =>
      throw new IllegalArgumentException(
        s"${n.element.getName()} has no input and is not one of the graph's inputs (a dangling input)"
      )
    }
    order.groupBy(n => System.identityHashCode(n.element)).values.find(_.length > 1).foreach { ns =>
      throw new IllegalArgumentException(
        s"the module ${ns.head.element.getName()} is used by ${ns.length} nodes; make one module per node"
      )
    }
  }
}

/** BigDL's Keras-style name for a graph: `Model(inputs, outputs)`. */
object Model {
  def apply(inputs: Seq[ModuleNode], outputs: Seq[ModuleNode]): Graph = new Graph(inputs, outputs)

  def apply(input: ModuleNode, output: ModuleNode): Graph = new Graph(Seq(input), Seq(output))
}
