package ferrodl.nn

import ferrodl.nn.abstractnn.{AbstractModule, Activity}
import ferrodl.tensor.Tensor
import ferrodl.utils.{T, Table}
import org.junit.Assert._
import org.junit.Test

import scala.io.Source

/**
 * The layers of issue 3's later sessions (shape layers, the convolution family, the normalisations, the similarity
 * layers) built through the Scala API with BigDL's names and arguments, one forward and backward each against the
 * PyTorch fixtures the Rust tests use (torch_reference_shape.txt, torch_reference_conv.txt,
 * torch_reference_more_layers.txt), in float to 2e-4.
 */
class LayerLibraryFixtureTest {
  private def load(file: String): Map[String, Tensor] = {
    val src = Source.fromFile(s"native/core/tests/fixtures/$file", "UTF-8")
    try {
      src
        .getLines()
        .filterNot(l => l.startsWith("#") || l.trim.isEmpty)
        .map { line =>
          val Array(head, values) = line.split(": ", 2)
          val Array(name, dims) = head.split(" ", 2)
          name -> Tensor(values.split(" ").map(_.toDouble.toFloat), dims.split(",").map(_.toInt))
        }
        .toMap
    } finally src.close()
  }

  private lazy val shape = load("torch_reference_shape.txt")
  private lazy val conv = load("torch_reference_conv.txt")
  private lazy val more = load("torch_reference_more_layers.txt")

  private def close(what: String, want: Activity, got: Activity): Unit = (want, got) match {
    case (w: Tensor, g: Tensor) =>
      assertArrayEquals(s"$what shape", w.size(), g.size())
      w.storage.indices.foreach { i =>
        assertEquals(s"$what[$i]", w.storage(i), g.storage(i), 2e-4f * math.max(1f, math.abs(w.storage(i))))
      }
    case (w: Table, g: Table) =>
      assertEquals(s"$what table length", w.length(), g.length())
      (1 to w.length()).foreach(i => close(s"$what($i)", w[Activity](i), g[Activity](i)))
    case _ => fail(s"$what: expected $want, got $got")
  }

  /** A tensor recorded as `key`, or the table of `key1`, `key2`, ... */
  private def activity(f: Map[String, Tensor], key: String): Activity = f.get(key) match {
    case Some(t) => t
    case None =>
      val items = Iterator.from(1).map(i => s"$key$i").takeWhile(f.contains).map(f).toVector
      assertTrue(s"fixture $key missing", items.nonEmpty)
      T.seq(items)
  }

  /** Forward, backward and parameter gradients of `m` against the fixture `caseName` of `f`. */
  private def check(f: Map[String, Tensor], caseName: String, m: AbstractModule): Unit = {
    val params = Iterator.from(0).map(i => s"$caseName/param$i").takeWhile(f.contains).map(f).toVector
    assertEquals(s"$caseName parameter count", params.map(_.storage.length).sum, m.numParameters())
    if (params.nonEmpty) m.setWeightsArray(params.flatMap(_.storage).toArray)
    val x = activity(f, s"$caseName/input")
    close(s"$caseName output", f(s"$caseName/output"), m.forward(x))
    m.zeroGradParameters()
    close(s"$caseName grad_input", activity(f, s"$caseName/grad_input"), m.backward(x, f(s"$caseName/grad_output")))
    if (params.nonEmpty) {
      val want = Iterator.from(0).map(i => s"$caseName/grad_param$i").takeWhile(f.contains).flatMap(f(_).storage)
      close(s"$caseName grad_params", Tensor.fromArray(want.toArray), m.getParameters()._2)
    }
  }

