"""Tables and graphs: table containers, table operations, and BigDL's functional API
(``Input()``, ``layer(node)``, ``Model(inputs, outputs)``)."""

from ferrodl.util import jvm as _jvm
from ferrodl.util.common import JavaValue
from ferrodl.nn.layer_base import INTMAX, Container, Layer


class Node(JavaValue):
    """A graph node: a layer and the nodes feeding it (made by calling a layer on nodes)."""

    def element(self):
        return Layer.of(self.value.element())

    def __repr__(self):
        return str(self.value.toString())


ModuleNode = Node


class Input(Node):
    """A graph input node (BigDL's ``Input()``)."""

    def __init__(self, name=None, bigdl_type="float"):
        super().__init__(jvalue=_jvm.static("ferrodl.nn.Input", "apply"))
        if name:
            _jvm.call(self.value.element(), "setName", name)


def _nodes(nodes):
    nodes = nodes if isinstance(nodes, (list, tuple)) else [nodes]
    for n in nodes:
        if not isinstance(n, Node):
            raise TypeError(f"expected graph nodes, got {type(n).__name__}")
    return _jvm.api("seq", _jvm.java_list([n.value for n in nodes]))


class Model(Layer):
    """A graph from its input and output nodes: ``Model([input], [output])`` (BigDL's ``Model``)."""

    scala_class = "ferrodl.nn.Graph"

    def __init__(self, inputs, outputs, bigdl_type="float"):
        super().__init__(_nodes(inputs), _nodes(outputs))

    @staticmethod
    def loadModel(path, bigdl_type="float"):
        """A model saved with ``save`` (from Python or Scala)."""
        return Layer.load(path)

    load = loadModel

    @staticmethod
    def load_onnx(path, bigdl_type="float"):
        """An ONNX model as a ferrodl model (see ``ferrodl.nn.onnx`` and docs/onnx.md)."""
        from ferrodl.nn.onnx import load_onnx
        return load_onnx(path)

    loadONNX = load_onnx

    def node(self, name):
        return Node(jvalue=_jvm.call(self.value, "node", name))

    def freeze(self, names):
        _jvm.call(self.value, "freeze", _jvm.api("seq", _jvm.java_list(list(names))))
        return self

    def stop_gradient(self, names):
        arr = _jvm.gateway().new_array(_jvm.jvm().java.lang.String, len(names))
        for i, n in enumerate(names):
            arr[i] = n
        _jvm.call(self.value, "stopGradient", arr)
        return self


Graph = Model


class ConcatTable(Container):
    """Every child gets the same input; the output is the table of their outputs."""

    scala_class = "ferrodl.nn.ConcatTable"


class ParallelTable(Container):
    """Child i gets element i of the input table."""

    scala_class = "ferrodl.nn.ParallelTable"


class Concat(Container):
    """Every child gets the input; their outputs are joined along ``dimension`` (1-based, with the batch)."""

    scala_class = "ferrodl.nn.Concat"

    def __init__(self, dimension, bigdl_type="float"):
        super().__init__(int(dimension))


class CAddTable(Layer):
    scala_class = "ferrodl.nn.CAddTable"

    def __init__(self, inplace=False, bigdl_type="float"):
        super().__init__(bool(inplace))


class CAveTable(Layer):
    scala_class = "ferrodl.nn.CAveTable"

    def __init__(self, inplace=False, bigdl_type="float"):
        super().__init__(bool(inplace))


class CSubTable(Layer):
    scala_class = "ferrodl.nn.CSubTable"


class CMulTable(Layer):
    scala_class = "ferrodl.nn.CMulTable"


class CDivTable(Layer):
    scala_class = "ferrodl.nn.CDivTable"


class CMaxTable(Layer):
    scala_class = "ferrodl.nn.CMaxTable"


class CMinTable(Layer):
    scala_class = "ferrodl.nn.CMinTable"


class JoinTable(Layer):
    """Joins a table of tensors along ``dimension``, past a batch dimension beyond ``n_input_dims``."""

    scala_class = "ferrodl.nn.JoinTable"

    def __init__(self, dimension, n_input_dims, bigdl_type="float"):
        super().__init__(int(dimension), int(n_input_dims))


class SelectTable(Layer):
    scala_class = "ferrodl.nn.SelectTable"

    def __init__(self, index, bigdl_type="float"):
        super().__init__(int(index))


class NarrowTable(Layer):
    scala_class = "ferrodl.nn.NarrowTable"

    def __init__(self, offset, length=1, bigdl_type="float"):
        super().__init__(int(offset), int(length))


class SplitTable(Layer):
    """The slices of a tensor along ``dimension`` (1-based), past a batch dimension beyond ``n_input_dims``."""

    scala_class = "ferrodl.nn.SplitTable"

    def __init__(self, dimension, n_input_dims=-1, bigdl_type="float"):
        super().__init__(int(dimension), int(n_input_dims))


class FlattenTable(Layer):
    """Every tensor of a nested table (nested lists), depth first, in one flat table."""

    scala_class = "ferrodl.nn.FlattenTable"


class Pack(Layer):
    """Stacks a table of same-shaped tensors along a new ``dimension`` (1-based)."""

    scala_class = "ferrodl.nn.Pack"

    def __init__(self, dimension, bigdl_type="float"):
        super().__init__(int(dimension))


class MM(Layer):
    """The product of a table of two matrices (optionally transposed), batched for 3-d inputs."""

    scala_class = "ferrodl.nn.MM"

    def __init__(self, trans_a=False, trans_b=False, bigdl_type="float"):
        super().__init__(bool(trans_a), bool(trans_b))


class MV(Layer):
    """The product of a matrix (optionally transposed) and a vector, batched for a 3-d matrix."""

    scala_class = "ferrodl.nn.MV"

    def __init__(self, trans=False, bigdl_type="float"):
        super().__init__(bool(trans))


class DotProduct(Layer):
    """The dot product of each pair of rows of a table of two tensors."""

    scala_class = "ferrodl.nn.DotProduct"


class PairwiseDistance(Layer):
    """The ``norm``-distance between each pair of rows of a table of two tensors."""

    scala_class = "ferrodl.nn.PairwiseDistance"

    def __init__(self, norm=2, bigdl_type="float"):
        super().__init__(int(norm))


class CosineDistance(Layer):
    """The cosine similarity of each pair of rows of a table of two tensors (BigDL's name)."""

    scala_class = "ferrodl.nn.CosineDistance"


class MapTable(Container):
    """Applies ``module`` to every element of the input table; all copies share its parameters."""

    scala_class = "ferrodl.nn.MapTable"

    def __init__(self, module=None, bigdl_type="float"):
        super().__init__(None if module is None else module.value)


class Bottle(Container):
    """Runs ``module`` (made for ``n_input_dim``-d inputs) on inputs with more leading dimensions."""

    scala_class = "ferrodl.nn.Bottle"

    def __init__(self, module, n_input_dim=2, n_output_dim1=INTMAX, bigdl_type="float"):
        super().__init__(module.value, int(n_input_dim), int(n_output_dim1))


class Index(Layer):
    """For the input ``[t, index]``, the slices of ``t`` along ``dimension`` (1-based) at the 1-based positions in ``index``."""

    scala_class = "ferrodl.nn.Index"

    def __init__(self, dimension, bigdl_type="float"):
        super().__init__(int(dimension))
