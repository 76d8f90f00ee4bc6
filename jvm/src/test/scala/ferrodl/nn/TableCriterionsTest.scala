package ferrodl.nn

import ferrodl.nn.abstractnn.{AbstractCriterion, Activity}
import ferrodl.tensor.Tensor
import ferrodl.utils.{T, Table}
import org.junit.Assert._
import org.junit.Test

import scala.io.Source

/**
 * The criterions over tables (and CTC, SoftmaxWith) through `forward(Activity, Activity)` and
 * `backward(Activity, Activity)` with tables built by `T`, against the PyTorch records of
 * native/core/tests/torch_reference_table_criterions.rs, and their errors.
 */
class TableCriterionsTest {
  private val cases = Seq(
    "margin_ranking_mean",
    "cosine_embedding_sum",
    "kld_mean",
    "l1_hinge",
    "gaussian",
    "smooth_l1_weights",
    "softmax_with_valid_ignore",
    "transformer_mse"
  )

  private val fixtures: Map[String, Tensor] = {
    val src = Source.fromFile("native/core/tests/fixtures/torch_reference.txt", "UTF-8")
    try {
      src
        .getLines()
        .filter(l => cases.exists(c => l.startsWith(c + "/")))
        .map { line =>
          val Array(head, values) = line.split(": ", 2)
          val Array(name, dims) = head.split(" ", 2)
          name -> Tensor(values.split(" ").map(_.toDouble.toFloat), dims.split(",").map(_.toInt))
        }
        .toMap
    } finally src.close()
  }

  /** `case/<what>1`, or the table `T(case/<what>1, ..., case/<what>n)`. */
  private def activity(c: String, what: String, n: Int): Activity =
    if (n == 0) fixtures(s"$c/${what}1") else T((1 to n).map(i => fixtures(s"$c/$what$i")): _*)

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

  /** Loss and gradient of `c` on case `name`; `nIn`/`nTarget` 0 for a tensor, n for a table of n. */
  private def check(name: String, c: AbstractCriterion, nIn: Int, nTarget: Int): Unit = {
    val (x, t) = (activity(name, "input", nIn), activity(name, "target", nTarget))
    val want = fixtures(s"$name/loss").storage(0)
    assertEquals(s"$name loss", want, c.forward(x, t), 2e-4f * math.max(1f, math.abs(want)))
    close(s"$name gradient", activity(name, "grad", nIn), c.backward(x, t))
  }

  @Test def tableCriterionsMatchPyTorch(): Unit = {
    check("margin_ranking_mean", MarginRankingCriterion(0.5), 2, 0)
    check("cosine_embedding_sum", CosineEmbeddingCriterion(0.1, sizeAverage = false), 2, 0)
    check("kld_mean", KLDCriterion(), 2, 0)
    check("l1_hinge", L1HingeEmbeddingCriterion(3.0), 2, 0)
    check("gaussian", GaussianCriterion(), 2, 0)
    check("smooth_l1_weights", SmoothL1CriterionWithWeights(2.0, 3), 0, 3)
    check("softmax_with_valid_ignore", SoftmaxWithCriterion(Some(3), "VALID"), 0, 0)
    check("transformer_mse", TransformerCriterion(MSECriterion(), Tanh(), MulConstant(2.0)), 0, 0)
  }

  @Test def byHand(): Unit = {
    val x1 = Tensor(Array(1f, 2f), Array(2))
    val x2 = Tensor(Array(0.5f, 3f), Array(2))
    val y = Tensor(Array(1f, 1f), Array(2))
    // max(0, -(0.5) + 1) + max(0, -(-1) + 1) = 0.5 + 2, averaged.
    assertEquals(1.25f, MarginRankingCriterion().forward(T(x1, x2), y), 1e-6f)
    assertEquals(1.25f, MarginRankingCriterion().forward(T(x1, x2), T(y)), 1e-6f)
    val g = MarginRankingCriterion().backward(T(x1, x2), y).toTable
    assertArrayEquals(Array(-0.5f, -0.5f), g[Tensor](1).storage, 1e-6f)
    assertArrayEquals(Array(0.5f, 0.5f), g[Tensor](2).storage, 1e-6f)
    // KL of N(0, 1) to itself is 0.
    val zeros = Tensor(2, 3)
    assertEquals(0f, KLDCriterion().forward(T(zeros, zeros), zeros), 1e-7f)
    // CTC: one step, one label, uniform log-probabilities over 2 classes: -log(1/2).
    val lp = Tensor(Array.fill(2)(math.log(0.5).toFloat), Array(1, 1, 2))
    assertEquals(math.log(2).toFloat, CTCCriterion().forward(lp, Tensor(Array(2f), Array(1, 1))), 1e-6f)
  }

  @Test def hostileInputIsAnErrorNamingTheCriterion(): Unit = {
    def refused(c: AbstractCriterion, x: Activity, t: Activity, name: String): Unit = {
      val e = assertThrows(classOf[RuntimeException], () => c.forward(x, t))
      assertTrue(e.getMessage, e.getMessage.contains(name))
    }
    val x = Tensor(2, 3)
    refused(CosineEmbeddingCriterion(), T(x), Tensor(2), "CosineEmbeddingCriterion")
    refused(MarginRankingCriterion(), T(x, Tensor(3, 2)), Tensor(6), "MarginRankingCriterion")
    refused(GaussianCriterion(), x, x, "GaussianCriterion")
    refused(SmoothL1CriterionWithWeights(1.0), x, T(x, x), "SmoothL1CriterionWithWeights")
    refused(CTCCriterion(), Tensor(1, 2, 3), Tensor(Array(2f, 3f, 2f), Array(1, 3)), "CTCCriterion")
    refused(SoftmaxWithCriterion(), Tensor(1, 3, 1, 1), Tensor(Array(4f), Array(1, 1, 1, 1)), "SoftmaxWithCriterion")
    assertThrows(classOf[IllegalArgumentException], () => SoftmaxWithCriterion(None, "HALF"))
    assertThrows(classOf[IllegalArgumentException], () => SmoothL1CriterionWithWeights(0.0))
  }
}
