package ferrodl.examples.fraud

import org.apache.spark.sql.{DataFrame, SparkSession}

import scala.util.Random

/**
 * A synthetic, imbalanced transaction table (seeded). Each transaction has a customer, a merchant
 * category, an amount, an hour, a distance from home and a device age. Fraud (about `fraudRate`
 * of the rows) depends on interactions that a linear model cannot express: a large amount far
 * from home, a night-time purchase from a new device in a risky category. Both factors are
 * products of standardised features, so the features alone carry almost no linear signal.
 */
object FraudData {
  val Categories: Array[String] =
    Array("grocery", "fuel", "travel", "electronics", "restaurant", "online", "jewelry", "pharmacy")
  private val Risky = Set("electronics", "online", "jewelry")

  final case class Transaction(
      txId: Long,
      customer: String,
      category: String,
      amount: Double,
      hour: Int,
      distanceKm: Double,
      deviceAgeDays: Double,
      isFraud: Double
  )

  def generate(spark: SparkSession, rows: Int, fraudRate: Double, seed: Long): DataFrame = {
    val r = new Random(seed)
    val customers = math.max(10, rows / 50)
    val raw = Array.tabulate(rows) { i =>
      val customer = r.nextInt(customers)
      val category = Categories(r.nextInt(Categories.length))
      val a = r.nextGaussian() // log-amount, standardised
      val d = r.nextGaussian() // log-distance, standardised
      val hour = r.nextInt(24)
      val night = if (hour < 6) 1.0 else -0.25
      val device = r.nextGaussian() // -device age, standardised
      val risky = if (Risky(category)) 1.0 else -0.5
      val score = 2.0 * a * d + 1.5 * night * device * risky + 0.3 * r.nextGaussian()
      (
        i.toLong,
        s"c$customer",
        category,
        math.exp(3.5 + 0.8 * a),
        hour,
        math.exp(2.0 + 1.2 * d),
        math.max(0.0, 200 - 60 * device),
        score
      )
    }
    val threshold = raw.map(_._8).sorted.apply(((1 - fraudRate) * rows).toInt min (rows - 1))
    val txs = raw.map { case (id, c, cat, amt, h, dist, dev, s) =>
      Transaction(id, c, cat, amt, h, dist, dev, if (s > threshold) 1.0 else 0.0)
    }
    spark.createDataFrame(txs.toSeq)
  }

  /** SparkSQL features: per-customer aggregates joined back to each transaction. */
  def featuresSql(table: String): String =
    s"""SELECT t.*, LOG(t.amount) AS logAmount, LOG(t.distanceKm) AS logDistance,
       |       CASE WHEN t.hour < 6 THEN 1.0 ELSE 0.0 END AS night,
       |       c.txCount, t.amount / c.avgAmount AS amountRatio
       |FROM $table t
       |JOIN (SELECT customer, COUNT(*) AS txCount, AVG(amount) AS avgAmount FROM $table GROUP BY customer) c
       |  ON t.customer = c.customer""".stripMargin
}