  @Test def shapeLayers(): Unit = {
    val cases = Seq[(String, AbstractModule)](
      "infer_reshape" -> InferReshape(Array(4, 0, 3, -1)),
      "infer_reshape_batch" -> InferReshape(Array(3, -1), batchMode = true),
      "replicate" -> Replicate(3, 2),
      "replicate_batch" -> Replicate(2, 1, 1),
      "replicate_last" -> Replicate(4, 3),
      "reverse" -> Reverse(1),
      "reverse_last" -> Reverse(3),
      "padding_before" -> Padding(2, -2, 2, 0.5),
      "padding_after_batch" -> Padding(1, 3, 1, -1.0),
      "padding_index" -> Padding(2, -1, 2, 2.0, 2),
      "padding_index_after" -> Padding(1, 2, 2, nIndex = 2),
      "zero_padding" -> SpatialZeroPadding(1, 2, 0, 3),
      "zero_padding_crop" -> SpatialZeroPadding(-1, 1, 2, -2),
      "cropping2d" -> Cropping2D(Array(1, 0), Array(1, 2)),
      "cropping2d_nhwc" -> Cropping2D(Array(0, 2), Array(1, 1), "NHWC"),
      "cropping3d" -> Cropping3D(Array(1, 0), Array(0, 1), Array(1, 1)),
      "cropping3d_last" -> Cropping3D(Array(1, 1), Array(0, 0), Array(2, 0), Cropping3D.CHANNEL_LAST),
      "masking" -> Masking(0.5),
      "masking_2d" -> Masking(),
      "maxout" -> Maxout(5, 3, 4),
      "maxout_nobias" -> Maxout(3, 2, 3, withBias = false),
      "rrelu_eval" -> RReLU().evaluate(),
      "rrelu_eval_bounds" -> RReLU(0.2, 0.6).evaluate(),
      "srelu" -> SReLU(Array(3, 4)),
      "srelu_shared" -> SReLU(Array(2, 3), Array(2)),
      "scale" -> Scale(Array(3, 1, 1)),
      "scale_vector" -> Scale(Array(4)),
      "l1penalty" -> L1Penalty(2),
      "l1penalty_avg" -> L1Penalty(3, sizeAverage = true),
      "gaussian_dropout_eval" -> GaussianDropout(0.3).evaluate(),
      "gaussian_noise_eval" -> GaussianNoise(0.2).evaluate(),
      "spatial_dropout1d_eval" -> SpatialDropout1D(0.3).evaluate(),
      "spatial_dropout2d_eval" -> SpatialDropout2D(0.25).evaluate(),
      "spatial_dropout3d_eval" -> SpatialDropout3D(format = "NHWC").evaluate()
    )
    cases.foreach { case (name, m) => check(shape, name, m) }
  }

  @Test def convolutionsAndResampling(): Unit = {
    val cases = Seq[(String, AbstractModule)](
      "dilated" -> SpatialDilatedConvolution(3, 4, 2, 3, 1, 1, 0, 1, 3, 2),
      "dilated_stride_3d" -> SpatialDilatedConvolution(2, 3, 3, 2, 1, 2, 1, 2, 2, 1),
      "full" -> SpatialFullConvolution(3, 2, 3, 3, 2, 2, 1, 1, 0, 1),
      "full_groups_nobias" -> SpatialFullConvolution(4, 6, 3, 2, 2, 1, 1, 0, 1, 0, nGroup = 2, noBias = true),
      "full_3d" -> SpatialFullConvolution(2, 3, 2, 2),
      "temporal" -> TemporalConvolution(4, 5, 3),
      "temporal_stride_2d" -> TemporalConvolution(3, 4, 2, 2),
      "tmaxpool" -> TemporalMaxPooling(3, 2),
      "tmaxpool_2d" -> TemporalMaxPooling(2),
      "upsample1d" -> UpSampling1D(3),
      "upsample2d" -> UpSampling2D(Array(2, 3)),
      "upsample2d_nhwc" -> UpSampling2D(Array(3, 2), "NHWC"),
      "resize" -> ResizeBilinear(5, 7),
      "resize_align" -> ResizeBilinear(4, 6, alignCorners = true),
      "resize_down" -> ResizeBilinear(2, 3),
      "vconv" -> VolumetricConvolution(2, 3, 2, 2, 3, 1, 1, 2, 1, 2, 0),
      "vconv_nobias_4d" -> VolumetricConvolution(1, 2, 2, 3, 2, withBias = false),
      "vmaxpool" -> VolumetricMaxPooling(2, 3, 2, 1, 2, 2, 1, 1, 0),
      "vmaxpool_ceil" -> VolumetricMaxPooling(2, 2, 2, 2, 2, 2).ceil(),
      "vavgpool" -> VolumetricAveragePooling(2, 2, 3, 1, 2, 2, 1, 0, 1),
      "vavgpool_excl_ceil" ->
        VolumetricAveragePooling(3, 3, 3, 2, 2, 2, 1, 1, 1, countIncludePad = false, ceilMode = true),
      "upsample3d" -> UpSampling3D(Array(2, 1, 3)),
      "local1d" -> LocallyConnected1D(8, 3, 4, 3, 2),
      "local1d_2d" -> LocallyConnected1D(4, 2, 3, 2, 1),
      "local2d" -> LocallyConnected2D(2, 7, 4, 3, 3, 2, strideW = 2, padH = 1),
      "local2d_nobias_3d" -> LocallyConnected2D(3, 4, 4, 2, 2, 2, 2, 2, padW = 1, withBias = false),
      "separable" -> SpatialSeparableConvolution(2, 4, 3, 2, 3, 1, 2, 1, 1),
      "separable_nobias_3d" -> SpatialSeparableConvolution(3, 2, 1, 2, 2, hasBias = false)
    )
    cases.foreach { case (name, m) => check(conv, name, m) }
  }

