package ferrodl.python

import java.io.File
import java.lang.reflect.Modifier

/** Lists the Scala API's public, concrete classes by scanning the shim's jar or class folder. */
private[python] object ApiClasses {
  private val Packages = Seq("ferrodl/nn/", "ferrodl/optim/", "ferrodl/visualization/", "ferrodl/nnframes/")

  def list(): Array[String] = {
    val location = new File(getClass.getProtectionDomain.getCodeSource.getLocation.toURI)
    val names =
      if (location.isDirectory) {
        Packages.flatMap { p =>
          Option(new File(location, p).listFiles()).toSeq.flatten.map(f => p + f.getName)
        }
      } else {
        val jar = new java.util.jar.JarFile(location)
        try {
          val it = jar.entries()
          Iterator.continually(it).takeWhile(_.hasMoreElements).map(_.nextElement().getName).toVector
        } finally jar.close()
      }
    names
      .filter(n => Packages.exists(p => n.startsWith(p) && !n.substring(p.length).contains("/")))
      .filter(n => n.endsWith(".class") && (!n.contains("$") || n.matches(".*/SGD\\$[A-Za-z0-9]+\\.class")))
      .map(_.stripSuffix(".class").replace('/', '.'))
      .filter { n =>
        val c = Class.forName(n, false, getClass.getClassLoader)
        val m = c.getModifiers
        Modifier.isPublic(m) && !Modifier.isAbstract(m) && !c.isInterface && !isInternal(c)
      }
      .map(_.split('.').last.split('$').last)
      .distinct
      .sorted
      .toArray
  }

  /** Classes users never construct (engine plumbing and results). */
  private def isInternal(c: Class[_]): Boolean = {
    val internal = Set(
      "SpecNode",
      "MethodSet",
      "SpecModule",
      "ModelFile",
      "Onnx",
      "Quantize",
      "Module",
      "SpecOptimMethod",
      "OptimMethodFile",
      "Checkpoint",
      "GradPart",
      "GradientCompression",
      "LocalSgd",
      "ChoiceSetting",
      "IterationTiming",
      "DataBlock",
      "Batching",
      "Evaluator",
      "Predictor",
      "ModelState",
      "TrainingProgress",
      "TrainingState",
      "AccuracyResult",
      "MeanResult",
      "GradientTree",
      "TrainingLoop",
      "Executors",
      "RetryPolicy",
      "NaNPolicy",
      "Validation",
      "Hyper",
      "Fans",
      "Regularizer",
      "ReduceAttrs",
      // nnframes plumbing; NNBagging's functions are Python's bagging_fit and stratified_sample.
      "FrameData",
      "FramePredictor",
      "NNParams",
      "NNPersistence",
      "NNBagging",
      "ModuleParam"
    )
    internal.contains(c.getSimpleName) || classOf[Throwable].isAssignableFrom(c)
  }
}
