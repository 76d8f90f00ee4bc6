package ferrodl.optim

import ferrodl.nn.{ModelFile, SpecNode}
import ferrodl.utils.FileIO

/**
 * Checkpoints in a folder, as BigDL lays them out: `model.N` (the model file) and
 * `optimMethod.N` (the method with its state and the driver's progress), N being the number of
 * iterations done. Each file is written atomically and the method file last, so a checkpoint is
 * complete exactly when both files exist; a crash mid-write leaves the previous one usable.
 * `model.N` is a native model file (docs/model-format.md) that also carries the method's state,
 * so it alone resumes training; `optimMethod.N` stays for BigDL's layout and `OptimMethod.load`.
 */
object Checkpoint {

  final case class Files(iteration: Int, modelPath: String, methodPath: String)

  private val Numbered = """(model|optimMethod|optimMethod-.+)\.(\d+)""".r

  private def join(dir: String, name: String): String = if (dir.endsWith("/")) dir + name else s"$dir/$name"

  /** Writes the checkpoint after `method.progress.iteration - 1` iterations. */
  def save(
      dir: String,
      spec: SpecNode,
      state: ModelState,
      method: OptimMethod,
      overWrite: Boolean,
      perSubmodule: Seq[(String, OptimMethod)] = Nil
  ): Files = {
    val n = method.progress.iteration - 1
    val files = Files(n, join(dir, s"model.$n"), join(dir, s"optimMethod.$n"))
    val methodBytes = OptimMethodFile.encode(method)
    val modelBytes = ModelFile.encode(spec, state, optimState = Some(methodBytes))
    FileIO.writeAtomically(files.modelPath, modelBytes, overWrite = true)
    perSubmodule.foreach { case (name, m) =>
      FileIO.writeAtomically(join(dir, s"optimMethod-$name.$n"), OptimMethodFile.encode(m), overWrite = true)
    }
    FileIO.writeAtomically(files.methodPath, methodBytes, overWrite = true)
    if (overWrite) {
      FileIO.list(dir).foreach {
        case name @ Numbered(_, k) if k.toInt != n => FileIO.delete(join(dir, name))
        case _ =>
      }
    }
    files
  }

  /** The complete checkpoint with the most iterations in `dir`, if any. */
  def latest(dir: String): Option[Files] = {
    val names = FileIO.list(dir).toSet
    names.toSeq
      .collect { case Numbered("optimMethod", k) if names.contains(s"model.$k") => k.toInt }
      .sorted
      .lastOption
      .map(n => Files(n, join(dir, s"model.$n"), join(dir, s"optimMethod.$n")))
  }

  /**
   * A model's layers and sizes without names or initialisation methods: what must match for a
   * checkpoint's weights to fit a model.
   */
  def structure(spec: SpecNode): Array[Byte] = {
    def strip(s: SpecNode): SpecNode =
      SpecNode(
        s.kind,
        "",
        // Sorted: the engine's model file keeps attributes by key, the Scala layers in
        // constructor order.
        s.attrs.filterNot(a => a._1.startsWith("weightInit") || a._1.startsWith("biasInit")).sortBy(_._1),
        s.children.map(strip)
      )
    strip(spec).encode()
  }

  /** The per-submodule methods of a checkpoint (`setOptimMethods`), by name, where saved. */
  def loadMethods(files: Files, names: Seq[(String, OptimMethod)]): Map[String, OptimMethod] = {
    val dir = files.methodPath.stripSuffix(s"optimMethod.${files.iteration}")
    names.collect {
      case (name, _) if name.nonEmpty && FileIO.exists(s"${dir}optimMethod-$name.${files.iteration}") =>
        name -> OptimMethod.load(s"${dir}optimMethod-$name.${files.iteration}")
    }.toMap
  }

  /** Reads a checkpoint: the model's description and state, and the method with its progress. */
  def load(files: Files): (SpecNode, ModelState, OptimMethod) = {
    val c = ModelFile.read(FileIO.readAll(files.modelPath), files.modelPath)
    val spec = c.spec.getOrElse(throw new ferrodl.utils.CorruptDataException(s"${files.modelPath} holds no model"))
    val method = c.optimState match {
      case Some(b) => OptimMethodFile.decode(b, s"${files.modelPath} (optimiser state)")
      case None => OptimMethod.load(files.methodPath) // an FDLM checkpoint of an older ferrodl
    }
    if (method.progress == null) {
      throw new ferrodl.utils.CorruptDataException(s"${files.methodPath} holds no training progress")
    }
    (spec, c.state, method)
  }
}
