package ferrodl.utils

import org.apache.logging.log4j.Level
import org.apache.logging.log4j.core.config.Configurator

/** Quiets Spark's INFO logs and keeps ferrodl's training progress visible, as BigDL's does. */
object LoggerFilter {
  def redirectSparkInfoLogs(): Unit = {
    Configurator.setRootLevel(Level.WARN)
    Configurator.setLevel("ferrodl", Level.INFO)
  }
}
