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


class Ftrl(OptimMethod):
    """Follow the regularized leader (BigDL's Ftrl)."""

    scala_class = "ferrodl.optim.Ftrl"

    def __init__(self, learningrate=1e-3, learningrate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 l2_shrinkage_regularization_strength=0.0, bigdl_type="float"):
        super().__init__(float(learningrate), float(learningrate_power), float(initial_accumulator_value),
                         float(l1_regularization_strength), float(l2_regularization_strength),
                         float(l2_shrinkage_regularization_strength))


class LBFGS(OptimMethod):
    """L-BFGS with BigDL's parameters. Without a line search, one iteration per training step;
    with ``linesearch=lswolfe()`` (or the string ``"lswolfe"``), every training step runs
    up to ``max_iter`` iterations with a strong Wolfe line search, each evaluation at a trial
    point a full loss and gradient pass over the step's mini-batch. ``linesearch_options`` is a
    dict with lswolfe's keys ``c1``, ``c2``, ``tolX`` and ``maxIter``."""

    scala_class = "ferrodl.optim.LBFGS"

    def __init__(self, max_iter=20, max_eval=DOUBLEMAX, tolfun=1e-5, tolx=1e-9, ncorrection=100, learningrate=1.0,
                 verbose=False, linesearch=None, linesearch_options=None, bigdl_type="float"):
        if linesearch is None:
            search = _jvm.api("option", None)
            if linesearch_options is not None:
                raise ValueError("LBFGS: linesearch_options need a linesearch (lswolfe)")
        elif linesearch == "lswolfe" or isinstance(linesearch, lswolfe):
            search = _jvm.api("option", _jvm.jvm().ferrodl.optim.lswolfe())
        else:
            raise ValueError(f"LBFGS: unknown line search {linesearch!r}; ferrodl runs lswolfe (strong Wolfe)")
        if linesearch_options is None:
            options = _jvm.api("option", None)
        else:
            jmap = _jvm.jvm().java.util.HashMap()
            for k, v in linesearch_options.items():
                jmap.put(str(k), float(v))
            options = _jvm.api("option", _jvm.api("doubleMap", jmap))
        super().__init__(int(max_iter), float(max_eval), float(tolfun), float(tolx), int(ncorrection),
                         float(learningrate), bool(verbose), search, options)


class lswolfe:  # noqa: N801 (BigDL's and Torch's name)
    """The strong Wolfe line search (BigDL's and Torch's ``lswolfe``), for ``LBFGS(linesearch=...)``."""


class LarsSGD(OptimMethod):
    """SGD with layer-wise adaptive rate scaling (BigDL's LarsSGD); the flat weights are one block."""

    scala_class = "ferrodl.optim.LarsSGD"

    def __init__(self, lr_schedule_owner=True, trust=1.0, learningrate=1e-3, learningrate_decay=0.01,
                 weightdecay=0.0005, momentum=0.5, leaningrate_schedule=None, bigdl_type="float"):
        super().__init__(bool(lr_schedule_owner), float(trust), float(learningrate), float(learningrate_decay),
                         float(weightdecay), float(momentum), leaningrate_schedule)


class Regime(JavaValue):
    """Epochs ``start_epoch..end_epoch`` run with ``config``'s learningRate and weightDecay."""

    scala_class = "ferrodl.optim.SGD$Regime"

    def __init__(self, start_epoch, end_epoch, config, bigdl_type="float"):
        jmap = _jvm.jvm().java.util.HashMap()
        for k, v in config.items():
            jmap.put(str(k), float(v))
        super().__init__(int(start_epoch), int(end_epoch), _jvm.api("doubleMap", jmap))


class EpochSchedule(LearningRateSchedule):
    scala_class = "ferrodl.optim.SGD$EpochSchedule"

    def __init__(self, regimes, bigdl_type="float"):
        arr = _jvm.gateway().new_array(_jvm.jvm().ferrodl.optim.SGD.Regime, len(regimes))
        for i, r in enumerate(regimes):
            arr[i] = r.value
        super().__init__(arr)


_DECAY_EPOCHS = 10000


def _epoch_function(decay_type, max_epoch):
    values = [float(decay_type(e)) for e in range(1, max_epoch + 1)]
    return _jvm.api("epochFunction", _jvm.double_array(values))


class EpochDecay(LearningRateSchedule):
    """``lr * 0.1 ** decay_type(epoch)``; the Python function is tabulated for epochs 1..max_epoch."""

    scala_class = "ferrodl.optim.SGD$EpochDecay"

    def __init__(self, decay_type, max_epoch=_DECAY_EPOCHS, bigdl_type="float"):
        super().__init__(_epoch_function(decay_type, max_epoch), int(max_epoch))


class EpochDecayWithWarmUp(LearningRateSchedule):
    scala_class = "ferrodl.optim.SGD$EpochDecayWithWarmUp"

    def __init__(self, warm_up_iteration, warm_up_delta, decay_type, max_epoch=_DECAY_EPOCHS, bigdl_type="float"):
        super().__init__(int(warm_up_iteration), float(warm_up_delta), _epoch_function(decay_type, max_epoch),
                         int(max_epoch))


class SequentialSchedule(LearningRateSchedule):
    """Schedules one after the other: ``SequentialSchedule(n).add(Warmup(0.1), 10).add(Poly(0.5, 1000), 1000)``."""

    scala_class = "ferrodl.optim.SGD$SequentialSchedule"

    def __init__(self, iteration_per_epoch, bigdl_type="float"):
        super().__init__(int(iteration_per_epoch))

    def add(self, scheduler, max_iteration):
        _jvm.call(self.value, "add", scheduler.value, int(max_iteration))
        return self


class Plateau(LearningRateSchedule):
    """Reduces the rate by ``factor`` when the monitored value ("score" or "Loss") stops improving."""

    scala_class = "ferrodl.optim.SGD$Plateau"

    def __init__(self, monitor="score", factor=0.1, patience=10, mode="min", epsilon=1e-4, cooldown=0, min_lr=0.0,
                 bigdl_type="float"):
        super().__init__(str(monitor), float(factor), int(patience), str(mode), float(epsilon), int(cooldown),
                         float(min_lr))


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
