"""Class imbalance helpers (Scala ``ferrodl.nnframes.NNBagging``): stratified sampling, and bagging k
classifiers on stratified bootstraps into one model that averages their probabilities."""

from pyspark.sql import DataFrame

from ferrodl.nnframes.model import NNClassifierModel
from ferrodl.nnframes.params import call_java
from ferrodl.util import jvm as _jvm

_SCALA = "ferrodl.nnframes.NNBagging"


def _fractions(fractions):
    m = _jvm.jvm().java.util.HashMap()
    for label, fraction in fractions.items():
        m.put(float(label), float(fraction))
    return m


def _bagging():
    obj = _jvm.jvm()
    for part in _SCALA.split("."):
        obj = getattr(obj, part)
    return obj


def stratified_sample(df, label_col, fractions, with_replacement=False, seed=1):
    """Samples each class ``c`` of ``label_col`` at ``fractions[c]`` (classes without a fraction are
    left out; with replacement a fraction may exceed 1). Seeded."""
    jdf = call_java(_bagging(), "stratifiedSample", df._jdf, label_col, _fractions(fractions),
                    bool(with_replacement), int(seed))
    return DataFrame(jdf, df.sparkSession)


def bagging_fit(classifier, df, num_models, fractions, seed=1):
    """Fits ``num_models`` copies of ``classifier`` (an NNClassifier whose model ends in LogSoftMax),
    each on a stratified bootstrap of ``df``; returns one NNClassifierModel whose probability is the
    mean of theirs."""
    classifier._transfer_params_to_java()
    java_model = call_java(_bagging(), "fit", classifier._java_obj, df._jdf, int(num_models),
                           _fractions(fractions), int(seed))
    return NNClassifierModel(java_model=java_model)
