"""The PyTorch side of the benchmark harness (bench/run.sh).

Reads one workload per line on stdin and answers with one ``RESULT <json>`` line, exactly as
the ferrodl side (examples/scala/bench/Bench.scala) does, so that the driver can interleave the
two in one run. Same topologies, batch sizes, optimiser (SGD, learning rate 0.01), data shape
and thread count (2) as the ferrodl side; each framework uses its default initialisation.
"""
import gzip
import json
import os
import sys
import time

import numpy as np

import torch
import torch.nn as nn

THREADS = 2


def lenet():
    # The talk's LeNet-5, as examples/scala/lenet/LeNet5.scala builds it.
    return nn.Sequential(
        nn.Unflatten(1, (1, 28, 28)), nn.Conv2d(1, 6, 5), nn.Tanh(), nn.MaxPool2d(2, 2), nn.Tanh(),
        nn.Conv2d(6, 12, 5), nn.MaxPool2d(2, 2), nn.Flatten(), nn.Linear(192, 100), nn.Tanh(),
        nn.Linear(100, 10), nn.LogSoftmax(dim=1))


def mlp():
    return nn.Sequential(
        nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 10),
        nn.LogSoftmax(dim=1))


class LastStep(nn.Module):
    """LSTM over [batch, time, feature], the last step's hidden state, a linear layer."""

    def __init__(self, inp, hidden, classes):
        super().__init__()
        self.lstm = nn.LSTM(inp, hidden, batch_first=True)
        self.out = nn.Sequential(nn.Linear(hidden, classes), nn.LogSoftmax(dim=1))

    def forward(self, x):
        y, _ = self.lstm(x)
        return self.out(y[:, -1, :])


MODELS = {
    "lenet": (lenet, (784,), 10),
    "mlp": (mlp, (784,), 10),
    "lstm": (lambda: LastStep(100, 128, 5), (50, 100), 5),
}


def stats(xs):
    s = sorted(xs)
    return {"median": s[len(s) // 2], "min": s[0], "max": s[-1], "n": len(s)}


def data(shape, classes, n, seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.rand((n,) + shape, generator=g) - 0.5
    y = torch.arange(n) % classes
    return x, y


def train(name, batch, iterations):
    build, shape, classes = MODELS[name]
    model = build()
    x, y = data(shape, classes, batch * 4, 7)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.NLLLoss()
    times = []
    for i in range(3 + iterations):
        k = i % 4
        xb, yb = x[k * batch:(k + 1) * batch], y[k * batch:(k + 1) * batch]
        t0 = time.perf_counter()
        opt.zero_grad()
        loss_fn(model(xb), yb).backward()
        opt.step()
        if i >= 3:
            times.append(time.perf_counter() - t0)
    params = sum(p.numel() for p in model.parameters())
    return {"records_per_s": stats([batch / t for t in times]),
            "iteration_ms": stats([t * 1e3 for t in times]), "params": params}


def infer(name, batch, records):
    build, shape, classes = MODELS[name]
    model = build().eval()
    x, _ = data(shape, classes, records, 11)

    def one_pass():
        t0 = time.perf_counter()
        with torch.no_grad():
            for s in range(0, records, batch):
                model(x[s:s + batch])
        return records / (time.perf_counter() - t0)

    one_pass()
    return {"records_per_s": stats([one_pass() for _ in range(5)])}


MNIST_MEAN, MNIST_STD = 0.13066047, 0.30810780  # as ferrodl.dataset.Mnist normalises


def mnist(split, limit):
    """The first ``limit`` images of an MNIST split (IDX, gz) as ferrodl reads them: normalised."""
    d = next(p for p in (os.environ.get("FERRODL_DATA"), "../shared/datasets/mnist") if p and os.path.isdir(p))
    with gzip.open(os.path.join(d, f"{split}-images-idx3-ubyte.gz")) as f:
        raw = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)[:limit]
    with gzip.open(os.path.join(d, f"{split}-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)[:limit]
    x = (raw.astype(np.float32) / 255 - MNIST_MEAN) / MNIST_STD
    return torch.from_numpy(x), torch.from_numpy(labels.astype(np.int64))


def converge(name, batch, target, max_epochs, records):
    """Time to ``target`` test Top1 on MNIST, as examples/scala/bench/Converge.scala trains:
    SGD at 0.2 with BigDL's decay lr / (1 + 0.0002 t), validation after every epoch, training
    time only."""
    if name != "lenet":
        raise ValueError(f"converge: unknown model {name}")
    x, y = mnist("train", records)
    tx, ty = mnist("t10k", 10 ** 9)
    torch.manual_seed(42)  # the same initial weights in every run
    model = lenet()
    opt = torch.optim.SGD(model.parameters(), lr=0.2)
    decay = torch.optim.lr_scheduler.LambdaLR(opt, lambda t: 1 / (1 + 0.0002 * t))
    loss_fn = nn.NLLLoss()
    g = torch.Generator().manual_seed(42)
    seconds, top1, epochs = 0.0, 0.0, 0
    while epochs < max_epochs and top1 < target:
        model.train()
        order = torch.randperm(len(x), generator=g)
        t0 = time.perf_counter()
        for s in range(0, len(x), batch):
            idx = order[s:s + batch]
            opt.zero_grad()
            loss_fn(model(x[idx]), y[idx]).backward()
            opt.step()
            decay.step()
        seconds += time.perf_counter() - t0
        epochs += 1
        model.eval()
        with torch.no_grad():
            top1 = sum((model(tx[s:s + 1000]).argmax(1) == ty[s:s + 1000]).sum().item()
                       for s in range(0, len(tx), 1000)) / len(tx)
    return {"seconds": seconds, "epochs": epochs, "top1": top1, "reached": top1 >= target}


def main():
    torch.set_num_threads(THREADS)
    torch.manual_seed(1)
    print(f"READY torch {torch.__version__} threads={torch.get_num_threads()}", flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        try:
            if words[0] == "train" and len(words) == 5:
                result = train(words[1], int(words[2]), int(words[4]))
            elif words[0] == "converge" and len(words) == 8:
                result = converge(words[1], int(words[2]), float(words[3]), int(words[4]), int(words[7]))
            elif words[0] == "infer" and len(words) == 4:
                result = infer(words[1], int(words[2]), int(words[3]))
            else:
                raise ValueError(f"unknown workload: {line.strip()}")
        except Exception as e:  # reported to the driver, which keeps going
            result = {"error": str(e)}
        print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
