package ferrodl.testing

import org.apache.spark.{SparkConf, SparkContext}

/** The local SparkContext of a test class: no UI, quiet logs. */
object LocalSpark {
  def start(app: String, master: String = "local[2]", logLevel: String = "ERROR"): SparkContext = {
    val sc = new SparkContext(new SparkConf().setMaster(master).setAppName(app).set("spark.ui.enabled", "false"))
    sc.setLogLevel(logLevel)
    sc
  }
}
