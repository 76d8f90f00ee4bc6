package ferrodl.nnframes

import ferrodl.feature.Sample
import ferrodl.tensor.Tensor
import org.apache.spark.ml.linalg.{SQLDataTypes, Vector}
import org.apache.spark.rdd.RDD
import org.apache.spark.sql.{DataFrame, Row}
import org.apache.spark.sql.types._

/**
 * Turns DataFrame columns into tensors: an ML Vector, an array of floats, doubles, ints or longs,
 * or one number per row. The values of a record are laid out row-major in the given shape.
 */
private[nnframes] object FrameData {

  private def fmt(a: Array[Int]): String = a.mkString("[", ", ", "]")

  /** Whether `t` is a column type this package reads as a tensor. */
  def supported(t: DataType): Boolean = t match {
    case v if v == SQLDataTypes.VectorType => true
    case ArrayType(e, _) => numeric(e)
    case e => numeric(e)
  }

  private def numeric(t: DataType): Boolean = t match {
    case FloatType | DoubleType | IntegerType | LongType | ShortType | ByteType => true
    case _ => false
  }

  /** Checks that `col` exists in `schema` with a type [[supported]] reads; names `role` in errors. */
  def checkColumn(schema: StructType, col: String, role: String): Unit = {
    if (!schema.fieldNames.contains(col)) {
      throw new IllegalArgumentException(
        s"$role column '$col' is not in the DataFrame (columns: ${schema.fieldNames.mkString(", ")})"
      )
    }
    val t = schema(col).dataType
    if (!supported(t)) {
      throw new IllegalArgumentException(
        s"$role column '$col' has type ${t.simpleString}; expected an ML Vector, an array of numbers or a number"
      )
    }
  }

  /** The values of field `i` of `row` as floats. */
  def floats(row: Row, i: Int): Array[Float] = row.get(i) match {
    case v: Vector =>
      val d = v.toArray
      Array.tabulate(d.length)(k => d(k).toFloat)
    case s: scala.collection.Seq[_] => s.iterator.map(number(row, i, _)).toArray
    case a: Array[_] => a.iterator.map(number(row, i, _)).toArray
    case null => throw new IllegalArgumentException(s"column '${row.schema.fieldNames(i)}' has a null value")
    case x => Array(number(row, i, x))
  }

  private def number(row: Row, i: Int, x: Any): Float = x match {
    case n: java.lang.Number => n.floatValue()
    case null => throw new IllegalArgumentException(s"column '${row.schema.fieldNames(i)}' has a null element")
    case o => throw new IllegalArgumentException(s"column '${row.schema.fieldNames(i)}' holds ${o.getClass.getName}")
  }

  /** Field `i` of `row` as a tensor of `shape`; the number of values must match. */
  def tensor(row: Row, i: Int, shape: Array[Int], role: String): Tensor = {
    val v = floats(row, i)
    if (v.length != shape.product) {
      throw new IllegalArgumentException(
        s"$role column '${row.schema.fieldNames(i)}' has ${v.length} values in a row, " +
          s"but ${role}Size ${fmt(shape)} needs ${shape.product}"
      )
    }
    Tensor(v, shape)
  }

  /**
   * The DataFrame as samples: features of `featureShape` and labels of `labelShape`, with
   * `labelMap` applied to every label value (e.g. 0-based to 1-based class indices).
   */
  def samples(
      df: DataFrame,
      featuresCol: String,
      featureShape: Array[Int],
      labelCol: String,
      labelShape: Array[Int],
      labelMap: Float => Float
  ): RDD[Sample] = {
    checkColumn(df.schema, featuresCol, "feature")
    checkColumn(df.schema, labelCol, "label")
    val data = df.select(featuresCol, labelCol)
    val (fs, ls) = (featureShape.clone(), labelShape.clone())
    data.rdd.map { row =>
      val y = tensor(row, 1, ls, "label")
      var k = 0
      while (k < y.storage.length) { y.storage(k) = labelMap(y.storage(k)); k += 1 }
      Sample(tensor(row, 0, fs, "feature"), y)
    }
  }
}
