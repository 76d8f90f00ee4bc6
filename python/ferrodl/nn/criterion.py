"""Criterions (loss functions) with BigDL's Python names and keyword arguments (``bigdl.nn.criterion``);
each passes its arguments in the order of its Scala class's constructor (jvm/src/main/scala/ferrodl/nn)."""

import numpy as np

from ferrodl.util import jvm as _jvm
from ferrodl.util.common import JavaValue, tensor_from_java, tensor_to_java


class Criterion(JavaValue):
    """The base of every criterion: loss and gradient on numpy arrays."""

    def forward(self, input, target):
        """The loss (a float) of ``input`` against ``target`` (numpy arrays, or lists of them for tables)."""
        from ferrodl.nn.layer_base import activity_to_java
        return float(_jvm.api("criterionForward", self.value, activity_to_java(input), activity_to_java(target)))

    def backward(self, input, target):
        """The gradient of the loss with respect to ``input`` (a list for a table input)."""
        from ferrodl.nn.layer_base import activity_from_java, activity_to_java
        return activity_from_java(
            _jvm.api("criterionBackward", self.value, activity_to_java(input), activity_to_java(target)))


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


# Element-wise criterions (ElementwiseCriterions.scala): input and target have the same number of elements.

class AbsCriterion(Criterion):
    """Mean absolute error ``|x - t|`` (summed when not ``size_average``)."""

    scala_class = "ferrodl.nn.AbsCriterion"

    def __init__(self, size_average=True, bigdl_type="float"):
        super().__init__(bool(size_average))


class SmoothL1Criterion(Criterion):
    """Huber loss with threshold 1: ``0.5·d²`` where ``|d| < 1``, else ``|d| - 0.5``."""

    scala_class = "ferrodl.nn.SmoothL1Criterion"

    def __init__(self, size_average=True, bigdl_type="float"):
        super().__init__(bool(size_average))


class SoftMarginCriterion(Criterion):
    """Two-class logistic loss ``log(1 + exp(-t·x))``, targets in {-1, 1}."""

    scala_class = "ferrodl.nn.SoftMarginCriterion"

    def __init__(self, size_average=True, bigdl_type="float"):
        super().__init__(bool(size_average))


class DistKLDivCriterion(Criterion):
    """Kullback-Leibler divergence ``t·(log t - x)`` of target probabilities from log-probabilities ``x``."""

    scala_class = "ferrodl.nn.DistKLDivCriterion"

    def __init__(self, size_average=True, bigdl_type="float"):
        super().__init__(bool(size_average))


class MeanAbsolutePercentageCriterion(Criterion):
    """``100·|t - x| / max(|t|, 1e-7)``, averaged (Keras' ``mean_absolute_percentage_error``)."""

    scala_class = "ferrodl.nn.MeanAbsolutePercentageCriterion"

    def __init__(self, size_average=True, bigdl_type="float"):
        super().__init__(bool(size_average))


class MeanSquaredLogarithmicCriterion(Criterion):
    """``(log(max(x, 1e-7) + 1) - log(max(t, 1e-7) + 1))²``, averaged (Keras' ``mean_squared_logarithmic_error``)."""

    scala_class = "ferrodl.nn.MeanSquaredLogarithmicCriterion"

    def __init__(self, size_average=True, bigdl_type="float"):
        super().__init__(bool(size_average))


class PoissonCriterion(Criterion):
    """Poisson negative log-likelihood ``x - t·log(x + 1e-7)``, averaged (Keras' ``poisson``)."""

    scala_class = "ferrodl.nn.PoissonCriterion"

    def __init__(self, size_average=True, bigdl_type="float"):
        super().__init__(bool(size_average))


class BCECriterion(Criterion):
    """Binary cross-entropy on probabilities in (0, 1), with optional ``weights`` per element of a row."""

    scala_class = "ferrodl.nn.BCECriterion"

    def __init__(self, weights=None, size_average=True, bigdl_type="float"):
        super().__init__(_tensor_or_none(weights), bool(size_average))


class MarginCriterion(Criterion):
    """Hinge loss ``max(0, margin - x·t)`` (squared when ``squared``), targets in {-1, 1}."""

    scala_class = "ferrodl.nn.MarginCriterion"

    def __init__(self, margin=1.0, size_average=True, squared=False, bigdl_type="float"):
        super().__init__(float(margin), bool(size_average), bool(squared))


# Criterions on class scores and probabilities (CrossEntropyCriterion.scala, MarginCriterions.scala,
# ProbabilityCriterions.scala); class labels are 1-based.

class CrossEntropyCriterion(Criterion):
    """LogSoftMax followed by ClassNLLCriterion, on raw scores ``[batch, n_classes]``."""

    scala_class = "ferrodl.nn.CrossEntropyCriterion"

    def __init__(self, weights=None, size_average=True, bigdl_type="float"):
        super().__init__(_tensor_or_none(weights), bool(size_average))


class MultiMarginCriterion(Criterion):
    """Multi-class hinge loss of class targets; ``p`` is 1 or 2, optional ``weights`` per class."""

    scala_class = "ferrodl.nn.MultiMarginCriterion"

    def __init__(self, p=1, weights=None, margin=1.0, size_average=True, bigdl_type="float"):
        super().__init__(int(p), _tensor_or_none(weights), float(margin), bool(size_average))


