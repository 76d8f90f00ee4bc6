"""Criterion wrappers, family by family: each builds its Scala class, its arguments read back through
the Scala vals, and its loss (and a few gradients) match numpy."""

import numpy as np
import pytest

from ferrodl.nn.criterion import *
from ferrodl.util.common import tensor_from_java

RNG = np.random.RandomState(7)
X = RNG.randn(4, 3).astype(np.float32)
T = RNG.randn(4, 3).astype(np.float32)
P = RNG.uniform(0.05, 0.95, (4, 3)).astype(np.float32)       # probabilities, element by element
Q = RNG.uniform(0.05, 0.95, (4, 3)).astype(np.float32)
SIGNS = np.where(RNG.rand(4, 3) > 0.5, 1, -1).astype(np.float32)
BITS = (RNG.rand(4, 3) > 0.5).astype(np.float32)
LABELS = np.array([1, 3, 2, 3], dtype=np.float32)             # 1-based classes of the rows of X


def scala_name(c):
    return c.value.getClass().getName()


def check(criterion, vals, input, target, expected):
    assert scala_name(criterion) == "ferrodl.nn." + type(criterion).__name__
    for name, value in vals.items():
        got = getattr(criterion.value, name)()
        assert got == (pytest.approx(value) if isinstance(value, float) else value), name
    assert criterion.forward(input, target) == pytest.approx(float(expected), rel=1e-5, abs=1e-6)


def huber(d):
    return np.where(np.abs(d) < 1, 0.5 * d * d, np.abs(d) - 0.5)


def log_softmax(x):
    x = x.astype(np.float64)
    shifted = x - x.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def picked(x, labels):
    return x[np.arange(len(labels)), labels.astype(int) - 1]


ELEMENTWISE = [
    (lambda: AbsCriterion(), {"sizeAverage": True}, X, T, np.abs(X - T).mean()),
    (lambda: AbsCriterion(False), {"sizeAverage": False}, X, T, np.abs(X - T).sum()),
    (lambda: SmoothL1Criterion(), {"sizeAverage": True}, 2 * X, T, huber(2 * X - T).mean()),
    (lambda: SoftMarginCriterion(False), {"sizeAverage": False}, X, SIGNS, np.log1p(np.exp(-SIGNS * X)).sum()),
    (lambda: DistKLDivCriterion(), {"sizeAverage": True}, np.log(Q), P, (P * (np.log(P) - np.log(Q))).mean()),
    (lambda: MeanAbsolutePercentageCriterion(), {"sizeAverage": True}, X, T,
     (100 * np.abs(T - X) / np.maximum(np.abs(T), 1e-7)).mean()),
    (lambda: MeanSquaredLogarithmicCriterion(), {"sizeAverage": True}, P, Q,
     ((np.log(P + 1.0) - np.log(Q + 1.0)) ** 2).mean()),
    (lambda: PoissonCriterion(), {"sizeAverage": True}, P, 3 * Q, (P - 3 * Q * np.log(P + 1e-7)).mean()),
    (lambda: BCECriterion(), {"sizeAverage": True}, P, BITS,
     -(BITS * np.log(P) + (1 - BITS) * np.log(1 - P)).mean()),
    (lambda: BCECriterion([1.0, 2.0, 0.5], False), {"sizeAverage": False}, P, BITS,
     -(np.array([1.0, 2.0, 0.5]) * (BITS * np.log(P) + (1 - BITS) * np.log(1 - P))).sum()),
    (lambda: MarginCriterion(0.5, squared=True), {"margin": 0.5, "sizeAverage": True, "squared": True}, X, SIGNS,
     (np.maximum(0, 0.5 - X * SIGNS) ** 2).mean()),
    (lambda: MarginCriterion(), {"margin": 1.0, "squared": False}, X, SIGNS, np.maximum(0, 1 - X * SIGNS).mean()),
]


def multi_margin(x, labels, p=1, margin=1.0, weights=None):
    n, k = x.shape
    total = 0.0
    for i in range(n):
        y = int(labels[i]) - 1
        w = 1.0 if weights is None else weights[y]
        total += sum(w * max(0.0, margin - x[i, y] + x[i, d]) ** p for d in range(k) if d != y) / k
    return total / n


