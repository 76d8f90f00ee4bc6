"""NNModel and NNClassifierModel: trained ferrodl models as pyspark.ml transformers."""

from pyspark.ml.util import JavaMLReadable, JavaMLWritable
from pyspark.ml.wrapper import JavaModel

from ferrodl.nn.layer_base import Layer
from ferrodl.nnframes.params import FerrodlMLReader, HasClassifierParams, HasNNParams, call_java
from ferrodl.util import jvm as _jvm


class NNModel(JavaModel, HasNNParams, JavaMLWritable, JavaMLReadable):
    """A trained model as a Spark ML Model (Scala ``ferrodl.nnframes.NNModel``). ``transform`` appends
    ``predictionCol``, the model's output for each row as an array of doubles, keeping every other
    column; inference runs batched on the executors.

    >>> NNModel(model, feature_size=[4]).setBatchSize(256).transform(df)
    """

    scala_class = "ferrodl.nnframes.NNModel"

    def __init__(self, model=None, feature_size=None, java_model=None):
        if java_model is None and model is not None:
            java_model = _jvm.new(self.scala_class, model)
        super().__init__(java_model)
        if feature_size is not None:
            self.setFeatureSize(list(feature_size))
        if java_model is not None:
            self._transfer_params_from_java()

    def _transform(self, dataset):
        from pyspark.sql import DataFrame
        self._transfer_params_to_java()
        return DataFrame(call_java(self._java_obj, "transform", dataset._jdf), dataset.sparkSession)

    def getModel(self):
        """The trained ferrodl model (a ``Layer``)."""
        return Layer.of(self._java_obj.getModel())

    @classmethod
    def read(cls):
        return FerrodlMLReader(cls)


class NNClassifierModel(NNModel, HasClassifierParams):
    """A trained classifier (Scala ``ferrodl.nnframes.NNClassifierModel``): ``transform`` appends
    ``rawPredictionCol`` and ``probabilityCol`` (ML Vectors) and ``predictionCol`` (the class, a
    double, 0-based unless ``zeroBasedLabel`` is False), so Spark's evaluators work on its output."""

    scala_class = "ferrodl.nnframes.NNClassifierModel"
