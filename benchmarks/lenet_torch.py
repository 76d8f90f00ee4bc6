"""PyTorch CPU, one thread: LeNet-5 (the talk's topology) forward + backward, samples/s."""
import time

import torch
import torch.nn as nn

torch.set_num_threads(1)
model = nn.Sequential(
    nn.Unflatten(1, (1, 28, 28)), nn.Conv2d(1, 6, 5), nn.Tanh(), nn.MaxPool2d(2, 2), nn.Tanh(),
    nn.Conv2d(6, 12, 5), nn.MaxPool2d(2, 2), nn.Flatten(), nn.Linear(192, 100), nn.Tanh(),
    nn.Linear(100, 10), nn.LogSoftmax(dim=1))
loss_fn = nn.NLLLoss()
print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
for batch in (64, 128):
    x = (torch.arange(batch * 784) % 255).float().reshape(batch, 784) / 255 - 0.5
    t = torch.arange(batch) % 10
    for _ in range(3):
        model.zero_grad()
        loss_fn(model(x), t).backward()
    best = float("inf")
    for _ in range(5):
        reps = 20
        start = time.perf_counter()
        for _ in range(reps):
            model.zero_grad()
            loss_fn(model(x), t).backward()
        best = min(best, (time.perf_counter() - start) / reps)
    print(f"torch batch {batch:>4}: {batch / best:>8.0f} samples/s ({best * 1e3:.2f} ms per batch)")
