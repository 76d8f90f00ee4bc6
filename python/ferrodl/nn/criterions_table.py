"""Criterions over tables (input ``[x1, x2]`` or ``[mean, log_variance]``, target lists), CTC and
Caffe's softmax loss, with BigDL's Python names and keyword arguments; re-exported by
``ferrodl.nn.criterion``. Tables are Python lists of numpy arrays."""

from ferrodl.nn.criterion import Criterion

__all__ = ["MarginRankingCriterion", "CosineEmbeddingCriterion", "L1HingeEmbeddingCriterion",
           "GaussianCriterion", "KLDCriterion", "SmoothL1CriterionWithWeights", "TransformerCriterion",
           "CTCCriterion", "SoftmaxWithCriterion"]


class MarginRankingCriterion(Criterion):
    """``Σ max(0, -y·(x1 - x2) + margin)`` over input ``[x1, x2]`` and target ``y`` (divided by n
    when ``size_average``)."""

    scala_class = "ferrodl.nn.MarginRankingCriterion"

    def __init__(self, margin=1.0, size_average=True, bigdl_type="float"):
        super().__init__(float(margin), bool(size_average))


class CosineEmbeddingCriterion(Criterion):
    """``1 - cos(x1, x2)`` where y = 1, ``max(0, cos(x1, x2) - margin)`` where y = -1, per row of
    input ``[x1, x2]`` (averaged over the batch when ``size_average``)."""

    scala_class = "ferrodl.nn.CosineEmbeddingCriterion"

    def __init__(self, margin=0.0, size_average=True, bigdl_type="float"):
        super().__init__(float(margin), bool(size_average))


class L1HingeEmbeddingCriterion(Criterion):
    """With ``d = ‖x1 - x2‖₁``: ``d`` where y = 1, ``max(0, margin - d)`` where y = -1."""

    scala_class = "ferrodl.nn.L1HingeEmbeddingCriterion"

    def __init__(self, margin=1.0, bigdl_type="float"):
        super().__init__(float(margin))


class GaussianCriterion(Criterion):
    """Negative log-likelihood of the target under N(mean, exp(log_variance)), input
    ``[mean, log_variance]``, summed."""

    scala_class = "ferrodl.nn.GaussianCriterion"

    def __init__(self, bigdl_type="float"):
        super().__init__()


class KLDCriterion(Criterion):
    """KL divergence of N(mean, exp(log_variance)) (input ``[mean, log_variance]``) from the standard
    normal; divided by the batch size when ``size_average``; the target is ignored."""

    scala_class = "ferrodl.nn.KLDCriterion"

    def __init__(self, size_average=True, bigdl_type="float"):
        super().__init__(bool(size_average))


class SmoothL1CriterionWithWeights(Criterion):
    """Fast R-CNN's smooth L1 with ``sigma``: target ``[label, inside_weights, outside_weights]``;
    divided by ``num`` when ``num > 0``."""

    scala_class = "ferrodl.nn.SmoothL1CriterionWithWeights"

    def __init__(self, sigma, num=0, bigdl_type="float"):
        super().__init__(float(sigma), int(num))


class TransformerCriterion(Criterion):
    """``criterion(input_transformer(input), target_transformer(target))``; the transformers'
    parameters are not trained."""

    scala_class = "ferrodl.nn.TransformerCriterion"

    def __init__(self, criterion, input_transformer=None, target_transformer=None, bigdl_type="float"):
        self.criterion = criterion
        super().__init__(criterion.value,
                         None if input_transformer is None else input_transformer.value,
                         None if target_transformer is None else target_transformer.value)


class CTCCriterion(Criterion):
    """Connectionist temporal classification on log-probabilities ``[batch, time, classes]``; class 1
    is the blank; target ``[batch, max_length]`` 1-based labels padded with 0. With ``input_lengths=True``
    each target row starts with the sample's input length (``[batch, 1 + max_length]``)."""

    scala_class = "ferrodl.nn.CTCCriterion"

    def __init__(self, size_average=True, input_lengths=False, bigdl_type="float"):
        super().__init__(bool(size_average), bool(input_lengths))


class SoftmaxWithCriterion(Criterion):
    """Caffe's SoftmaxWithLoss over dimension 2 of ``[batch, classes, h, w]``, 1-based labels;
    ``normalize_mode`` is "FULL", "VALID", "BATCH_SIZE" or "NONE"."""

    scala_class = "ferrodl.nn.SoftmaxWithCriterion"

    def __init__(self, ignore_label=None, normalize_mode="VALID", bigdl_type="float"):
        super().__init__(None if ignore_label is None else int(ignore_label), str(normalize_mode))
