"""Spark ML stages for ferrodl models (BigDL's ``bigdl.dlframes``/``nnframes``): NNEstimator, NNModel,
NNClassifier and NNClassifierModel. The classes live in ``ferrodl.nnframes`` so that pyspark finds
them when it loads a saved Pipeline (it maps the Scala class name to the Python one)."""

from ferrodl.nnframes.bagging import bagging_fit, stratified_sample
from ferrodl.nnframes.estimator import NNClassifier, NNEstimator
from ferrodl.nnframes.model import NNClassifierModel, NNModel

__all__ = ["NNEstimator", "NNModel", "NNClassifier", "NNClassifierModel", "bagging_fit", "stratified_sample"]