class MultiLabelMarginCriterion(Criterion):
    """Multi-class multi-label hinge loss; each target row lists target classes, ended by the first 0."""

    scala_class = "ferrodl.nn.MultiLabelMarginCriterion"

    def __init__(self, size_average=True, bigdl_type="float"):
        super().__init__(bool(size_average))


class MultiLabelSoftMarginCriterion(Criterion):
    """Multi-label loss on scores through a sigmoid, targets in {0, 1}, optional ``weights`` per class."""

    scala_class = "ferrodl.nn.MultiLabelSoftMarginCriterion"

    def __init__(self, weights=None, size_average=True, bigdl_type="float"):
        super().__init__(_tensor_or_none(weights), bool(size_average))


class HingeEmbeddingCriterion(Criterion):
    """``x`` where the target is 1, ``max(0, margin - x)`` where it is -1."""

    scala_class = "ferrodl.nn.HingeEmbeddingCriterion"

    def __init__(self, margin=1.0, size_average=True, bigdl_type="float"):
        super().__init__(float(margin), bool(size_average))


class CategoricalCrossEntropy(Criterion):
    """Cross-entropy of probabilities against one-hot targets of the same shape."""

    scala_class = "ferrodl.nn.CategoricalCrossEntropy"

    def __init__(self, bigdl_type="float"):
        super().__init__()


class KullbackLeiblerDivergenceCriterion(Criterion):
    """Keras' ``kullback_leibler_divergence``: ``Σ t·log(t / x)`` (clipped to [1e-7, 1]) over the batch size."""

    scala_class = "ferrodl.nn.KullbackLeiblerDivergenceCriterion"

    def __init__(self, bigdl_type="float"):
        super().__init__()


class ClassSimplexCriterion(Criterion):
    """MSE between the input and the vertex of a regular simplex for each sample's class."""

    scala_class = "ferrodl.nn.ClassSimplexCriterion"

    def __init__(self, n_classes, bigdl_type="float"):
        super().__init__(int(n_classes))


# Criterions comparing vectors (VectorCriterions.scala).

class CosineDistanceCriterion(Criterion):
    """``1 - cos(x, t)`` of each sample."""

    scala_class = "ferrodl.nn.CosineDistanceCriterion"

    def __init__(self, size_average=True, bigdl_type="float"):
        super().__init__(bool(size_average))


class CosineProximityCriterion(Criterion):
    """Keras' negative cosine proximity: ``-mean(x'·t')`` of L2-normalised vectors (last dimension)."""

    scala_class = "ferrodl.nn.CosineProximityCriterion"

    def __init__(self, bigdl_type="float"):
        super().__init__()


class DotProductCriterion(Criterion):
    """The dot product of input and target (divided by the batch size when ``size_average``)."""

    scala_class = "ferrodl.nn.DotProductCriterion"

    def __init__(self, size_average=False, bigdl_type="float"):
        super().__init__(bool(size_average))


class DiceCoefficientCriterion(Criterion):
    """Dice loss ``1 - (2·Σ x·t + epsilon) / (Σ x + Σ t + epsilon)`` of each sample."""

    scala_class = "ferrodl.nn.DiceCoefficientCriterion"

    def __init__(self, size_average=True, epsilon=1.0, bigdl_type="float"):
        super().__init__(bool(size_average), float(epsilon))


class L1Cost(Criterion):
    """The L1 norm ``Σ |x|`` of the input (the target is ignored)."""

    scala_class = "ferrodl.nn.L1Cost"

    def __init__(self, bigdl_type="float"):
        super().__init__()


# Criterions made of criterions (CompositeCriterions.scala).

class MultiCriterion(Criterion):
    """A weighted sum of criterions, each applied to the same input and target."""

    scala_class = "ferrodl.nn.MultiCriterion"

    def __init__(self, bigdl_type="float"):
        super().__init__()
        self.criterions = []

    def add(self, criterion, weight=1.0):
        """Adds ``criterion`` with ``weight`` to the sum."""
        _jvm.call(self.value, "add", criterion.value, float(weight))
        self.criterions.append((criterion, float(weight)))
        return self


class TimeDistributedCriterion(Criterion):
    """Applies ``criterion`` to every slice along the 1-based ``dimension`` (2: time) and sums the
    losses (divided by the number of slices when ``size_average``)."""

    scala_class = "ferrodl.nn.TimeDistributedCriterion"

    def __init__(self, criterion, size_average=False, dimension=2, bigdl_type="float"):
        self.criterion = criterion
        super().__init__(criterion.value, bool(size_average), int(dimension))


class ParallelCriterion(Criterion):
    """A weighted sum of criterions over tables: criterion i gets element i of input and target
    (the whole target for each with ``repeat_target``). Trains models with several outputs."""

    scala_class = "ferrodl.nn.ParallelCriterion"

    def __init__(self, repeat_target=False, bigdl_type="float"):
        super().__init__(bool(repeat_target))
        self.criterions = []

    def add(self, criterion, weight=1.0):
        """Adds ``criterion`` with ``weight``."""
        _jvm.call(self.value, "add", criterion.value, float(weight))
        self.criterions.append((criterion, float(weight)))
        return self


from ferrodl.nn.criterions_table import *  # noqa: E402,F401,F403  (criterions over tables, CTC, SoftmaxWith)
