package ferrodl.engine;

/**
 * Every native method of ferrodl, in one place. Handles ({@code long}) are owned by the
 * AutoCloseable wrappers in this package ({@code NativeModel}, {@code NativeCriterion},
 * {@code NativeOptim}); nothing else should call these directly.
 *
 * <p>Errors arrive as exceptions: {@link IllegalArgumentException} for bad input (shapes,
 * labels, NaN, buffer sizes), {@link IllegalStateException} for closed handles, and
 * {@link ferrodl.FerrodlException} for corrupt data, unknown layers and native panics.
 */
public final class Native {
  /** The GEMM backend the engine uses ({@code mkl} or {@code rust}). */
  public static final String GEMM_BACKEND;

  static {
    NativeLoader.load();
    String backend = System.getProperty("ferrodl.gemm", "");
    int threads = Integer.getInteger("ferrodl.threads", 0);
    GEMM_BACKEND = init(backend, threads);
  }

  private Native() {}

  static native String init(String gemmBackend, int threads);

  public static native String version();

  /** The library's build facts as {@code key=value} lines (see {@code ferrodl.Version}). */
  public static native String buildInfo();

  public static native void testPanic(String message);

  /** Native objects (models, criterions, methods) created and not yet freed: for leak checks. */
  public static native long liveHandles();

  /**
   * Caps the engine's native heap ({@code ferrodl.native.memoryLimit}: bytes, or with a k, m or g
   * suffix; "0" removes the cap); returns the bytes. See {@code ferrodl.engine.MemoryLimit}.
   */
  public static native long setMemoryLimit(String limit);

  /** The bytes the engine's allocations hold now. */
  public static native long memoryInUse();

  // Models
  public static native long createModel(byte[] spec, long seed);

  public static native void freeModel(long model);

  public static native String describe(long model);

  public static native long numParams(long model);

  public static native void getWeights(long model, float[] out);

  public static native void setWeights(long model, float[] weights);

  public static native void getGradients(long model, float[] out);

  /** The length of the non-trainable state (BatchNormalization's running statistics). */
  public static native long numBuffers(long model);

  public static native void getBuffers(long model, float[] out);

  public static native void setBuffers(long model, float[] buffers);

  public static native void zeroGradients(long model);

  /**
   * Writes the sum of the gradient buffers of {@code models} (distinct handles, each with
   * {@code dst.length} parameters) into {@code dst}: local training's replicas, added up natively.
   */
  public static native void sumGradients(long[] models, float[] dst);

  public static native void setTraining(long model, boolean training);

  public static native float[] forward(long model, float[] input, int[] shape);

  /**
   * The initial states of the Recurrent or BiRecurrent at child path {@code path}: every cell's
   * {@code [batch, stateSize]} state one after another, their lengths in {@code lengths} (none:
   * zeros).
   */
  public static native void setHiddenState(long model, int[] path, float[] states, int[] lengths);

  /** Every cell's state after the last forward of the layer at {@code path}, concatenated. */
  public static native float[] getHiddenState(long model, int[] path);

  /**
   * The per-sample shape of {@code h} (and {@code c}) of the layer at {@code path} when its state
   * is an image ({@code [outputSize, oH, oW]} of a ConvLSTMPeephole after a forward); empty otherwise.
   */
  public static native int[] getHiddenStateShape(long model, int[] path);

  public static native int[] outputShape(long model);

  /**
   * Forward on a tensor or a table: {@code data} holds all tensors' elements depth first and
   * {@code layout} the structure (a tensor: 0, rank, dims...; a table: 1, n, items...).
   */
  public static native float[] forwardTable(long model, float[] data, int[] layout);

  /** The layout of the last output (see {@link #forwardTable}). */
  public static native int[] outputLayout(long model);

  /**
   * {@link #trainBatch} with a tensor or table input and target (layouts as in {@link
   * #forwardTable}); returns {loss sum, normaliser}.
   */
  public static native double[] trainBatchTable(
      long model,
      long criterion,
      float[] input,
      int[] inputLayout,
      float[] target,
      int[] targetLayout,
      float[] gradsOut,
      long seed);

  /** A criterion's loss on a tensor or table input and target (layouts as in forwardTable). */
  public static native double criterionForwardTable(
      long criterion, float[] input, int[] inputLayout, float[] target, int[] targetLayout);

  /** A criterion's input gradient for a tensor or table input; laid out as the input. */
  public static native float[] criterionBackwardTable(
      long criterion, float[] input, int[] inputLayout, float[] target, int[] targetLayout);

  /** Backward with a tensor or table gradient; the result is laid out as the last input. */
  public static native float[] backwardTable(long model, float[] gradData, int[] layout);

  public static native float[] backward(long model, float[] gradOutput, int[] shape);

