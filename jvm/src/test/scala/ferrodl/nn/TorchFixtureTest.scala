package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule
import ferrodl.tensor.Tensor
import org.junit.Assert._
import org.junit.Test

/** Layers built through the Scala API against the PyTorch fixtures the Rust tests use. */
class TorchFixtureTest {
  private val fixtures: Map[String, Tensor] = TorchFixtures.read("native/core/tests/fixtures/torch_reference.txt")

  private def close(what: String, want: Tensor, got: Tensor): Unit = TorchFixtures.assertClose(what, want, got)

  private def check(caseName: String, m: AbstractModule, nParams: Int): Unit = {
    val params = (0 until nParams).flatMap(i => fixtures(s"$caseName/param$i").storage).toArray
    if (nParams > 0) m.setWeightsArray(params)
    val x = fixtures(s"$caseName/input")
    close(s"$caseName output", fixtures(s"$caseName/output"), m.forward(x))
    m.zeroGradParameters()
    close(s"$caseName grad_input", fixtures(s"$caseName/grad_input"), m.backward(x, fixtures(s"$caseName/grad_output")))
    if (nParams > 0) {
      val want = (0 until nParams).flatMap(i => fixtures(s"$caseName/grad_param$i").storage).toArray
      close(s"$caseName grad_params", Tensor.fromArray(want), m.getParameters()._2)
    }
  }

  @Test def linearTanhLogSoftMax(): Unit = {
    check("linear", Linear(5, 3), 2)
    check("linear_nobias", Linear(7, 4, withBias = false), 1)
    check("tanh", Tanh(), 0)
    check("relu", ReLU(), 0)
    check("logsoftmax", LogSoftMax(), 0)
  }

  @Test def convolutionAndPooling(): Unit = {
    check("conv", SpatialConvolution(3, 4, 2, 3), 2)
    check("conv_stride_pad", SpatialConvolution(2, 3, 4, 3, strideW = 3, strideH = 2, padW = 2, padH = 1), 2)
    check("conv_groups", SpatialConvolution(4, 6, 3, 3, padW = 1, padH = 1, nGroup = 2), 2)
    check("maxpool", SpatialMaxPooling(2, 2, 2, 2), 0)
    check("maxpool_ceil", SpatialMaxPooling(3, 3, 2, 2).ceil(), 0)
    check("maxpool_pad", SpatialMaxPooling(2, 3, 1, 2, 1, 1), 0)
    check("avgpool", SpatialAveragePooling(2, 2, 2, 2), 0)
    check("avgpool_pad_ceil", SpatialAveragePooling(3, 3, 2, 2, 1, 1).ceil(), 0)
    check("avgpool_pad_excl", SpatialAveragePooling(3, 2, 2, 1, 1, 1, countIncludePad = false), 0)
    check("avgpool_sum", SpatialAveragePooling(2, 2, divide = false), 0)
    check("avgpool_global", SpatialAveragePooling(0, 0, globalPooling = true), 0)
  }

  @Test def batchNormalizationTrainingUpdatesRunningStatisticsAsPyTorch(): Unit = {
    for ((name, layer) <- Seq("bn" -> BatchNormalization(3), "bn_spatial" -> SpatialBatchNormalization(3))) {
      layer.setBuffersArray(fixtures(s"$name/running_before").storage)
      check(name, layer, 2)
      close(s"$name running statistics", fixtures(s"$name/running_after"), Tensor.fromArray(layer.getBuffersArray()))
    }
    val eval = SpatialBatchNormalization(3)
    eval.setBuffersArray(fixtures("bn_spatial/running_before").storage).evaluate()
    check("bn_spatial_eval", eval, 2)
  }

  @Test def scaleAndShiftLayers(): Unit = {
    check("cmul", CMul(Array(3, 1, 1)), 1)
    check("cadd", CAdd(Array(3)), 1)
    check("mul", Mul(), 1)
    check("add", Add(4), 1)
    check("prelu", PReLU(3), 1)
    check("prelu_shared", PReLU(), 1)
  }

  @Test def structuralLayers(): Unit = {
    check("shape_view", View(Array(4, 3)).setNumInputDims(2), 0)
    check("shape_view_infer", View(Array(-1)), 0)
    check("shape_squeeze_all", Squeeze(), 0)
    check("shape_squeeze_dim", Squeeze(2), 0)
    check("shape_unsqueeze", Unsqueeze(2), 0)
    check("shape_unsqueeze_batch", Unsqueeze(1, numInputDims = 2), 0)
    check("shape_transpose", Transpose(Array((1, 3), (2, 3))), 0)
    check("shape_narrow", Narrow(2, 2, 3), 0)
    check("shape_narrow_neg", Narrow(2, -3, -1), 0)
    check("shape_select", Select(2, 3), 0)
    check("shape_select_neg", Select(1, -1), 0)
  }

  @Test def reductionsAndLookupTable(): Unit = {
    check("reduce_sum", Sum(2), 0)
    check("reduce_sum_keep", Sum(2, squeeze = false), 0)
    check("reduce_mean_batch", Mean(1, nInputDims = 2), 0)
    check("reduce_max", Max(-1), 0)
    check("reduce_min", Min(2), 0)
    check("lookup", LookupTable(6, 3), 1)
  }

