"""Layers with learned parameters besides Linear and SpatialConvolution: normalisation, embeddings,
learned scales and shifts, with BigDL's Python names and keyword arguments; re-exported by
``ferrodl.nn.layer``.

Scala: BatchNormalization.scala, LookupTable.scala, ScaleShift.scala. BigDL's ``init_weight``-style
arrays are not supported (use ``set_weights`` or ``set_init_method``).
"""

from ferrodl.nn.layer_base import DOUBLEMAX, Layer, _ints


def _no_init_arrays(name, *arrays):
    if any(a is not None for a in arrays):
        raise NotImplementedError(f"{name}: init_weight/init_bias arrays are not supported; use set_weights")


class BatchNormalization(Layer):
    """Normalises each of ``n_output`` features of ``[batch, n_output]`` by batch statistics in training
    and running statistics in evaluation; ``affine`` adds a learned scale and shift."""

    scala_class = "ferrodl.nn.BatchNormalization"

    def __init__(self, n_output, eps=1e-5, momentum=0.1, affine=True, init_weight=None, init_bias=None,
                 init_grad_weight=None, init_grad_bias=None, bigdl_type="float"):
        _no_init_arrays(type(self).__name__, init_weight, init_bias, init_grad_weight, init_grad_bias)
        super().__init__(int(n_output), float(eps), float(momentum), bool(affine))


class SpatialBatchNormalization(Layer):
    """BatchNormalization over the channels of ``[batch, n_output, height, width]`` images."""

    scala_class = "ferrodl.nn.SpatialBatchNormalization"

    def __init__(self, n_output, eps=1e-5, momentum=0.1, affine=True, init_weight=None, init_bias=None,
                 init_grad_weight=None, init_grad_bias=None, data_format="NCHW", bigdl_type="float"):
        if data_format != "NCHW":
            raise NotImplementedError("SpatialBatchNormalization: only data_format='NCHW' is supported")
        _no_init_arrays(type(self).__name__, init_weight, init_bias, init_grad_weight, init_grad_bias)
        super().__init__(int(n_output), float(eps), float(momentum), bool(affine))


class LookupTable(Layer):
    """An embedding: each input element is a 1-based index into ``n_index`` learned rows of ``n_output``.
    Rows at ``padding_value`` (when non-zero) get no gradient. ``max_norm`` is not supported yet."""

    scala_class = "ferrodl.nn.LookupTable"

    def __init__(self, n_index, n_output, padding_value=0.0, max_norm=DOUBLEMAX, norm_type=2.0,
                 should_scale_grad_by_freq=False, wRegularizer=None, bigdl_type="float"):
        super().__init__(int(n_index), int(n_output), float(padding_value), float(max_norm), float(norm_type),
                         bool(should_scale_grad_by_freq), wRegularizer)


class CMul(Layer):
    """``y = x ⊙ w`` with ``w`` of shape ``size``, broadcast over the input."""

    scala_class = "ferrodl.nn.CMul"

    def __init__(self, size, wRegularizer=None, bigdl_type="float"):
        super().__init__(_ints(size), wRegularizer)


class CAdd(Layer):
    """``y = x + b`` with ``b`` of shape ``size``, broadcast over the input."""

    scala_class = "ferrodl.nn.CAdd"

    def __init__(self, size, bRegularizer=None, bigdl_type="float"):
        super().__init__(_ints(size), bRegularizer)


class Mul(Layer):
    """``y = w·x`` with one learned scalar ``w``."""

    scala_class = "ferrodl.nn.Mul"

    def __init__(self, bigdl_type="float"):
        super().__init__()


class Add(Layer):
    """``y = x + b`` with a learned bias of ``input_size`` over the last dimension."""

    scala_class = "ferrodl.nn.Add"

    def __init__(self, input_size, bigdl_type="float"):
        super().__init__(int(input_size))


class PReLU(Layer):
    """Parametric ReLU: a learned slope for negative inputs per channel (one for all when 0)."""

    scala_class = "ferrodl.nn.PReLU"

    def __init__(self, n_output_plane=0, bigdl_type="float"):
        super().__init__(int(n_output_plane))
