// A user's SBT build for ferrodl (not run by the tests; the Maven and Gradle builds beside it are).
// `sbt package` builds the program in ../src/main/scala against Spark 3.5 (Scala 2.12);
// `sbt ++2.13.17 package` against Spark 4.1 (Scala 2.13). Run it with
//   spark-submit --jars ferrodl-spark_<scala binary>-0.1.0.jar --class example.TrainBlobs target/scala-2.12/ferrodl-consumer-sbt_2.12-1.0.jar
name := "ferrodl-consumer-sbt"
version := "1.0"
scalaVersion := "2.12.18"
crossScalaVersions := Seq("2.12.18", "2.13.17")

// Spark 3.5 is built for Scala 2.12 (and 2.13); Spark 4 for Scala 2.13 only.
val sparkVersion = settingKey[String]("the Spark version to compile against")
sparkVersion := (if (scalaBinaryVersion.value == "2.13") "4.1.0" else "3.5.7")

// The folder `gradle publish` (and `gradle -PscalaBinary=2.13 publish`) writes in the ferrodl
// checkout; drop this line once ferrodl comes from Maven Central or your own repository.
resolvers += "ferrodl-local" at (baseDirectory.value / ".." / ".." / ".." / "build" / "repo").toURI.toString

// `provided`: the cluster has Spark and Scala; spark-submit --jars (or --packages) brings ferrodl.
// The jar holds the native library, so there is nothing to add for it.
libraryDependencies ++= Seq(
  "io.ferrodl" %% "ferrodl-spark" % "0.1.0" % Provided,
  "org.apache.spark" %% "spark-core" % sparkVersion.value % Provided
)

// The one training program, shared with the Maven and Gradle builds.
Compile / scalaSource := baseDirectory.value / ".." / "src" / "main" / "scala"

// `sbt run` with the provided dependencies on the classpath (local mode: add .setMaster("local[2]")).
Compile / run := Defaults.runTask(Compile / fullClasspath, Compile / run / mainClass, Compile / run / runner).evaluated
