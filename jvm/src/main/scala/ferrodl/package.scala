/** ferrodl: deep learning on Apache Spark with a Rust engine. */
package object ferrodl {

  /** ferrodl's version; [[ferrodl.Version]] has the native library's build facts too. */
  def version(): String = Version.version()
}
