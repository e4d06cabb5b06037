#!/usr/bin/python3
"""The sample CNN (samples/Common/Networks.cs, FashionCnn) in PyTorch 1.13: the reference for speed and accuracy.

    OMP_NUM_THREADS=2 /usr/bin/python3 bench/torch_cnn.py [epochs] [threads]

Same model (Conv2d(1, 32, 3, bias=False) → BatchNorm2d → ReLU → MaxPool2d(2) → Conv2d(32, 64, 3, bias=False) →
BatchNorm2d → ReLU → MaxPool2d(2) → Flatten → Linear(1600, 128) → ReLU → Dropout(0.5) → Linear(128, 10)), Keras'
BatchNorm settings (momentum 0.99 ↔ PyTorch 0.01, ε 1e-3), Glorot-uniform weights, Adam 1e-3 with cosine decay over
the run, batch 64, shuffled each epoch. Prints one line per epoch (seconds, test accuracy), then a JSON summary.
"""
import gzip
import json
import math
import os
import sys
import time

import numpy as np
import torch
from torch import nn

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
THREADS = int(sys.argv[2]) if len(sys.argv) > 2 else 1
DATA = "/usr/share/datasets/fashion-mnist"
torch.set_num_threads(THREADS)
torch.manual_seed(0)


def read_idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        data = f.read()
    count = int.from_bytes(data[4:8], "big")
    if int.from_bytes(data[0:4], "big") == 2051:
        return np.frombuffer(data, np.uint8, offset=16).reshape(count, 1, 28, 28).astype(np.float32) / np.float32(255)
    return np.frombuffer(data, np.uint8, offset=8).astype(np.int64)


x_train, y_train = torch.from_numpy(read_idx("train-images-idx3-ubyte.gz")), torch.from_numpy(read_idx("train-labels-idx1-ubyte.gz"))
x_test, y_test = torch.from_numpy(read_idx("t10k-images-idx3-ubyte.gz")), torch.from_numpy(read_idx("t10k-labels-idx1-ubyte.gz"))

model = nn.Sequential(
    nn.Conv2d(1, 32, 3, bias=False), nn.BatchNorm2d(32, eps=1e-3, momentum=0.01), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, bias=False), nn.BatchNorm2d(64, eps=1e-3, momentum=0.01), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(1600, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10))
for module in model.modules():
    if isinstance(module, (nn.Conv2d, nn.Linear)):
        nn.init.xavier_uniform_(module.weight)
        if module.bias is not None:
            nn.init.zeros_(module.bias)

BATCH = 64
steps = EPOCHS * math.ceil(len(x_train) / BATCH)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
loss_fn = nn.CrossEntropyLoss()
times = []
accuracy = 0.0
for epoch in range(EPOCHS):
    model.train()
    order = torch.randperm(len(x_train))
    start = time.perf_counter()
    for first in range(0, len(x_train), BATCH):
        index = order[first:first + BATCH]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x_train[index]), y_train[index])
        loss.backward()
        optimizer.step()
        schedule.step()
    times.append(time.perf_counter() - start)
    model.eval()
    with torch.no_grad():
        accuracy = float((model(x_test).argmax(1) == y_test).float().mean())
    print(f"epoch {epoch + 1}/{EPOCHS}: {times[-1]:.1f} s, test accuracy {accuracy:.4f}", flush=True)
print(json.dumps({"system": "PyTorch", "model": "FashionCnn", "threads": THREADS, "epoch_seconds": times, "test_accuracy": accuracy}))
