"""Reads ferrodl's TensorBoard event files with TensorBoard's own reader and checks them.

Usage: check_tensorboard.py LOGDIR/APP LOSS_DUMP
  LOGDIR/APP   the folder holding train/ and validation/ (TrainSummary, ValidationSummary)
  LOSS_DUMP    `step value` lines written from TrainSummary.readScalar("Loss")

Checks that TensorBoard reads every record (its reader verifies the masked CRC-32C of each),
that the Loss tag's steps and values equal readScalar's, that Throughput and LearningRate have a
value per step, that Parameters histograms exist, and that validation has Top1Accuracy.
"""
import math
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator


def load(path):
    acc = EventAccumulator(path, size_guidance={"scalars": 0, "histograms": 0})
    acc.Reload()
    return acc


def main(app_dir, dump):
    train = load(f"{app_dir}/train")
    validation = load(f"{app_dir}/validation")
    tags = train.Tags()
    for t in ("Loss", "Throughput", "LearningRate"):
        assert t in tags["scalars"], f"no {t} scalars in {tags}"
    for h in ("Parameters/weights", "Parameters/gradients"):
        assert h in tags["histograms"], f"no {h} histograms in {tags}"
    loss = [(e.step, e.value) for e in train.Scalars("Loss")]
    expected = []
    with open(dump) as f:
        for line in f:
            step, value = line.split()
            expected.append((int(step), float(value)))
    assert len(loss) == len(expected), f"TensorBoard reads {len(loss)} Loss values, readScalar {len(expected)}"
    for (s1, v1), (s2, v2) in zip(loss, expected):
        assert s1 == s2 and math.isclose(v1, v2, rel_tol=1e-6), f"step {s1}: {v1} vs readScalar {s2}: {v2}"
    assert len(train.Scalars("Throughput")) == len(loss)
    hist = train.Histograms("Parameters/weights")[-1].histogram_value
    assert hist.num > 0 and sum(hist.bucket) == hist.num, "histogram counts do not add up"
    top1 = [e.value for e in validation.Scalars("Top1Accuracy")]
    assert top1 and all(0 < v <= 1 for v in top1), f"validation Top1 {top1}"
    print(f"tensorboard reads {len(loss)} Loss steps equal to readScalar's, "
          f"{len(train.Histograms('Parameters/weights'))} weight histograms, validation Top1 {top1}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
