"""PyTorch CPU single-thread GEMM GFLOP/s on the shapes of native/core/examples/gemm_bench.rs."""
import time

import torch

torch.set_num_threads(1)
print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
print(f"{'m x n x k':>18} {'torch':>10}")
for m, n, k in [(1024, 1024, 1024), (128, 100, 784), (128, 784, 100), (128, 10, 100), (32, 32, 32), (576, 64, 576)]:
    a, b = torch.rand(m, k) * 2 - 1, torch.rand(k, n) * 2 - 1
    flops = 2.0 * m * n * k
    reps = max(3, min(2000, int(2e9 / flops)))
    times = []
    for _ in range(7):
        t = time.perf_counter()
        for _ in range(reps):
            torch.mm(a, b)
        times.append((time.perf_counter() - t) / reps)
    times.sort()
    print(f"{f'{m}x{n}x{k}':>18} {flops / times[len(times) // 2] / 1e9:>10.1f}")
