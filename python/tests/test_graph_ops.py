"""Table operations from Python (issue 4): SplitTable, FlattenTable, Pack, MM, MV, DotProduct,
PairwiseDistance, CosineDistance, MapTable and Bottle, with tables as (nested) lists, against numpy."""

import numpy as np
import pytest

from ferrodl.nn.layer import *
from ferrodl.util.jvm import FerrodlValueError

RNG = np.random.RandomState(4)


def rand(*shape):
    return RNG.randn(*shape).astype(np.float32)


def test_split_pack_and_flatten(sc):
    x = rand(2, 3, 4)
    parts = SplitTable(2).forward(x)
    assert isinstance(parts, list) and len(parts) == 3
    for i, p in enumerate(parts):
        np.testing.assert_array_equal(p, x[:, i, :])
    # A batch beyond n_input_dims = 2 shifts the dimension: the same slices.
    batched = SplitTable(1, n_input_dims=2).forward(x)
    np.testing.assert_array_equal(batched[1], x[:, 1, :])
    pack = Pack(2)
    np.testing.assert_array_equal(pack.forward(parts), x)
    np.testing.assert_array_equal(Pack(1).forward(parts), np.stack(parts, 0))
    grads = pack.backward(parts, np.ones((2, 3, 4), np.float32))
    assert [g.shape for g in grads] == [(2, 4)] * 3
    a, b, c = rand(2), rand(3), rand(1, 2)
    flat = FlattenTable().forward([a, [b, [c]]])
    assert [f.shape for f in flat] == [(2,), (3,), (1, 2)]
    np.testing.assert_array_equal(flat[1], b)


def test_matrix_products(sc):
    a, b = rand(3, 4), rand(2, 4)
    np.testing.assert_allclose(MM(trans_b=True).forward([a, b]), a @ b.T, rtol=1e-5, atol=1e-6)
    ba, bb = rand(2, 4, 3), rand(2, 4, 5)
    np.testing.assert_allclose(MM(trans_a=True).forward([ba, bb]), np.transpose(ba, (0, 2, 1)) @ bb,
                               rtol=1e-5, atol=1e-6)
    v = rand(4)
    mv = MV()
    np.testing.assert_allclose(mv.forward([a, v]), a @ v, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(MV(trans=True).forward([a.T.copy(), v]), a @ v, rtol=1e-5, atol=1e-6)
    ga, gv = mv.backward([a, v], np.ones(3, np.float32))
    np.testing.assert_allclose(ga, np.outer(np.ones(3), v), rtol=1e-6)
    np.testing.assert_allclose(gv, a.sum(0), rtol=1e-5)


def test_row_measures(sc):
    a, b = rand(3, 5), rand(3, 5)
    np.testing.assert_allclose(DotProduct().forward([a, b]), (a * b).sum(1), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(PairwiseDistance().forward([a, b]), np.linalg.norm(a - b, axis=1), rtol=1e-5)
    np.testing.assert_allclose(PairwiseDistance(norm=1).forward([a, b]), np.abs(a - b).sum(1), rtol=1e-5)
    cos = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    np.testing.assert_allclose(CosineDistance().forward([a, b]), cos, rtol=1e-5, atol=1e-6)
    assert DotProduct().forward([a[0], b[0]]).shape == (1,)


def test_map_table_and_bottle_apply_one_linear_at_every_step(sc):
    via_map = Sequential().add(SplitTable(2)).add(MapTable(Linear(4, 5))).add(Pack(2))
    w = via_map.get_weights()[0]
    assert w.shape == (25,), "one Linear(4, 5) shared by every step"
    via_bottle = Bottle(Linear(4, 5), 2).set_weights([w])
    x = rand(2, 3, 4)
    expected = x @ w[:20].reshape(5, 4).T + w[20:]
    np.testing.assert_allclose(via_map.forward(x), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(via_bottle.forward(x), expected, rtol=1e-5, atol=1e-5)
    outs = MapTable(Tanh()).forward([x[0], x[1]])
    np.testing.assert_allclose(outs[1], np.tanh(x[1]), rtol=1e-5, atol=1e-6)


def test_hostile_tables_name_the_op(sc):
    a = rand(2, 2)
    with pytest.raises(FerrodlValueError, match="MM"):
        MM().forward([a, a, a])
    with pytest.raises(FerrodlValueError, match="Pack"):
        Pack(1).forward([a, rand(3)])
    with pytest.raises(FerrodlValueError, match="CosineDistance"):
        CosineDistance().forward([a, rand(2, 3)])
