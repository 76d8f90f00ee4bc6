package ferrodl.utils

import java.nio.file.Files

import ferrodl.nn.{Linear, LogSoftMax, Module, ReLU, Reshape, Sequential, SpatialConvolution, SpatialMaxPooling}
import ferrodl.tensor.Tensor
import org.apache.hadoop.conf.Configuration
import org.apache.hadoop.fs.Path
import org.junit.Assert._
import org.junit.{AfterClass, BeforeClass, Test}

/**
 * Model files, weights files and ONNX files on a real HDFS: Hadoop's MiniDFSCluster (a name node
 * and a data node in this JVM, from `hadoop-client-minicluster`) serves `hdfs://localhost:<port>`,
 * and every path below goes through [[FileIO]] and Hadoop's HDFS client, as on a cluster.
 */
class HdfsTest {
  import HdfsTest._

  private def model(): Sequential =
    Sequential()
      .add(Reshape(Array(1, 8, 8)))
      .add(SpatialConvolution(1, 4, 3, 3))
      .add(ReLU())
      .add(SpatialMaxPooling(2, 2, 2, 2))
      .add(Reshape(Array(4 * 3 * 3)))
      .add(Linear(36, 10))
      .add(LogSoftMax())

  private val x = Tensor(Array.tabulate(2 * 64)(i => ((i * 37) % 11) * 0.1f - 0.5f), Array(2, 64))

  private def onHdfs(path: String): Boolean = {
    val (fs, p) = FileIO.fileSystem(path)
    fs.getScheme == "hdfs" && fs.exists(p)
  }

  @Test def modelsSaveAndLoadOnHdfs(): Unit = {
    val m = model().evaluate()
    val y = m.forward(x).storage
    val path = s"$uri/models/lenet.fdl"
    m.save(path)
    assertTrue(onHdfs(path))
    assertArrayEquals(y, Module.load(path).evaluate().forward(x).storage, 0f)
    assertThrows(classOf[java.io.IOException], () => m.save(path))
    m.save(path, overWrite = true)
    assertArrayEquals(y, Module.load(path).evaluate().forward(x).storage, 0f)
  }

  @Test def weightsFilesOnHdfs(): Unit = {
    val m = model().evaluate()
    val path = s"$uri/weights/w.fdl"
    m.saveWeights(path)
    assertTrue(onHdfs(path))
    val other = model().evaluate()
    assertFalse(java.util.Arrays.equals(m.getWeightsArray(), other.getWeightsArray()))
    other.loadWeights(path)
    assertArrayEquals(m.getWeightsArray(), other.getWeightsArray(), 0f)
  }

  @Test def onnxFilesOnHdfs(): Unit = {
    val m = model().evaluate()
    val path = s"$uri/onnx/lenet.onnx"
    m.saveONNX(path)
    assertTrue(onHdfs(path))
    assertArrayEquals(m.forward(x).storage, Module.loadONNX(path).evaluate().forward(x).storage, 1e-6f)
  }

  @Test def aTruncatedFileOnHdfsIsRefusedWithItsPath(): Unit = {
    val good = s"$uri/bad/good.fdl"
    model().save(good)
    val bytes = FileIO.readAll(good)
    val bad = s"$uri/bad/truncated.fdl"
    FileIO.writeAtomically(bad, java.util.Arrays.copyOf(bytes, bytes.length / 2))
    val e = assertThrows(classOf[CorruptDataException], () => Module.load(bad))
    assertTrue(e.getMessage, e.getMessage.contains(bad) && e.getMessage.contains("truncated"))
  }
}

object HdfsTest {
  private var cluster: AnyRef = _
  private var uri: String = _

  /** Starts the cluster through reflection: only the test class path has the minicluster. */
  @BeforeClass def start(): Unit = {
    val conf = new Configuration()
    conf.set("hdfs.minidfs.basedir", Files.createTempDirectory("ferrodl-hdfs").toString)
    val builderClass = Class.forName("org.apache.hadoop.hdfs.MiniDFSCluster$Builder")
    val builder = builderClass.getConstructor(classOf[Configuration]).newInstance(conf)
    builderClass.getMethod("numDataNodes", classOf[Int]).invoke(builder, Int.box(1))
    cluster = builderClass.getMethod("build").invoke(builder)
    cluster.getClass.getMethod("waitActive").invoke(cluster)
    uri = cluster.getClass.getMethod("getURI").invoke(cluster).toString.stripSuffix("/")
    assertTrue(uri, uri.startsWith("hdfs://"))
    assertEquals("hdfs", new Path(uri).getFileSystem(FileIO.hadoopConf()).getScheme)
  }

  @AfterClass def stop(): Unit =
    if (cluster != null) cluster.getClass.getMethod("shutdown").invoke(cluster)
}
