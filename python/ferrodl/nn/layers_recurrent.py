"""Recurrent layers with BigDL's Python names: ``Recurrent().add(LSTM(input_size, hidden_size))``,
``BiRecurrent``, ``RecurrentDecoder``, the cells ``RnnCell``, ``LSTM``, ``LSTMPeephole``, ``GRU`` and ``MultiRNNCell``
(and ``ConvLSTMPeephole`` / ``ConvLSTMPeephole3D`` over image sequences),
``TimeDistributed`` and ``Highway``. Inputs are ``[batch, time, feature]``; gate order and the
parameter layout of each cell are in docs/recurrent.md."""

from ferrodl.util import jvm as _jvm
from ferrodl.nn.layer_base import Container, Layer, activity_from_java, activity_to_java


class _HiddenState:
    """BigDL's ``set_hidden_state`` / ``get_hidden_state``: a cell's state is ``h`` as a
    ``[batch, hidden]`` array (RnnCell, GRU) or the list ``[h, c]`` (LSTM, LSTMPeephole); a
    MultiRNNCell gives a list of its cells' states, a BiRecurrent ``[forward, backward]``. The
    state set is where every following forward starts (``None``: zeros), also inside a model."""

    def set_hidden_state(self, state):
        _jvm.call(self.value, "setHiddenState", None if state is None else activity_to_java(state))
        return self

    def get_hidden_state(self):
        """The state after the last step of the last forward."""
        return activity_from_java(_jvm.call(self.value, "getHiddenState"))


class Recurrent(_HiddenState, Container):
    """Runs its one cell over every time step of ``[batch, time, feature]`` and returns all steps
    (``[batch, time, hidden]``). With ``mask_zero``, steps whose input is all zeros (padding)
    keep the previous state and give zero output and zero gradient."""

    scala_class = "ferrodl.nn.Recurrent"

    def __init__(self, mask_zero=False, bigdl_type="float"):
        super().__init__(bool(mask_zero))


class BiRecurrent(_HiddenState, Container):
    """The cell over the sequence and a copy over the reversed sequence, merged by ``merge``:
    ``CAddTable()`` (the default) sums them, ``JoinTable(3, 3)`` concatenates the features."""

    scala_class = "ferrodl.nn.BiRecurrent"

    def __init__(self, merge=None, mask_zero=False, bigdl_type="float"):
        self.merge = merge
        super().__init__(None if merge is None else merge.value, bool(mask_zero))


class RecurrentDecoder(_HiddenState, Container):
    """From one step ``[batch, feature]``, runs its cell ``output_length`` steps feeding each
    step's output back as the next input; returns ``[batch, output_length, hidden]``."""

    scala_class = "ferrodl.nn.RecurrentDecoder"

    def __init__(self, output_length, bigdl_type="float"):
        super().__init__(int(output_length))


class RnnCell(Layer):
    """``h' = activation(W x + b_w + U h + b_u)``."""

    scala_class = "ferrodl.nn.RnnCell"

    def __init__(self, input_size, hidden_size, activation, isInputWithBias=True, isHiddenWithBias=True,
                 wRegularizer=None, uRegularizer=None, bRegularizer=None, bigdl_type="float"):
        super().__init__(int(input_size), int(hidden_size), activation.value, bool(isInputWithBias),
                         bool(isHiddenWithBias), wRegularizer, uRegularizer, bRegularizer)


class LSTM(Layer):
    """A long short-term memory cell (gates i, f, g, o as in BigDL); ``p`` is the dropout rate."""

    scala_class = "ferrodl.nn.LSTM"

    def __init__(self, input_size, hidden_size, p=0.0, activation=None, inner_activation=None,
                 wRegularizer=None, uRegularizer=None, bRegularizer=None, bigdl_type="float"):
        super().__init__(int(input_size), int(hidden_size), float(p), _value(activation), _value(inner_activation),
                         wRegularizer, uRegularizer, bRegularizer)


