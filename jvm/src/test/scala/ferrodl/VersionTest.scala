package ferrodl

import java.nio.file.{Files, Paths}

import org.junit.Assert._
import org.junit.Test

class VersionTest {

  @Test def theJarAndItsLibraryShareTheBuildsVersion(): Unit = {
    val gradle = new String(Files.readAllBytes(Paths.get("build.gradle")), "UTF-8")
    val declared = "(?m)^version = '([^']+)'".r.findFirstMatchIn(gradle).map(_.group(1))
    assertEquals(declared, Some(Version.version()))
    assertEquals(Version.version(), ferrodl.version())
    assertEquals(Version.version(), Version.native()("version"))
  }

  @Test def theLibraryReportsItsTargetGlibcAndBackend(): Unit = {
    val n = Version.native()
    assertEquals(Version.NativeKeys.toSet, n.keySet)
    val arch = NativeLibArch.of(System.getProperty("os.arch"))
    assertEquals(s"$arch-unknown-linux-gnu", n("target"))
    // The jar's library is linked against glibc 2.17 by scripts/build-native.sh.
    assertEquals("2.17", n("glibc"))
    assertTrue(n.toString, Set("mkl", "rust").contains(n("gemm")))
    assertEquals(engine.Native.GEMM_BACKEND, n("gemm"))
    assertEquals(if (arch == "x86_64") "linked" else "absent", n("mkl"))
    assertTrue(n.toString, Set("avx512", "avx2+fma", "avx", "sse2", "neon").contains(n("simd")))
    val line = Version.describe()
    assertTrue(line, line.startsWith(s"ferrodl ${Version.version()} (native "))
    assertTrue(line, line.contains(n("target")) && line.contains("glibc >= 2.17"))
  }

  @Test def infoCarriesTheJarVersionAndEveryNativeKey(): Unit = {
    val info = Version.info()
    assertEquals(Version.version(), info.get("version"))
    for (k <- Version.NativeKeys) assertNotNull(k, info.get(s"native.$k"))
  }

  @Test def malformedBuildInfoIsAnErrorNamingTheProblem(): Unit = {
    val ok = Version.NativeKeys.map(k => s"$k=x").mkString("\n")
    assertEquals("x", Version.parse(ok)("target"))
    val noEq = intercept(Version.parse(ok + "\nbroken"))
    assertTrue(noEq, noEq.contains("malformed line 'broken'"))
    val missing = intercept(Version.parse("version=1\n"))
    assertTrue(missing, missing.contains("lacks target, glibc"))
  }

  private def intercept(f: => Any): String =
    try {
      f
      fail("expected a FerrodlException")
      ""
    } catch { case e: FerrodlException => e.getMessage }
}

/** `os.arch` as the Rust target triple names it. */
private object NativeLibArch {
  def of(osArch: String): String = osArch match {
    case "amd64" | "x86_64" => "x86_64"
    case "aarch64" | "arm64" => "aarch64"
    case other => other
  }
}
