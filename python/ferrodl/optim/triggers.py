"""Triggers: when to stop, validate, checkpoint or summarise (BigDL's names)."""

from ferrodl.util import jvm as _jvm
from ferrodl.util.common import JavaValue


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
