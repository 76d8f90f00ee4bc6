package ferrodl.optim

import ferrodl.nn.SpecAttr

/**
 * L-BFGS, with BigDL's parameters and defaults.
 *
 * Without a line search (the default), each training iteration computes one gradient (one Spark
 * job) and the method takes one L-BFGS step with it, keeping the last `nCorrection` (s, y)
 * pairs in its state. The first step is `min(1, 1 / sum|g|) * learningRate` along `-g`, the
 * later ones `learningRate` along the two-loop direction; no step is taken when
 * `sum|g| < tolFun` or the direction is not one of descent by `tolX`. (BigDL's `optimize` loops
 * up to `maxIter` iterations re-evaluating its closure; under `DistriOptimizer` the closure
 * returns the same batch's gradient, so BigDL too stops after one iteration per training
 * iteration.)
 *
 * With `lineSearch = Some(new lswolfe)`, every training iteration runs BigDL's whole
 * `optimize` on its mini-batch: up to `maxIter` L-BFGS iterations and `maxEval` loss
 * evaluations, each iteration ending with a strong Wolfe line search (PyTorch's
 * `LBFGS(line_search_fn = "strong_wolfe")`). Every evaluation at a trial point is a full
 * data-parallel loss and gradient pass over the same mini-batch (one Spark job under
 * `DistriOptimizer`, one pass over the threads under `LocalOptimizer`). `lineSearchOptions`
 * takes lswolfe's keys: `c1` (1e-4), `c2` (0.9), `tolX` (1e-9) and `maxIter` (20 evaluations per
 * search). It cannot be combined with `setOptimMethods`.
 *
 * `verbose` logs BigDL's `<optim.lbfgs>` messages from the engine at info level (shown with
 * `FERRODL_LOG=info`). Formulas: native/core/src/optim/lbfgs.rs and lbfgs_wolfe.rs.
 */
class LBFGS(
    var maxIter: Int = 20,
    var maxEval: Double = Double.MaxValue,
    var tolFun: Double = 1e-5,
    var tolX: Double = 1e-9,
    var nCorrection: Int = 100,
    var learningRate: Double = 1.0,
    var verbose: Boolean = false,
    var lineSearch: Option[LineSearch] = None,
    var lineSearchOptions: Option[Map[String, Any]] = None
) extends OptimMethod {
  checkLineSearch()

  private def checkLineSearch(): Unit = {
    require(
      lineSearch.forall(_.isInstanceOf[lswolfe]),
      s"LBFGS: unknown line search ${lineSearch.get.getClass.getName}; ferrodl runs lswolfe (strong Wolfe)"
    )
    val unknown = lineSearchOptions.getOrElse(Map.empty).keySet -- LBFGS.searchOptionKeys.keySet
    require(
      unknown.isEmpty,
      s"LBFGS: unknown lineSearchOptions ${unknown.mkString(", ")} (lswolfe takes c1, c2, tolX, maxIter)"
    )
    require(
      lineSearch.isDefined || lineSearchOptions.isEmpty,
      "LBFGS: lineSearchOptions need a lineSearch (lswolfe)"
    )
  }

  private def searchAttrs: Seq[(String, SpecAttr)] =
    if (lineSearch.isEmpty) Nil
    else
      Seq("lineSearch" -> SpecAttr.Str("lswolfe")) ++ lineSearchOptions.getOrElse(Map.empty).toSeq.sortBy(_._1).map {
        case ("maxIter", v) => "lineSearchMaxIter" -> SpecAttr.int(LBFGS.number("maxIter", v).toInt)
        case (k, v) => LBFGS.searchOptionKeys(k) -> SpecAttr.floats(Seq(LBFGS.number(k, v)))
      }

  override protected def attrs: Seq[(String, SpecAttr)] = {
    checkLineSearch()
    require(maxIter > 0 && nCorrection > 0, "LBFGS: maxIter and nCorrection must be > 0")
    Hyper("maxEval" -> maxEval, "tolFun" -> tolFun, "tolX" -> tolX, "learningRate" -> learningRate) ++ Seq(
      "maxIter" -> SpecAttr.int(maxIter),
      "nCorrection" -> SpecAttr.int(nCorrection),
      "verbose" -> SpecAttr.bool(verbose)
    ) ++ searchAttrs
  }
}

object LBFGS {

  /** lswolfe's option names and the engine's attribute names. */
  private val searchOptionKeys: Map[String, String] =
    Map("c1" -> "lineSearchC1", "c2" -> "lineSearchC2", "tolX" -> "lineSearchTolX", "maxIter" -> "lineSearchMaxIter")

  private def number(key: String, v: Any): Double = v match {
    case n: java.lang.Number => n.doubleValue()
    case other => throw new IllegalArgumentException(s"LBFGS: lineSearchOptions $key must be a number, got $other")
  }
}

/** BigDL's line-search interface, for `LBFGS`'s signature; ferrodl runs [[lswolfe]]. */
trait LineSearch extends Serializable

/**
 * The strong Wolfe line search with cubic interpolation (BigDL's and Torch's `lswolfe`), run
 * natively by the driver's training loop; see [[LBFGS]].
 */
class lswolfe extends LineSearch
