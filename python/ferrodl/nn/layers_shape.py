"""Layers that move, pick, reduce or pool elements, with BigDL's Python names and keyword arguments
(1-based dimensions; negative ones count from the end); re-exported by ``ferrodl.nn.layer``.

Scala: ShapeLayers.scala, Reductions.scala, SpatialAveragePooling.scala.
"""

from ferrodl.util import jvm as _jvm
from ferrodl.nn.layer_base import INTMIN, Layer, _ints


class View(Layer):
    """The same elements arranged as ``sizes`` (one entry may be -1). With ``num_input_dims`` n > 0,
    inputs with more than n dimensions keep their first one as the batch."""

    scala_class = "ferrodl.nn.View"

    def __init__(self, sizes, num_input_dims=0, bigdl_type="float"):
        sizes = [sizes] if isinstance(sizes, int) else sizes
        layer = _jvm.new(self.scala_class, _ints(sizes))
        if int(num_input_dims) != 0:
            layer = _jvm.call(layer, "setNumInputDims", int(num_input_dims))
        super().__init__(jvalue=layer)


class Squeeze(Layer):
    """Drops dimension ``dim`` if it has size 1, or every size-1 dimension when ``dim`` is None."""

    scala_class = "ferrodl.nn.Squeeze"

    def __init__(self, dim=None, num_input_dims=INTMIN, bigdl_type="float"):
        super().__init__(INTMIN if dim is None else int(dim), int(num_input_dims))


class Unsqueeze(Layer):
    """Inserts a size-1 dimension at ``pos``."""

    scala_class = "ferrodl.nn.Unsqueeze"

    def __init__(self, pos, num_input_dims=INTMIN, bigdl_type="float"):
        super().__init__(int(pos), int(num_input_dims))


class Transpose(Layer):
    """Swaps each pair of dimensions of ``permutations`` (a list of pairs), in order."""

    scala_class = "ferrodl.nn.Transpose"

    def __init__(self, permutations, bigdl_type="float"):
        pairs = [(int(a), int(b)) for a, b in permutations]
        array = _jvm.gateway().new_array(_jvm.jvm().scala.Tuple2, len(pairs))
        for i, (a, b) in enumerate(pairs):
            array[i] = _jvm.new("scala.Tuple2", a, b)
        super().__init__(array)


class Narrow(Layer):
    """``length`` elements from ``offset`` along ``dimension``; a negative length ends that far from the end."""

    scala_class = "ferrodl.nn.Narrow"

    def __init__(self, dimension, offset, length=1, bigdl_type="float"):
        super().__init__(int(dimension), int(offset), int(length))


class Select(Layer):
    """The slice at ``index`` along ``dim``, which disappears."""

    scala_class = "ferrodl.nn.Select"

    def __init__(self, dim, index, bigdl_type="float"):
        super().__init__(int(dim), int(index))


class Sum(Layer):
    """The sum (the mean when ``size_average``) along ``dimension``; with ``n_input_dims`` set and a
    larger input, the dimension moves past the batch."""

    scala_class = "ferrodl.nn.Sum"

    def __init__(self, dimension=1, n_input_dims=-1, size_average=False, squeeze=True, bigdl_type="float"):
        super().__init__(int(dimension), int(n_input_dims), bool(size_average), bool(squeeze))


class Mean(Layer):
    """The mean along ``dimension`` (see ``Sum``)."""

    scala_class = "ferrodl.nn.Mean"

    def __init__(self, dimension=1, n_input_dims=-1, squeeze=True, bigdl_type="float"):
        super().__init__(int(dimension), int(n_input_dims), bool(squeeze))


class Max(Layer):
    """The maximum along ``dim``; the gradient goes to the (first) maximum."""

    scala_class = "ferrodl.nn.Max"

    def __init__(self, dim=1, num_input_dims=INTMIN, bigdl_type="float"):
        super().__init__(int(dim), int(num_input_dims))


class Min(Layer):
    """The minimum along ``dim``; the gradient goes to the (first) minimum."""

    scala_class = "ferrodl.nn.Min"

    def __init__(self, dim=1, num_input_dims=INTMIN, bigdl_type="float"):
        super().__init__(int(dim), int(num_input_dims))


class SpatialAveragePooling(Layer):
    """Average pooling over ``kw x kh`` windows of every plane of ``[batch, planes, height, width]``.
    ``global_pooling`` pools each plane to 1x1; ``count_include_pad`` divides by the window size
    within the padded input; ``divide=False`` keeps sums."""

    scala_class = "ferrodl.nn.SpatialAveragePooling"

    def __init__(self, kw, kh, dw=1, dh=1, pad_w=0, pad_h=0, global_pooling=False, ceil_mode=False,
                 count_include_pad=True, divide=True, format="NCHW", bigdl_type="float"):
        if format != "NCHW":
            raise NotImplementedError("SpatialAveragePooling: only format='NCHW' is supported")
        super().__init__(int(kw), int(kh), int(dw), int(dh), int(pad_w), int(pad_h), bool(global_pooling),
                         bool(ceil_mode), bool(count_include_pad), bool(divide))
