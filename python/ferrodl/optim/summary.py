"""TensorBoard summaries (BigDL's TrainSummary and ValidationSummary)."""

import numpy as np

from ferrodl.util import jvm as _jvm
from ferrodl.util.common import JavaValue


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
