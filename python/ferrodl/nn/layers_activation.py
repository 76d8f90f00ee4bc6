"""Element-wise layers (activations, constants, powers), softmaxes and pass-through layers, with
BigDL's Python names and keyword arguments; re-exported by ``ferrodl.nn.layer``.

Scala: Pointwise.scala, SoftMax.scala, Identity.scala. ``inplace``/``ip`` flags are passed on and
have no effect (the engine never aliases input and output).
"""

from ferrodl.nn.layer_base import Layer


class _NoArgs(Layer):
    """A layer whose Scala constructor takes no arguments."""

    def __init__(self, bigdl_type="float"):
        super().__init__()


class Sigmoid(_NoArgs):
    """``1 / (1 + e^-x)``."""

    scala_class = "ferrodl.nn.Sigmoid"


class ReLU6(Layer):
    """``min(max(x, 0), 6)``."""

    scala_class = "ferrodl.nn.ReLU6"

    def __init__(self, inplace=False, bigdl_type="float"):
        super().__init__(bool(inplace))


class LeakyReLU(Layer):
    """``x`` where ``x > 0``, else ``negval·x``."""

    scala_class = "ferrodl.nn.LeakyReLU"

    def __init__(self, negval=0.01, inplace=False, bigdl_type="float"):
        super().__init__(float(negval), bool(inplace))


class ELU(Layer):
    """``x`` where ``x > 0``, else ``alpha·(e^x - 1)``."""

    scala_class = "ferrodl.nn.ELU"

    def __init__(self, alpha=1.0, inplace=False, bigdl_type="float"):
        super().__init__(float(alpha), bool(inplace))


class HardTanh(Layer):
    """``x`` clamped to ``[min_value, max_value]``."""

    scala_class = "ferrodl.nn.HardTanh"

    def __init__(self, min_value=-1.0, max_value=1.0, inplace=False, bigdl_type="float"):
        super().__init__(float(min_value), float(max_value), bool(inplace))


class Clamp(Layer):
    """``x`` clamped to ``[min, max]``."""

    scala_class = "ferrodl.nn.Clamp"

    def __init__(self, min, max, bigdl_type="float"):
        super().__init__(float(min), float(max))


class HardSigmoid(_NoArgs):
    """``max(0, min(1, 0.2·x + 0.5))``."""

    scala_class = "ferrodl.nn.HardSigmoid"


class LogSigmoid(_NoArgs):
    """``log(1 / (1 + e^-x))``."""

    scala_class = "ferrodl.nn.LogSigmoid"


class SoftPlus(Layer):
    """``log(1 + e^(beta·x)) / beta``."""

    scala_class = "ferrodl.nn.SoftPlus"

    def __init__(self, beta=1.0, bigdl_type="float"):
        super().__init__(float(beta))


class SoftSign(_NoArgs):
    """``x / (1 + |x|)``."""

    scala_class = "ferrodl.nn.SoftSign"


class SoftShrink(Layer):
    """``x - λ`` above ``λ``, ``x + λ`` below ``-λ``, else 0."""

    scala_class = "ferrodl.nn.SoftShrink"

    def __init__(self, the_lambda=0.5, bigdl_type="float"):
        super().__init__(float(the_lambda))


class HardShrink(Layer):
    """``x`` where ``|x| > λ``, else 0."""

    scala_class = "ferrodl.nn.HardShrink"

    def __init__(self, the_lambda=0.5, bigdl_type="float"):
        super().__init__(float(the_lambda))


class TanhShrink(_NoArgs):
    """``x - tanh(x)``."""

    scala_class = "ferrodl.nn.TanhShrink"


class Threshold(Layer):
    """``x`` where ``x > th``, else ``v``."""

    scala_class = "ferrodl.nn.Threshold"

    def __init__(self, th=1e-6, v=0.0, ip=False, bigdl_type="float"):
        super().__init__(float(th), float(v), bool(ip))


class Abs(_NoArgs):
    """``|x|``."""

    scala_class = "ferrodl.nn.Abs"


class Square(_NoArgs):
    """``x²``."""

    scala_class = "ferrodl.nn.Square"


class Sqrt(_NoArgs):
    """``√x``."""

    scala_class = "ferrodl.nn.Sqrt"


class Exp(_NoArgs):
    """``e^x``."""

    scala_class = "ferrodl.nn.Exp"


class Log(_NoArgs):
    """``ln x``."""

    scala_class = "ferrodl.nn.Log"


class Power(Layer):
    """``(shift + scale·x)^power``."""

    scala_class = "ferrodl.nn.Power"

    def __init__(self, power, scale=1.0, shift=0.0, bigdl_type="float"):
        super().__init__(float(power), float(scale), float(shift))


class MulConstant(Layer):
    """``x · scalar``."""

    scala_class = "ferrodl.nn.MulConstant"

    def __init__(self, scalar, inplace=False, bigdl_type="float"):
        super().__init__(float(scalar), bool(inplace))


class AddConstant(Layer):
    """``x + constant_scalar``."""

    scala_class = "ferrodl.nn.AddConstant"

    def __init__(self, constant_scalar, inplace=False, bigdl_type="float"):
        super().__init__(float(constant_scalar), bool(inplace))


class SoftMax(_NoArgs):
    """Normalised exponentials over the feature dimension (the last of ``[n]``/``[batch, n]``, the
    channel of ``[C, H, W]``/``[batch, C, H, W]``)."""

    scala_class = "ferrodl.nn.SoftMax"


class SoftMin(_NoArgs):
    """The softmax of ``-x``, over the same dimension as ``SoftMax``."""

    scala_class = "ferrodl.nn.SoftMin"


class Identity(_NoArgs):
    """Passes its input through."""

    scala_class = "ferrodl.nn.Identity"


class Echo(_NoArgs):
    """Passes its input through (BigDL's debugging layer)."""

    scala_class = "ferrodl.nn.Echo"


class Contiguous(_NoArgs):
    """Passes its input through (the engine's tensors are always contiguous)."""

    scala_class = "ferrodl.nn.Contiguous"
