package ferrodl.visualization.tensorboard

import ferrodl.utils.FileIO
import org.apache.hadoop.fs.Path

/** Reads scalars back from the event files of one folder. */
private[visualization] object EventReader {
  import ProtoReader._

  /** `(step, value, wallClockTime)` of every `tag` scalar in `dir`'s event files, by step. */
  def scalars(dir: String, tag: String): Array[(Long, Float, Double)] = {
    val (fs, d) = FileIO.fileSystem(dir)
    if (!fs.exists(d)) return Array.empty
    val files = fs.listStatus(d).map(_.getPath).filter(_.getName.startsWith("events.out.tfevents.")).sortBy(_.getName)
    files.flatMap(read(fs, _, tag)).sortBy(_._1)
  }

  private def read(fs: org.apache.hadoop.fs.FileSystem, file: Path, tag: String): Seq[(Long, Float, Double)] = {
    val in = fs.open(file)
    try {
      TFRecord
        .read(in, file.toString)
        .flatMap { record =>
          val event = fields(record)
          val wall = event.collectFirst { case (1, Fixed64(v)) => java.lang.Double.longBitsToDouble(v) }.getOrElse(0.0)
          val step = event.collectFirst { case (2, Varint(v)) => v }.getOrElse(0L)
          event.collect { case (5, Bytes(summary)) => summary }.flatMap { s =>
            fields(s).collect { case (1, Bytes(value)) => fields(value) }.flatMap { v =>
              val t = v.collectFirst { case (1, Bytes(b)) => new String(b, "UTF-8") }
              val simple = v.collectFirst { case (2, Fixed32(f)) => java.lang.Float.intBitsToFloat(f) }
              if (t.contains(tag)) simple.map(x => (step, x, wall)) else None
            }
          }
        }
        .toVector
    } finally in.close()
  }
}
