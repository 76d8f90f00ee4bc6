package ferrodl.engine

import ferrodl.nn.abstractnn.Activity
import ferrodl.tensor.Tensor
import ferrodl.utils.{T, Table}

import scala.collection.mutable.ArrayBuffer

/**
 * How an activity crosses JNI: one `float[]` of every tensor's elements, depth first, and one
 * `int[]` layout (a tensor: `0, rank, dims...`; a table: `1, n, items...`), as
 * `ferrodl_core::Activity::encode` reads it. A single tensor shares its storage both ways, so
 * the table path costs nothing extra for tensors.
 */
object ActivityCodec {

  def encode(a: Activity): (Array[Float], Array[Int]) = {
    val layout = ArrayBuffer.empty[Int]
    val tensors = ArrayBuffer.empty[Tensor]
    def walk(x: Activity): Unit = x match {
      case t: Tensor =>
        layout += 0 += t.dim()
        layout ++= t.size()
        tensors += t
      case t: Table =>
        layout += 1 += t.length()
        t.toSeq.foreach(walk)
      case other => throw new IllegalArgumentException(s"not a tensor or table: $other")
    }
    walk(a)
    // One tensor crosses as its own storage: no copy on the JVM side (the common case).
    if (tensors.length == 1) return (tensors.head.storage, layout.toArray)
    val data = new Array[Float](tensors.map(_.nElement()).sum)
    var o = 0
    tensors.foreach { t => System.arraycopy(t.storage, 0, data, o, t.nElement()); o += t.nElement() }
    (data, layout.toArray)
  }

  /** Just the layout of `a` (no data copied). */
  def layout(a: Activity): Array[Int] = {
    val out = ArrayBuffer.empty[Int]
    def walk(x: Activity): Unit = x match {
      case t: Tensor => out += 0 += t.dim(); out ++= t.size()
      case t: Table => out += 1 += t.length(); t.toSeq.foreach(walk)
      case other => throw new IllegalArgumentException(s"not a tensor or table: $other")
    }
    walk(a)
    out.toArray
  }

  def decode(data: Array[Float], layout: Array[Int]): Activity = {
    var li = 0
    var di = 0
    def next(): Int = { val v = layout(li); li += 1; v }
    def read(): Activity = next() match {
      case 0 =>
        val dims = Array.fill(next())(next())
        val n = dims.product
        // A tensor that is all of `data` (a tensor output) keeps the array instead of a copy.
        val t = Tensor(if (di == 0 && n == data.length) data else java.util.Arrays.copyOfRange(data, di, di + n), dims)
        di += n
        t
      case 1 => T.seq(Seq.fill(next())(read()))
      case k => throw new IllegalStateException(s"unknown layout tag $k")
    }
    read()
  }
}
