"""More simple, shape and activation layers, with BigDL's Python names and keyword arguments
(1-based dimensions); re-exported by ``ferrodl.nn.layer``.

Scala: MoreShapeLayers.scala, MoreActivations.scala. Engine: native/core/src/nn/shape_layers/.
"""

from ferrodl.util import jvm as _jvm  # noqa: F401
from ferrodl.nn.layer_base import INTMAX, Layer, _ints, _option  # noqa: F401


def _pair(values, name):
    values = [int(v) for v in values]
    if len(values) != 2:
        raise ValueError(f"{name} must be two integers, got {values}")
    return _ints(values)


class InferReshape(Layer):
    """Reshape to ``size``: 0 copies the input's dimension at that position, one -1 is inferred;
    with ``batch_mode`` the first input dimension is kept as the batch."""

    scala_class = "ferrodl.nn.InferReshape"

    def __init__(self, size, batch_mode=False, bigdl_type="float"):
        super().__init__(_ints([int(s) for s in size]), bool(batch_mode))


class Replicate(Layer):
    """Repeats the input ``n_features`` times along a new dimension ``dim``; inputs with more than
    ``n_dim`` dimensions keep their first as a batch."""

    scala_class = "ferrodl.nn.Replicate"

    def __init__(self, n_features, dim=1, n_dim=INTMAX, bigdl_type="float"):
        super().__init__(int(n_features), int(dim), int(n_dim))


class Reverse(Layer):
    """The input in reverse order along ``dimension``."""

    scala_class = "ferrodl.nn.Reverse"

    def __init__(self, dimension=1, is_inplace=False, bigdl_type="float"):
        super().__init__(int(dimension), bool(is_inplace))


class Padding(Layer):
    """``|pad|`` elements of ``value`` along ``dim``: before element ``n_index`` when ``pad < 0``,
    after the element ``n_index - 1`` from the end when ``pad > 0``."""

    scala_class = "ferrodl.nn.Padding"

    def __init__(self, dim, pad, n_input_dim, value=0.0, n_index=1, bigdl_type="float"):
        super().__init__(int(dim), int(pad), int(n_input_dim), float(value), int(n_index))


class SpatialZeroPadding(Layer):
    """Zeros around ``[batch, C, H, W]`` or ``[C, H, W]`` feature maps; negative amounts crop."""

    scala_class = "ferrodl.nn.SpatialZeroPadding"

    def __init__(self, pad_left, pad_right, pad_top, pad_bottom, bigdl_type="float"):
        super().__init__(int(pad_left), int(pad_right), int(pad_top), int(pad_bottom))


class Cropping2D(Layer):
    """Removes ``heightCrop = [top, bottom]`` rows and ``widthCrop = [left, right]`` columns."""

    scala_class = "ferrodl.nn.Cropping2D"

    def __init__(self, heightCrop, widthCrop, data_format="NCHW", bigdl_type="float"):
        super().__init__(_pair(heightCrop, "heightCrop"), _pair(widthCrop, "widthCrop"), str(data_format))


class Cropping3D(Layer):
    """Removes ``[begin, end]`` elements along each spatial dimension of 5-D input."""

    scala_class = "ferrodl.nn.Cropping3D"

    def __init__(self, dim1Crop, dim2Crop, dim3Crop, data_format="channel_first", bigdl_type="float"):
        super().__init__(_pair(dim1Crop, "dim1Crop"), _pair(dim2Crop, "dim2Crop"), _pair(dim3Crop, "dim3Crop"),
                         str(data_format))


class Masking(Layer):
    """Zeroes the time steps of ``[batch, time, ...]`` input whose features all equal ``mask_value``."""

    scala_class = "ferrodl.nn.Masking"

    def __init__(self, mask_value=0.0, bigdl_type="float"):
        super().__init__(float(mask_value))


class Maxout(Layer):
    """The largest of ``maxout_number`` linear maps per output feature."""

    scala_class = "ferrodl.nn.Maxout"

    def __init__(self, input_size, output_size, maxout_number, with_bias=True, w_regularizer=None,
                 b_regularizer=None, init_weight=None, init_bias=None, bigdl_type="float"):
        if init_weight is not None or init_bias is not None:
            raise NotImplementedError("Maxout: init arrays are not supported; use set_weights")
        super().__init__(int(input_size), int(output_size), int(maxout_number), bool(with_bias), w_regularizer,
                         b_regularizer, None, None)


