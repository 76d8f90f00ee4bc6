package ferrodl.examples.fraud

import ferrodl.nn.{ClassNLLCriterion, Linear, LogSoftMax, Sequential, Tanh}
import ferrodl.nnframes.{NNBagging, NNClassifier, NNClassifierModel}
import ferrodl.tensor.Tensor
import ferrodl.utils.LoggerFilter
import org.apache.spark.ml.{Pipeline, PipelineModel, PipelineStage}
import org.apache.spark.ml.classification.LogisticRegression
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator
import org.apache.spark.ml.feature.{OneHotEncoder, StandardScaler, StringIndexer, VectorAssembler}
import org.apache.spark.ml.tuning.{CrossValidator, ParamGridBuilder}
import org.apache.spark.sql.{DataFrame, SparkSession}

/**
 * Transaction fraud detection, the seed's use case, end to end:
 *  1. generates an imbalanced transaction table (about 1% fraud, see [[FraudData]]);
 *  2. writes it as a Hive table (`enableHiveSupport`, Spark's embedded Derby metastore and a
 *     warehouse under `--dir`);
 *  3. reads it back with SparkSQL, per-customer aggregates as features;
 *  4. fits a Pipeline (StringIndexer, OneHotEncoder, VectorAssembler, StandardScaler, NNClassifier);
 *  5. bags 3 NNClassifiers trained on stratified bootstraps (all frauds, a fifth of the rest;
 *     smaller batches and twice the epochs, as the data is smaller);
 *  6. tunes learningRate and maxEpoch with a CrossValidator (area under PR);
 *  7. reports the areas under PR and ROC on the test split, against Spark's LogisticRegression.
 * {{{
 * spark-submit --master 'local[2]' --jars ferrodl-spark_2.12-0.1.0.jar \
 *   --class ferrodl.examples.fraud.FraudDetection ferrodl-examples_2.12-0.1.0.jar --rows 100000
 * }}}
 * Options: --rows N (100000), --fraud-rate X (0.01), --epochs N (10), --dir DIR (build/fraud),
 * --seed N, --folds N (2), --expect-better (exit 1 unless the bagged model's AUC-PR beats LR's).
 */
object FraudDetection {

  final case class Args(
      rows: Int = 100000,
      fraudRate: Double = 0.01,
      epochs: Int = 10,
      dir: String = "build/fraud",
      seed: Long = 42L,
      folds: Int = 2,
      expectBetter: Boolean = false
  )

  def parse(args: List[String], a: Args = Args()): Args = args match {
    case Nil => a
    case "--rows" :: v :: rest => parse(rest, a.copy(rows = v.toInt))
    case "--fraud-rate" :: v :: rest => parse(rest, a.copy(fraudRate = v.toDouble))
    case "--epochs" :: v :: rest => parse(rest, a.copy(epochs = v.toInt))
    case "--dir" :: v :: rest => parse(rest, a.copy(dir = v))
    case "--seed" :: v :: rest => parse(rest, a.copy(seed = v.toLong))
    case "--folds" :: v :: rest => parse(rest, a.copy(folds = v.toInt))
    case "--expect-better" :: rest => parse(rest, a.copy(expectBetter = true))
    case other :: _ => throw new IllegalArgumentException(s"unknown option $other")
  }

  val Numeric: Array[String] =
    Array("logAmount", "logDistance", "hour", "night", "deviceAgeDays", "txCount", "amountRatio")

  /** The feature stages: category index and one-hot, assembled numeric columns, standardised. */
  def featureStages(): Array[PipelineStage] = Array(
    new StringIndexer().setInputCol("category").setOutputCol("categoryIndex").setStringOrderType("alphabetAsc"),
    new OneHotEncoder().setInputCols(Array("categoryIndex")).setOutputCols(Array("categoryVec")),
    new VectorAssembler().setInputCols(Numeric :+ "categoryVec").setOutputCol("raw"),
    new StandardScaler().setInputCol("raw").setOutputCol("features")
  )

  val FeatureSize: Int = Numeric.length + FraudData.Categories.length - 1

  def network(seed: Long): Sequential = {
    ferrodl.utils.RandomGenerator.setSeed(seed)
    Sequential()
      .add(Linear(FeatureSize, 32))
      .add(Tanh())
      .add(Linear(32, 16))
      .add(Tanh())
      .add(Linear(16, 2))
      .add(LogSoftMax())
  }

  /** Fraud weighs `weight` times a normal transaction in the loss (the imbalance). */
  def classifier(a: Args, weight: Float): NNClassifier =
    NNClassifier(network(a.seed), ClassNLLCriterion(weights = Tensor(Array(1f, weight), Array(2))), Array(FeatureSize))
      .setLabelCol("isFraud")
      .setBatchSize(256)
      .setMaxEpoch(a.epochs)
      .setLearningRate(0.1)

