package ferrodl.optim

/**
 * How partitions send their gradients to the driver on Spark (`Optimizer.setGradientCompression`,
 * or the `ferrodl.gradientCompression` system property or Spark configuration key):
 *  - `none` (the default): 32-bit floats, as computed;
 *  - `bf16`: each partition's gradient sum is rounded to bfloat16 (the upper 16 bits of the
 *    float, round to nearest even: 8 significant bits, a relative error of at most 2^-8 per
 *    value, NaN and infinities kept) and the driver adds them up in 32-bit floats. Half the bytes
 *    per iteration; weights, buffers and losses are not compressed.
 *
 * Local training (`LocalOptimizer`) moves no gradients and ignores it.
 */
private[optim] object GradientCompression {
  val None_ = "none"
  val Bf16 = "bf16"
  val names: Seq[String] = Seq(None_, Bf16)

  def parse(kind: String, source: String): String = {
    val k = Option(kind).map(_.trim.toLowerCase(java.util.Locale.ROOT)).getOrElse("")
    require(names.contains(k), s"$source must be one of ${names.mkString(", ")}, got '$kind'")
    k
  }

  /** The compression in force: the optimizer's own, else `ferrodl.gradientCompression`, else none. */
  def current(opt: Optimizer): String =
    opt.gradientCompression.getOrElse(
      opt
        .conf("ferrodl.gradientCompression")
        .orElse(opt.conf("spark.ferrodl.gradientCompression"))
        .map(parse(_, "ferrodl.gradientCompression"))
        .getOrElse(None_)
    )
}
