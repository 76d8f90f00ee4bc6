package ferrodl.nn

import ferrodl.nn.abstractnn.{AbstractModule, Activity}
import ferrodl.tensor.Tensor
import ferrodl.utils.{T, Table}
import org.junit.Assert._
import org.junit.Test

import scala.io.Source

/**
 * SplitTable, FlattenTable, Pack, MM, MV, DotProduct, PairwiseDistance, CosineDistance,
 * MapTable and Bottle (and the older table ops) built through the Scala API, run natively:
 * values by hand and against the PyTorch fixtures of native/core/tests/torch_reference_tables.rs.
 */
class TableOpsTest {
  private val fixtures: Map[String, Tensor] = {
    val src = Source.fromFile("native/core/tests/fixtures/torch_reference.txt", "UTF-8")
    try {
      src
        .getLines()
        .filter(_.startsWith("tbl_"))
        .map { line =>
          val Array(head, values) = line.split(": ", 2)
          val Array(name, dims) = head.split(" ", 2)
          name -> Tensor(values.split(" ").map(_.toDouble.toFloat), dims.split(",").map(_.toInt))
        }
        .toMap
    } finally src.close()
  }

  /** The activity recorded under `key`: a tensor, or the table of `key.0`, `key.1`, ... */
  private def activity(key: String): Activity = fixtures.get(key) match {
    case Some(t) => t
    case None =>
      val items = Iterator
        .from(0)
        .map(i => s"$key.$i")
        .takeWhile(k => fixtures.keys.exists(f => f == k || f.startsWith(k + ".")))
        .map(activity)
        .toVector
      assertTrue(s"fixture $key missing", items.nonEmpty)
      T.seq(items)
  }

  private def close(what: String, want: Activity, got: Activity): Unit = (want, got) match {
    case (w: Tensor, g: Tensor) =>
      assertArrayEquals(s"$what shape", w.size(), g.size())
      w.storage.indices.foreach { i =>
        assertEquals(s"$what[$i]", w.storage(i), g.storage(i), 2e-4f * math.max(1f, math.abs(w.storage(i))))
      }
    case (w: Table, g: Table) =>
      assertEquals(s"$what table length", w.length(), g.length())
      (1 to w.length()).foreach(i => close(s"$what($i)", w[Activity](i), g[Activity](i)))
    case _ => fail(s"$what: expected $want, got $got")
  }

  private def check(caseName: String, m: AbstractModule, nParams: Int = 0): Unit = {
    if (nParams > 0) m.setWeightsArray((0 until nParams).flatMap(i => fixtures(s"$caseName/param$i").storage).toArray)
    val x = activity(s"$caseName/input")
    close(s"$caseName output", activity(s"$caseName/output"), m.forward(x))
    m.zeroGradParameters()
    close(s"$caseName grad_input", activity(s"$caseName/grad_input"), m.backward(x, activity(s"$caseName/grad_output")))
    if (nParams > 0) {
      val want = (0 until nParams).flatMap(i => fixtures(s"$caseName/grad_param$i").storage).toArray
      close(s"$caseName grad_params", Tensor.fromArray(want), m.getParameters()._2)
    }
  }

  private def tensor(shape: Int*)(values: Float*): Tensor = Tensor(values.toArray, shape.toArray)

  @Test def splitPackAndFlattenMatchPyTorch(): Unit = {
    check("tbl_split", SplitTable(2))
    check("tbl_split_batch", SplitTable(1, 2))
    check("tbl_split_neg", SplitTable(-1))
    check("tbl_pack_2", Pack(2))
    check("tbl_pack_neg", Pack(-1))
    check("tbl_flatten", FlattenTable())
    check("tbl_cmax", CMaxTable())
    check("tbl_join_batch", JoinTable(2, 2))
    check("tbl_narrow_neg", NarrowTable(2, -1))
  }

