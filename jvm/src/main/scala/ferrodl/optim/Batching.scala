package ferrodl.optim

import ferrodl.feature.Sample
import ferrodl.nn.abstractnn.Activity
import ferrodl.tensor.Tensor
import ferrodl.utils.T

/**
 * Stacks samples into batch tensors: `[batch, featureShape...]` and `[batch, labelShape...]`
 * per feature and label slot. One slot is a tensor; several are a table.
 */
object Batching {

  private def fmt(shape: Array[Int]) = shape.mkString("[", ", ", "]")

  /** Stacks slot `slot` of `pick` (features or labels) of every sample. */
  private def stackSlot(samples: Seq[Sample], what: String, slot: Int, pick: Sample => Array[Tensor]): Tensor = {
    val first = pick(samples.head)(slot)
    val shape = first.size
    val len = first.nElement()
    val out = new Array[Float](samples.length * len)
    var i = 0
    samples.foreach { s =>
      val slots = pick(s)
      if (slots.length <= slot || !slots(slot).size.sameElements(shape)) {
        throw new IllegalArgumentException(
          s"all samples in a batch need the same shapes: $what ${slot + 1} of the first is ${fmt(shape)}, " +
            s"sample $i has ${slots.map(t => fmt(t.size)).mkString("{", ", ", "}")}"
        )
      }
      System.arraycopy(slots(slot).storage, 0, out, i * len, len)
      i += 1
    }
    Tensor(out, samples.length +: shape)
  }

  /** One tensor per feature slot and per label slot. */
  def stackSlots(samples: Seq[Sample]): (Array[Tensor], Array[Tensor]) = {
    require(samples.nonEmpty, "cannot stack an empty batch")
    val (nf, nl) = (samples.head.numFeature(), samples.head.numLabel())
    samples.zipWithIndex.find { case (s, _) => s.numFeature() != nf || s.numLabel() != nl }.foreach { case (s, i) =>
      throw new IllegalArgumentException(
        s"sample $i has ${s.numFeature()} features and ${s.numLabel()} labels, the first has $nf and $nl"
      )
    }
    (
      Array.tabulate(nf)(k => stackSlot(samples, "feature", k, _.features)),
      Array.tabulate(nl)(k => stackSlot(samples, "label", k, _.labels))
    )
  }

  /** Single-feature, single-label samples as two tensors. */
  def stack(samples: Seq[Sample]): (Tensor, Tensor) = {
    val (x, y) = stackSlots(samples)
    (x(0), y(0))
  }

  /** The batch as the model and criterion take it: a tensor per side, or a table of them. */
  def stackActivity(samples: Seq[Sample]): (Activity, Activity) = {
    val (x, y) = stackSlots(samples)
    (activity(x), activity(y))
  }

  def activity(ts: Array[Tensor]): Activity = if (ts.length == 1) ts(0) else T.seq(ts.toSeq)

  /** A stable key for a native description (for the executor worker pool). */
  def key(parts: Array[Byte]*): String = {
    val md = java.security.MessageDigest.getInstance("SHA-256")
    parts.foreach { p => md.update(p); md.update(0: Byte) }
    md.digest().map("%02x".format(_)).mkString
  }
}
