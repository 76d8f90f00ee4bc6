"""Criterions (loss functions) with BigDL's Python names (``bigdl.nn.criterion``)."""

import numpy as np

from ferrodl.util import jvm as _jvm
from ferrodl.util.common import JavaValue, tensor_from_java, tensor_to_java


class Criterion(JavaValue):
    """The base of every criterion: loss and gradient on numpy arrays."""

    def forward(self, input, target):
        """The loss (a float) of ``input`` against ``target``."""
        return float(_jvm.call(self.value, "forward", tensor_to_java(input), tensor_to_java(target)))

    def backward(self, input, target):
        """The gradient of the loss with respect to ``input``."""
        return tensor_from_java(_jvm.call(self.value, "backward", tensor_to_java(input), tensor_to_java(target)))


def _tensor_or_none(weights):
    return None if weights is None else tensor_to_java(np.asarray(weights, dtype=np.float32))


class ClassNLLCriterion(Criterion):
    """Negative log-likelihood of 1-based class labels on log-probabilities."""

    scala_class = "ferrodl.nn.ClassNLLCriterion"

    def __init__(self, weights=None, size_average=True, logProbAsInput=True, bigdl_type="float"):
        super().__init__(_tensor_or_none(weights), bool(size_average), bool(logProbAsInput), -1)


class MSECriterion(Criterion):
    scala_class = "ferrodl.nn.MSECriterion"

    def __init__(self, size_average=True, bigdl_type="float"):
        super().__init__(bool(size_average))
