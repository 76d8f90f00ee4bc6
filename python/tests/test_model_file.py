"""The native model file from Python: save/load_model and save_weights/load_weights give the same
outputs, on local paths and file:// URIs, and broken files raise errors that say what is wrong."""

import numpy as np
import pytest

from ferrodl.nn import model_file
from ferrodl.nn.layer import BatchNormalization, Layer, Linear, LogSoftMax, ReLU, Sequential
from ferrodl.util.jvm import FerrodlIOError


def net():
    return Sequential().add(Linear(6, 8)).add(BatchNormalization(8)).add(ReLU()).add(Linear(8, 3)).add(LogSoftMax())


X = np.random.default_rng(3).standard_normal((4, 6)).astype(np.float32)


def trained():
    m = net()
    m.training()
    m.forward(X)
    m.evaluate()
    return m


@pytest.mark.parametrize("uri", [False, True])
def test_save_and_load_model_give_the_same_outputs(sc, tmp_path, uri):
    m = trained()
    path = (tmp_path / "m.fdl").as_uri() if uri else str(tmp_path / "m.fdl")
    model_file.save(m, path)
    back = model_file.load_model(path)
    back.evaluate()
    np.testing.assert_array_equal(m.forward(X), back.forward(X))
    with pytest.raises(FerrodlIOError):
        model_file.save(m, path)
    m.save(path, over_write=True)
    np.testing.assert_array_equal(m.forward(X), Layer.load(path).evaluate().forward(X))


def test_save_weights_and_load_weights(sc, tmp_path):
    m = trained()
    path = str(tmp_path / "w.fdl")
    m.save_weights(path)
    fresh = net()
    assert not np.array_equal(m.forward(X), fresh.evaluate().forward(X))
    model_file.load_weights(fresh, path)
    fresh.evaluate()
    # The original keeps its running statistics in f64 inside the engine; files hold them as f32.
    np.testing.assert_allclose(m.forward(X), fresh.forward(X), rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(fresh.forward(X), net().load_weights(path).evaluate().forward(X))
    other = Sequential().add(Linear(6, 3)).add(LogSoftMax())
    with pytest.raises(FerrodlIOError, match=r"Linear#0/weight. has shape \[8, 6\] in the file, the model needs \[3, 6\]"):
        other.loadWeights(path)
    with pytest.raises(FerrodlIOError, match="weights-only"):
        model_file.load_model(path)


def test_broken_files_say_what_is_wrong(sc, tmp_path):
    path = tmp_path / "m.fdl"
    model_file.save(trained(), str(path))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(FerrodlIOError, match="truncated at byte"):
        model_file.load_model(str(path))
    flipped = bytearray(data)
    flipped[-10] ^= 0x40
    path.write_bytes(bytes(flipped))
    with pytest.raises(FerrodlIOError, match="checksum mismatch"):
        model_file.load_model(str(path))
