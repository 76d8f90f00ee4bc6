"""NNEstimator and NNClassifier: ferrodl training as pyspark.ml estimators."""

from pyspark.ml.util import JavaMLReadable, JavaMLWritable
from pyspark.ml.wrapper import JavaEstimator

from ferrodl.nnframes.model import NNClassifierModel, NNModel
from ferrodl.nnframes.params import FerrodlMLReader, HasClassifierParams, HasNNTrainParams, call_java
from ferrodl.util import jvm as _jvm


class NNEstimator(JavaEstimator, HasNNTrainParams, JavaMLWritable, JavaMLReadable):
    """Trains a ferrodl model on a DataFrame (Scala ``ferrodl.nnframes.NNEstimator``, BigDL's names).

    >>> est = NNEstimator(model, MSECriterion(), [4], [1]).setMaxEpoch(20).setLearningRate(0.1)
    >>> nn_model = est.fit(df)      # an NNModel

    Features and labels may be ML Vectors, arrays of numbers, or numbers. Each ``fit`` starts from
    a copy of ``model``'s weights and a fresh copy of the optimisation method.
    """

    scala_class = "ferrodl.nnframes.NNEstimator"

    def __init__(self, model=None, criterion=None, feature_size=None, label_size=None):
        super().__init__()
        if model is not None:
            if criterion is None:
                raise ValueError(f"{type(self).__name__} needs a criterion")
            self._java_obj = _jvm.new(self.scala_class, model, criterion)
            self._resetUid(self._java_obj.uid())
        if feature_size is not None:
            self.setFeatureSize(list(feature_size))
        if label_size is not None:
            self.setLabelSize(list(label_size))

    def _call(self, method, *args):
        call_java(self._java_obj, method, *args)
        return self

    def setOptimMethod(self, method):
        """The optimisation method (an ``OptimMethod`` such as ``SGD`` or ``Adam``); copied for each fit."""
        return self._call("setOptimMethod", method)

    def setEndWhen(self, trigger):
        """A ``Trigger`` that ends training (default: ``MaxEpoch(maxEpoch)``)."""
        return self._call("setEndWhen", trigger)

    def setModelVariant(self, model):
        """Trains ``model`` (same input and output) instead of the constructor's model; in Scala this
        is the ``modelVariant`` Param that ``ParamGridBuilder`` can search over."""
        return self._call("setModelVariant", model)

    def setValidation(self, trigger, val_df, val_method, batch_size):
        """Evaluates ``val_method`` (methods or names such as "Top1Accuracy") on ``val_df`` when
        ``trigger`` fires."""
        from ferrodl.optim.metrics import _validation_methods
        methods = [m.value for m in _validation_methods(val_method)]
        array = _jvm.gateway().new_array(_jvm.jvm().ferrodl.optim.ValidationMethod, len(methods))
        for i, m in enumerate(methods):
            array[i] = m
        return self._call("setValidation", trigger, val_df._jdf, array, int(batch_size))

    def setTrainSummary(self, summary):
        return self._call("setTrainSummary", summary)

    def setValidationSummary(self, summary):
        return self._call("setValidationSummary", summary)

    def setCheckpoint(self, path, trigger, is_over_write=True):
        """Writes checkpoints to ``path`` when ``trigger`` fires."""
        self._call("setCheckpoint", path, trigger, bool(is_over_write))
        return self._set(checkpointPath=path)

    def _fit_java(self, dataset):
        self._transfer_params_to_java()
        return call_java(self._java_obj, "fit", dataset._jdf)

    def _create_model(self, java_model):
        return NNModel(java_model=java_model)

    @classmethod
    def read(cls):
        return FerrodlMLReader(cls)


class NNClassifier(NNEstimator, HasClassifierParams):
    """Trains a classifier (Scala ``ferrodl.nnframes.NNClassifier``): the label column holds one class
    index per row, 0-based by default (as StringIndexer gives them; ``setZeroBasedLabel(False)`` for
    BigDL's 1-based labels). ``fit`` returns an NNClassifierModel.

    >>> NNClassifier(model, ClassNLLCriterion(), [4]).setMaxEpoch(20).fit(df).transform(df)
    """

    scala_class = "ferrodl.nnframes.NNClassifier"

    def __init__(self, model=None, criterion=None, feature_size=None):
        super().__init__(model, criterion, feature_size)

    def _create_model(self, java_model):
        return NNClassifierModel(java_model=java_model)
