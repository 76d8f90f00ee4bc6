package ferrodl.nn

import ferrodl.tensor.Tensor
import org.junit.Assert._

import scala.io.Source

/** The PyTorch fixture files the Rust tests use (the `.txt` files in `native/core/tests/fixtures`), for JVM tests. */
object TorchFixtures {

  /** Reads `name d1,d2,...: v1 v2 ...` lines, skipping `#` comments and blank lines. */
  def read(path: String): Map[String, Tensor] = {
    val src = Source.fromFile(path, "UTF-8")
    try {
      src
        .getLines()
        .filterNot(l => l.startsWith("#") || l.trim.isEmpty)
        .map { line =>
          val Array(head, values) = line.split(": ", 2)
          val Array(name, dims) = head.split(" ", 2)
          name -> Tensor(values.split(" ").map(_.toDouble.toFloat), dims.split(",").map(_.toInt))
        }
        .toMap
    } finally src.close()
  }

  /** Same shape, and every element within 2e-4 (relative above 1). */
  def assertClose(what: String, want: Tensor, got: Tensor): Unit = {
    assertArrayEquals(s"$what shape", want.size(), got.size())
    want.storage.indices.foreach { i =>
      val (w, g) = (want.storage(i), got.storage(i))
      assertEquals(s"$what[$i]", w, g, 2e-4f * math.max(1f, math.abs(w)))
    }
  }
}
