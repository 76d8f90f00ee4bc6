package ferrodl.optim

import ferrodl.nn.SpecAttr

/**
 * L-BFGS, as BigDL's `LBFGS` runs under its optimizers: each iteration computes one gradient
 * (one Spark job), and the method takes one L-BFGS step with it, keeping the last
 * `nCorrection` (s, y) pairs in its state. The first step is `min(1, 1 / sum|g|) * learningRate`
 * along `-g`, the later ones `learningRate` along the two-loop direction; no step is taken when
 * `sum|g| < tolFun` or the direction is not one of descent by `tolX`.
 *
 * BigDL's `optimize` loops up to `maxIter` iterations re-evaluating its closure; under
 * `DistriOptimizer` the closure returns the same batch's gradient, so BigDL too stops after one
 * iteration per training iteration. `maxIter` and `maxEval` are kept for that loop and do not
 * change training here. A line search needs several gradient evaluations per step, which one
 * gradient per job cannot give: `lineSearch` is not supported (it must be `None`). `verbose`
 * logs BigDL's `<optim.lbfgs>` messages from the engine at info level (shown with
 * `FERRODL_LOG=info`). Formulas: native/core/src/optim/lbfgs.rs.
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

  private def checkLineSearch(): Unit =
    require(
      lineSearch.isEmpty,
      "LBFGS: a line search evaluates the gradient several times per iteration, and training computes one " +
        "gradient per iteration; ferrodl's LBFGS takes fixed steps of learningRate (lineSearch must be None)"
    )

  override protected def attrs: Seq[(String, SpecAttr)] = {
    checkLineSearch()
    require(maxIter > 0 && nCorrection > 0, "LBFGS: maxIter and nCorrection must be > 0")
    Hyper("maxEval" -> maxEval, "tolFun" -> tolFun, "tolX" -> tolX, "learningRate" -> learningRate) ++ Seq(
      "maxIter" -> SpecAttr.int(maxIter),
      "nCorrection" -> SpecAttr.int(nCorrection),
      "verbose" -> SpecAttr.bool(verbose)
    )
  }
}

/** BigDL's line-search interface, for `LBFGS`'s signature; ferrodl has none (see `LBFGS`). */
trait LineSearch extends Serializable
