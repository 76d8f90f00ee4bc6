"""Layers and containers, with BigDL's Python names and keyword arguments (``bigdl.nn.layer``).

Each class names its Scala class (``scala_class``) and passes its arguments in the order of
that class's constructor; the layer runs natively in the JVM's engine. The base classes are in
``ferrodl.nn.layer_base``, the other wrappers in ``ferrodl.nn.layers_*`` and the initialisation
methods in ``ferrodl.nn.initialization_method``; all of them are re-exported here, so
``from ferrodl.nn.layer import *`` gives every layer.
"""

# numpy, the JavaValue/Sample helpers and the constants stay importable from here (``import *``), as before.
import numpy as np

from ferrodl.util import jvm as _jvm
from ferrodl.util.common import (JavaValue, Sample, tensor_from_bytes, tensor_from_java, tensor_to_java,
                                 to_sample_array, to_sample_rdd)
from ferrodl.nn.layer_base import (DOUBLEMAX, INTMAX, INTMIN, Container, EvaluatedResult, Layer, _ints,
                                   _option)


class Sequential(Container):
    """Layers applied one after the other."""

    scala_class = "ferrodl.nn.Sequential"

    def __init__(self, bigdl_type="float"):
        super().__init__()


# The layers of the talk's examples; the others are in ferrodl.nn.layers_* (re-exported at the end).

class Linear(Layer):
    """``y = x Wᵀ + b``; input ``[batch, input_size]``."""

    scala_class = "ferrodl.nn.Linear"

    def __init__(self, input_size=None, output_size=None, with_bias=True, wRegularizer=None, bRegularizer=None,
                 init_weight=None, init_bias=None, init_grad_weight=None, init_grad_bias=None, bigdl_type="float",
                 n_input=None, n_output=None, w_regularizer=None, b_regularizer=None):
        # BigDL's names (input_size, wRegularizer) and the snake_case ones (n_input, w_regularizer) both work.
        input_size = n_input if input_size is None else input_size
        output_size = n_output if output_size is None else output_size
        if input_size is None or output_size is None:
            raise TypeError("Linear needs input_size and output_size")
        if any(v is not None for v in (init_weight, init_bias, init_grad_weight, init_grad_bias)):
            raise NotImplementedError("Linear: init_weight/init_bias arrays are not supported; use set_weights")
        super().__init__(int(input_size), int(output_size), bool(with_bias), wRegularizer or w_regularizer,
                         bRegularizer or b_regularizer)


class Reshape(Layer):
    """Reshapes each record to ``size``; ``batch_mode`` None guesses whether there is a batch dimension."""

    scala_class = "ferrodl.nn.Reshape"

    def __init__(self, size, batch_mode=None, bigdl_type="float"):
        super().__init__(_ints(size), _option(None if batch_mode is None else bool(batch_mode)))


class SpatialConvolution(Layer):
    """2-D convolution over ``[batch, n_input_plane, height, width]``; ``pad_w = pad_h = -1`` means SAME."""

    scala_class = "ferrodl.nn.SpatialConvolution"

    def __init__(self, n_input_plane, n_output_plane, kernel_w, kernel_h, stride_w=1, stride_h=1, pad_w=0, pad_h=0,
                 n_group=1, propagate_back=True, wRegularizer=None, bRegularizer=None, init_weight=None,
                 init_bias=None, init_grad_weight=None, init_grad_bias=None, with_bias=True, data_format="NCHW",
                 bigdl_type="float"):
        if data_format != "NCHW":
            raise NotImplementedError("SpatialConvolution: only data_format='NCHW' is supported")
        if any(v is not None for v in (init_weight, init_bias, init_grad_weight, init_grad_bias)):
            raise NotImplementedError("SpatialConvolution: init arrays are not supported; use set_weights")
        super().__init__(int(n_input_plane), int(n_output_plane), int(kernel_w), int(kernel_h), int(stride_w),
                         int(stride_h), int(pad_w), int(pad_h), int(n_group), bool(propagate_back), wRegularizer,
                         bRegularizer, bool(with_bias))


class SpatialMaxPooling(Layer):
    """Max pooling over ``[batch, planes, height, width]``."""

    scala_class = "ferrodl.nn.SpatialMaxPooling"

    def __init__(self, kw, kh, dw, dh, pad_w=0, pad_h=0, to_ceil=False, format="NCHW", bigdl_type="float"):
        if format != "NCHW":
            raise NotImplementedError("SpatialMaxPooling: only format='NCHW' is supported")
        layer = _jvm.new(self.scala_class, int(kw), int(kh), int(dw), int(dh), int(pad_w), int(pad_h))
        if to_ceil:
            layer = _jvm.call(layer, "ceil")
        super().__init__(jvalue=layer)


class Tanh(Layer):
    scala_class = "ferrodl.nn.Tanh"

    def __init__(self, bigdl_type="float"):
        super().__init__()


class ReLU(Layer):
    scala_class = "ferrodl.nn.ReLU"

    def __init__(self, ip=False, bigdl_type="float"):
        super().__init__(bool(ip))


class LogSoftMax(Layer):
    scala_class = "ferrodl.nn.LogSoftMax"

    def __init__(self, bigdl_type="float"):
        super().__init__()


class Dropout(Layer):
    scala_class = "ferrodl.nn.Dropout"

    def __init__(self, init_p=0.5, inplace=False, scale=True, bigdl_type="float"):
        super().__init__(float(init_p), bool(inplace), bool(scale))


# Every other wrapper, so that ``from ferrodl.nn.layer import *`` gives all of them.
from ferrodl.nn.initialization_method import *  # noqa: E402,F401,F403
from ferrodl.nn.layers_activation import *  # noqa: E402,F401,F403
from ferrodl.nn.layers_shape import *  # noqa: E402,F401,F403
from ferrodl.nn.layers_learned import *  # noqa: E402,F401,F403
from ferrodl.nn.layers_table import *  # noqa: E402,F401,F403
from ferrodl.nn.layers_more_shape import *  # noqa: E402,F401,F403
from ferrodl.nn.layers_conv import *  # noqa: E402,F401,F403
from ferrodl.nn.layers_recurrent import *  # noqa: E402,F401,F403
