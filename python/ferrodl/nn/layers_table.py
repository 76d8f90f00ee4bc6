"""Tables and graphs: table containers, table operations, and BigDL's functional API
(``Input()``, ``layer(node)``, ``Model(inputs, outputs)``)."""

from ferrodl.util import jvm as _jvm
from ferrodl.util.common import JavaValue
from ferrodl.nn.layer_base import Container, Layer


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
