package ferrodl.optim

/**
 * A training setting with a few named values, set on the optimizer or through a `ferrodl.*`
 * system property or Spark configuration key (`spark.ferrodl.*`): the NaN policy, the gradient
 * compression.
 */
private[optim] abstract class ChoiceSetting(key: String, val names: Seq[String], default: String) {

  /** `value` trimmed and lower-cased, or an error naming `source` and the allowed values. */
  def parse(value: String, source: String): String = {
    val v = Option(value).map(_.trim.toLowerCase(java.util.Locale.ROOT)).getOrElse("")
    require(names.contains(v), s"$source must be one of ${names.mkString(", ")}, got '$value'")
    v
  }

  /** The value in force: `own` (the optimizer's), else the configuration key, else the default. */
  protected def resolve(own: Option[String], opt: Optimizer): String =
    own.getOrElse(opt.conf(key).orElse(opt.conf(s"spark.$key")).map(parse(_, key)).getOrElse(default))
}
