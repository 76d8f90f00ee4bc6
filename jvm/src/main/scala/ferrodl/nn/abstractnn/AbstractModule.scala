package ferrodl.nn.abstractnn

import ferrodl.engine.NativeModel
import ferrodl.feature.Sample
import ferrodl.nn.{SpecAttr, SpecNode}
import ferrodl.optim.{Evaluator, Predictor, ValidationMethod, ValidationResult}
import ferrodl.tensor.Tensor
import ferrodl.utils.RandomGenerator
import org.apache.spark.rdd.RDD

/**
 * The base of every layer and container, in BigDL's shape.
 *
 * A module is a description (type, arguments, children) plus, once needed, its parameters: all
 * weights in one flat array, in the order the engine lays them out. The math runs natively; a
 * local native model is created on first `forward` and kept until `release()` or collection.
 */
abstract class AbstractModule extends Serializable {
  private var name: String = _
  private var weights: Array[Float] = _
  private var buffers: Array[Float] = _
  private var train: Boolean = true
  @transient private var local: NativeModel = _

  /** The engine's type name; BigDL's class name by default. */
  protected def kind: String = getClass.getSimpleName

  /** Constructor arguments, as the engine reads them. */
  protected def attrs: Seq[(String, SpecAttr)] = Nil

  /** Child modules, for containers. */
  protected def children: Seq[AbstractModule] = Nil

  private var weightInit: ferrodl.nn.InitializationMethod = _
  private var biasInit: ferrodl.nn.InitializationMethod = _

  /**
   * Replaces the default initialisation of the weight and/or the bias (null keeps the default).
   * Linear, SpatialConvolution and LookupTable accept it. Takes effect when the parameters are
   * next created (existing parameters are re-initialised).
   */
  def setInitMethod(
      weightInitMethod: ferrodl.nn.InitializationMethod = null,
      biasInitMethod: ferrodl.nn.InitializationMethod = null
  ): this.type = {
    weightInit = weightInitMethod
    biasInit = biasInitMethod
    invalidate()
    this
  }

  private def initAttrs: Seq[(String, SpecAttr)] =
    Seq("weightInit" -> weightInit, "biasInit" -> biasInit).collect {
      case (key, m) if m != null => Seq(key -> SpecAttr.Str(m.name), s"${key}Args" -> SpecAttr.floats(m.args))
    }.flatten

  private var frozen: Boolean = false

  /** The description the native engine builds this module from. */
  def toSpec: SpecNode = SpecNode(
    kind,
    Option(name).getOrElse(""),
    attrs ++ initAttrs ++ (if (frozen) Seq("frozenModule" -> SpecAttr.int(1)) else Nil),
    children.map(_.toSpec)
  )

  /** This module and every module under it, depth first, in the flat buffer's order. */
  private def tree: Seq[AbstractModule] = this +: children.flatMap(_.tree)

  /** The modules of the tree named `names` (every name must exist). */
  private def named(names: Seq[String]): Seq[AbstractModule] = names.map { n =>
    tree
      .find(_.nameIfSet.contains(n))
      .getOrElse(throw new IllegalArgumentException(s"${getName()}: no module named $n under it"))
  }

  /** Rebuilds the native model from the new description, keeping weights and buffers. */
  private def respec(): Unit =
    if (weights != null) { val state = getState(); release(); setState(state) }
    else release()

  /**
   * BigDL's `freeze`: without names, this whole module; with names, the modules of its tree
   * with those names. A frozen module's parameters get zero gradient (the engine discards them,
   * as for Graph's frozen nodes, regularisers included), and training restores them after every
   * step, so no optimisation method (weight decay, momentum) changes them either. Freeze
   * through the model you train or run: a container keeps the native model it built.
   */
  def freeze(names: String*): this.type = {
    (if (names.isEmpty) Seq(this) else named(names)).foreach(_.frozen = true)
    respec()
    this
  }

  /** BigDL's `unFreeze`: without names, this module and all under it; with names, those. */
  def unFreeze(names: String*): this.type = {
    (if (names.isEmpty) tree else named(names)).foreach(_.frozen = false)
    respec()
    this
  }

