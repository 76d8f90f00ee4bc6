package ferrodl.nn

import ferrodl.engine.Native
import ferrodl.nn.abstractnn.AbstractModule
import ferrodl.optim.ModelState

/**
 * Int8 inference, as BigDL's `quantize()`: a new model in which every Linear,
 * SpatialConvolution (with groups) and SpatialDilatedConvolution is replaced by its int8
 * version (`QuantizedLinear`, `QuantizedSpatialConvolution`), inside Sequential, Concat,
 * ConcatTable, ParallelTable and Graph containers. Weights are quantized symmetrically per output
 * channel (scale = max|w| / 127), activations per sample at run time; products are summed in
 * 32-bit integers and rescaled to float. The original model is left unchanged.
 *
 * The result is an ordinary model (it predicts, evaluates, saves and loads) but cannot be
 * trained: a backward pass fails naming the quantized layer. See `docs/quantization.md`.
 */
object Quantize {
  def apply(model: AbstractModule): AbstractModule = {
    val state = model.getState()
    val spec = model.toSpec.encode()
    val qspec = Native.quantizeSpec(spec, state.weights)
    val qweights = Native.quantizeWeights(spec, state.weights)
    val q = new SpecModule(SpecNode.decode(qspec, "quantized model description"))
    q.setState(ModelState(qweights, state.buffers)).evaluate()
  }
}
