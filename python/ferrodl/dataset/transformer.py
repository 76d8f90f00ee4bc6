"""Data transformations (BigDL's ``bigdl.dataset.transformer``)."""

from ferrodl.util.common import Sample


def normalizer(*args):
    """``normalizer(data, mean, std)``: ``(data - mean) / std``.

    ``normalizer(mean, std)``: a function normalising a Sample's features (for ``rdd.map``).
    """
    if len(args) == 3:
        data, mean, std = args
        return (data - mean) / std
    if len(args) == 2:
        mean, std = args
        return lambda s: Sample((s.features - mean) / std, s.label)
    raise TypeError("normalizer(data, mean, std) or normalizer(mean, std)")
