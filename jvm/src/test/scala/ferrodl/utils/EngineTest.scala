package ferrodl.utils

import org.apache.spark.SparkConf
import org.junit.Assert._
import org.junit.Test

class EngineTest {
  @Test def theRecommendedSettingsFillOnlyWhatIsMissing(): Unit = {
    val fresh = Engine.createSparkConf(new SparkConf(false))
    assertEquals("120m", fresh.get("spark.task.maxDirectResultSize"))
    // Spark reads it as bytes, below its RPC message cap of 128 MB.
    assertEquals(120L << 20, fresh.getSizeAsBytes("spark.task.maxDirectResultSize"))
    val own = Engine.createSparkConf(new SparkConf(false).set("spark.task.maxDirectResultSize", "4m"))
    assertEquals("4m", own.get("spark.task.maxDirectResultSize"))
  }
}
