package ferrodl.utils

import java.io.ByteArrayOutputStream

import org.apache.hadoop.conf.Configuration
import org.apache.hadoop.fs.{FileSystem, LocalFileSystem, Path}
import org.apache.spark.SparkContext

/**
 * Files through Hadoop's FileSystem API, so local paths, `file://`, `hdfs://` and `s3a://` all
 * work. Writes are atomic: the bytes go to a hidden temporary file that is then renamed.
 */
object FileIO {

  @volatile private var conf: Configuration = _

  /** Uses `sc`'s Hadoop configuration from now on (training and evaluation call this). */
  def useSparkContext(sc: SparkContext): Unit = conf = sc.hadoopConfiguration

  /** The last SparkContext's Hadoop configuration, or a default one outside Spark. */
  def hadoopConf(): Configuration = {
    if (conf == null) conf = new Configuration()
    conf
  }

  /**
   * The file system of `path`. For local files, the raw one: the checksummed wrapper would put
   * `.crc` files next to ours (and TensorBoard would try to read those beside event files).
   */
  def fileSystem(path: String): (FileSystem, Path) = {
    val p = new Path(path)
    p.getFileSystem(hadoopConf()) match {
      case local: LocalFileSystem => (local.getRawFileSystem, p)
      case fs => (fs, p)
    }
  }

  def exists(path: String): Boolean = {
    val (fs, p) = fileSystem(path)
    fs.exists(p)
  }

  /**
   * Writes `bytes` to `path`: into `.<name>.tmp` first, then renamed, so readers never see a
   * partial file. Fails if `path` exists and `overWrite` is false.
   */
  def writeAtomically(path: String, bytes: Array[Byte], overWrite: Boolean = false): Unit = {
    val (fs, p) = fileSystem(path)
    if (fs.exists(p) && !overWrite) throw new java.io.IOException(s"$path already exists (pass overWrite = true)")
    val parent = p.getParent
    if (parent != null) fs.mkdirs(parent)
    val tmp = new Path(parent, s".${p.getName}.tmp")
    val out = fs.create(tmp, true)
    try out.write(bytes)
    finally out.close()
    if (fs.exists(p)) fs.delete(p, false)
    if (!fs.rename(tmp, p)) throw new java.io.IOException(s"could not rename $tmp to $path")
  }

  /** The whole content of `path`, refusing files over 2 GiB. */
  def readAll(path: String): Array[Byte] = {
    val (fs, p) = fileSystem(path)
    if (!fs.exists(p)) throw new java.io.FileNotFoundException(s"no such file: $path")
    val len = fs.getFileStatus(p).getLen
    if (len > Int.MaxValue - 16) throw new java.io.IOException(s"$path is $len bytes, more than 2 GiB")
    val in = fs.open(p)
    try {
      val out = new ByteArrayOutputStream(len.toInt)
      val buf = new Array[Byte](1 << 16)
      var n = in.read(buf)
      while (n >= 0) { out.write(buf, 0, n); n = in.read(buf) }
      out.toByteArray
    } finally in.close()
  }

  /** The names of the files directly in `dir` (none if it does not exist). */
  def list(dir: String): Seq[String] = {
    val (fs, p) = fileSystem(dir)
    if (!fs.exists(p)) Nil else fs.listStatus(p).toSeq.filter(_.isFile).map(_.getPath.getName)
  }

  def delete(path: String): Unit = {
    val (fs, p) = fileSystem(path)
    fs.delete(p, false)
  }
}
