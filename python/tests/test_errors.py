"""Errors reach Python readably: the Java/native class name and the original message."""

import numpy as np
import pytest

from ferrodl.nn.layer import *
from ferrodl.nn.criterion import *
from ferrodl.optim.optimizer import *
from ferrodl.util.common import Sample
from ferrodl.util.jvm import FerrodlError, FerrodlIOError, FerrodlValueError


def test_a_bad_shape_names_the_layer_and_the_shapes(sc):
    with pytest.raises(FerrodlValueError) as e:
        Linear(4, 2).forward(np.zeros((3, 5), np.float32))
    assert "Linear(4 -> 2)" in str(e.value) and "[3, 5]" in str(e.value)
    assert e.value.java_class == "java.lang.IllegalArgumentException"
    assert isinstance(e.value, ValueError)


def test_wrong_argument_types_and_values(sc):
    with pytest.raises(ValueError):
        Linear("four", 2)
    with pytest.raises(FerrodlError) as e:
        Linear(0, 2)
    assert "sizes must be positive" in str(e.value)
    with pytest.raises(ValueError):
        Optimizer(model=Linear(2, 2), training_rdd=sc.parallelize([Sample([1.0, 2.0], 1)]),
                  criterion=ClassNLLCriterion(), end_trigger=MaxEpoch(1), batch_size=0)
    with pytest.raises(ValueError, match="unknown validation method"):
        Optimizer(model=Linear(2, 2), training_rdd=sc.parallelize([Sample([1.0, 2.0], 1)]),
                  criterion=ClassNLLCriterion(), end_trigger=MaxEpoch(1), batch_size=4) \
            .set_validation(4, sc.parallelize([Sample([1.0, 2.0], 1)]), EveryEpoch(), ["Top7"])


def test_a_label_out_of_range_in_training_is_a_value_error(sc):
    data = sc.parallelize([Sample.from_ndarray(np.array([1.0, 2.0]), 5) for _ in range(8)], 2)
    model = Sequential().add(Linear(2, 3)).add(LogSoftMax())
    opt = Optimizer(model=model, training_rdd=data, criterion=ClassNLLCriterion(), end_trigger=MaxIteration(1),
                    batch_size=4)
    with pytest.raises(FerrodlValueError) as e:
        opt.optimize(progress=False)
    assert "label 5" in str(e.value)


def test_a_missing_or_corrupt_model_file(sc, tmp_path):
    with pytest.raises(FerrodlIOError):
        Model.loadModel(str(tmp_path / "missing.fdl"))
    bad = tmp_path / "bad.fdl"
    bad.write_bytes(b"FDLM\x00\x01garbage")
    with pytest.raises(FerrodlIOError) as e:
        Model.loadModel(str(bad))
    assert "truncated" in str(e.value)


def test_a_malformed_sample_names_its_partition_and_row_or_is_dropped(sc):
    rows = [Sample.from_ndarray(np.array([1.0, 2.0]), 1 + i % 2) for i in range(20)]
    rows[7] = Sample.from_ndarray(np.array([1.0, 2.0, 3.0]), 1)
    rows[12] = Sample.from_ndarray(np.array([np.nan, 2.0]), 2)
    model = Sequential().add(Linear(2, 2)).add(LogSoftMax())

    def optimizer():
        return Optimizer(model=model, training_rdd=sc.parallelize(rows, 1), criterion=ClassNLLCriterion(),
                         end_trigger=MaxIteration(2), batch_size=4)

    with pytest.raises(FerrodlError) as e:
        optimizer().optimize(progress=False)
    assert "invalid sample in partition 0, row" in str(e.value)
    opt = optimizer().set_drop_invalid_samples(True)
    opt.optimize(progress=False)
    assert opt.dropped_samples() == 2


def test_errors_are_translated_also_once_a_spark_session_exists(sc):
    from pyspark.sql import SparkSession
    SparkSession.builder.getOrCreate()
    with pytest.raises(FerrodlValueError) as e:
        Linear(4, 2).forward(np.zeros((3, 5), np.float32))
    assert "Linear(4 -> 2)" in str(e.value)