  @Test def productsAndRowMeasuresMatchPyTorch(): Unit = {
    check("tbl_mm_00", MM())
    check("tbl_bmm_11", MM(transA = true, transB = true))
    check("tbl_mv_trans", MV(trans = true))
    check("tbl_bmv", MV())
    check("tbl_dot", DotProduct())
    check("tbl_pdist_1", PairwiseDistance(1))
    check("tbl_pdist_1d", PairwiseDistance())
    check("tbl_cos", CosineDistance())
  }

  @Test def valuesWorkedOutByHand(): Unit = {
    val (a, b) = (tensor(2, 2)(1, 2, 3, 4), tensor(2, 2)(5, 6, 7, 8))
    assertArrayEquals(Array(19f, 22f, 43f, 50f), MM().forward(T(a, b)).toTensor.storage, 0f)
    assertArrayEquals(Array(17f, 23f, 39f, 53f), MM(transB = true).forward(T(a, b)).toTensor.storage, 0f)
    assertArrayEquals(Array(-1f, -1f), MV().forward(T(a, tensor(2)(1, -1))).toTensor.storage, 0f)
    assertArrayEquals(
      Array(5f, 1f),
      PairwiseDistance().forward(T(tensor(2, 2)(3, 4, 1, 0), Tensor(2, 2))).toTensor.storage,
      0f
    )
    val cols = SplitTable(2).forward(a: Activity).toTable
    assertEquals(2, cols.length())
    assertArrayEquals(Array(2f, 4f), cols[Tensor](2).storage, 0f)
    assertArrayEquals(a.storage, Pack(2).forward(cols).toTensor.storage, 0f)
    val flat = FlattenTable().forward(T(a, T(b, T(a)))).toTable
    assertEquals(3, flat.length())
  }

  @Test def mapTableSharesOneLinearAndBottleComputesTheSame(): Unit = {
    check("tbl_map_linear", MapTable(Linear(3, 2)), 2)
    check("tbl_bottle_linear", Bottle(Linear(4, 3)), 2)
    check("tbl_bottle_sum", Bottle(Sum(2), 2, 1))
    val viaMap = Sequential().add(SplitTable(2)).add(MapTable(Linear(4, 5))).add(Pack(2))
    val viaBottle = Bottle(Linear(4, 5))
    assertEquals("one Linear(4, 5), however many steps", 25, viaMap.numParameters())
    viaBottle.setWeightsArray(viaMap.getWeightsArray())
    val x = Tensor(Array.tabulate(24)(i => (i - 12) * 0.1f), Array(2, 3, 4))
    val (y1, y2) = (viaMap.forward(x), viaBottle.forward(x))
    assertArrayEquals(Array(2, 3, 5), y1.size())
    assertArrayEquals(y2.storage, y1.storage, 1e-6f)
    assertTrue(viaMap.toString, viaMap.toString.contains("MapTable"))
  }

  @Test def hostileTablesAreErrorsNamingTheOp(): Unit = {
    val a = tensor(2, 2)(1, 2, 3, 4)
    val e1 = assertThrows(classOf[IllegalArgumentException], () => MM().forward(T(a, a, a)))
    assertTrue(e1.getMessage, e1.getMessage.contains("MM"))
    val e2 = assertThrows(classOf[IllegalArgumentException], () => Pack(1).forward(T(a, tensor(3)(1, 2, 3))))
    assertTrue(e2.getMessage, e2.getMessage.contains("Pack"))
    val e3 = assertThrows(classOf[IllegalArgumentException], () => DotProduct().forward(T(a, tensor(4)(1, 2, 3, 4))))
    assertTrue(e3.getMessage, e3.getMessage.contains("DotProduct"))
    val e4 = assertThrows(classOf[IllegalArgumentException], () => SplitTable(3).forward(a: Activity))
    assertTrue(e4.getMessage, e4.getMessage.contains("SplitTable"))
    val e5 = assertThrows(classOf[IllegalArgumentException], () => MapTable().forward(T(a)))
    assertTrue(e5.getMessage, e5.getMessage.contains("MapTable"))
    assertThrows(classOf[IllegalArgumentException], () => Bottle(Linear(2, 2)).add(Linear(2, 2)))
    assertThrows(classOf[IllegalArgumentException], () => PairwiseDistance(0))
  }
}
