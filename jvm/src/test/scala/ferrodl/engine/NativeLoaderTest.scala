package ferrodl.engine

import java.io.IOException
import java.nio.file.{Files, Path}
import java.nio.file.attribute.{FileTime, PosixFilePermissions}

import org.junit.Assert._
import org.junit.Test

class NativeLoaderTest {

  @Test def loadsOnceIntoAContentHashedPrivateFile(): Unit = {
    assertTrue(Native.version(), Native.version().startsWith("ferrodl "))
    val path = NativeLoader.loadedPath()
    assertNotNull(path)
    assertTrue(path.getFileName.toString, path.getFileName.toString.matches("libferrodl-[0-9a-f]{32}\\.so"))
    val bytes = Files.readAllBytes(path)
    assertTrue(NativeLoader.sha256(bytes).startsWith(path.getFileName.toString.substring(11, 43)))
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path.getParent)))
    NativeLoader.load() // idempotent
    assertEquals(path, NativeLoader.loadedPath())
  }

  @Test def loadsFromManyThreadsAtOnce(): Unit = {
    val threads = (1 to 8).map(_ => new Thread(() => NativeLoader.load()))
    threads.foreach(_.start())
    threads.foreach(_.join())
    assertNotNull(NativeLoader.loadedPath())
  }

  @Test def gemmBackendIsResolved(): Unit = {
    assertTrue(Native.GEMM_BACKEND, Set("mkl", "rust").contains(Native.GEMM_BACKEND))
  }

  private def tempDir(): Path = {
    val d = Files.createTempDirectory("ferrodl-loader-test")
    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"))
    d
  }

  private def expectRefusal(what: String)(f: => Unit): String =
    try { f; fail(s"expected a refusal: $what"); "" }
    catch { case e: IOException => e.getMessage }

  @Test def extractsOnceAndReusesAMatchingCopy(): Unit = {
    val dir = tempDir()
    val bytes = "not really a library".getBytes("UTF-8")
    val hash = NativeLoader.sha256(bytes)
    val first = NativeLoader.extractTo(dir, bytes, hash)
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
    val mtime = Files.getLastModifiedTime(first)
    Files.setLastModifiedTime(first, FileTime.fromMillis(mtime.toMillis - 10000))
    assertEquals(first, NativeLoader.extractTo(dir, bytes, null))
    assertEquals(mtime.toMillis - 10000, Files.getLastModifiedTime(first).toMillis) // not rewritten
  }

  @Test def refusesATamperedCopy(): Unit = {
    val dir = tempDir()
    val bytes = "library v1".getBytes("UTF-8")
    val path = NativeLoader.extractTo(dir, bytes, null)
    Files.write(path, "evil".getBytes("UTF-8"))
    val msg = expectRefusal("tampered file")(NativeLoader.extractTo(dir, bytes, null))
    assertTrue(msg, msg.contains("modified after extraction") && msg.contains(path.toString))
  }

  @Test def refusesACorruptJarLibrary(): Unit = {
    val msg = expectRefusal("corrupt jar") {
      NativeLoader.extractTo(tempDir(), "abc".getBytes("UTF-8"), NativeLoader.sha256("abd".getBytes("UTF-8")))
    }
    assertTrue(msg, msg.contains("the library in the jar is corrupt"))
  }

  @Test def refusesASymlinkInPlaceOfTheLibrary(): Unit = {
    val dir = tempDir()
    val bytes = "library v2".getBytes("UTF-8")
    val path = NativeLoader.extractTo(dir, bytes, null)
    Files.delete(path)
    Files.createSymbolicLink(path, Files.createTempFile("elsewhere", ".so"))
    val msg = expectRefusal("symlink")(NativeLoader.extractTo(dir, bytes, null))
    assertTrue(msg, msg.contains("not a regular file"))
  }

  @Test def removesStaleVersionsButKeepsRecentOnes(): Unit = {
    val dir = tempDir()
    val old = NativeLoader.extractTo(dir, "old version".getBytes("UTF-8"), null)
    val recent = NativeLoader.extractTo(dir, "recent version".getBytes("UTF-8"), null)
    val tmp = Files.createTempFile(dir, "libferrodl-", ".tmp")
    val unrelated = Files.createFile(dir.resolve("notes.txt"))
    val twoDaysAgo = FileTime.fromMillis(System.currentTimeMillis() - 2L * 24 * 3600 * 1000)
    Seq(old, tmp, unrelated).foreach(Files.setLastModifiedTime(_, twoDaysAgo))
    val current = NativeLoader.extractTo(dir, "current version".getBytes("UTF-8"), null)
    assertTrue(Files.exists(current))
    assertTrue("recent versions stay (another JVM may be using them)", Files.exists(recent))
    assertFalse("stale version removed", Files.exists(old))
    assertFalse("abandoned temporary file removed", Files.exists(tmp))
    assertTrue("other files are not touched", Files.exists(unrelated))
  }

  @Test def theJarRecordsTheLibrarysHash(): Unit = {
    val res = "/ferrodl/native/" + NativeLoader.platform() + "/" + NativeLoader.libraryFileName()
    val recorded = scala.io.Source.fromInputStream(getClass.getResourceAsStream(res + ".sha256")).mkString.trim
    val in = getClass.getResourceAsStream(res)
    val bytes =
      try in.readAllBytes()
      finally in.close()
    assertEquals(NativeLoader.sha256(bytes), recorded)
  }
}
