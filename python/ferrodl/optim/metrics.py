"""Validation methods (BigDL's names)."""

from ferrodl.util import jvm as _jvm
from ferrodl.util.common import JavaValue


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