  @Test def softMaxSoftMinIdentityAndDropoutInEvaluation(): Unit = {
    check("softmax", SoftMax(), 0)
    check("softmax_4d", SoftMax(), 0)
    check("softmin", SoftMin(), 0)
    check("pw_Identity", Identity(), 0)
    check("pw_Identity", Dropout(0.4).evaluate(), 0)
  }

  @Test def pointwiseLayers(): Unit = {
    val layers = Seq(
      "Sigmoid" -> Sigmoid(),
      "ReLU6" -> ReLU6(),
      "LeakyReLU" -> LeakyReLU(0.2),
      "ELU" -> ELU(1.5),
      "HardTanh" -> HardTanh(-0.5, 1.2),
      "Clamp" -> Clamp(-0.3, 0.4),
      "HardSigmoid" -> HardSigmoid(),
      "LogSigmoid" -> LogSigmoid(),
      "SoftPlus" -> SoftPlus(2.0),
      "SoftSign" -> SoftSign(),
      "SoftShrink" -> SoftShrink(0.3),
      "HardShrink" -> HardShrink(0.4),
      "TanhShrink" -> TanhShrink(),
      "Threshold" -> Threshold(0.1, -2.0),
      "Abs" -> Abs(),
      "Square" -> Square(),
      "Sqrt" -> Sqrt(),
      "Exp" -> Exp(),
      "Log" -> Log(),
      "Power" -> Power(2.5, 0.5, 3.0),
      "MulConstant" -> MulConstant(-1.5),
      "AddConstant" -> AddConstant(0.7)
    )
    layers.foreach { case (name, layer) => check(s"pw_$name", layer, 0) }
  }

  @Test def criterions(): Unit = {
    val cases = Seq(
      "crit_MSECriterion_mean" -> MSECriterion(),
      "crit_AbsCriterion_sum" -> AbsCriterion(sizeAverage = false),
      "crit_SmoothL1Criterion_mean" -> SmoothL1Criterion(),
      "crit_BCECriterion_sum" -> BCECriterion(Tensor(Array(0.5f, 1f, 2f), Array(3)), sizeAverage = false),
      "crit_SoftMarginCriterion_mean" -> SoftMarginCriterion(),
      "crit_DistKLDivCriterion_mean" -> DistKLDivCriterion(),
      "crit_MarginCriterion_mean" -> MarginCriterion(0.7),
      "crit_PoissonCriterion_mean" -> PoissonCriterion(),
      "crit_CrossEntropyCriterion_mean" -> CrossEntropyCriterion(),
      "crit_ClassNLLCriterion_mean_padding" -> ClassNLLCriterion(paddingValue = 3),
      "crit_ClassNLLCriterion_mean_probabilities" -> ClassNLLCriterion(logProbAsInput = false),
      "crit_MultiLabelSoftMarginCriterion_mean" -> MultiLabelSoftMarginCriterion(),
      "crit_MultiLabelSoftMarginCriterion_mean_weighted" ->
        MultiLabelSoftMarginCriterion(Tensor(Array(0.5f, 1f, 2f), Array(3))),
      "crit_HingeEmbeddingCriterion_mean" -> HingeEmbeddingCriterion(0.5),
      "crit_MultiMarginCriterion_sum_p2" ->
        MultiMarginCriterion(2, Tensor(Array(0.5f, 2f, 1f, 0.1f), Array(4)), 0.7, sizeAverage = false),
      "crit_MultiLabelMarginCriterion_mean" -> MultiLabelMarginCriterion(),
      "crit_CategoricalCrossEntropy_mean" -> CategoricalCrossEntropy(),
      "crit_KullbackLeiblerDivergenceCriterion_mean" -> KullbackLeiblerDivergenceCriterion(),
      "crit_ClassSimplexCriterion_mean" -> ClassSimplexCriterion(4),
      "crit_CosineDistanceCriterion_sum" -> CosineDistanceCriterion(sizeAverage = false),
      "crit_CosineProximityCriterion_mean" -> CosineProximityCriterion(),
      "crit_DotProductCriterion_mean" -> DotProductCriterion(sizeAverage = true),
      "crit_DiceCoefficientCriterion_sum" -> DiceCoefficientCriterion(sizeAverage = false, epsilon = 0.5f),
      "crit_L1Cost_sum" -> L1Cost(),
      "multi_ce_mm" -> MultiCriterion().add(CrossEntropyCriterion()).add(MultiMarginCriterion(2), 0.25),
      "timedist_ce_mean" -> TimeDistributedCriterion(CrossEntropyCriterion(), sizeAverage = true)
    )
    cases.foreach { case (name, c) =>
      val (x, t) = (fixtures(s"$name/input"), fixtures(s"$name/target"))
      val want = fixtures(s"$name/loss").storage(0)
      assertEquals(s"$name loss", want, c.forward(x, t), 1e-4f * math.max(1f, math.abs(want)))
      close(s"$name grad", fixtures(s"$name/grad_input"), c.backward(x, t))
    }
  }
}
