"""Training from Python (BigDL's ``bigdl.optim.optimizer``): optimisers, methods, schedules,
triggers, metrics, summaries and regularisers, each a thin wrapper of its Scala class."""

import sys
import threading

import numpy as np

from ferrodl.util import jvm as _jvm
from ferrodl.util.common import JavaValue, Sample, to_sample_array, to_sample_rdd

DOUBLEMAX = sys.float_info.max


# Triggers -----------------------------------------------------------------------------------

class Trigger(JavaValue):
    """When to stop, validate, checkpoint or summarise."""

    factory = None

    def __init__(self, *args):
        super().__init__(jvalue=_jvm.static("ferrodl.optim.Trigger", self.factory, *args))


class MaxEpoch(Trigger):
    factory = "maxEpoch"

    def __init__(self, max_epoch):
        super().__init__(int(max_epoch))


class MaxIteration(Trigger):
    factory = "maxIteration"

    def __init__(self, max_iteration):
        super().__init__(int(max_iteration))


class EveryEpoch(Trigger):
    factory = "everyEpoch"

    def __init__(self):
        super().__init__()


class SeveralIteration(Trigger):
    factory = "severalIteration"

    def __init__(self, interval):
        super().__init__(int(interval))


class MaxScore(Trigger):
    factory = "maxScore"

    def __init__(self, max_score):
        super().__init__(float(max_score))


class MinLoss(Trigger):
    factory = "minLoss"

    def __init__(self, min_loss):
        super().__init__(float(min_loss))


class TriggerAnd(Trigger):
    factory = "and"

    def __init__(self, first, *other):
        JavaValue.__init__(self, jvalue=_jvm.static("ferrodl.optim.Trigger", "and", first.value,
                                                    _jvm.api("seq", _jvm.java_list([t.value for t in other]))))


class TriggerOr(Trigger):
    factory = "or"

    def __init__(self, first, *other):
        JavaValue.__init__(self, jvalue=_jvm.static("ferrodl.optim.Trigger", "or", first.value,
                                                    _jvm.api("seq", _jvm.java_list([t.value for t in other]))))


# Validation methods ---------------------------------------------------------------------------

class ValidationMethod(JavaValue):
    pass


class Top1Accuracy(ValidationMethod):
    scala_class = "ferrodl.optim.Top1Accuracy"


class Top5Accuracy(ValidationMethod):
    scala_class = "ferrodl.optim.Top5Accuracy"


class TopKAccuracy(ValidationMethod):
    scala_class = "ferrodl.optim.TopKAccuracy"

    def __init__(self, k):
        super().__init__(int(k))


class Loss(ValidationMethod):
    scala_class = "ferrodl.optim.Loss"

    def __init__(self, cri=None):
        if cri is None:
            from ferrodl.nn.criterion import ClassNLLCriterion
            cri = ClassNLLCriterion()
        super().__init__(cri)


class MAE(ValidationMethod):
    scala_class = "ferrodl.optim.MAE"


_METHOD_NAMES = {"top1": Top1Accuracy, "top1accuracy": Top1Accuracy, "top5": Top5Accuracy,
                 "top5accuracy": Top5Accuracy, "loss": Loss, "mae": MAE}


def _validation_methods(val_method):
    methods = val_method if isinstance(val_method, (list, tuple)) else [val_method]
    out = []
    for m in methods:
        if isinstance(m, str):
            if m.lower() not in _METHOD_NAMES:
                raise ValueError(f"unknown validation method {m!r}; known: {sorted(_METHOD_NAMES)}")
            m = _METHOD_NAMES[m.lower()]()
        if not isinstance(m, ValidationMethod):
            raise TypeError(f"a validation method must be a ValidationMethod or a name, got {type(m).__name__}")
        out.append(m)
    return out


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
    scala_class = "ferrodl.optim.SGD"

    def __init__(self, learningrate=1e-3, learningrate_decay=0.0, weightdecay=0.0, momentum=0.0,
                 dampening=DOUBLEMAX, nesterov=False, leaningrate_schedule=None, learningrates=None,
                 weightdecays=None, bigdl_type="float"):
        if learningrates is not None or weightdecays is not None:
            raise NotImplementedError("per-parameter learningrates/weightdecays are not supported yet")
        super().__init__(float(learningrate), float(learningrate_decay), float(weightdecay), float(momentum),
                         float(dampening), bool(nesterov), leaningrate_schedule)


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


# Summaries ------------------------------------------------------------------------------------

