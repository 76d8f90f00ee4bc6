"""Training from Python (BigDL's ``bigdl.optim.optimizer``): the optimizers, and, re-exported from
``triggers``, ``metrics``, ``methods`` and ``summary``, every trigger, validation method,
optimisation method, schedule, regulariser and summary, each a thin wrapper of its Scala class."""

import threading

from ferrodl.util import jvm as _jvm
from ferrodl.util.common import JavaValue, Sample, to_sample_array, to_sample_rdd
from ferrodl.optim.triggers import *  # noqa: F401,F403
from ferrodl.optim.metrics import *  # noqa: F401,F403
from ferrodl.optim.metrics import _validation_methods
from ferrodl.optim.methods import *  # noqa: F401,F403
from ferrodl.optim.methods import DOUBLEMAX, _method_from_state  # noqa: F401
from ferrodl.optim.summary import *  # noqa: F401,F403


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

    def set_optim_methods(self, optim_methods):
        """Different methods for different submodules: ``{"conv1": SGD(...), "fc": Adam(...)}`` (by
        ``set_name``); together they must cover every parameter."""
        jmap = _jvm.jvm().java.util.HashMap()
        for name, m in optim_methods.items():
            jmap.put(str(name), m.value)
        _jvm.api("setOptimMethods", self.value, jmap)
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

    def set_drop_invalid_samples(self, drop=True):
        """Leave out malformed samples (shapes unlike the rest of their partition, NaN or infinity) and
        log how many, instead of stopping with an error that names the partition and row."""
        _jvm.call(self.value, "setDropInvalidSamples", bool(drop))
        return self

    def dropped_samples(self):
        """How many samples the last ``optimize`` left out (see ``set_drop_invalid_samples``)."""
        return int(_jvm.call(self.value, "droppedSamples"))

    def set_nan_policy(self, policy):
        """What a NaN or infinity in an iteration's loss, gradients or updated weights does: ``"fail"``
        (the default; an error naming the iteration and the layer) or ``"skip"`` (that iteration's
        update is dropped with a logged warning and counted in ``skipped_batches``)."""
        _jvm.call(self.value, "setNaNPolicy", str(policy))
        return self

    def set_gradient_compression(self, kind):
        """How partitions send their gradients to the driver on Spark: ``"none"`` (the default,
        32-bit floats) or ``"bf16"`` (rounded to bfloat16: half the bytes, 8 significant bits).
        Local training moves no gradients and ignores it."""
        _jvm.call(self.value, "setGradientCompression", str(kind))
        return self

    def set_local_steps(self, k):
        """Local SGD on Spark: each Spark job runs ``k`` iterations, every partition stepping its own
        copy of the model and method, then the driver averages weights and method states. One job
        per ``k`` iterations, for small models whose iterations are dominated by Spark's cost per
        job; ``1`` (the default) is synchronous SGD. Local training ignores it."""
        _jvm.call(self.value, "setLocalSteps", int(k))
        return self

    def skipped_batches(self):
        """How many iterations the last ``optimize`` skipped for NaN or infinity (see ``set_nan_policy``)."""
        return int(_jvm.call(self.value, "skippedBatches"))

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