def multi_label_margin(x, targets):
    n, k = x.shape
    total = 0.0
    for i in range(n):
        ys = []
        for t in targets[i]:
            if t == 0:
                break
            ys.append(int(t) - 1)
        others = [d for d in range(k) if d not in ys]
        total += sum(max(0.0, 1 - (x[i, j] - x[i, d])) for j in ys for d in others) / k
    return total / n


ONE_HOT = np.eye(3, dtype=np.float32)[LABELS.astype(int) - 1]
ROWS = P / P.sum(axis=1, keepdims=True)
LABEL_ROWS = np.array([[3, 1, 0], [2, 0, 0], [1, 2, 3], [0, 0, 0]], dtype=np.float32)
SOFT_WEIGHTS = np.array([0.5, 1.0, 2.0])

CLASS_SCORES = [
    (lambda: CrossEntropyCriterion(), {"sizeAverage": True}, X, LABELS, -picked(log_softmax(X), LABELS).mean()),
    (lambda: CrossEntropyCriterion(size_average=False), {"sizeAverage": False}, X, LABELS,
     -picked(log_softmax(X), LABELS).sum()),
    (lambda: MultiMarginCriterion(), {"p": 1, "margin": 1.0, "sizeAverage": True}, X, LABELS, multi_margin(X, LABELS)),
    (lambda: MultiMarginCriterion(2, [1.0, 2.0, 0.5], 0.5), {"p": 2, "margin": 0.5}, X, LABELS,
     multi_margin(X, LABELS, 2, 0.5, [1.0, 2.0, 0.5])),
    (lambda: MultiLabelMarginCriterion(), {"sizeAverage": True}, X, LABEL_ROWS, multi_label_margin(X, LABEL_ROWS)),
    (lambda: MultiLabelSoftMarginCriterion(SOFT_WEIGHTS), {"sizeAverage": True}, X, BITS,
     -(SOFT_WEIGHTS * (BITS * np.log(1 / (1 + np.exp(-X))) + (1 - BITS) * np.log(1 - 1 / (1 + np.exp(-X))))).mean()),
    (lambda: HingeEmbeddingCriterion(2.0), {"margin": 2.0, "sizeAverage": True}, np.abs(X), SIGNS,
     np.where(SIGNS == 1, np.abs(X), np.maximum(0, 2.0 - np.abs(X))).mean()),
    (lambda: CategoricalCrossEntropy(), {}, ROWS, ONE_HOT, -np.log(picked(ROWS, LABELS)).mean()),
    (lambda: KullbackLeiblerDivergenceCriterion(), {}, ROWS, Q / Q.sum(axis=1, keepdims=True),
     ((Q / Q.sum(axis=1, keepdims=True)) * np.log((Q / Q.sum(axis=1, keepdims=True)) / ROWS)).sum() / 4),
]


def unit(v):
    return v / np.sqrt(np.maximum((v * v).sum(axis=-1, keepdims=True), 1e-12))


VECTORS = [
    (lambda: CosineDistanceCriterion(), {"sizeAverage": True}, X, T, (1 - (unit(X) * unit(T)).sum(axis=1)).mean()),
    (lambda: CosineDistanceCriterion(False), {"sizeAverage": False}, X, T, (1 - (unit(X) * unit(T)).sum(axis=1)).sum()),
    (lambda: CosineProximityCriterion(), {}, X, T, -(unit(X) * unit(T)).sum() / X.size),
    (lambda: DotProductCriterion(), {"sizeAverage": False}, X, T, (X * T).sum()),
    (lambda: DotProductCriterion(True), {"sizeAverage": True}, X, T, (X * T).sum() / 4),
    (lambda: DiceCoefficientCriterion(epsilon=0.5), {"sizeAverage": True, "epsilon": 0.5}, P, BITS,
     (1 - (2 * (P * BITS).sum(axis=1) + 0.5) / (P.sum(axis=1) + BITS.sum(axis=1) + 0.5)).mean()),
    (lambda: L1Cost(), {}, X, T, np.abs(X).sum()),
]


def ids(cases):
    return [str(i) for i in range(len(cases))]


@pytest.mark.parametrize("make, vals, input, target, expected", ELEMENTWISE, ids=ids(ELEMENTWISE))
def test_elementwise_criterions(sc, make, vals, input, target, expected):
    check(make(), vals, input, target, expected)


