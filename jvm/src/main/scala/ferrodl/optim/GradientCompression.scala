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
private[optim] object GradientCompression
    extends ChoiceSetting("ferrodl.gradientCompression", Seq("none", "bf16"), "none") {
  val Bf16 = "bf16"

  /** The compression in force: the optimizer's own, else `ferrodl.gradientCompression`, else none. */
  def current(opt: Optimizer): String = resolve(opt.gradientCompression, opt)
}