  /** Whether this module was frozen with `freeze` (a frozen ancestor freezes it too). */
  def isFrozen(): Boolean = frozen

  /** `(offset, length)` of every module of the tree in the flat buffer, depth first. */
  private[ferrodl] def parameterRanges: Seq[(AbstractModule, Int, Int)] = {
    val out = Seq.newBuilder[(AbstractModule, Int, Int)]
    def walk(m: AbstractModule, offset: Int): Int = {
      val n = AbstractModule.countParameters(m)
      out += ((m, offset, n))
      m.children.foldLeft(offset)((o, c) => walk(c, o))
      offset + n
    }
    walk(this, 0)
    out.result()
  }

  /**
   * The parameter tensors `parameters()` reports, from the engine (docs/model-format.md): each
   * tensor's path name (`Sequential#0/Linear#0/weight`), shape and offset in the flat weights.
   */
  private def parameterTensors: Seq[(String, Array[Int], Int)] = {
    localModel() // loads the native library
    SpecNode.decode(ferrodl.engine.Native.modelTensorLayout(toSpec.encode()), "tensor layout").children.map { t =>
      val a = t.attrs.toMap
      def ints(k: String): Seq[Long] = a.get(k).collect { case SpecAttr.Ints(v) => v }.getOrElse(Nil)
      (t.name, ints("shape").map(_.toInt).toArray, ints("offset").headOption.getOrElse(0L).toInt)
    }
  }

  /**
   * For each tensor of `parameters()`, in its order (for the Python API): the name of the layer
   * that holds it (the deepest module whose parameters contain it) and the tensor's key under
   * that layer (`weight`, `bias`; as many trailing path segments as make the keys of one layer
   * distinct, e.g. BiRecurrent's `layer/W_i` and `revLayer/W_i`).
   */
  private[ferrodl] def parameterTensorKeys(): Array[Array[String]] = {
    val ranges = parameterRanges.filter(_._3 > 0)
    val tensors = parameterTensors
    val owners = tensors.map { case (_, _, o) => ranges.filter { case (_, a, n) => a <= o && o < a + n }.last._1 }
    val segments = tensors.map(_._1.split('/').toSeq)
    tensors.indices.map { i =>
      val mine = tensors.indices.filter(j => owners(j) eq owners(i)).map(segments)
      val key = (1 to segments(i).length)
        .map(k => segments(i).takeRight(k))
        .find(k => mine.count(_.takeRight(k.length) == k) == 1)
        .getOrElse(segments(i))
      Array(owners(i).getName(), key.mkString("/"))
    }.toArray
  }

  /** The flat-buffer ranges of frozen modules (merged: a frozen container covers its tree). */
  private[ferrodl] def frozenRanges: Seq[(Int, Int)] =
    if (!tree.exists(_.frozen)) Nil
    else parameterRanges.collect { case (m, o, n) if m.frozen && n > 0 => (o, n) }

  /**
   * Re-initialises the parameters (BigDL's `reset`): new weights from the layers' initialisation
   * methods, drawn from `RandomGenerator`, and fresh running statistics.
   */
  def reset(): this.type = { invalidate(); this }