@pytest.mark.parametrize("make, vals, input, target, expected", CLASS_SCORES, ids=ids(CLASS_SCORES))
def test_class_score_criterions(sc, make, vals, input, target, expected):
    check(make(), vals, input, target, expected)


@pytest.mark.parametrize("make, vals, input, target, expected", VECTORS, ids=ids(VECTORS))
def test_vector_criterions(sc, make, vals, input, target, expected):
    check(make(), vals, input, target, expected)


def test_weights_and_class_counts_round_trip(sc):
    w = [0.25, 1.0, 4.0]
    for c in (BCECriterion(w), CrossEntropyCriterion(w), MultiMarginCriterion(weights=w),
              MultiLabelSoftMarginCriterion(w)):
        np.testing.assert_array_equal(tensor_from_java(c.value.weights()), w)
    assert CrossEntropyCriterion().value.weights() is None
    simplex = ClassSimplexCriterion(3)
    assert scala_name(simplex) == "ferrodl.nn.ClassSimplexCriterion" and simplex.value.nClasses() == 3


def test_class_simplex_targets_are_the_vertices_of_a_regular_simplex(sc):
    # The loss is |x - v|² / n for the vertex v of the target class, so at x = 0 the gradient is -2v / n
    # and the loss |v|² / n: v = -g · 2·loss / |g|².
    simplex = ClassSimplexCriterion(4)
    zero = np.zeros((1, 4), np.float32)
    vertices = []
    for label in (1, 2, 3, 4):
        target = np.array([label], np.float32)
        loss, g = simplex.forward(zero, target), simplex.backward(zero, target).astype(np.float64)
        v = (-g * 2 * loss / (g * g).sum()).astype(np.float32)
        assert simplex.forward(v, target) == pytest.approx(0, abs=1e-6)
        assert simplex.forward(v, np.array([label % 4 + 1], np.float32)) > 0.1
        vertices.append(v[0])
    distances = [np.linalg.norm(a - b) for i, a in enumerate(vertices) for b in vertices[i + 1:]]
    np.testing.assert_allclose(distances, distances[0], rtol=1e-4)
    np.testing.assert_allclose(np.linalg.norm(vertices, axis=1), np.linalg.norm(vertices[0]), rtol=1e-4)


def test_gradients(sc):
    np.testing.assert_allclose(L1Cost().backward(X, T), np.sign(X), rtol=1e-6)
    np.testing.assert_allclose(DotProductCriterion().backward(X, T), T, rtol=1e-6)
    np.testing.assert_allclose(AbsCriterion(False).backward(X, T), np.sign(X - T), rtol=1e-6)
    np.testing.assert_allclose(CrossEntropyCriterion().backward(X, LABELS),
                               (np.exp(log_softmax(X)) - ONE_HOT) / 4, rtol=1e-5, atol=1e-7)


def test_multi_criterion(sc):
    mse, abs_ = MSECriterion(), AbsCriterion()
    multi = MultiCriterion().add(mse, 0.5).add(abs_)
    v = multi.value
    assert scala_name(multi) == "ferrodl.nn.MultiCriterion"
    assert v.criterions().size() == 2 and (v.weights().apply(0), v.weights().apply(1)) == (0.5, 1.0)
    assert str(multi) == "MultiCriterion(0.5 * MSECriterion + 1.0 * AbsCriterion)"
    expected = 0.5 * ((X - T) ** 2).mean() + np.abs(X - T).mean()
    assert multi.forward(X, T) == pytest.approx(expected, rel=1e-5)
    np.testing.assert_allclose(multi.backward(X, T), 0.5 * 2 * (X - T) / X.size + np.sign(X - T) / X.size,
                               rtol=1e-5)


