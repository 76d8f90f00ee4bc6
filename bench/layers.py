"""Per-layer benchmark: forward + backward of single layers, ferrodl against PyTorch.

Run as a script with PyTorch's python it times the PyTorch side and prints the same lines as
ferrodl's `layer_bench` example (`<case> <threads> <ms>`); `driver.py` imports `run_layers` and
`report_lines` to put both sides in the results. The cases match `cases()` in
`native/core/examples/layer_bench.rs`.
"""
import re
import subprocess
import sys

# case -> (layer constructor source, input shape at full size); the batch is 4 in a smoke run.
CASES = [
    ("conv_lenet1_5x5_1to6", "torch.nn.Conv2d(1, 6, 5)", (128, 1, 28, 28)),
    ("conv_lenet2_5x5_6to12", "torch.nn.Conv2d(6, 12, 5)", (128, 6, 12, 12)),
    ("conv_resnet_3x3_64to64", "torch.nn.Conv2d(64, 64, 3, padding=1)", (32, 64, 28, 28)),
    ("linear_784to1024", "torch.nn.Linear(784, 1024)", (256, 784)),
    ("linear_1024to1024", "torch.nn.Linear(1024, 1024)", (256, 1024)),
    ("maxpool_2x2_64ch_28", "torch.nn.MaxPool2d(2, 2)", (32, 64, 28, 28)),
    ("lstm_seq50_100to128", "First(torch.nn.LSTM(100, 128, batch_first=True))", (128, 50, 100)),
    ("gru_seq50_100to128", "First(torch.nn.GRU(100, 128, batch_first=True))", (128, 50, 100)),
    ("batchnorm_64ch_28", "torch.nn.BatchNorm2d(64)", (32, 64, 28, 28)),
]
LINE = re.compile(r"^(\w+) ([12]) ([\d.]+|nan|NaN)$", re.M)


def torch_main(smoke):
    import time
    import torch
    reps = 2 if smoke else 15
    for case, make, shape in CASES:
        shape = (4,) + shape[1:] if smoke else shape
        for threads in (1, 2):
            torch.set_num_threads(threads)
            layer = eval(make, {"torch": torch, "First": first_output(torch)})
            layer.train()
            x = (torch.arange(int(torch.tensor(shape).prod())) % 97).float().div(97).sub(0.5)
            x = x.reshape(shape).requires_grad_()
            times = []
            clock = time.thread_time if "--cpu" in sys.argv and threads == 1 else time.perf_counter
            for rep in range(reps + 2):
                t = clock()
                y = layer(x)
                y.backward(y.detach())
                if rep >= 2:
                    times.append((clock() - t) * 1e3)
            times.sort()
            print(f"{case} {threads} {times[len(times) // 2]:.3f}", flush=True)


def first_output(torch):
    """A module giving the first output of one that returns several (nn.LSTM: all steps)."""
    class First(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, x):
            return self.inner(x)[0]
    return First


def parse(out):
    return {(m.group(1), int(m.group(2))): float(m.group(3)) for m in LINE.finditer(out)}


def run_layers(layer_bin, torch_python, reps, smoke, results):
    """Runs both sides `reps` times, interleaved; stores medians of the per-run medians."""
    rows = {}
    flag = ["--smoke"] if smoke else []
    for _ in range(reps):
        sides = [("ferrodl", [layer_bin] + flag)]
        if torch_python:
            sides.append(("torch", [torch_python, __file__] + flag))
        for side, cmd in sides:
            out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
            for key, ms in parse(out).items():
                rows.setdefault(f"{key[0]}@{key[1]}", {"ferrodl": [], "torch": []})[side].append(ms)
    results["layers"] = {k: {s: sorted(v)[len(v) // 2] if v else None for s, v in r.items()}
                         for k, r in rows.items()}


def report_lines(results):
    """The Markdown section for the per-layer results (empty when there are none)."""
    layers = results.get("layers")
    if not layers:
        return []
    lines = ["", "Single layers, forward + backward, milliseconds per pass (median); ratio = PyTorch "
             "time / ferrodl time (above 1: ferrodl is faster). Two threads: ferrodl runs two "
             "replicas on half the batch each, PyTorch its intra-op threads.", "",
             "| layer | threads | ferrodl ms | PyTorch ms | ratio |", "|---|---|---|---|---|"]
    for key, r in layers.items():
        case, threads = key.split("@")
        f, t = r.get("ferrodl"), r.get("torch")
        ratio = f"{t / f:.2f}x" if f and t else "—"
        cell = lambda v: f"{v:.2f}" if v else "—"
        lines.append(f"| {case} | {threads} | {cell(f)} | {cell(t)} | {ratio} |")
    return lines


if __name__ == "__main__":
    torch_main("--smoke" in sys.argv)
