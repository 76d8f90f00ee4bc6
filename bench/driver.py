"""Runs ferrodl and PyTorch side by side, interleaved, and writes the results.

Started by bench/run.sh, which builds everything first. Each side is a long-lived server (the
JVM: examples/scala/bench/Bench.scala; Python: bench/torch_server.py) that takes one workload
per line; every repetition runs each workload on ferrodl and then on PyTorch, so both see the
same machine load. The report gives medians, min-max over repetitions and the ratio
ferrodl / PyTorch (above 1 means ferrodl is faster), as Markdown, JSON and a PNG chart.
"""
import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys

import layers  # noqa: E402  (bench/layers.py, next to this file)

# (key, title, ferrodl workload, torch workload or None, target ratio or None). "{it}" and
# "{n}" are filled in with the iteration and record counts (smaller with --smoke).
WORKLOADS = [
    ("lenet128_local", "LeNet-5 training, batch 128, local (2 threads)",
     "train lenet 128 local {it}", "train lenet 128 local {it}", 2.0),
    ("lenet128_spark", "LeNet-5 training, batch 128, Spark local[2]",
     "train lenet 128 spark {it}", "train lenet 128 local {it}", None),
    ("lenet128_spark_k4", "LeNet-5 training, batch 128, Spark local[2], local SGD (4 iterations per job)",
     "train lenet 128 spark {it} none 4", "train lenet 128 local {it}", None),
    ("lenet2048_local", "LeNet-5 training, batch 2048, local (2 threads)",
     "train lenet 2048 local {it_big}", "train lenet 2048 local {it_big}", None),
    ("lenet2048_spark", "LeNet-5 training, batch 2048, Spark local[2]",
     "train lenet 2048 spark {it_big}", "train lenet 2048 local {it_big}", 1.0),
    ("mlp256_local", "MLP 784-1024-1024-10, batch 256, local (2 threads)",
     "train mlp 256 local {it}", "train mlp 256 local {it}", 1.15),
    ("mlp256_spark", "MLP 784-1024-1024-10, batch 256, Spark local[2]",
     "train mlp 256 spark {it}", "train mlp 256 local {it}", None),
    ("lstm_local", "LSTM seq 50, batch 128, 100->128, local (2 threads)",
     "train lstm 128 local {it_lstm}", "train lstm 128 local {it_lstm}", 1.3),
    ("lstm_spark", "LSTM seq 50, batch 128, 100->128, Spark local[2]",
     "train lstm 128 spark {it_lstm}", "train lstm 128 local {it_lstm}", None),
    ("lenet_infer", "LeNet-5 inference, 10k records, batch 128, local (2 threads)",
     "infer lenet 128 {n}", "infer lenet 128 {n}", 2.0),
    ("lenet_int8_infer", "LeNet-5 int8 inference (quantize()), 10k records, batch 128, local (2 threads)",
     "infer lenet_int8 128 {n}", None, None),
    ("overhead_1m", "Spark overhead, 1M-parameter MLP, batch 256, local[2]",
     "train mlp1m 256 spark {it}", None, None),
    ("overhead_25m", "Spark overhead, 25M-parameter MLP, batch 256, local[2]",
     "train mlp25m 256 spark {it_big}", None, None),
    ("overhead_25m_bf16", "Spark overhead, 25M-parameter MLP, batch 256, local[2], bf16 gradients",
     "train mlp25m 256 spark {it_big} bf16", None, None),
]

# Time to accuracy: (key, title, ferrodl workload, torch workload or None), run once per harness
# run (not per repetition: each trains to the target). A row without a torch workload is compared
# with the first row's PyTorch time.
CONVERGE = [
    ("lenet_converge", "LeNet-5 on MNIST to {target} test Top1, batch 128: ferrodl Spark local[2], PyTorch 2 threads",
     "converge lenet 128 {target} {epochs} spark 1 {records}", "converge lenet 128 {target} {epochs} local 1 {records}"),
    ("lenet_converge_k4", "the same, ferrodl with local SGD (4 iterations per Spark job)",
     "converge lenet 128 {target} {epochs} spark 4 {records}", None),
    ("lenet_converge_local", "the same, ferrodl in local mode (LocalOptimizer, 2 threads)",
     "converge lenet 128 {target} {epochs} local 1 {records}", None),
]

# Where an iteration's time goes, as the JVM reports it.
SPLIT = ("broadcast_ms", "compute_ms", "aggregate_ms", "update_ms", "iteration_ms")