class RReLU(Layer):
    """Leaky ReLU with a random slope in ``[lower, upper)`` while training, the mean in evaluation."""

    scala_class = "ferrodl.nn.RReLU"

    def __init__(self, lower=1.0 / 8, upper=1.0 / 3, inplace=False, bigdl_type="float"):
        super().__init__(float(lower), float(upper), bool(inplace))


class SReLU(Layer):
    """S-shaped ReLU with learned thresholds and slopes of ``shape`` (shared along ``share_axes``):
    four parameter tensors ``tLeft, aLeft, tRight, aRight``, initialised by default (BigDL's) with
    Zeros, Xavier, Xavier and Ones, then ``tRight = |tRight| + tLeft``."""

    scala_class = "ferrodl.nn.SReLU"

    def __init__(self, shape, share_axes=None, bigdl_type="float"):
        axes = None if share_axes is None else _ints([int(a) for a in share_axes])
        super().__init__(_ints([int(s) for s in shape]), axes)

    def set_init_method(self, weight_init_method=None, bias_init_method=None, init_method=None):
        """BigDL's ``set_init_method(init_method=[tLeftInit, aLeftInit, tRightInit, aRightInit])``
        (None entries keep the default); SReLU has no single weight and bias, so the two-method
        form is refused. The parameters are re-initialised."""
        if init_method is None:
            raise ValueError("SReLU takes set_init_method(init_method=[tLeft, aLeft, tRight, aRight])")
        methods = list(init_method)
        if len(methods) != 4:
            raise ValueError(f"SReLU takes 4 initialisation methods, got {len(methods)}")
        array = _jvm.gateway().new_array(_jvm.jvm().ferrodl.nn.InitializationMethod, 4)
        for i, m in enumerate(methods):
            array[i] = None if m is None else m.value
        _jvm.call(self.value, "setInitMethod", array)
        return self


class Scale(Layer):
    """``x * w + b`` with learned ``w`` and ``b`` of shape ``size`` (CMul then CAdd)."""

    scala_class = "ferrodl.nn.Scale"

    def __init__(self, size, bigdl_type="float"):
        super().__init__(_ints([int(s) for s in size]))


class L1Penalty(Layer):
    """The identity; its gradient gets the L1 penalty ``l1weight * sum|x|``."""

    scala_class = "ferrodl.nn.L1Penalty"

    def __init__(self, l1weight, size_average=False, provide_output=True, bigdl_type="float"):
        super().__init__(int(l1weight), bool(size_average), bool(provide_output))


class GaussianDropout(Layer):
    """Multiplies by 1-centred Gaussian noise of standard deviation ``sqrt(rate / (1 - rate))`` while training."""

    scala_class = "ferrodl.nn.GaussianDropout"

    def __init__(self, rate, bigdl_type="float"):
        super().__init__(float(rate))


class GaussianNoise(Layer):
    """Adds 0-centred Gaussian noise of standard deviation ``stddev`` while training."""

    scala_class = "ferrodl.nn.GaussianNoise"

    def __init__(self, stddev, bigdl_type="float"):
        super().__init__(float(stddev))


class SpatialDropout1D(Layer):
    """Drops whole channels of ``[batch, time, C]`` input with probability ``init_p`` while training."""

    scala_class = "ferrodl.nn.SpatialDropout1D"

    def __init__(self, init_p=0.5, bigdl_type="float"):
        super().__init__(float(init_p))


class SpatialDropout2D(Layer):
    """Drops whole feature maps of 4-D input with probability ``init_p`` while training."""

    scala_class = "ferrodl.nn.SpatialDropout2D"

    def __init__(self, init_p=0.5, data_format="NCHW", bigdl_type="float"):
        super().__init__(float(init_p), str(data_format))


class SpatialDropout3D(Layer):
    """Drops whole 3-D feature maps of 5-D input with probability ``init_p`` while training."""

    scala_class = "ferrodl.nn.SpatialDropout3D"

    def __init__(self, init_p=0.5, data_format="NCHW", bigdl_type="float"):
        super().__init__(float(init_p), str(data_format))
