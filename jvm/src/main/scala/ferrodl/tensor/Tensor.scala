package ferrodl.tensor

/**
 * A dense, row-major tensor of floats: a flat storage array and a shape. It is what crosses JNI
 * (one array copy per call), so it never holds views or offsets.
 */
class Tensor(val storage: Array[Float], shape: Array[Int]) extends ferrodl.nn.abstractnn.Activity {
  override def isTensor: Boolean = true
  override def isTable: Boolean = false
  private val dims = shape
  require(dims.forall(_ >= 0), s"negative dimension in shape ${dims.mkString("[", ", ", "]")}")
  require(
    dims.foldLeft(1L)(_ * _) == storage.length,
    s"storage has ${storage.length} elements, shape ${dims.mkString("[", ", ", "]")} needs ${dims.foldLeft(1L)(_ * _)}"
  )

  /** The shape (BigDL's `size()`). */
  def size(): Array[Int] = dims

  /** Number of dimensions. */
  def dim(): Int = dims.length

  /** Size of dimension `d` (1-based, as in BigDL). */
  def size(d: Int): Int = dims(d - 1)

  def nElement(): Int = storage.length

  /** The element at 1-based `indices`, as in BigDL's `valueAt`. */
  def valueAt(indices: Int*): Float = {
    require(indices.length == dims.length, s"need ${dims.length} indices, got ${indices.length}")
    var flat = 0
    indices.zip(dims).foreach { case (i, s) =>
      require(i >= 1 && i <= s, s"index $i out of range [1, $s]")
      flat = flat * s + (i - 1)
    }
    storage(flat)
  }

  /** The same elements under another shape. */
  def reshape(newSize: Array[Int]): Tensor = new Tensor(storage, newSize)

  /** Copies the storage. */
  def copyTensor(): Tensor = new Tensor(storage.clone(), dims.clone())

  /** Index (1-based) of the largest element of each row of a `[batch, n]` or `[n]` tensor. */
  def argmaxRows(): Array[Int] = {
    val n = if (dims.isEmpty) 1 else dims.last
    val rows = if (n == 0) 0 else storage.length / n
    Array.tabulate(rows) { r =>
      var best = 0
      var i = 1
      while (i < n) {
        if (storage(r * n + i) > storage(r * n + best)) best = i
        i += 1
      }
      best + 1
    }
  }

  /** True when shapes match and every element is within `tolerance` (absolute). */
  def almostEqual(other: Tensor, tolerance: Double): Boolean =
    dims.sameElements(other.size()) &&
      storage.indices.forall(i => math.abs(storage(i) - other.storage(i)) <= tolerance)

  override def toString: String = {
    val shown = storage.take(16).mkString(", ")
    val more = if (storage.length > 16) ", ..." else ""
    s"Tensor[${dims.mkString("x")}]($shown$more)"
  }
}

object Tensor {

  /** A tensor over `data` with `shape` (no copy). */
  def apply(data: Array[Float], shape: Array[Int]): Tensor = new Tensor(data, shape)

  /** A zero tensor of the given dimensions, e.g. `Tensor(2, 3)`. */
  def apply(dims: Int*): Tensor = new Tensor(new Array[Float](dims.product), dims.toArray)

  /** A one-dimensional tensor. */
  def fromArray(data: Array[Float]): Tensor = new Tensor(data, Array(data.length))
}