  /**
   * Forward, loss and backward on one batch, with random streams (Dropout) seeded by {@code seed};
   * returns {lossSum, norm}, gradients of the summed loss into gradsOut (unless it is null: they
   * stay in the model, for {@link #getGradients} or {@link #sumGradients}).
   */
  public static native double[] trainBatch(
      long model,
      long criterion,
      float[] input,
      int[] inputShape,
      float[] target,
      int[] targetShape,
      float[] gradsOut,
      long seed);

  // Criterions
  public static native long createCriterion(byte[] spec);

  public static native void freeCriterion(long criterion);

  public static native double criterionForward(
      long criterion, float[] input, int[] inputShape, float[] target, int[] targetShape);

  public static native float[] criterionBackward(
      long criterion, float[] input, int[] inputShape, float[] target, int[] targetShape);

  // Optimisation methods
  /** An optimisation method (with schedule and clipping) from its description. */
  public static native long createOptim(byte[] spec);

  public static native void freeOptim(long optim);

  /** The index of the first NaN or infinity in {@code values}, or -1 (vectorised). */
  public static native int firstNonFinite(float[] values);

  /**
   * Multiplies {@code values} by {@code scale} in place and returns the index of the first result
   * that is NaN or infinite, or -1: one pass over memory.
   */
  public static native int scaleFirstNonFinite(float[] values, float scale);

  /**
   * Packs {@code src} into bfloat16 bits in {@code dst} (same length), rounded to nearest even:
   * gradient compression for the trip to the driver.
   */
  public static native void packBf16(float[] src, short[] dst);

  /** Adds the bfloat16 values {@code src} into {@code dst} (same length). */
  public static native void addBf16(short[] src, float[] dst);

  /** Clips {@code grads} and updates {@code weights} in place, in epoch {@code epoch} (1-based). */
  public static native void optimStep(long optim, float[] weights, float[] grads, int epoch);

  public static native double optimRate(long optim, int epoch);

  /**
   * Begins a step that evaluates the loss several times (LBFGS with a line search) at {@code
   * weights}, with {@code loss} and {@code grads} there: true when {@code weights} now hold a
   * point to evaluate (then call {@link #optimFeedSearch}), false when they hold the result.
   */
  public static native boolean optimBeginSearch(
      long optim, float[] weights, float[] grads, double loss, int epoch);

  /** The loss and gradient at the point last written; returns as {@link #optimBeginSearch}. */
  public static native boolean optimFeedSearch(
      long optim, float[] weights, float[] grads, double loss);

  public static native byte[] getOptimState(long optim);

  public static native void setOptimState(long optim, byte[] state);

  /**
   * The sum of two states ({@link #getOptimState}) of one method at the same step: their
   * per-parameter buffers added (local SGD averages the partitions' states).
   */
  public static native byte[] addOptimStates(byte[] a, byte[] b);

  /** The state with its per-parameter buffers multiplied by {@code factor}. */
  public static native byte[] scaleOptimState(byte[] state, float factor);

  /** Reports the value a Plateau schedule monitors (validation score or training loss). */
  public static native void optimObserve(long optim, double value);

  // Int8 inference
  /** The description of {@code spec}'s model with Linear and the 2-D convolutions quantized. */
  public static native byte[] quantizeSpec(byte[] spec, float[] weights);

  /** The flat weights of that quantized model (int8 codes, per-channel scales, biases). */
  public static native float[] quantizeWeights(byte[] spec, float[] weights);

  // ONNX
  /** The ONNX model (opset 13) of {@code spec} with its weights and buffers; see docs/onnx.md. */
  public static native byte[] exportOnnx(byte[] spec, float[] weights, float[] buffers);

  /** The description of an ONNX model's ferrodl equivalent. */
  public static native byte[] importOnnxSpec(byte[] onnx);

  /** An ONNX model's flat weights, or with {@code buffers} its buffers, in ferrodl's layout. */
  public static native float[] importOnnxFloats(byte[] onnx, boolean buffers);

  // Model files (docs/model-format.md)
  /**
   * The native model file of a model: its description, weights, buffers, optimiser state (empty
   * for none) and tags (a description whose string attributes are the tags); {@code
   * weightsOnly} leaves the description out ({@code saveWeights}).
   */
  public static native byte[] modelFileEncode(
      byte[] spec, float[] weights, float[] buffers, byte[] optimState, byte[] tags, boolean weightsOnly);

  /** A checked file's description (0; empty if weights-only), optimiser state (1) or metadata (2). */
  public static native byte[] modelFileBytes(byte[] file, int part);

  /** A checked file's weights, or with {@code buffers} its buffers. */
  public static native float[] modelFileFloats(byte[] file, boolean buffers);

  /** The file's weights for the model {@code spec}, matched by tensor name and shape. */
  public static native float[] modelFileWeightsFor(byte[] spec, byte[] file);

  /**
   * The parameter tensors of the model {@code spec} (weight, bias, ... of each layer with its
   * shape), as a description: one child {@code Tensor} per tensor, named by its path, with
   * attributes {@code shape} and {@code offset}.
   */
  public static native byte[] modelTensorLayout(byte[] spec);
}
