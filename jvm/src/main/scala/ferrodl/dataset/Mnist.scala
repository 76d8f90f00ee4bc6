package ferrodl.dataset

import ferrodl.feature.Sample
import ferrodl.tensor.Tensor

import java.io.{BufferedInputStream, DataInputStream, File, FileInputStream, InputStream}
import java.util.zip.GZIPInputStream

/** MNIST in the standard IDX format, gzip-compressed or raw. */
object Mnist {

  /** Training-set pixel mean and standard deviation (after scaling to [0, 1]). */
  val TrainMean: Float = 0.13066047f
  val TrainStd: Float = 0.30810780f

  /** Images (each rows*cols bytes) and labels (0-9) of one split, read from `dir`. */
  final case class Split(images: Array[Array[Byte]], labels: Array[Byte], rows: Int, cols: Int)

  private def open(dir: File, base: String): InputStream = {
    val gz = new File(dir, base + ".gz")
    val raw = new File(dir, base)
    if (gz.isFile) new GZIPInputStream(new BufferedInputStream(new FileInputStream(gz)), 1 << 16)
    else if (raw.isFile) new BufferedInputStream(new FileInputStream(raw))
    else throw new IllegalArgumentException(s"MNIST file $base(.gz) not found in $dir")
  }

  /** Reads `train` (60,000) or `t10k` (10,000) from `dir`. */
  def read(dir: File, split: String): Split = {
    val images = {
      val in = new DataInputStream(open(dir, s"$split-images-idx3-ubyte"))
      try {
        val magic = in.readInt()
        require(magic == 0x803, f"$split images: bad IDX magic 0x$magic%08x, expected 0x00000803")
        val (n, rows, cols) = (in.readInt(), in.readInt(), in.readInt())
        require(n >= 0 && rows > 0 && cols > 0, s"$split images: bad header n=$n rows=$rows cols=$cols")
        (Array.fill(n) { val b = new Array[Byte](rows * cols); in.readFully(b); b }, rows, cols)
      } finally in.close()
    }
    val labels = {
      val in = new DataInputStream(open(dir, s"$split-labels-idx1-ubyte"))
      try {
        val magic = in.readInt()
        require(magic == 0x801, f"$split labels: bad IDX magic 0x$magic%08x, expected 0x00000801")
        val n = in.readInt()
        val b = new Array[Byte](n)
        in.readFully(b)
        b
      } finally in.close()
    }
    require(images._1.length == labels.length, s"$split: ${images._1.length} images but ${labels.length} labels")
    Split(images._1, labels, images._2, images._3)
  }

  /** One image as a normalised `[rows, cols]` sample with a 1-based label (BigDL's convention). */
  def toSample(image: Array[Byte], label: Byte, rows: Int, cols: Int): Sample = {
    val x = new Array[Float](image.length)
    var i = 0
    while (i < x.length) { x(i) = ((image(i) & 0xff) / 255f - TrainMean) / TrainStd; i += 1 }
    Sample(Tensor(x, Array(rows, cols)), (label + 1).toFloat)
  }

  /** The data directory: an explicit one, else `$FERRODL_DATA`, else `../shared/datasets/mnist`. */
  def locate(explicit: Option[String]): File = {
    val candidates = explicit.toSeq ++ sys.env.get("FERRODL_DATA").toSeq ++ Seq("../shared/datasets/mnist")
    candidates
      .map(new File(_))
      .find(d => new File(d, "train-images-idx3-ubyte.gz").isFile || new File(d, "train-images-idx3-ubyte").isFile)
      .getOrElse(
        throw new IllegalArgumentException(
          s"MNIST not found in ${candidates.mkString(", ")}. Download the four IDX files " +
            "(train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) " +
            "into a directory and pass --data DIR or set FERRODL_DATA."
        )
      )
  }
}