class _Summary(JavaValue):
    def read_scalar(self, tag):
        """``[[iteration, value, wall_clock_time], ...]`` of ``tag`` as a numpy array (n x 3)."""
        raw = bytes(_jvm.api("readScalar", self.value, tag))
        rows = np.frombuffer(raw, dtype=np.dtype([("step", "<i8"), ("value", "<f4"), ("time", "<f8")]))
        return np.stack([rows["step"].astype(np.float64), rows["value"].astype(np.float64), rows["time"]], axis=1) \
            if len(rows) else np.zeros((0, 3))

    def close(self):
        _jvm.call(self.value, "close")


class TrainSummary(_Summary):
    """Loss, Throughput and LearningRate every iteration (Parameters on its trigger), for TensorBoard."""

    scala_class = "ferrodl.visualization.TrainSummary"

    def __init__(self, log_dir, app_name, bigdl_type="float"):
        super().__init__(log_dir, app_name)

    def set_summary_trigger(self, name, trigger):
        _jvm.call(self.value, "setSummaryTrigger", name, trigger.value)
        return self


class ValidationSummary(_Summary):
    """Each validation method's score, for TensorBoard."""

    scala_class = "ferrodl.visualization.ValidationSummary"

    def __init__(self, log_dir, app_name, bigdl_type="float"):
        super().__init__(log_dir, app_name)


# Optimizers -----------------------------------------------------------------------------------

class BaseOptimizer(JavaValue):

    def set_validation(self, batch_size, val_rdd, trigger, val_method=None):
        """Evaluates ``val_method`` (objects or names such as "Top1Accuracy") when ``trigger`` fires."""
        methods = _jvm.java_list([m.value for m in _validation_methods(val_method or ["Top1Accuracy"])])
        array = _jvm.gateway().new_array(_jvm.jvm().ferrodl.optim.ValidationMethod, methods.size())
        for i in range(methods.size()):
            array[i] = methods.get(i)
        if isinstance(val_rdd, (list, tuple)):
            _jvm.call(self.value, "setLocalValidation", trigger.value, to_sample_array(val_rdd), array, int(batch_size))
        else:
            _jvm.call(self.value, "setValidation", trigger.value, to_sample_rdd(val_rdd), array, int(batch_size))
        return self

    setvalidation = set_validation

    def set_checkpoint(self, checkpoint_trigger, checkpoint_path, isOverWrite=True):
        """A checkpoint (model and method with its progress) in ``checkpoint_path`` when the trigger fires."""
        _jvm.call(self.value, "setCheckpoint", checkpoint_path, checkpoint_trigger.value)
        if isOverWrite:
            _jvm.call(self.value, "overWriteCheckpoint")
        return self

    setcheckpoint = set_checkpoint

    def resume(self, checkpoint_path):
        """Continues from the latest complete checkpoint in ``checkpoint_path``."""
        _jvm.call(self.value, "resume", checkpoint_path)
        return self

    def set_train_summary(self, summary):
        _jvm.call(self.value, "setTrainSummary", summary.value)
        return self

    def set_val_summary(self, summary):
        _jvm.call(self.value, "setValidationSummary", summary.value)
        return self

    def set_end_when(self, end_when):
        _jvm.call(self.value, "setEndWhen", end_when.value)
        return self

    def set_optim_method(self, optim_method):
        _jvm.call(self.value, "setOptimMethod", optim_method.value)
        return self

    def set_gradclip_const(self, min_value, max_value):
        _jvm.call(self.value, "setConstantGradientClipping", float(min_value), float(max_value))
        return self

    def set_gradclip_l2norm(self, clip_norm):
        _jvm.call(self.value, "setGradientClippingByl2Norm", float(clip_norm))
        return self

    def disable_gradclip(self):
        _jvm.call(self.value, "disableGradientClipping")
        return self

    def set_seed(self, seed):
        _jvm.call(self.value, "setSeed", int(seed))
        return self

    def optimize(self, progress=True):
        """Trains until the end trigger; shows a live progress line (tqdm if installed). Returns the model."""
        from ferrodl.nn.layer import Layer
        stop = threading.Event()
        watcher = threading.Thread(target=_show_progress, args=(self.value, stop), daemon=True) if progress else None
        if watcher:
            watcher.start()
        try:
            trained = _jvm.call(self.value, "optimize")
        finally:
            stop.set()
            if watcher:
                watcher.join()
        return Layer.of(trained)


