package ferrodl.nnframes

import java.io.{ByteArrayInputStream, ByteArrayOutputStream, ObjectInputStream, ObjectOutputStream, ObjectStreamClass}

import ferrodl.nn.Module
import ferrodl.nn.abstractnn.{AbstractCriterion, AbstractModule}
import ferrodl.optim.{OptimMethod, Trigger}
import ferrodl.utils.FileIO
import org.apache.hadoop.fs.Path
import org.apache.spark.SparkContext
import org.apache.spark.ml.param.{Param, Params}
import org.apache.spark.ml.util.{MLReader, MLWriter}
import org.json4s._
import org.json4s.JsonDSL._
import org.json4s.jackson.JsonMethods.{compact, parse, render}

/**
 * How the nnframes stages are saved. A stage's folder holds:
 *  - `metadata/part-00000`: one JSON line in the layout of Spark's own stages (`class`, `uid`,
 *    `timestamp`, `sparkVersion`, `paramMap`, `defaultParamMap`), so `Pipeline`/`PipelineModel`
 *    `load` find the class, plus `ferrodlFormatVersion` (readers refuse newer versions);
 *  - `model`: the ferrodl model file (`saveModule`, format FDLM);
 *  - for estimators also `criterion`, and, when set, `optimMethod` and `endWhen` (Java
 *    serialisation, which keeps the method's class, so `learningRate` still applies to it).
 * Object-valued Params are in those files, the others in `paramMap` (`modelVariant` as a base64
 * model file, see [[ModuleParam]]). Validation DataFrames and
 * summaries are not saved.
 */
private[nnframes] object NNPersistence {
  val FormatVersion: Int = 1

  /** Params that are saved as files, not in the JSON. */
  private val ObjectParams = Set("optimMethod", "endWhen")

  private def jsonParams(instance: Params, pick: Param[_] => Option[Any]): JObject =
    JObject(instance.params.toList.filterNot(p => ObjectParams(p.name)).flatMap { p =>
      pick(p).map(v => JField(p.name, parse(p.asInstanceOf[Param[Any]].jsonEncode(v))))
    })

  def saveMetadata(instance: Params, path: String, sc: SparkContext): Unit = {
    val json: JObject = ("class" -> instance.getClass.getName) ~
      ("timestamp" -> System.currentTimeMillis()) ~
      ("sparkVersion" -> sc.version) ~
      ("uid" -> instance.uid) ~
      ("paramMap" -> jsonParams(instance, p => instance.get(p))) ~
      ("defaultParamMap" -> jsonParams(instance, p => if (instance.hasDefault(p)) instance.getDefault(p) else None)) ~
      ("ferrodlFormatVersion" -> FormatVersion)
    sc.parallelize(Seq(compact(render(json))), 1).saveAsTextFile(new Path(path, "metadata").toString)
  }

  /** The metadata's uid and JSON, checked against the expected class and the format version. */
  def loadMetadata(path: String, sc: SparkContext, expected: String): (String, JValue) = {
    val text = sc.textFile(new Path(path, "metadata").toString, 1).first()
    val json = parse(text)
    implicit val formats: Formats = DefaultFormats
    val cls = (json \ "class").extract[String]
    if (cls != expected) {
      throw new IllegalArgumentException(s"$path holds a $cls, not a $expected")
    }
    val version = (json \ "ferrodlFormatVersion").extractOrElse[Int](-1)
    if (version < 1 || version > FormatVersion) {
      throw new IllegalArgumentException(
        s"$path: nnframes format version $version is not supported (this ferrodl reads 1 to $FormatVersion)"
      )
    }
    ((json \ "uid").extract[String], json)
  }

  /** Sets the Params saved in `paramMap` on `instance`. */
  def setParams(instance: Params, json: JValue): Unit = json \ "paramMap" match {
    case JObject(fields) =>
      fields.foreach { case (name, value) =>
        val p = instance.getParam(name).asInstanceOf[Param[Any]]
        instance.set(p, p.jsonDecode(compact(render(value))))
      }
    case _ => throw new IllegalArgumentException("the metadata has no paramMap")
  }

  def serialize(o: java.io.Serializable): Array[Byte] = {
    val bytes = new ByteArrayOutputStream()
    val out = new ObjectOutputStream(bytes)
    out.writeObject(o)
    out.close()
    bytes.toByteArray
  }

  /** Reads a Java-serialised object, resolving classes by the ferrodl jar's class loader too. */
  def deserialize[A](bytes: Array[Byte], what: String): A = {
    val loader = Option(Thread.currentThread().getContextClassLoader).getOrElse(getClass.getClassLoader)
    val in = new ObjectInputStream(new ByteArrayInputStream(bytes)) {
      override def resolveClass(desc: ObjectStreamClass): Class[_] =
        try Class.forName(desc.getName, false, loader)
        catch { case _: ClassNotFoundException => super.resolveClass(desc) }
    }
    try in.readObject().asInstanceOf[A]
    catch {
      case e: ClassCastException => throw new IllegalArgumentException(s"$what holds another kind of object", e)
    } finally in.close()
  }

  private def file(path: String, name: String): String = new Path(path, name).toString

  final class ModelWriter(instance: NNModel) extends MLWriter {
    override protected def saveImpl(path: String): Unit = {
      FileIO.useSparkContext(sc)
      saveMetadata(instance, path, sc)
      instance.model.saveModule(file(path, "model"), overWrite = true)
    }
  }

  final class ModelReader[M <: NNModel](make: (String, AbstractModule) => M)(implicit ct: scala.reflect.ClassTag[M])
      extends MLReader[M] {
    override def load(path: String): M = {
      FileIO.useSparkContext(sc)
      val (uid, json) = loadMetadata(path, sc, ct.runtimeClass.getName)
      val m = make(uid, Module.loadModule(file(path, "model")))
      setParams(m, json)
      m
    }
  }

  final class EstimatorWriter(instance: NNEstimator) extends MLWriter {
    override protected def saveImpl(path: String): Unit = {
      FileIO.useSparkContext(sc)
      saveMetadata(instance, path, sc)
      instance.model.saveModule(file(path, "model"), overWrite = true)
      FileIO.writeAtomically(file(path, "criterion"), serialize(instance.criterion), overWrite = true)
      instance.get(instance.optimMethod).foreach { m =>
        FileIO.writeAtomically(file(path, "optimMethod"), serialize(m), overWrite = true)
      }
      instance.get(instance.endWhen).foreach(t => FileIO.writeAtomically(file(path, "endWhen"), serialize(t), true))
    }
  }

  final class EstimatorReader[E <: NNEstimator](make: (String, AbstractModule, AbstractCriterion) => E)(implicit
      ct: scala.reflect.ClassTag[E]
  ) extends MLReader[E] {
    override def load(path: String): E = {
      FileIO.useSparkContext(sc)
      val (uid, json) = loadMetadata(path, sc, ct.runtimeClass.getName)
      val criterion = deserialize[AbstractCriterion](FileIO.readAll(file(path, "criterion")), s"$path/criterion")
      val e = make(uid, Module.loadModule(file(path, "model")), criterion)
      setParams(e, json)
      val method = file(path, "optimMethod")
      if (FileIO.exists(method)) e.set(e.optimMethod, deserialize[OptimMethod](FileIO.readAll(method), method))
      val endWhen = file(path, "endWhen")
      if (FileIO.exists(endWhen)) e.set(e.endWhen, deserialize[Trigger](FileIO.readAll(endWhen), endWhen))
      e
    }
  }
}
