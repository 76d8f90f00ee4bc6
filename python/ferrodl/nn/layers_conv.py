"""More convolution, pooling and normalization layers (BigDL's names)."""

from ferrodl.util import jvm as _jvm  # noqa: F401
from ferrodl.nn.layer_base import Layer, _ints, _option  # noqa: F401


def _format(layer, value, allowed=("NCHW", "NHWC")):
    value = str(value).upper()
    if value not in allowed:
        raise ValueError(f"{layer}: data format must be one of {', '.join(allowed)}, got {value!r}")
    return value


class SpatialDilatedConvolution(Layer):
    """2-D convolution with kernel taps ``dilation`` pixels apart over ``[batch, n_input_plane, height, width]``."""

    scala_class = "ferrodl.nn.SpatialDilatedConvolution"

    def __init__(self, n_input_plane, n_output_plane, kw, kh, dw=1, dh=1, pad_w=0, pad_h=0, dilation_w=1,
                 dilation_h=1, wRegularizer=None, bRegularizer=None, bigdl_type="float"):
        super().__init__(int(n_input_plane), int(n_output_plane), int(kw), int(kh), int(dw), int(dh), int(pad_w),
                         int(pad_h), int(dilation_w), int(dilation_h), wRegularizer, bRegularizer)


class SpatialFullConvolution(Layer):
    """Transposed 2-D convolution: output height ``(height - 1) * dh - 2 * pad_h + kh + adj_h``."""

    scala_class = "ferrodl.nn.SpatialFullConvolution"

    def __init__(self, n_input_plane, n_output_plane, kw, kh, dw=1, dh=1, pad_w=0, pad_h=0, adj_w=0, adj_h=0,
                 n_group=1, no_bias=False, wRegularizer=None, bRegularizer=None, bigdl_type="float"):
        super().__init__(int(n_input_plane), int(n_output_plane), int(kw), int(kh), int(dw), int(dh), int(pad_w),
                         int(pad_h), int(adj_w), int(adj_h), int(n_group), bool(no_bias), wRegularizer, bRegularizer)


class TemporalConvolution(Layer):
    """1-D convolution over the frames of ``[batch, n_input_frame, input_frame_size]``."""

    scala_class = "ferrodl.nn.TemporalConvolution"

    def __init__(self, input_frame_size, output_frame_size, kernel_w, stride_w=1, propagate_back=True,
                 weight_regularizer=None, bias_regularizer=None, init_weight=None, init_bias=None,
                 init_grad_weight=None, init_grad_bias=None, bigdl_type="float"):
        if any(v is not None for v in (init_weight, init_bias, init_grad_weight, init_grad_bias)):
            raise NotImplementedError("TemporalConvolution: init arrays are not supported; use set_weights")
        super().__init__(int(input_frame_size), int(output_frame_size), int(kernel_w), int(stride_w),
                         bool(propagate_back), weight_regularizer, bias_regularizer)


class TemporalMaxPooling(Layer):
    """The maximum of every feature over ``k_w`` frames every ``d_w`` frames (``d_w=-1``: ``k_w``)."""

    scala_class = "ferrodl.nn.TemporalMaxPooling"

    def __init__(self, k_w, d_w=-1, bigdl_type="float"):
        super().__init__(int(k_w), int(d_w))


class UpSampling1D(Layer):
    """Repeats every frame of ``[batch, steps, features]`` ``length`` times."""

    scala_class = "ferrodl.nn.UpSampling1D"

    def __init__(self, length, bigdl_type="float"):
        super().__init__(int(length))


class UpSampling2D(Layer):
    """Nearest-neighbour enlargement of images by ``size = (height factor, width factor)``."""

    scala_class = "ferrodl.nn.UpSampling2D"

    def __init__(self, size, data_format="nchw", bigdl_type="float"):
        super().__init__(_ints([int(s) for s in size]), _format("UpSampling2D", data_format))