def _show_progress(joptimizer, stop):
    """Polls the optimizer's status line and shows it: a tqdm bar per epoch, or plain lines."""
    try:
        from tqdm.auto import tqdm
    except ImportError:
        tqdm = None
    bar, epoch, last = None, None, ""
    while not stop.wait(0.5):
        try:
            status = str(joptimizer.status())
        except Exception:
            return
        if not status or status == last:
            continue
        last = status
        parts = status.split()
        e, (done, total) = parts[1], (int(x) for x in parts[2].split("/"))
        if tqdm is None:
            # One line per epoch, rewritten in place while the epoch runs.
            if epoch is not None and e != epoch:
                print()
            epoch = e
            print(f"\r{status}", end="", flush=True)
            continue
        if e != epoch:
            if bar is not None:
                bar.close()
            bar, epoch = tqdm(total=total, desc=f"epoch {e}", unit="rec"), e
        bar.n = done
        bar.set_postfix_str(" ".join(parts[4:]))
        bar.refresh()
    if bar is not None:
        bar.close()
    elif tqdm is None and last:
        print()


class Optimizer(BaseOptimizer):
    """Distributed training on an RDD of Samples, as BigDL's ``Optimizer``.

    ``optim_method`` is an OptimMethod, or a name with a ``state`` dict (BigDL 0.1's form:
    ``optim_method="SGD", state={"learningRate": 0.2}``).
    """

    def __init__(self, model, training_rdd, criterion, end_trigger, batch_size, optim_method=None, state=None,
                 bigdl_type="float"):
        if isinstance(optim_method, str) or optim_method is None and state is not None:
            optim_method = _method_from_state(optim_method or "SGD", state)
        if state and "batchSize" in state and batch_size is None:
            batch_size = int(state["batchSize"])
        if not isinstance(batch_size, int) or batch_size <= 0:
            raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
        jopt = _jvm.new("ferrodl.optim.DistriOptimizer", model.value, to_sample_rdd(training_rdd), criterion.value,
                        batch_size)
        super().__init__(jvalue=jopt)
        self.set_end_when(end_trigger)
        if optim_method is not None:
            self.set_optim_method(optim_method)


class LocalOptimizer(BaseOptimizer):
    """Training in the driver JVM without Spark jobs, on numpy data ``X`` (features) and ``Y`` (labels)."""

    def __init__(self, X, Y, model, criterion, end_trigger, batch_size, optim_method=None, cores=None,
                 bigdl_type="float"):
        if len(X) != len(Y):
            raise ValueError(f"X has {len(X)} records but Y has {len(Y)}")
        samples = to_sample_array([Sample(x, y) for x, y in zip(X, Y)])
        threads = int(cores) if cores else int(_jvm.static("ferrodl.optim.LocalOptimizer", "defaultThreads"))
        jopt = _jvm.new("ferrodl.optim.LocalOptimizer", model.value, samples, criterion.value, int(batch_size), threads)
        super().__init__(jvalue=jopt)
        self.set_end_when(end_trigger)
        if optim_method is not None:
            self.set_optim_method(optim_method)


class DistriOptimizer(Optimizer):
    """Distributed training on an RDD of Samples (BigDL's ``DistriOptimizer``; ``Optimizer`` builds the same
    Scala class)."""

    scala_class = "ferrodl.optim.DistriOptimizer"

    def __init__(self, model, training_rdd, criterion, end_trigger, batch_size, optim_method=None,
                 bigdl_type="float"):
        super().__init__(model, training_rdd, criterion, end_trigger, batch_size, optim_method=optim_method)


class Validator(JavaValue):
    """Evaluates ``model`` on an RDD of Samples, as Scala's ``Validator(model, dataset).test(methods)``."""

    scala_class = "ferrodl.optim.Validator"

    def __init__(self, model, val_rdd, bigdl_type="float"):
        super().__init__(model.value, to_sample_rdd(val_rdd))

    def test(self, val_methods, batch_size=None):
        """One ``EvaluatedResult`` per method (objects or names such as "Top1Accuracy")."""
        from ferrodl.nn.layer import EvaluatedResult
        methods = _validation_methods(val_methods)
        array = _jvm.gateway().new_array(_jvm.jvm().ferrodl.optim.ValidationMethod, len(methods))
        for i, m in enumerate(methods):
            array[i] = m.value
        batch = _jvm.api("option", None if batch_size is None else int(batch_size))
        results = []
        for pair in _jvm.call(self.value, "test", array, batch):
            value_count = _jvm.call(_jvm.call(pair, "_1"), "result")
            name = str(_jvm.call(_jvm.call(pair, "_2"), "format"))
            results.append(EvaluatedResult(float(value_count._1()), int(value_count._2()), name))
        return results