  @Test def normalizations(): Unit = {
    val cases = Seq[(String, Map[String, Tensor], AbstractModule)](
      ("layernorm", conv, LayerNormalization(5)),
      ("layernorm_1d", conv, LayerNormalization(4)),
      ("normalize", conv, Normalize(2.0)),
      ("normalize_p3_4d", conv, Normalize(3.0)),
      ("normalize_p1_1d", conv, Normalize(1.0, 1e-3)),
      ("lrn", conv, SpatialCrossMapLRN(5, 1.0, 0.75, 1.0)),
      ("lrn_3d", conv, SpatialCrossMapLRN(3, 0.5, 0.9, 2.0)),
      ("within_lrn", more, SpatialWithinChannelLRN()),
      ("within_lrn_3d", more, SpatialWithinChannelLRN(3, 2.5, 0.4)),
      ("subnorm_default", more, SpatialSubtractiveNormalization()),
      ("subnorm_k2d", more, SpatialSubtractiveNormalization(3, more("kernels/k35"))),
      ("subnorm_k1d_3d", more, SpatialSubtractiveNormalization(2, more("kernels/k3"))),
      ("divnorm_default", more, SpatialDivisiveNormalization()),
      ("divnorm_k2d", more, SpatialDivisiveNormalization(3, more("kernels/k35"))),
      ("divnorm_k1d_3d_thresh", more, SpatialDivisiveNormalization(2, more("kernels/k3"), 0.9, 0.8))
    )
    cases.foreach { case (name, f, m) => check(f, name, m) }
  }

  @Test def transposedAndSharedConvolutionsAndSimilarityLayers(): Unit = {
    val cases = Seq[(String, AbstractModule)](
      "vfull" -> VolumetricFullConvolution(2, 3, 2, 3, 2, 2, 2, 1, 1, 1, 0, 1, 1, 0),
      "vfull_groups_nobias_4d" ->
        VolumetricFullConvolution(4, 2, 2, 2, 3, dH = 2, padH = 1, adjH = 1, nGroup = 2, noBias = true),
      "share_conv" -> SpatialShareConvolution(4, 2, 3, 2, strideW = 2, padW = 1, nGroup = 2),
      "cosine" -> Cosine(5, 3),
      "cosine_1d" -> Cosine(5, 2),
      "euclidean" -> Euclidean(5, 3),
      "euclidean_1d" -> Euclidean(3, 4, fastBackward = false),
      "bilinear" -> Bilinear(3, 4, 2),
      "bilinear_nobias" -> Bilinear(2, 3, 4, biasRes = false)
    )
    cases.foreach { case (name, m) => check(more, name, m) }
  }

  @Test def initMethodsReachTheNewLayers(): Unit = {
    val layers = Seq[(AbstractModule, Int)](
      VolumetricFullConvolution(2, 4, 2, 2, 1, nGroup = 2) -> 4,
      SpatialShareConvolution(2, 3, 2, 2) -> 3,
      SpatialDilatedConvolution(2, 3, 3, 2) -> 3,
      TemporalConvolution(3, 4, 2) -> 4,
      LocallyConnected2D(2, 5, 4, 3, 2, 3) -> 3 * 4 * 2,
      Bilinear(2, 3, 4) -> 4,
      Cosine(4, 3) -> 0
    )
    layers.foreach { case (m, bias) =>
      val w = m.setInitMethod(ConstInitMethod(0.25), ConstInitMethod(-0.5)).getWeightsArray()
      val wl = w.length - bias
      assertTrue(s"$m weight", w.take(wl).forall(_ == 0.25f))
      assertTrue(s"$m bias", w.drop(wl).forall(_ == -0.5f))
    }
    // BilinearFiller: a 4x4 kernel is the outer product of (0.25, 0.75, 0.75, 0.25).
    val w = SpatialFullConvolution(1, 1, 4, 4, 2, 2, 1, 1).setInitMethod(BilinearFiller, Zeros).getWeightsArray()
    val taps = Array(0.25f, 0.75f, 0.75f, 0.25f)
    (0 until 16).foreach(i => assertEquals(s"tap $i", taps(i % 4) * taps(i / 4), w(i), 1e-7f))
    assertEquals(0f, w(16), 0f)
  }
}