  /** A deep copy: description, name, frozen marks, weights and buffers (BigDL's `cloneModule`). */
  def cloneModule(): this.type = {
    getState() // materialises the weights, so the copy has the same ones
    val bytes = new java.io.ByteArrayOutputStream()
    val out = new java.io.ObjectOutputStream(bytes)
    out.writeObject(this)
    out.close()
    val in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray)) {
      override def resolveClass(d: java.io.ObjectStreamClass): Class[_] =
        Class.forName(d.getName, false, AbstractModule.this.getClass.getClassLoader)
    }
    try in.readObject().asInstanceOf[this.type]
    finally in.close()
  }

  /** The same as `cloneModule()`. */
  override def clone(): this.type = cloneModule()

  def setName(name: String): this.type = { this.name = name; this }

  def getName(): String = Option(name).getOrElse(s"${getClass.getSimpleName}@${Integer.toHexString(hashCode)}")

  /** The name set with `setName`, if any. */
  private[ferrodl] def nameIfSet: Option[String] = Option(name)

  /** The child modules, in the order their parameters lie in the flat buffer. */
  private[ferrodl] def childModules: Seq[AbstractModule] = children

  /** The name set with `setName`, or null. */
  protected def getNameOrNull: String = name

  /**
   * Writes the model (description, weights, buffers) to `path`, on any Hadoop file system;
   * `Module.loadModule(path)` reads it back.
   */
  def saveModule(path: String, overWrite: Boolean = false): this.type = {
    ferrodl.nn.ModelFile.save(this, path, overWrite)
    this
  }

  /** An int8 copy of this model for inference (BigDL's `quantize()`; see `ferrodl.nn.Quantize`). */
  def quantize(): AbstractModule = ferrodl.nn.Quantize(this)

  /** Exports the model as ONNX (opset 13) to `path`; see docs/onnx.md and `Module.loadONNX`. */
  def saveONNX(path: String, overWrite: Boolean = false): this.type = {
    ferrodl.nn.Onnx.save(this, path, overWrite); this
  }

  /** BigDL's older name for `saveModule`. */
  def save(path: String, overWrite: Boolean = false): this.type = saveModule(path, overWrite)

  /**
   * Writes the weights and buffers alone, each layer's tensor named by its path in the tree
   * (docs/model-format.md); `loadWeights` reads them into a model of the same structure.
   */
  def saveWeights(path: String, overWrite: Boolean = false): this.type = {
    ferrodl.nn.ModelFile.saveWeights(this, path, overWrite)
    this
  }

  /** Loads weights written by `saveWeights`, checked against this model's tensors by name and shape. */
  def loadWeights(weightPath: String): this.type = {
    ferrodl.nn.ModelFile.loadWeights(this, weightPath)
    this
  }

  /** Forgets parameters and the native model; containers call this when their children change. */
  protected def invalidate(): Unit = { release(); weights = null; buffers = null }

  /** Frees the local native model (it is recreated on demand). */
  def release(): Unit = {
    if (local != null) local.close()
    local = null
  }

  private def localModel(): NativeModel = {
    if (local == null || local.isClosed) {
      val m = new NativeModel(toSpec.encode(), RandomGenerator.nextSeed())
      if (weights == null) weights = m.getWeights() else m.setWeights(weights)
      if (buffers == null) buffers = m.getBuffers() else m.setBuffers(buffers)
      local = m
    }
    local
  }

  /** The flat weights (a copy), initialised with BigDL's defaults on first use. */
  def getWeightsArray(): Array[Float] = { localModel(); weights.clone() }

  /** Replaces the flat weights; the length must match the model. */
  def setWeightsArray(w: Array[Float]): this.type = {
    val m = localModel()
    m.setWeights(w)
    weights = w.clone()
    this
  }

  /** The flat non-trainable state (running statistics of normalisation layers), a copy. */
  def getBuffersArray(): Array[Float] = {
    buffers = localModel().getBuffers()
    buffers.clone()
  }

  /** Replaces the flat non-trainable state; the length must match the model. */
  def setBuffersArray(b: Array[Float]): this.type = {
    localModel().setBuffers(b)
    buffers = b.clone()
    this
  }

  /** Weights and buffers together, as training and inference broadcast them. */
  def getState(): ferrodl.optim.ModelState = ferrodl.optim.ModelState(getWeightsArray(), getBuffersArray())

  /** Sets weights and buffers. */
  def setState(state: ferrodl.optim.ModelState): this.type =
    setWeightsArray(state.weights).setBuffersArray(state.buffers)

  /** The number of parameters. */
  def numParameters(): Int = localModel().numParams

  /** (weights, gradients) as flat tensors; copies, unlike BigDL's views. */
  def getParameters(): (Tensor, Tensor) = {
    val m = localModel()
    (Tensor.fromArray(weights.clone()), Tensor.fromArray(m.getGradients()))
  }

  def zeroGradParameters(): Unit = localModel().zeroGradients()

  /**
   * BigDL's `parameters()`: the weights and the gradients as separate tensors with their
   * shapes, in the flat buffer's order (depth first): a Linear gives its weight
   * `[outputSize, inputSize]` and its bias `[outputSize]`, a SpatialConvolution its weight
   * `[nGroup, nOutputPlane/nGroup, nInputPlane/nGroup, kernelH, kernelW]` and bias, a
   * BatchNormalization its weight and bias `[nOutput]`, SReLU `tLeft, aLeft, tRight, aRight`.
   * Copies, unlike BigDL's views: write changes back with `setWeightsArray`.
   */
  def parameters(): (Array[Tensor], Array[Tensor]) = {
    val m = localModel()
    val grads = m.getGradients()
    val tensors = parameterTensors
    def slices(from: Array[Float]): Array[Tensor] = tensors.map { case (_, shape, o) =>
      Tensor(java.util.Arrays.copyOfRange(from, o, o + shape.product), shape)
    }.toArray
    (slices(weights), slices(grads))
  }

  def training(): this.type = { train = true; this }

  def evaluate(): this.type = { train = false; this }

  def isTraining(): Boolean = train

  /** Computes the output for `input`, natively. */
  def forward(input: Tensor): Tensor = {
    val m = localModel()
    ferrodl.nn.HiddenStateAccess.prepare(this, m)
    m.setTraining(train)
    m.forward(input)
  }

  /** Computes the output for a tensor or a table (for models that take or give tables). */
  def forward(input: Activity): Activity = {
    val m = localModel()
    ferrodl.nn.HiddenStateAccess.prepare(this, m)
    m.setTraining(train)
    m.forwardActivity(input)
  }

  /** Backward for tables: the gradient with respect to `input` of the last forward pass. */
  def backward(input: Activity, gradOutput: Activity): Activity = localModel().backwardActivity(input, gradOutput)

  /** A node of a graph fed by `nodes` (BigDL's functional API): `Linear(4, 1).inputs(input)`. */
  def inputs(nodes: ferrodl.nn.ModuleNode*): ferrodl.nn.ModuleNode = new ferrodl.nn.ModuleNode(this, nodes.toVector)

  /** Backpropagates `gradOutput` through the last forward pass; accumulates parameter gradients. */
  def backward(input: Tensor, gradOutput: Tensor): Tensor = localModel().backward(input, gradOutput)

  /** Per-sample outputs for an RDD, computed in parallel on the executors. */
  def predict(dataset: RDD[Sample], batchSize: Int = -1): RDD[Tensor] =
    Predictor.predict(this, dataset, batchSize)

  /** Per-sample predicted classes (1-based, as BigDL). */
  def predictClass(dataset: RDD[Sample], batchSize: Int = -1): RDD[Int] =
    Predictor.predictClass(this, dataset, batchSize)

  /** Evaluates with the given methods on an RDD. */
  def evaluate(
      dataset: RDD[Sample],
      vMethods: Array[ValidationMethod],
      batchSize: Option[Int] = None
  ): Array[(ValidationResult, ValidationMethod)] =
    Evaluator.evaluate(this, dataset, vMethods, batchSize)

  /** The module tree, as the engine describes it. */
  override def toString: String = describe()

  /** A one-line description of this module; containers override it to show their children. */
  def describe(): String = {
    val args = attrs.map {
      case (k, SpecAttr.Ints(v)) => s"$k=${v.mkString(",")}"
      case (k, SpecAttr.Floats(v)) => s"$k=${v.mkString(",")}"
      case (k, SpecAttr.Str(v)) => s"$k=$v"
    }
    if (args.isEmpty) kind else s"$kind(${args.mkString(", ")})"
  }
}

object AbstractModule {

  /** The parameter count of `m` alone, from the engine. */
  private[ferrodl] def countParameters(m: AbstractModule): Int = {
    val native = new NativeModel(m.toSpec.encode(), 0L)
    try native.numParams
    finally native.close()
  }
}
