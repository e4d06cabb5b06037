#!/usr/bin/python3
"""The peers' side of bench/compare.sh: PyTorch 1.13 (1 and 2 threads) and the lesson's NumPy TinyNN, on the same
Fashion-MNIST workloads as bench/Compare. One JSON object per line, as bench/Compare prints.

Batch-1 training runs 6,000 steps per repetition and is scaled to an epoch (x10), like Unrolled's.
"""
import gzip
import json
import os
import sys
import time

import numpy as np
import torch

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
# The thread count is fixed by the caller through OMP_NUM_THREADS / OPENBLAS_NUM_THREADS (OpenBLAS keeps its own pool,
# which torch.set_num_threads does not resize), so each process measures one thread count.
THREADS = int(sys.argv[2]) if len(sys.argv) > 2 else 1
DATA = "/usr/share/datasets/fashion-mnist"
FLOPS_PER_SAMPLE = 4.0 * (784 * 128 + 128 * 10) + 2.0 * 128 * 10  # executed: forward, ∂W of both layers, ∂X of layer 2 (as bench/Compare)
INFERENCE_FLOPS = 2.0 * (784 * 128 + 128 * 10)


def read_idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        data = f.read()
    count = int.from_bytes(data[4:8], "big")
    if int.from_bytes(data[0:4], "big") == 2051:
        return np.frombuffer(data, np.uint8, offset=16).reshape(count, 784).astype(np.float32) / np.float32(255)
    return np.frombuffer(data, np.uint8, offset=8).astype(np.int64)


def emit(system, workload, threads, seconds, flops):
    print(json.dumps({"system": system, "workload": workload, "threads": threads, "seconds": seconds, "flops": flops}), flush=True)


def timed(action):
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


x_train, y_train = read_idx("train-images-idx3-ubyte.gz"), read_idx("train-labels-idx1-ubyte.gz")
x_test = read_idx("t10k-images-idx3-ubyte.gz")

# ── PyTorch ───────────────────────────────────────────────────────────────────────────────────────────────────────
xt, yt, xtest = torch.from_numpy(x_train), torch.from_numpy(y_train), torch.from_numpy(x_test)
for threads in (THREADS,):
    torch.set_num_threads(threads)
    for batch in (64, 256, 1):
        model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
        sgd = torch.optim.SGD(model.parameters(), lr=0.1)
        loss_fn = torch.nn.CrossEntropyLoss()
        samples = 6000 if batch == 1 else xt.shape[0]
        scale = xt.shape[0] / samples

        def epoch():
            for start in range(0, samples - batch + 1, batch):
                sgd.zero_grad()
                loss = loss_fn(model(xt[start:start + batch]), yt[start:start + batch])
                loss.backward()
                sgd.step()
        epoch()  # warm-up
        emit("pytorch", f"train-epoch-batch{batch}", threads, [timed(epoch) * scale for _ in range(RUNS)], FLOPS_PER_SAMPLE * xt.shape[0])

    model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10), torch.nn.Softmax(dim=1)).eval()

    def single():
        with torch.no_grad():
            for i in range(2000):
                model(xtest[i:i + 1])

    def batch10000():
        with torch.no_grad():
            model(xtest[:10000])
    single(); batch10000()
    emit("pytorch", "infer-single", threads, [timed(single) / 2000 for _ in range(RUNS)], INFERENCE_FLOPS)
    emit("pytorch", "infer-batch10000", threads, [timed(batch10000) for _ in range(RUNS)], INFERENCE_FLOPS * 10000)

# ── Gradients, then Adam's step, at batch 64: TinyNN, and the lesson's Keras model as ./train.sh trains it ─────────────
KERAS_FLOPS_PER_SAMPLE = 4.0 * (784 * 256 + 256 * 128 + 128 * 10) + 2.0 * (256 * 128 + 128 * 10)  # as bench/Compare
for name in ("tiny", "keras"):
    if name == "tiny":
        model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    else:  # Keras' BatchNormalization: momentum 0.99 (PyTorch 0.01), epsilon 1e-3
        model = torch.nn.Sequential(
            torch.nn.Linear(784, 256), torch.nn.BatchNorm1d(256, eps=1e-3, momentum=0.01), torch.nn.ReLU(), torch.nn.Dropout(0.4),
            torch.nn.Linear(256, 128), torch.nn.ReLU(), torch.nn.Dropout(0.3), torch.nn.Linear(128, 10))
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()

    def adam_epoch():
        for start in range(0, xt.shape[0] - 63, 64):
            optimizer.zero_grad(set_to_none=True)
            loss_fn(model(xt[start:start + 64]), yt[start:start + 64]).backward()
            optimizer.step()
    adam_epoch()  # warm-up
    emit("pytorch", "train-epoch-batch64-adam" if name == "tiny" else "keras-train-epoch-batch64-adam", THREADS,
         [timed(adam_epoch) for _ in range(RUNS)], (FLOPS_PER_SAMPLE if name == "tiny" else KERAS_FLOPS_PER_SAMPLE) * xt.shape[0])


