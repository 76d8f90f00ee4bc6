"""The Params of the nnframes stages, with the Scala side's names, defaults and checks.

pyspark copies them to the JVM object before ``fit``/``transform``/``save``; the JVM validates them.
Object-valued settings (optimisation method, end trigger, validation, summaries, checkpoint trigger)
have no Python Param: their setters call the JVM object directly, and ``copy`` keeps them there.
"""

from pyspark.ml.param import Param, Params, TypeConverters
from pyspark.ml.util import JavaMLReader

from ferrodl.util import jvm as _jvm


def call_java(obj, method, *args):
    """``jvm.call``: Java exceptions arrive as ``FerrodlError`` subclasses, also once a SparkSession
    has installed pyspark's py4j hook."""
    return _jvm.call(obj, method, *args)


class HasNNParams(Params):
    """featuresCol, predictionCol, featureSize, batchSize (NNModel and NNEstimator)."""

    featuresCol = Param(Params._dummy(), "featuresCol", "features column name", TypeConverters.toString)
    predictionCol = Param(Params._dummy(), "predictionCol", "prediction column name", TypeConverters.toString)
    featureSize = Param(Params._dummy(), "featureSize", "shape of one record's features", TypeConverters.toListInt)
    batchSize = Param(Params._dummy(), "batchSize", "records per batch", TypeConverters.toInt)

    def __init__(self):
        super().__init__()
        self._setDefault(featuresCol="features", predictionCol="prediction", batchSize=32)

    def setFeaturesCol(self, value):
        return self._set(featuresCol=value)

    def getFeaturesCol(self):
        return self.getOrDefault(self.featuresCol)

    def setPredictionCol(self, value):
        return self._set(predictionCol=value)

    def getPredictionCol(self):
        return self.getOrDefault(self.predictionCol)

    def setFeatureSize(self, value):
        return self._set(featureSize=value)

    def getFeatureSize(self):
        return self.getOrDefault(self.featureSize)

    def setBatchSize(self, value):
        return self._set(batchSize=value)

    def getBatchSize(self):
        return self.getOrDefault(self.batchSize)


class HasNNTrainParams(HasNNParams):
    """The training Params of NNEstimator and NNClassifier (see the Scala ``NNTrainParams``)."""

    labelCol = Param(Params._dummy(), "labelCol", "label column name", TypeConverters.toString)
    labelSize = Param(Params._dummy(), "labelSize", "shape of one record's label", TypeConverters.toListInt)
    maxEpoch = Param(Params._dummy(), "maxEpoch", "number of epochs to train", TypeConverters.toInt)
    learningRate = Param(Params._dummy(), "learningRate", "learning rate", TypeConverters.toFloat)
    learningRateDecay = Param(Params._dummy(), "learningRateDecay", "learning rate decay", TypeConverters.toFloat)
    checkpointPath = Param(Params._dummy(), "checkpointPath", "checkpoint folder (empty: none)",
                           TypeConverters.toString)
    constantGradientClippingMin = Param(Params._dummy(), "constantGradientClippingMin",
                                        "lower bound of constant gradient clipping", TypeConverters.toFloat)
    constantGradientClippingMax = Param(Params._dummy(), "constantGradientClippingMax",
                                        "upper bound of constant gradient clipping", TypeConverters.toFloat)
    gradientClippingL2Norm = Param(Params._dummy(), "gradientClippingL2Norm",
                                   "L2 norm the gradient is clipped to", TypeConverters.toFloat)

    def __init__(self):
        super().__init__()
        self._setDefault(labelCol="label", labelSize=[1], maxEpoch=50, learningRate=1e-3,
                         learningRateDecay=0.0, checkpointPath="")

    def setLabelCol(self, value):
        return self._set(labelCol=value)

    def getLabelCol(self):
        return self.getOrDefault(self.labelCol)

    def setLabelSize(self, value):
        return self._set(labelSize=value)

    def getLabelSize(self):
        return self.getOrDefault(self.labelSize)

    def setMaxEpoch(self, value):
        return self._set(maxEpoch=value)

    def getMaxEpoch(self):
        return self.getOrDefault(self.maxEpoch)

    def setLearningRate(self, value):
        return self._set(learningRate=value)

    def getLearningRate(self):
        return self.getOrDefault(self.learningRate)

    def setLearningRateDecay(self, value):
        return self._set(learningRateDecay=value)

    def getLearningRateDecay(self):
        return self.getOrDefault(self.learningRateDecay)

    def setConstantGradientClipping(self, min_value, max_value):
        """Clamps every gradient element to ``[min_value, max_value]`` before each update."""
        if min_value > max_value:
            raise ValueError(f"clipping min {min_value} must be <= max {max_value}")
        return self._set(constantGradientClippingMin=min_value, constantGradientClippingMax=max_value)

    def setGradientClippingByl2Norm(self, clip_norm):
        """Scales the gradient down to L2 norm ``clip_norm`` when it is larger."""
        return self._set(gradientClippingL2Norm=clip_norm)

    def disableGradientClipping(self):
        for p in (self.constantGradientClippingMin, self.constantGradientClippingMax, self.gradientClippingL2Norm):
            self.clear(p)
        return self


class HasClassifierParams(Params):
    """probabilityCol, rawPredictionCol and zeroBasedLabel (see the Scala ``NNClassifierParams``)."""

    probabilityCol = Param(Params._dummy(), "probabilityCol", "class probabilities column name",
                           TypeConverters.toString)
    rawPredictionCol = Param(Params._dummy(), "rawPredictionCol", "raw model output column name",
                             TypeConverters.toString)
    zeroBasedLabel = Param(Params._dummy(), "zeroBasedLabel", "whether class indices are 0-based",
                           TypeConverters.toBoolean)

    def __init__(self):
        super().__init__()
        self._setDefault(probabilityCol="probability", rawPredictionCol="rawPrediction", zeroBasedLabel=True)

    def setProbabilityCol(self, value):
        return self._set(probabilityCol=value)

    def getProbabilityCol(self):
        return self.getOrDefault(self.probabilityCol)

    def setRawPredictionCol(self, value):
        return self._set(rawPredictionCol=value)

    def getRawPredictionCol(self):
        return self.getOrDefault(self.rawPredictionCol)

    def setZeroBasedLabel(self, value):
        return self._set(zeroBasedLabel=value)

    def getZeroBasedLabel(self):
        return self.getOrDefault(self.zeroBasedLabel)


class FerrodlMLReader(JavaMLReader):
    """Reads a stage with the Scala class of the same name in ``ferrodl.nnframes``."""

    @classmethod
    def _java_loader_class(cls, clazz):
        return "ferrodl.nnframes." + clazz.__name__