class ResizeBilinear(Layer):
    """Bilinear resize of images to ``output_height x output_width`` (TensorFlow's sampling, as BigDL)."""

    scala_class = "ferrodl.nn.ResizeBilinear"

    def __init__(self, output_height, output_width, align_corner=False, data_format="NCHW", bigdl_type="float"):
        super().__init__(int(output_height), int(output_width), bool(align_corner),
                         _format("ResizeBilinear", data_format))


class LayerNormalization(Layer):
    """Normalises the last dimension (``hidden_size`` values), then scales and shifts by learned vectors."""

    scala_class = "ferrodl.nn.LayerNormalization"

    def __init__(self, hidden_size, bigdl_type="float"):
        super().__init__(int(hidden_size))


class Normalize(Layer):
    """Scales vectors to unit L_p norm: ``x / (sum(|x|^p) + eps)^(1/p)`` (over channels for 4-D input)."""

    scala_class = "ferrodl.nn.Normalize"

    def __init__(self, p, eps=1e-10, bigdl_type="float"):
        super().__init__(float(p), float(eps))


class SpatialCrossMapLRN(Layer):
    """Local response normalisation across ``size`` neighbouring channels (``size`` odd)."""

    scala_class = "ferrodl.nn.SpatialCrossMapLRN"

    def __init__(self, size=5, alpha=1.0, beta=0.75, k=1.0, data_format="NCHW", bigdl_type="float"):
        super().__init__(int(size), float(alpha), float(beta), float(k),
                         _format("SpatialCrossMapLRN", data_format, ("NCHW",)))


class VolumetricConvolution(Layer):
    """3-D convolution over ``[batch, n_input_plane, time, height, width]``."""

    scala_class = "ferrodl.nn.VolumetricConvolution"

    def __init__(self, n_input_plane, n_output_plane, k_t, k_w, k_h, d_t=1, d_w=1, d_h=1, pad_t=0, pad_w=0,
                 pad_h=0, with_bias=True, wRegularizer=None, bRegularizer=None, bigdl_type="float"):
        super().__init__(int(n_input_plane), int(n_output_plane), int(k_t), int(k_w), int(k_h), int(d_t), int(d_w),
                         int(d_h), int(pad_t), int(pad_w), int(pad_h), bool(with_bias), wRegularizer, bRegularizer)


class VolumetricMaxPooling(Layer):
    """Max pooling over 3-D windows of ``[batch, channels, time, height, width]``."""

    scala_class = "ferrodl.nn.VolumetricMaxPooling"

    def __init__(self, k_t, k_w, k_h, d_t, d_w, d_h, pad_t=0, pad_w=0, pad_h=0, bigdl_type="float"):
        super().__init__(int(k_t), int(k_w), int(k_h), int(d_t), int(d_w), int(d_h), int(pad_t), int(pad_w),
                         int(pad_h))


class VolumetricAveragePooling(Layer):
    """Average pooling over 3-D windows of ``[batch, channels, time, height, width]``."""

    scala_class = "ferrodl.nn.VolumetricAveragePooling"

    def __init__(self, k_t, k_w, k_h, d_t=1, d_w=1, d_h=1, pad_t=0, pad_w=0, pad_h=0, count_include_pad=True,
                 ceil_mode=False, bigdl_type="float"):
        super().__init__(int(k_t), int(k_w), int(k_h), int(d_t), int(d_w), int(d_h), int(pad_t), int(pad_w),
                         int(pad_h), bool(count_include_pad), bool(ceil_mode))


class UpSampling3D(Layer):
    """Nearest-neighbour enlargement of ``[batch, channels, depth, height, width]`` by ``size`` (3 factors)."""

    scala_class = "ferrodl.nn.UpSampling3D"

    def __init__(self, size, bigdl_type="float"):
        super().__init__(_ints([int(s) for s in size]))