# ── The sample CNN (samples/Common/Networks.cs, as bench/torch_cnn.py): Adam at batch 64, 12,000 samples ×5; inference ──
CNN_FORWARD = 2.0 * (676 * 32 * 9 + 121 * 64 * 288 + 1600 * 128 + 128 * 10)
CNN_TRAINING = 3 * CNN_FORWARD - 2.0 * 676 * 32 * 9
cnn = torch.nn.Sequential(
    torch.nn.Conv2d(1, 32, 3, bias=False), torch.nn.BatchNorm2d(32, eps=1e-3, momentum=0.01), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
    torch.nn.Conv2d(32, 64, 3, bias=False), torch.nn.BatchNorm2d(64, eps=1e-3, momentum=0.01), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
    torch.nn.Flatten(), torch.nn.Linear(1600, 128), torch.nn.ReLU(), torch.nn.Dropout(0.5), torch.nn.Linear(128, 10))
images, test_images = xt.reshape(-1, 1, 28, 28), xtest.reshape(-1, 1, 28, 28)
adam = torch.optim.Adam(cnn.parameters(), lr=1e-3)
loss_fn = torch.nn.CrossEntropyLoss()


def cnn_epoch():
    cnn.train()
    for start in range(0, 12000 - 63, 64):
        adam.zero_grad(set_to_none=True)
        loss_fn(cnn(images[start:start + 64]), yt[start:start + 64]).backward()
        adam.step()
cnn_epoch()
emit("pytorch", "cnn-train-epoch-batch64", THREADS, [timed(cnn_epoch) * 5 for _ in range(RUNS)], CNN_TRAINING * xt.shape[0])
cnn.eval()
inference = torch.nn.Sequential(cnn, torch.nn.Softmax(dim=1)).eval()


def cnn_single():
    with torch.no_grad():
        for i in range(1000):
            inference(test_images[i:i + 1])


def cnn_batch():
    with torch.no_grad():
        inference(test_images[:10000])
cnn_single(); cnn_batch()
emit("pytorch", "cnn-infer-single", THREADS, [timed(cnn_single) / 1000 for _ in range(RUNS)], CNN_FORWARD)
emit("pytorch", "cnn-infer-batch10000", THREADS, [timed(cnn_batch) for _ in range(RUNS)], CNN_FORWARD * 10000)

# ── The lesson's NumPy TinyNN (feature-major, as written in the lesson), batch 64, lr 0.1 ──────────────────────────
class TinyNN:
    def __init__(self, input_dim, hidden_dim, output_dim):
        rng = np.random.default_rng(0)
        self.W1 = (rng.standard_normal((hidden_dim, input_dim)) * np.sqrt(2.0 / (input_dim + hidden_dim))).astype(np.float32)
        self.b1 = np.zeros((hidden_dim, 1), np.float32)
        self.W2 = (rng.standard_normal((output_dim, hidden_dim)) * np.sqrt(2.0 / (hidden_dim + output_dim))).astype(np.float32)
        self.b2 = np.zeros((output_dim, 1), np.float32)

    def forward(self, X):
        self.X = X
        self.z1 = self.W1 @ X + self.b1
        self.a1 = np.maximum(0, self.z1)
        self.z2 = self.W2 @ self.a1 + self.b2
        e = np.exp(self.z2 - self.z2.max(axis=0, keepdims=True))
        self.yhat = e / e.sum(axis=0, keepdims=True)
        return self.yhat

    def backward(self, y_onehot, lr):
        m = y_onehot.shape[1]
        dz2 = self.yhat - y_onehot
        dW2 = (dz2 @ self.a1.T) / m
        db2 = dz2.sum(axis=1, keepdims=True) / m
        da1 = self.W2.T @ dz2
        dz1 = da1 * (self.z1 > 0)
        dW1 = (dz1 @ self.X.T) / m
        db1 = dz1.sum(axis=1, keepdims=True) / m
        self.W2 -= lr * dW2
        self.b2 -= lr * db2
        self.W1 -= lr * dW1
        self.b1 -= lr * db1


if THREADS != 1:
    sys.exit(0)
X = np.ascontiguousarray(x_train.T)
Y = np.eye(10, dtype=np.float32)[y_train].T.copy()
net = TinyNN(784, 128, 10)


def numpy_epoch():
    for start in range(0, X.shape[1] - 63, 64):
        net.forward(X[:, start:start + 64])
        net.backward(Y[:, start:start + 64], 0.1)
numpy_epoch()
emit("numpy", "train-epoch-batch64", 1, [timed(numpy_epoch) for _ in range(RUNS)], FLOPS_PER_SAMPLE * X.shape[1])