  def areas(df: DataFrame, raw: String): (Double, Double) = {
    val ev = new BinaryClassificationEvaluator().setLabelCol("isFraud").setRawPredictionCol(raw)
    (ev.setMetricName("areaUnderPR").evaluate(df), ev.setMetricName("areaUnderROC").evaluate(df))
  }

  def session(dir: String): SparkSession = {
    val root = new java.io.File(dir).getAbsoluteFile
    root.mkdirs()
    System.setProperty("derby.system.home", root.getPath)
    SparkSession
      .builder()
      .appName("ferrodl fraud detection")
      .config("spark.sql.warehouse.dir", new java.io.File(root, "warehouse").toURI.toString)
      .config(
        "spark.hadoop.javax.jdo.option.ConnectionURL",
        s"jdbc:derby:;databaseName=${root.getPath}/metastore_db;create=true"
      )
      .enableHiveSupport()
      .getOrCreate()
  }

  /** Runs the example; returns (name, AUC-PR, AUC-ROC) per model. */
  def run(spark: SparkSession, a: Args): Seq[(String, Double, Double)] = {
    spark.sql("CREATE DATABASE IF NOT EXISTS fraud")
    FraudData.generate(spark, a.rows, a.fraudRate, a.seed).write.mode("overwrite").saveAsTable("fraud.transactions")
    val data = spark.sql(FraudData.featuresSql("fraud.transactions")).cache()
    val Array(train, test) = data.randomSplit(Array(0.7, 0.3), a.seed)
    val frauds = train.filter("isFraud = 1").count()
    println(f"rows ${a.rows}, train ${train.count()} ($frauds frauds), test ${test.count()}")
    val weight = math.min(20f, math.max(1f, (train.count() - frauds).toFloat / math.max(1L, frauds) / 5))

    val pipeline = new Pipeline().setStages(featureStages() :+ classifier(a, weight))
    val fitted = pipeline.fit(train)
    val single = areas(fitted.transform(test), "rawPrediction")

    val features = new Pipeline().setStages(featureStages()).fit(train)
    val (trainF, testF) = (features.transform(train).cache(), features.transform(test).cache())
    // A fifth of the normal transactions: the fraud weight shrinks by as much.
    val member = classifier(a, math.max(1f, weight / 5)).setMaxEpoch(2 * a.epochs).setBatchSize(64)
    val bagged: NNClassifierModel = NNBagging.fit(member, trainF, 3, Map(0.0 -> 0.2, 1.0 -> 1.0), a.seed)
    val bag = areas(bagged.transform(testF), "rawPrediction")

    val clf = classifier(a, weight)
    val grid = new ParamGridBuilder()
      .addGrid(clf.learningRate, Array(0.03, 0.1))
      .addGrid(clf.maxEpoch, Array(math.max(1, a.epochs / 2), a.epochs))
      .build()
    val cv = new CrossValidator()
      .setEstimator(clf)
      .setEstimatorParamMaps(grid)
      .setEvaluator(new BinaryClassificationEvaluator().setLabelCol("isFraud").setMetricName("areaUnderPR"))
      .setNumFolds(a.folds)
      .setSeed(a.seed)
      .fit(trainF)
    val best = grid(cv.avgMetrics.indexOf(cv.avgMetrics.max))
    println(s"cross-validation (AUC-PR per setting): ${grid
        .zip(cv.avgMetrics)
        .map { case (pm, m) =>
          f"lr=${pm(clf.learningRate)} epochs=${pm(clf.maxEpoch)}: $m%.4f"
        }
        .mkString("; ")}; best: lr=${best(clf.learningRate)} epochs=${best(clf.maxEpoch)}")
    val tuned = areas(cv.bestModel.transform(testF), "rawPrediction")

    val lr = new LogisticRegression().setLabelCol("isFraud").setFeaturesCol("features").setMaxIter(100).fit(trainF)
    val logistic = areas(lr.transform(testF), "rawPrediction")
    trainF.unpersist()
    testF.unpersist()
    data.unpersist()
    Seq(
      ("NNClassifier pipeline", single._1, single._2),
      ("3 bagged NNClassifiers", bag._1, bag._2),
      ("CrossValidator best", tuned._1, tuned._2),
      ("LogisticRegression", logistic._1, logistic._2)
    )
  }

  def main(argv: Array[String]): Unit = {
    val a = parse(argv.toList)
    LoggerFilter.redirectSparkInfoLogs()
    val spark = session(a.dir)
    try {
      val results = run(spark, a)
      println(f"${"model"}%-24s ${"AUC-PR"}%8s ${"AUC-ROC"}%8s")
      results.foreach { case (n, pr, roc) => println(f"$n%-24s $pr%8.4f $roc%8.4f") }
      val lrPr = results.last._2
      val bagPr = results(1)._2
      if (a.expectBetter && !(bagPr > lrPr)) {
        System.err.println(f"the bagged NNClassifiers' AUC-PR $bagPr%.4f does not beat LogisticRegression's $lrPr%.4f")
        sys.exit(1)
      }
    } finally spark.stop()
  }
}