class LocallyConnected1D(Layer):
    """A temporal convolution with its own weights at every output frame."""

    scala_class = "ferrodl.nn.LocallyConnected1D"

    def __init__(self, n_input_frame, input_frame_size, output_frame_size, kernel_w, stride_w=1, propagate_back=True,
                 weight_regularizer=None, bias_regularizer=None, init_weight=None, init_bias=None,
                 init_grad_weight=None, init_grad_bias=None, bigdl_type="float"):
        if any(v is not None for v in (init_weight, init_bias, init_grad_weight, init_grad_bias)):
            raise NotImplementedError("LocallyConnected1D: init arrays are not supported; use set_weights")
        super().__init__(int(n_input_frame), int(input_frame_size), int(output_frame_size), int(kernel_w),
                         int(stride_w), bool(propagate_back), weight_regularizer, bias_regularizer)


class LocallyConnected2D(Layer):
    """A 2-D convolution with its own weights at every output pixel (input size fixed at construction)."""

    scala_class = "ferrodl.nn.LocallyConnected2D"

    def __init__(self, n_input_plane, input_width, input_height, n_output_plane, kernel_w, kernel_h, stride_w=1,
                 stride_h=1, pad_w=0, pad_h=0, propagate_back=True, wRegularizer=None, bRegularizer=None,
                 init_weight=None, init_bias=None, init_grad_weight=None, init_grad_bias=None, with_bias=True,
                 data_format="NCHW", bigdl_type="float"):
        if any(v is not None for v in (init_weight, init_bias, init_grad_weight, init_grad_bias)):
            raise NotImplementedError("LocallyConnected2D: init arrays are not supported; use set_weights")
        super().__init__(int(n_input_plane), int(input_width), int(input_height), int(n_output_plane), int(kernel_w),
                         int(kernel_h), int(stride_w), int(stride_h), int(pad_w), int(pad_h), bool(propagate_back),
                         wRegularizer, bRegularizer, bool(with_bias),
                         _format("LocallyConnected2D", data_format, ("NCHW",)))


class SpatialSeparableConvolution(Layer):
    """A depthwise convolution (``depth_multiplier`` kernels per channel), then a 1x1 convolution; NCHW only.
    ``w_regularizer`` (depthwise weight) and ``p_regularizer`` (pointwise weight) must be equal or both None."""

    scala_class = "ferrodl.nn.SpatialSeparableConvolution"

    def __init__(self, n_input_channel, n_output_channel, depth_multiplier, kernel_w, kernel_h, stride_w=1,
                 stride_h=1, pad_w=0, pad_h=0, with_bias=True, data_format="NCHW", w_regularizer=None,
                 b_regularizer=None, p_regularizer=None, bigdl_type="float"):
        super().__init__(int(n_input_channel), int(n_output_channel), int(depth_multiplier), int(kernel_w),
                         int(kernel_h), int(stride_w), int(stride_h), int(pad_w), int(pad_h), bool(with_bias),
                         _format("SpatialSeparableConvolution", data_format, ("NCHW",)), w_regularizer, b_regularizer,
                         p_regularizer)


class SpatialShareConvolution(Layer):
    """SpatialConvolution's math (BigDL shares its buffers between layers); ``pad_w = pad_h = -1`` means SAME."""

    scala_class = "ferrodl.nn.SpatialShareConvolution"

    def __init__(self, n_input_plane, n_output_plane, kernel_w, kernel_h, stride_w=1, stride_h=1, pad_w=0, pad_h=0,
                 n_group=1, propagate_back=True, wRegularizer=None, bRegularizer=None, init_weight=None,
                 init_bias=None, init_grad_weight=None, init_grad_bias=None, with_bias=True, bigdl_type="float"):
        if any(v is not None for v in (init_weight, init_bias, init_grad_weight, init_grad_bias)):
            raise NotImplementedError("SpatialShareConvolution: init arrays are not supported; use set_weights")
        super().__init__(int(n_input_plane), int(n_output_plane), int(kernel_w), int(kernel_h), int(stride_w),
                         int(stride_h), int(pad_w), int(pad_h), int(n_group), bool(propagate_back), wRegularizer,
                         bRegularizer, None, None, None, None, bool(with_bias))


