package ferrodl.nn

import ferrodl.nn.abstractnn.{AbstractModule, Activity}
import ferrodl.tensor.Tensor
import ferrodl.utils.{T, Table}
import org.junit.Assert._
import org.junit.Test

/**
 * The talk's examples built both ways, Sequential (containers) and Graph (functional), with the
 * same weights: the outputs and the gradients (input and parameters) are equal.
 */
class GraphEquivalenceTest {

  private def tensor(shape: Int*)(seed: Int): Tensor = {
    val r = new scala.util.Random(seed)
    Tensor(Array.fill(shape.product)(r.nextGaussian().toFloat), shape.toArray)
  }

  private def flat(a: Activity): Array[Float] = a match {
    case t: Tensor => t.storage
    case t: Table => t.toSeq.flatMap(x => flat(x).toSeq).toArray
  }

  private def like(a: Activity, seed: Int): Activity = a match {
    case t: Tensor => tensor(t.size(): _*)(seed)
    case t: Table => T.seq(t.toSeq.zipWithIndex.map { case (x, i) => like(x, seed + i) })
  }

  private def same(containers: AbstractModule, graph: AbstractModule, input: Activity): Unit = {
    val w = containers.getWeightsArray()
    assertEquals("one flat parameter buffer of the same size", w.length, graph.numParameters())
    graph.setWeightsArray(w)
    val (y1, y2) = (containers.forward(input), graph.forward(input))
    assertArrayEquals("outputs", flat(y1), flat(y2), 1e-6f)
    val g = like(y1, 99)
    containers.zeroGradParameters(); graph.zeroGradParameters()
    val (gx1, gx2) = (containers.backward(input, g), graph.backward(input, g))
    assertArrayEquals("input gradients", flat(gx1), flat(gx2), 1e-5f)
    assertArrayEquals(
      "parameter gradients",
      containers.getParameters()._2.storage,
      graph.getParameters()._2.storage,
      1e-5f
    )
  }

  @Test def linearSigmoidSoftMax(): Unit = {
    val seq = Sequential().add(Linear(4, 3)).add(Sigmoid()).add(SoftMax())
    val in = Input()
    val graph = Graph(in, SoftMax().inputs(Sigmoid().inputs(Linear(4, 3).inputs(in))))
    same(seq, graph, tensor(5, 4)(1))
  }

  private def branch(): Sequential = Sequential().add(Linear(6, 3)).add(ReLU())

  @Test def twoBranchesOutOfOneTrunk(): Unit = {
    val seq = Sequential().add(Linear(4, 6)).add(ConcatTable().add(branch()).add(branch()))
    val in = Input()
    val trunk = Linear(4, 6).inputs(in)
    val b1 = ReLU().inputs(Linear(6, 3).inputs(trunk))
    val b2 = ReLU().inputs(Linear(6, 3).inputs(trunk))
    same(seq, Graph(Seq(in), Seq(b1, b2)), tensor(5, 4)(2))
  }

  @Test def theBranchesMergedByCAddTable(): Unit = {
    val seq = Sequential().add(Linear(4, 6)).add(ConcatTable().add(branch()).add(branch())).add(CAddTable())
    val in = Input()
    val trunk = Linear(4, 6).inputs(in)
    val b1 = ReLU().inputs(Linear(6, 3).inputs(trunk))
    val b2 = ReLU().inputs(Linear(6, 3).inputs(trunk))
    same(seq, Graph(in, CAddTable().inputs(b1, b2)), tensor(5, 4)(3))
  }

  @Test def twoInputsThroughParallelTableMergedByCAddTable(): Unit = {
    val seq = Sequential()
      .add(
        ParallelTable().add(Sequential().add(Linear(4, 3)).add(ReLU())).add(Sequential().add(Linear(2, 3)).add(ReLU()))
      )
      .add(CAddTable())
    val (a, b) = (Input(), Input())
    val out = CAddTable().inputs(ReLU().inputs(Linear(4, 3).inputs(a)), ReLU().inputs(Linear(2, 3).inputs(b)))
    same(seq, Graph(Seq(a, b), Seq(out)), T(tensor(5, 4)(4), tensor(5, 2)(5)))
  }

  @Test def aShapeMismatchAtAMergeNamesTheOperationAndTheShapes(): Unit = {
    val in = Input()
    val bad = Graph(in, CAddTable().inputs(Linear(4, 3).inputs(in), Linear(4, 2).inputs(in)))
    val e = assertThrows(classOf[IllegalArgumentException], () => bad.forward(tensor(5, 4)(6)))
    assertTrue(e.getMessage, e.getMessage.contains("CAddTable") && e.getMessage.contains("[5, 2]"))
  }
}
