"""Optimisation methods, learning-rate schedules and regularisers (BigDL's names)."""

import sys

from ferrodl.util import jvm as _jvm
from ferrodl.util.common import JavaValue

DOUBLEMAX = sys.float_info.max


# Regularisers ---------------------------------------------------------------------------------

class L1Regularizer(JavaValue):
    scala_class = "ferrodl.optim.L1Regularizer"

    def __init__(self, l1):
        super().__init__(float(l1))


class L2Regularizer(JavaValue):
    scala_class = "ferrodl.optim.L2Regularizer"

    def __init__(self, l2):
        super().__init__(float(l2))


class L1L2Regularizer(JavaValue):
    scala_class = "ferrodl.optim.L1L2Regularizer"

    def __init__(self, l1, l2):
        super().__init__(float(l1), float(l2))


# Learning-rate schedules ----------------------------------------------------------------------

class LearningRateSchedule(JavaValue):
    pass


class Default(LearningRateSchedule):
    scala_class = "ferrodl.optim.SGD$Default"


class Step(LearningRateSchedule):
    scala_class = "ferrodl.optim.SGD$Step"

    def __init__(self, step_size, gamma):
        super().__init__(int(step_size), float(gamma))


class MultiStep(LearningRateSchedule):
    scala_class = "ferrodl.optim.SGD$MultiStep"

    def __init__(self, step_sizes, gamma):
        super().__init__(_jvm.int_array(step_sizes), float(gamma))


class Poly(LearningRateSchedule):
    scala_class = "ferrodl.optim.SGD$Poly"

    def __init__(self, power, max_iteration):
        super().__init__(float(power), int(max_iteration))


class Exponential(LearningRateSchedule):
    scala_class = "ferrodl.optim.SGD$Exponential"

    def __init__(self, decay_step, decay_rate, stair_case=False):
        super().__init__(int(decay_step), float(decay_rate), bool(stair_case))


class NaturalExp(LearningRateSchedule):
    scala_class = "ferrodl.optim.SGD$NaturalExp"

    def __init__(self, decay_step, gamma):
        super().__init__(int(decay_step), float(gamma))


class Warmup(LearningRateSchedule):
    scala_class = "ferrodl.optim.SGD$Warmup"

    def __init__(self, delta):
        super().__init__(float(delta))


class EpochStep(LearningRateSchedule):
    scala_class = "ferrodl.optim.SGD$EpochStep"

    def __init__(self, step_size, gamma):
        super().__init__(int(step_size), float(gamma))


# Optimisation methods -------------------------------------------------------------------------

class OptimMethod(JavaValue):
    """An optimisation method; ``save``/``load`` keep its state and training progress."""

    def save(self, path, overWrite=False):
        _jvm.call(self.value, "save", path, overWrite)
        return self

    @staticmethod
    def load(path, bigdl_type="float"):
        return OptimMethod.of(_jvm.static("ferrodl.optim.OptimMethod", "load", path))


class SGD(OptimMethod):
    """BigDL's SGD; ``learningrates`` and ``weightdecays`` are per-parameter multipliers (arrays the
    length of the flat weights)."""

    scala_class = "ferrodl.optim.SGD"

    def __init__(self, learningrate=1e-3, learningrate_decay=0.0, weightdecay=0.0, momentum=0.0,
                 dampening=DOUBLEMAX, nesterov=False, leaningrate_schedule=None, learningrates=None,
                 weightdecays=None, bigdl_type="float"):
        from ferrodl.util.common import tensor_to_java
        import numpy as np

        def flat(a):
            return None if a is None else tensor_to_java(np.asarray(a, dtype=np.float32).ravel())
        super().__init__(float(learningrate), float(learningrate_decay), float(weightdecay), float(momentum),
                         float(dampening), bool(nesterov), leaningrate_schedule, flat(learningrates),
                         flat(weightdecays))


class Adam(OptimMethod):
    scala_class = "ferrodl.optim.Adam"

    def __init__(self, learningrate=1e-3, learningrate_decay=0.0, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 bigdl_type="float"):
        super().__init__(float(learningrate), float(learningrate_decay), float(beta1), float(beta2), float(epsilon))


class AdamW(OptimMethod):
    scala_class = "ferrodl.optim.AdamW"

    def __init__(self, learningrate=1e-3, beta1=0.9, beta2=0.999, epsilon=1e-8, weight_decay=0.01):
        super().__init__(float(learningrate), float(beta1), float(beta2), float(epsilon), float(weight_decay))


class Adamax(OptimMethod):
    scala_class = "ferrodl.optim.Adamax"

    def __init__(self, learningrate=0.002, beta1=0.9, beta2=0.999, epsilon=1e-38, bigdl_type="float"):
        super().__init__(float(learningrate), float(beta1), float(beta2), float(epsilon))


class Adagrad(OptimMethod):
    scala_class = "ferrodl.optim.Adagrad"

    def __init__(self, learningrate=1e-3, learningrate_decay=0.0, weightdecay=0.0, bigdl_type="float"):
        super().__init__(float(learningrate), float(learningrate_decay), float(weightdecay))


class RMSprop(OptimMethod):
    scala_class = "ferrodl.optim.RMSprop"

    def __init__(self, learningrate=1e-2, learningrate_decay=0.0, decayrate=0.99, epsilon=1e-8, bigdl_type="float"):
        super().__init__(float(learningrate), float(learningrate_decay), float(decayrate), float(epsilon))


class Adadelta(OptimMethod):
    scala_class = "ferrodl.optim.Adadelta"

    def __init__(self, decayrate=0.9, epsilon=1e-10, bigdl_type="float"):
        super().__init__(float(decayrate), float(epsilon))


def _method_from_state(name, state):
    """BigDL 0.1's ``optim_method="SGD", state={...}`` form."""
    state = dict(state or {})
    keys = {"learningRate": "learningrate", "learningRateDecay": "learningrate_decay",
            "weightDecay": "weightdecay", "momentum": "momentum", "dampening": "dampening",
            "nesterov": "nesterov", "beta1": "beta1", "beta2": "beta2", "epsilon": "epsilon"}
    kwargs = {keys[k]: v for k, v in state.items() if k in keys}
    unknown = sorted(set(state) - set(keys) - {"batchSize"})
    if unknown:
        raise ValueError(f"unknown keys in state: {unknown}")
    methods = {"sgd": SGD, "adam": Adam, "adagrad": Adagrad, "rmsprop": RMSprop, "adamax": Adamax,
               "adadelta": Adadelta}
    if name.lower() not in methods:
        raise ValueError(f"unknown optim_method {name!r}; known: {sorted(methods)}")
    return methods[name.lower()](**kwargs)