def nominal_peak_gflops():
    """FP32 peak per core from /proc/cpuinfo: FLOP per cycle (two FMA units of 16 lanes with
    AVX-512, 8 with AVX2 FMA, else 4-lane SSE) times the reported clock; FERRODL_PEAK_GFLOPS
    overrides it. The reported clock is the base one under most hypervisors, so turbo can show
    above 100%. 100 (AVX2 FMA at about 3.1 GHz) when nothing can be read."""
    if os.environ.get("FERRODL_PEAK_GFLOPS"):
        return float(os.environ["FERRODL_PEAK_GFLOPS"])
    try:
        with open("/proc/cpuinfo") as f:
            info = f.read()
        flags = set(re.search(r"^flags\s*:(.*)$", info, re.M).group(1).split())
        mhz = float(re.search(r"^cpu MHz\s*:\s*([0-9.]+)", info, re.M).group(1))
    except (OSError, AttributeError, ValueError):
        return 100.0
    per_cycle = 64 if "avx512f" in flags else 32 if {"avx2", "fma"} <= flags else 8
    return per_cycle * mhz / 1000.0


PEAK_GFLOPS = nominal_peak_gflops()
GEMM_SHAPES = [(1024, 1024, 1024), (128, 100, 784), (128, 784, 100), (128, 10, 100), (32, 32, 32),
               (576, 64, 576)]


class Server:
    """A workload server on the other end of a pipe."""

    def __init__(self, name, argv, log):
        self.name = name
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=log, text=True, bufsize=1)
        self.banner = self._expect("READY")

    def _expect(self, tag):
        for line in self.proc.stdout:
            if line.startswith(tag + " ") or line.strip() == tag:
                return line[len(tag):].strip()
        raise RuntimeError(f"{self.name} stopped before answering {tag} (see the log)")

    def run(self, workload):
        self.proc.stdin.write(workload + "\n")
        self.proc.stdin.flush()
        return json.loads(self._expect("RESULT"))

    def close(self):
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.close()
            self.proc.wait(timeout=120)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()