def test_time_distributed_criterion(sc):
    td = TimeDistributedCriterion(ClassNLLCriterion(), size_average=True)
    v = td.value
    assert scala_name(td) == "ferrodl.nn.TimeDistributedCriterion"
    assert (v.sizeAverage(), v.dimension(), v.critrn().getClass().getName()) == (True, 2,
                                                                                "ferrodl.nn.ClassNLLCriterion")
    assert TimeDistributedCriterion(MSECriterion()).value.sizeAverage() is False
    logp = log_softmax(RNG.randn(6, 4)).reshape(2, 3, 4).astype(np.float32)    # [batch, time, classes]
    labels = np.array([[1, 4, 2], [3, 3, 1]], dtype=np.float32)                   # [batch, time]
    per_step = [-logp[np.arange(2), t, labels[:, t].astype(int) - 1].mean() for t in range(3)]
    assert td.forward(logp, labels) == pytest.approx(np.mean(per_step), rel=1e-5)
    summed = TimeDistributedCriterion(ClassNLLCriterion(), False)
    assert summed.forward(logp, labels) == pytest.approx(np.sum(per_step), rel=1e-5)
    x, t = RNG.randn(2, 5, 3).astype(np.float32), RNG.randn(2, 5, 3).astype(np.float32)
    on_dim3 = TimeDistributedCriterion(MSECriterion(), True, dimension=3)
    assert on_dim3.value.dimension() == 3
    assert on_dim3.forward(x, t) == pytest.approx(((x - t) ** 2).mean(), rel=1e-5)


def test_table_criterions(sc):
    a, b = RNG.randn(4, 3).astype(np.float32), RNG.randn(4, 3).astype(np.float32)
    y = np.array([1, -1, 1, -1], dtype=np.float32)
    check(MarginRankingCriterion(0.5), {"margin": 0.5, "sizeAverage": True}, [a[:, 0], b[:, 0]], y,
          np.maximum(0, -y * (a[:, 0] - b[:, 0]) + 0.5).mean())
    cos = (a * b).sum(1) / np.sqrt((a * a).sum(1) * (b * b).sum(1))
    check(CosineEmbeddingCriterion(0.1, False), {"margin": 0.1, "sizeAverage": False}, [a, b], [y],
          np.where(y > 0, 1 - cos, np.maximum(0, cos - 0.1)).sum())
    d = np.abs(a - b).sum(1)
    check(L1HingeEmbeddingCriterion(2.0), {"margin": 2.0}, [a, b], y, np.where(y > 0, d, np.maximum(0, 2 - d)).sum())
    check(GaussianCriterion(), {}, [a, b], T,
          (0.5 * np.log(2 * np.pi) + 0.5 * b + 0.5 * (T - a) ** 2 / np.exp(b)).sum())
    check(KLDCriterion(), {"sizeAverage": True}, [a, b], T, -0.5 * (1 + b - a * a - np.exp(b)).sum() / 4)
    check(SmoothL1CriterionWithWeights(1.0, 3), {"sigma": 1.0, "num": 3}, X, [T, np.ones_like(X), P],
          (P * huber(X - T)).sum() / 3)
    grads = MarginRankingCriterion().backward([a[:, 0], b[:, 0]], y)
    assert isinstance(grads, list) and len(grads) == 2
    np.testing.assert_allclose(grads[0], -grads[1], rtol=1e-6)


def test_transformer_ctc_and_softmax_with(sc):
    from ferrodl.nn.layer import Tanh
    from ferrodl.nn.layers_activation import MulConstant
    tc = TransformerCriterion(MSECriterion(), Tanh(), MulConstant(2.0))
    assert scala_name(tc) == "ferrodl.nn.TransformerCriterion"
    assert tc.forward(X, T) == pytest.approx(((np.tanh(X) - 2 * T) ** 2).mean(), rel=1e-5)
    assert TransformerCriterion(AbsCriterion()).forward(X, T) == pytest.approx(np.abs(X - T).mean(), rel=1e-5)
    lp = np.log(np.full((1, 1, 2), 0.5, dtype=np.float32))
    assert CTCCriterion().forward(lp, np.array([[2]], dtype=np.float32)) == pytest.approx(np.log(2), rel=1e-5)
    x = RNG.randn(2, 3, 2, 2).astype(np.float32)
    labels = np.array([1, 2, 3, 1, 2, 2, 3, 3], dtype=np.float32).reshape(2, 1, 2, 2)
    logp = log_softmax(x.transpose(0, 2, 3, 1).reshape(-1, 3))
    nll = -logp[np.arange(8), labels.reshape(-1).astype(int) - 1]
    check(SoftmaxWithCriterion(), {"normalizeMode": "VALID"}, x, labels, nll.mean())
    kept = labels.reshape(-1) != 3
    check(SoftmaxWithCriterion(3, "FULL"), {"normalizeMode": "FULL"}, x, labels, nll[kept].sum() / 8)
    assert SoftmaxWithCriterion(3).value.ignoreLabel().get() == 3
