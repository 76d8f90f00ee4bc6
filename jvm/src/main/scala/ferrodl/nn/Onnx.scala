package ferrodl.nn

import ferrodl.engine.Native
import ferrodl.nn.abstractnn.AbstractModule
import ferrodl.optim.ModelState
import ferrodl.utils.FileIO

/**
 * ONNX export and import (see docs/onnx.md). The engine does the translation: export turns the
 * model's description, weights and buffers into an ONNX model (opset 13); import turns an ONNX
 * model into a description with weights and buffers in ferrodl's layout, which then trains,
 * predicts and saves like any other model.
 */
object Onnx {

  /** Writes `model` as ONNX to `path` (local or any Hadoop file system). */
  def save(model: AbstractModule, path: String, overWrite: Boolean = false): Unit = {
    val state = model.getState()
    val bytes = Native.exportOnnx(model.toSpec.encode(), state.weights, state.buffers)
    FileIO.writeAtomically(path, bytes, overWrite)
  }

  /** The ferrodl model of the ONNX file at `path` (local or any Hadoop file system). */
  def load(path: String): AbstractModule = fromBytes(FileIO.readAll(path), path)

  /** The ferrodl model of ONNX bytes; `what` names them in errors. */
  def fromBytes(bytes: Array[Byte], what: String = "ONNX model"): AbstractModule = {
    val spec = SpecNode.decode(Native.importOnnxSpec(bytes), s"$what (imported description)")
    val state = ModelState(Native.importOnnxFloats(bytes, false), Native.importOnnxFloats(bytes, true))
    new SpecModule(spec).setState(state)
  }
}