def summarise(values):
    s = sorted(values)
    return {"median": s[len(s) // 2], "min": s[0], "max": s[-1], "n": len(s)} if s else None


def run_gemm(gemm_bin, torch_python, reps, results):
    """GFLOP/s per shape: both ferrodl backends (one thread) and PyTorch (one thread)."""
    code = ("import torch,time,sys\ntorch.set_num_threads(1)\n"
            "for m,n,k in %r:\n a,b=torch.rand(m,k),torch.rand(k,n)\n f=2.0*m*n*k\n"
            " r=max(3,min(2000,int(2e9/f)))\n ts=[]\n for _ in range(7):\n"
            "  t=time.perf_counter()\n  [torch.mm(a,b) for _ in range(r)]\n"
            "  ts.append((time.perf_counter()-t)/r)\n ts.sort()\n"
            " print(f'{m}x{n}x{k}', f/ts[3]/1e9)\n" % (GEMM_SHAPES,))
    rows = {}
    for _ in range(reps):
        out = subprocess.run([gemm_bin], capture_output=True, text=True, check=True).stdout
        for m in re.finditer(r"^\s*(\d+x\d+x\d+)\s+([\d.]+|NaN)\s+([\d.]+|NaN)\s*$", out, re.M):
            r = rows.setdefault(m.group(1), {"mkl": [], "rust": [], "torch": []})
            r["mkl"].append(float(m.group(2)))
            r["rust"].append(float(m.group(3)))
        if torch_python:
            out = subprocess.run([torch_python, "-c", code], capture_output=True, text=True,
                                 check=True).stdout
            for line in out.splitlines():
                shape, gf = line.split()
                rows.setdefault(shape, {"mkl": [], "rust": [], "torch": []})["torch"].append(float(gf))
    results["gemm"] = {k: {b: summarise(v) for b, v in r.items()} for k, r in rows.items()}


def run_converge(chosen, ferrodl, torch, sizes):
    """Each time-to-accuracy workload once, on both sides."""
    out = {}
    for key, title, fw, tw in chosen:
        r = {"title": title.format(**sizes), "ferrodl": ferrodl.run(fw.format(**sizes))}
        if torch and tw:
            r["torch"] = torch.run(tw.format(**sizes))
        out[key] = r
        print(f"{r['title']}: ferrodl {r['ferrodl']} torch {r.get('torch')}", flush=True)
    return out


def converge_lines(results):
    rows = results.get("converge") or {}
    if not rows:
        return []
    lines = ["", "Time to accuracy: training seconds (validation and data loading excluded), epochs run and the "
             "test Top1 reached; speed-up = PyTorch seconds / ferrodl seconds.", "",
             "| workload | ferrodl | PyTorch | speed-up |", "|---|---|---|---|"]
    first_torch = next((r["torch"] for r in rows.values() if "seconds" in r.get("torch", {})), None)

    def cell(r):
        if not r:
            return "—"
        if "error" in r:
            return r["error"][:120]
        miss = "" if r["reached"] else " (target not reached)"
        return f"{r['seconds']:.1f} s, {r['epochs']:.1f} epochs, Top1 {r['top1']:.4f}{miss}"
    for r in rows.values():
        f, t = r["ferrodl"], r.get("torch") or first_torch
        both = f and t and "seconds" in f and "seconds" in t and f["reached"] and t["reached"]
        speedup = f"{t['seconds'] / f['seconds']:.2f}x" if both else "—"
        lines.append(f"| {r['title']} | {cell(f)} | {cell(r.get('torch'))} | {speedup} |")
    return lines


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "date": datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC")}


def fmt(s, unit=""):
    if not s:
        return "—"
    return f"{s['median']:,.0f}{unit} ({s['min']:,.0f}-{s['max']:,.0f})"


def report(results, out_dir, stem):
    m = results["machine"]
    lines = [f"# ferrodl vs PyTorch, {m['date']}", "",
             f"Machine: {m['cpu']}, {m['cores']} cores. ferrodl: {results['ferrodl']}. "
             f"PyTorch: {results.get('torch', 'not installed')}. Repetitions: {results['reps']}"
             f"{' (smoke run: tiny sizes, numbers mean nothing)' if results['smoke'] else ''}.",
             "", "Records per second, median (min-max over repetitions); ratio = ferrodl / PyTorch.",
             "", "| workload | ferrodl | PyTorch | ratio | target |", "|---|---|---|---|---|"]
    chart = []
    for key, title, _, _, target in WORKLOADS:
        r = results["workloads"].get(key, {})
        f, t = r.get("ferrodl"), r.get("torch")
        ratio = f["median"] / t["median"] if f and t else None
        if ratio:
            chart.append((title, ratio, target))
        err = r.get("error", "")
        lines.append(f"| {title} | {fmt(f)}{' ' + err if err else ''} | {fmt(t)} | "
                     f"{f'{ratio:.2f}x' if ratio else '—'} | {f'≥ {target}x' if target else ''} |")
    lines += ["", "Where an iteration goes, median milliseconds (local mode has no broadcast).", "",
              "| workload | broadcast | compute | aggregate | driver update | total |", "|---|---|---|---|---|---|"]
    for key, title, _, _, _ in WORKLOADS:
        split = results["workloads"].get(key, {}).get("split")
        if split:
            lines.append(f"| {title} | " + " | ".join(f"{split[p]:.1f}" if p in split else "—" for p in
                                                      SPLIT) + " |")
    if results.get("gemm"):
        lines += ["", f"GEMM, one thread, GFLOP/s median (share of the {PEAK_GFLOPS:.0f} GFLOP/s nominal peak per "
                  "core: FLOP per cycle from the CPU's vector flags times its reported clock).", "",
                  "| m x n x k | ferrodl MKL | ferrodl Rust | PyTorch |", "|---|---|---|---|"]
        for shape, r in results["gemm"].items():
            cells = [f"{r[b]['median']:.1f} ({100 * r[b]['median'] / PEAK_GFLOPS:.0f}%)" if r.get(b) else "—"
                     for b in ("mkl", "rust", "torch")]
            lines.append(f"| {shape} | " + " | ".join(cells) + " |")
    lines += converge_lines(results)
    lines += layers.report_lines(results)
    md = os.path.join(out_dir, stem + ".md")
    with open(md, "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(out_dir, stem + ".json"), "w") as f:
        json.dump(results, f, indent=1)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(9, 0.5 * len(chart) + 1.5))
        names = [c[0] for c in chart]
        ax.barh(names, [c[1] for c in chart], color=["tab:green" if c[1] >= (c[2] or 1) else "tab:red"
                                                        for c in chart])
        for i, c in enumerate(chart):
            if c[2]:
                ax.plot([c[2], c[2]], [i - 0.4, i + 0.4], color="black")
        ax.axvline(1.0, color="gray", linestyle="--")
        ax.set_xlabel("throughput ratio ferrodl / PyTorch (black: target)")
        ax.invert_yaxis()
        fig.tight_layout()
        fig.savefig(os.path.join(out_dir, stem + ".png"), dpi=100)
    except ImportError:
        print("matplotlib missing: no chart", file=sys.stderr)
    return md


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--torch-python", default=None, help="python with torch (none: ferrodl only)")
    p.add_argument("--gemm-bin", default=None)
    p.add_argument("--layer-bin", default=None, help="the layer_bench example (per-layer rows)")
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--smoke", action="store_true")
    p.add_argument("--only", default=None, help="comma-separated workload keys")
    p.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results"))
    argv = sys.argv[1:]
    if "--" not in argv:
        p.error("give the command that starts the ferrodl side (Bench.scala) after --")
    cut = argv.index("--")
    a = p.parse_args(argv[:cut])
    a.ferrodl = argv[cut + 1:]
    os.makedirs(a.out, exist_ok=True)
    sizes = ({"it": 2, "it_big": 1, "it_lstm": 1, "n": 256, "target": 0.5, "epochs": 1, "records": 2048}
             if a.smoke else {"it": 40, "it_big": 6, "it_lstm": 15, "n": 10000, "target": 0.985, "epochs": 15,
                              "records": 60000})
    only = set(a.only.split(",")) if a.only else None
    chosen = [w for w in WORKLOADS if not only or w[0] in only]
    converging = [w for w in CONVERGE if not only or w[0] in only]
    stem = "smoke" if a.smoke else datetime.datetime.utcnow().strftime("%Y-%m-%d")
    log = open(os.path.join(a.out, stem + ".log"), "w")
    ferrodl = Server("ferrodl", a.ferrodl, log)
    torch = Server("torch", [a.torch_python, os.path.join(os.path.dirname(__file__), "torch_server.py")],
                   log) if a.torch_python else None
    results = {"machine": machine(), "ferrodl": ferrodl.banner, "reps": a.reps, "smoke": a.smoke,
               "workloads": {}}
    if torch:
        results["torch"] = torch.banner
    raw = {w[0]: {"ferrodl": [], "torch": [], "split": [], "error": ""} for w in chosen}
    try:
        for rep in range(a.reps):
            for key, title, fw, tw, _ in chosen:
                r = ferrodl.run(fw.format(**sizes))
                if "error" in r:
                    raw[key]["error"] = r["error"][:120]
                else:
                    raw[key]["ferrodl"].append(r["records_per_s"]["median"])
                    if "broadcast_ms" in r:
                        raw[key]["split"].append({k: r[k]["median"] for k in SPLIT if k in r})
                if torch and tw:
                    t = torch.run(tw.format(**sizes))
                    if "error" not in t:
                        raw[key]["torch"].append(t["records_per_s"]["median"])
                print(f"[rep {rep + 1}/{a.reps}] {title}: ferrodl {raw[key]['ferrodl'][-1:]} "
                      f"torch {raw[key]['torch'][-1:]} {raw[key]['error']}", flush=True)
        results["converge"] = run_converge(converging, ferrodl, torch, sizes)
    finally:
        ferrodl.close()
        if torch:
            torch.close()
    for key, r in raw.items():
        entry = {"ferrodl": summarise(r["ferrodl"]), "torch": summarise(r["torch"])}
        if r["error"]:
            entry["error"] = r["error"]
        if r["split"]:
            entry["split"] = {k: sorted(s[k] for s in r["split"])[len(r["split"]) // 2] for k in r["split"][0]}
        results["workloads"][key] = entry
    if a.gemm_bin and not os.path.exists(a.gemm_bin):
        print(f"no GEMM benchmark at {a.gemm_bin}: skipping GEMM", file=sys.stderr)
    elif a.gemm_bin:
        run_gemm(a.gemm_bin, a.torch_python, 1 if a.smoke else a.reps, results)
    if a.layer_bin and os.path.exists(a.layer_bin) and (not only or "layers" in only):
        layers.run_layers(a.layer_bin, a.torch_python, 1 if a.smoke else a.reps, a.smoke, results)
    print("wrote " + report(results, a.out, stem))
    failed = [k for k, r in raw.items() if not r["ferrodl"]]
    failed += [k for k, r in results.get("converge", {}).items() if "error" in r["ferrodl"]]
    if a.smoke and failed:
        print("smoke run failed for: " + ", ".join(failed), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
