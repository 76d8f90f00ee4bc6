"""Initialisation methods for ``Layer.set_init_method``, with BigDL's Python names
(``bigdl.nn.initialization_method``); re-exported by ``ferrodl.nn.layer``.

Each wraps ``ferrodl.nn.InitializationMethod`` (InitializationMethod.scala): the parameter-less ones
are Scala ``case object``s, the others case classes.
"""

from ferrodl.util import jvm as _jvm
from ferrodl.util.common import JavaValue


def _scala_object(name):
    """The instance of the Scala ``object ferrodl.nn.<name>``."""
    return getattr(getattr(_jvm.jvm().ferrodl.nn, name + "$"), "MODULE$")


class InitializationMethod(JavaValue):
    """How ``set_init_method`` fills a weight or a bias."""

    def name(self):
        """The engine's name of the method (BigDL's class name)."""
        return str(_jvm.call(self.value, "name"))

    def args(self):
        """The method's numeric arguments, as the engine receives them."""
        text = str(_jvm.call(_jvm.call(self.value, "args"), "mkString", ","))
        return [float(a) for a in text.split(",") if a]


class Zeros(InitializationMethod):
    """Every element 0."""

    def __init__(self, bigdl_type="float"):
        super().__init__(jvalue=_scala_object("Zeros"))


class Ones(InitializationMethod):
    """Every element 1."""

    def __init__(self, bigdl_type="float"):
        super().__init__(jvalue=_scala_object("Ones"))


class ConstInitMethod(InitializationMethod):
    """Every element ``value``."""

    scala_class = "ferrodl.nn.ConstInitMethod"

    def __init__(self, value, bigdl_type="float"):
        super().__init__(float(value))


class RandomUniform(InitializationMethod):
    """Uniform between the two bounds; without bounds, uniform in ``±1/√fan_in``.

    BigDL names the arguments ``(upper, lower)`` but passes them positionally to Scala's
    ``RandomUniform(lower, upper)``, so ``RandomUniform(-0.1, 0.1)`` is the common spelling; both
    that and ``RandomUniform(upper=0.1, lower=-0.1)`` give ``[-0.1, 0.1)`` here (the smaller bound
    is the lower one).
    """

    scala_class = "ferrodl.nn.RandomUniform"

    def __init__(self, upper=None, lower=None, bigdl_type="float"):
        if (upper is None) != (lower is None):
            raise ValueError("RandomUniform: give both bounds, or neither (uniform in ±1/sqrt(fan_in))")
        if upper is None:
            super().__init__(jvalue=_scala_object("RandomUniform"))
        else:
            lo, hi = sorted((float(upper), float(lower)))
            super().__init__(lo, hi)


class RandomNormal(InitializationMethod):
    """Normal with mean ``mean`` and standard deviation ``stdv``."""

    scala_class = "ferrodl.nn.RandomNormal"

    def __init__(self, mean, stdv, bigdl_type="float"):
        super().__init__(float(mean), float(stdv))


class Xavier(InitializationMethod):
    """Uniform in ``±√(6 / (fan_in + fan_out))`` (Glorot)."""

    def __init__(self, bigdl_type="float"):
        super().__init__(jvalue=_scala_object("Xavier"))


class MsraFiller(InitializationMethod):
    """Normal with ``σ = √(2 / n)``, ``n`` the mean of the fans (``fan_in`` when not ``varianceNormAverage``)."""

    scala_class = "ferrodl.nn.MsraFiller"

    def __init__(self, varianceNormAverage=True, bigdl_type="float"):
        super().__init__(bool(varianceNormAverage))


class BilinearFiller(InitializationMethod):
    """The kernels of a transposed convolution that upsamples bilinearly (for layers with a ``kh x kw`` kernel)."""

    def __init__(self, bigdl_type="float"):
        super().__init__(jvalue=_scala_object("BilinearFiller"))
