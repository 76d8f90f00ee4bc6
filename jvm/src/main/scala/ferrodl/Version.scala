package ferrodl

import ferrodl.engine.Native

import scala.collection.JavaConverters._

/**
 * What ferrodl is running: the jar's version and the facts of the native library it loaded.
 *
 * {{{
 * ferrodl.Version.version()   // "0.1.0"
 * ferrodl.Version.native()    // Map(version -> 0.1.0, target -> x86_64-unknown-linux-gnu,
 *                             //     glibc -> 2.17, mkl -> linked, gemm -> mkl, cpu -> GenuineIntel,
 *                             //     simd -> avx2+fma)
 * ferrodl.Version.describe()  // one line for logs and bug reports
 * }}}
 *
 * `glibc` is the oldest glibc the library runs on (`host` for a library built without
 * scripts/build-native.sh); `gemm` is the backend in use (`mkl` or `rust`); `simd` the widest
 * instruction set the CPU offers the kernels, which pick their code path at run time.
 */
object Version {

  /** The version of this jar; its native library reports the same (a test checks that). */
  val Jar: String = "0.1.0"

  /** The keys of [[native]], in the order the library reports them. */
  val NativeKeys: Seq[String] = Seq("version", "target", "glibc", "mkl", "gemm", "cpu", "simd")

  /** The jar's version. */
  def version(): String = Jar

  /** The loaded native library's facts (keys: [[NativeKeys]]). Loads the library if needed. */
  def native(): Map[String, String] = parse(Native.buildInfo())

  /** The jar's `version` and the native facts as `native.<key>`, for Python and logs. */
  def info(): java.util.Map[String, String] = {
    val all = Seq("version" -> Jar) ++ native().toSeq.map { case (k, v) => s"native.$k" -> v }
    new java.util.LinkedHashMap[String, String](all.toMap.asJava)
  }

  /** One line: the jar's version, the library's version, target, glibc floor, GEMM and SIMD. */
  def describe(): String = {
    val n = native()
    s"ferrodl $Jar (native ${n("version")} for ${n("target")}, glibc >= ${n("glibc")}, " +
      s"MKL ${n("mkl")}, gemm ${n("gemm")}, cpu ${n("cpu")}, simd ${n("simd")})"
  }

  /** Parses `key=value` lines; a line without `=` or a missing key is an error naming it. */
  private[ferrodl] def parse(info: String): Map[String, String] = {
    val pairs = info.split('\n').filter(_.nonEmpty).map { line =>
      val eq = line.indexOf('=')
      if (eq <= 0) {
        throw new FerrodlException(s"native build info: malformed line '$line' in '$info'")
      }
      line.substring(0, eq) -> line.substring(eq + 1)
    }
    val map = pairs.toMap
    val missing = NativeKeys.filterNot(map.contains)
    if (missing.nonEmpty) {
      throw new FerrodlException(s"native build info lacks ${missing.mkString(", ")}: '$info'")
    }
    map
  }
}
