package ferrodl.engine

import java.nio.file.Files
import java.nio.file.attribute.PosixFilePermissions

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
}
