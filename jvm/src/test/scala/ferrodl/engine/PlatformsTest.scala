package ferrodl.engine

import java.nio.{ByteBuffer, ByteOrder}

import org.junit.Assert._
import org.junit.Test

/** The jar carries a library per architecture, and the loader picks it by `os.arch`. */
class PlatformsTest {

  private def resourceBytes(path: String): Array[Byte] = {
    val in = getClass.getResourceAsStream(path)
    assertNotNull(s"$path is in the jar", in)
    try in.readAllBytes()
    finally in.close()
  }

  /** ELF `e_machine`: 62 is x86-64, 183 is AArch64. */
  private def elfMachine(bytes: Array[Byte]): Int = {
    assertEquals("ELF magic", 0x7f454c46, ByteBuffer.wrap(bytes, 0, 4).getInt)
    ByteBuffer.wrap(bytes, 18, 2).order(ByteOrder.LITTLE_ENDIAN).getShort.toInt
  }

  @Test def osArchNamesMapToTheBundledPlatforms(): Unit = {
    assertEquals("linux-x86_64", NativeLoader.platform("Linux", "amd64"))
    assertEquals("linux-x86_64", NativeLoader.platform("Linux", "x86_64"))
    assertEquals("linux-aarch64", NativeLoader.platform("Linux", "aarch64"))
    assertEquals("linux-aarch64", NativeLoader.platform("Linux", "arm64"))
    assertEquals("linux-ppc64le", NativeLoader.platform("Linux", "ppc64le"))
    assertEquals("darwin-aarch64", NativeLoader.platform("Mac OS X", "aarch64"))
  }

  @Test def otherPlatformsGetAClearReason(): Unit = {
    assertNull(NativeLoader.unsupportedReason("linux-x86_64"))
    assertNull(NativeLoader.unsupportedReason("linux-aarch64"))
    for (p <- Seq("linux-ppc64le", "linux-s390x", "darwin-aarch64", "windows-x86_64")) {
      val reason = NativeLoader.unsupportedReason(p)
      assertNotNull(p, reason)
      assertTrue(reason, reason.contains("not for " + p))
      assertTrue(reason, reason.contains("linux-x86_64 and linux-aarch64"))
      assertTrue(reason, reason.contains("ferrodl.native.library"))
    }
  }

  @Test def eachBundledLibraryIsForItsArchitectureAndHashed(): Unit = {
    val expected = Map("linux-x86_64" -> 62, "linux-aarch64" -> 183)
    assertEquals(expected.keySet, NativeLoader.BUNDLED_PLATFORMS.toArray.toSet)
    for ((platform, machine) <- expected) {
      val res = s"/ferrodl/native/$platform/libferrodl.so"
      val bytes = resourceBytes(res)
      assertEquals(s"$res e_machine", machine, elfMachine(bytes))
      val recorded = new String(resourceBytes(res + ".sha256"), "US-ASCII").trim
      assertEquals(s"$res hash", NativeLoader.sha256(bytes), recorded)
    }
  }
}