class LSTMPeephole(Layer):
    """An LSTM cell whose gates also see the cell state (peephole connections)."""

    scala_class = "ferrodl.nn.LSTMPeephole"

    def __init__(self, input_size=4, hidden_size=3, p=0.0, wRegularizer=None, uRegularizer=None,
                 bRegularizer=None, bigdl_type="float"):
        super().__init__(int(input_size), int(hidden_size), float(p), wRegularizer, uRegularizer, bRegularizer)


class ConvLSTMPeephole(Layer):
    """A convolutional LSTM cell with peepholes over ``[batch, time, input_size, H, W]`` steps
    (``padding=-1``: SAME); runs inside ``Recurrent`` or ``BiRecurrent`` (``JoinTable(2, 4)`` joins the
    channels), alone or in a ``MultiRNNCell`` of convolutional cells. State: ``[h, c]``, each
    ``[batch, output_size, oH, oW]``."""

    scala_class = "ferrodl.nn.ConvLSTMPeephole"

    def __init__(self, input_size, output_size, kernel_i, kernel_c, stride=1, padding=-1, activation=None,
                 inner_activation=None, wRegularizer=None, uRegularizer=None, bRegularizer=None,
                 cRegularizer=None, with_peephole=True, bigdl_type="float"):
        super().__init__(int(input_size), int(output_size), int(kernel_i), int(kernel_c), int(stride), int(padding),
                         _value(activation), _value(inner_activation), wRegularizer, uRegularizer, bRegularizer,
                         cRegularizer, bool(with_peephole))


class ConvLSTMPeephole3D(Layer):
    """``ConvLSTMPeephole`` with 3-D convolutions over ``[batch, time, input_size, D, H, W]`` steps
    (activations fixed to Tanh and Sigmoid)."""

    scala_class = "ferrodl.nn.ConvLSTMPeephole3D"

    def __init__(self, input_size, output_size, kernel_i, kernel_c, stride=1, padding=-1, wRegularizer=None,
                 uRegularizer=None, bRegularizer=None, cRegularizer=None, with_peephole=True, bigdl_type="float"):
        super().__init__(int(input_size), int(output_size), int(kernel_i), int(kernel_c), int(stride), int(padding),
                         wRegularizer, uRegularizer, bRegularizer, cRegularizer, bool(with_peephole))


class GRU(Layer):
    """A gated recurrent unit (gates r, z, n, in PyTorch's formulation)."""

    scala_class = "ferrodl.nn.GRU"

    def __init__(self, input_size, output_size, p=0.0, activation=None, inner_activation=None,
                 wRegularizer=None, uRegularizer=None, bRegularizer=None, bigdl_type="float"):
        super().__init__(int(input_size), int(output_size), float(p), _value(activation), _value(inner_activation),
                         wRegularizer, uRegularizer, bRegularizer)


class MultiRNNCell(Layer):
    """Cells stacked inside one ``Recurrent`` or ``BiRecurrent`` (vector cells, or convolutional cells of
    one kind): each step feeds the next cell's input."""

    scala_class = "ferrodl.nn.MultiRNNCell"

    def __init__(self, cells, bigdl_type="float"):
        self.cells = list(cells)
        super().__init__(_jvm.api("cells", _jvm.java_list([c.value for c in self.cells])))


class TimeDistributed(Container):
    """Applies ``layer`` to every step of ``[batch, time, ...]`` (time folded into the batch)."""

    scala_class = "ferrodl.nn.TimeDistributed"

    def __init__(self, layer, bigdl_type="float"):
        self.layer = layer
        super().__init__(layer.value)


class Highway(Layer):
    """``t = sigmoid(W_t x + b_t)``, ``y = t * activation(W_h x + b_h) + (1 - t) * x``."""

    scala_class = "ferrodl.nn.Highway"

    def __init__(self, size, with_bias=True, activation=None, wRegularizer=None, bRegularizer=None,
                 bigdl_type="float"):
        super().__init__(int(size), bool(with_bias), _value(activation), wRegularizer, bRegularizer)


def _value(layer):
    return None if layer is None else layer.value