class VolumetricFullConvolution(Layer):
    """Transposed 3-D convolution: output time ``(time - 1) * d_t - 2 * pad_t + k_t + adj_t``, likewise H and W."""

    scala_class = "ferrodl.nn.VolumetricFullConvolution"

    def __init__(self, n_input_plane, n_output_plane, kt, kw, kh, dt=1, dw=1, dh=1, pad_t=0, pad_w=0, pad_h=0,
                 adj_t=0, adj_w=0, adj_h=0, n_group=1, no_bias=False, wRegularizer=None, bRegularizer=None,
                 bigdl_type="float"):
        super().__init__(int(n_input_plane), int(n_output_plane), int(kt), int(kw), int(kh), int(dt), int(dw),
                         int(dh), int(pad_t), int(pad_w), int(pad_h), int(adj_t), int(adj_w), int(adj_h),
                         int(n_group), bool(no_bias), wRegularizer, bRegularizer)


class SpatialWithinChannelLRN(Layer):
    """``x · (1 + alpha/size² · Σ x²)^-beta`` over a ``size x size`` window of the same channel."""

    scala_class = "ferrodl.nn.SpatialWithinChannelLRN"

    def __init__(self, size=5, alpha=1.0, beta=0.75, bigdl_type="float"):
        super().__init__(int(size), float(alpha), float(beta))


def _kernel(kernel):
    if kernel is None:
        return None
    from ferrodl.util.common import tensor_to_java
    import numpy as np
    return tensor_to_java(np.asarray(kernel, dtype="float32"))


class SpatialSubtractiveNormalization(Layer):
    """Subtracts the local weighted mean over all channels (``kernel``: 1-D or 2-D, odd sizes; None: ones 9x9)."""

    scala_class = "ferrodl.nn.SpatialSubtractiveNormalization"

    def __init__(self, n_input_plane=1, kernel=None, bigdl_type="float"):
        super().__init__(int(n_input_plane), _kernel(kernel))


class SpatialDivisiveNormalization(Layer):
    """Divides by the local weighted standard deviation over all channels (below ``threshold``: ``thresval``)."""

    scala_class = "ferrodl.nn.SpatialDivisiveNormalization"

    def __init__(self, n_input_plane=1, kernel=None, threshold=1e-4, thresval=1e-4, bigdl_type="float"):
        super().__init__(int(n_input_plane), _kernel(kernel), float(threshold), float(thresval))


class Cosine(Layer):
    """The cosine similarity of ``[batch, input_size]`` rows with ``output_size`` learned vectors."""

    scala_class = "ferrodl.nn.Cosine"

    def __init__(self, input_size, output_size, bigdl_type="float"):
        super().__init__(int(input_size), int(output_size))


class Euclidean(Layer):
    """The distance of ``[batch, input_size]`` rows to ``output_size`` learned points."""

    scala_class = "ferrodl.nn.Euclidean"

    def __init__(self, input_size, output_size, fast_backward=True, bigdl_type="float"):
        super().__init__(int(input_size), int(output_size), bool(fast_backward))


class Bilinear(Layer):
    """``y_k = x1ᵀ W_k x2 + b_k`` over a table ``[x1, x2]`` of ``[batch, input_size1]`` and ``[batch, input_size2]``."""

    scala_class = "ferrodl.nn.Bilinear"

    def __init__(self, input_size1, input_size2, output_size, bias_res=True, wRegularizer=None, bRegularizer=None,
                 bigdl_type="float"):
        super().__init__(int(input_size1), int(input_size2), int(output_size), bool(bias_res), wRegularizer,
                         bRegularizer)
