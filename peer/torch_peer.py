#!/usr/bin/python3
"""PyTorch peer for Unrolled's correctness tests (tests/Peer.Tests).

Usage: /usr/bin/python3 peer/torch_peer.py CASE_DIR

CASE_DIR holds spec.json and .npy inputs written by the C# test. This script builds the equivalent torch model,
runs the requested steps and writes its results back as .npy files. It never reads Unrolled's outputs: the C# test
compares.

Mapping between Unrolled (Keras defaults) and PyTorch, applied here explicitly:
- Dense W is [units x inputs] like nn.Linear.weight; the bias follows.
- BatchNorm momentum: Unrolled keeps `momentum` of the old running value (Keras, default 0.99); PyTorch's
  `momentum` is the weight of the new value, so torch_momentum = 1 - unrolled_momentum. Epsilons are passed as they
  are (Keras default 1e-3, PyTorch default 1e-5).
- BatchNorm running variance: Unrolled (like Keras) folds in the *biased* batch variance; PyTorch folds in the
  unbiased one (n/(n-1)). The script reports the Keras-convention value, recomputed from the torch batch statistics.
- RMSprop: Unrolled's rho is PyTorch's alpha; both put epsilon outside the square root.
- Adam/AdamW: same equations as PyTorch (epsilon outside sqrt(v_hat); AdamW decays by (1 - lr*wd) first).
- ReduceLROnPlateau: Keras reduces when `wait >= patience`, PyTorch when `num_bad_epochs > patience`, so
  torch_patience = unrolled_patience - 1. Keras checks in_cooldown() again after decrementing the cooldown counter,
  so its cooldown c skips c - 1 epochs; PyTorch's cooldown c skips c: torch_cooldown = max(0, unrolled_cooldown - 1).
  min_delta is PyTorch's absolute threshold.
- CosineDecay(initial, decay_steps, alpha) = CosineAnnealingLR(T_max=decay_steps, eta_min=alpha*initial) for
  steps <= decay_steps (PyTorch's schedule rises again after T_max; Keras stays at the minimum).
"""
import gzip
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)


def load(case, name):
    return np.load(os.path.join(case, name + ".npy"))


def save(case, name, array):
    np.save(os.path.join(case, name + ".npy"), np.ascontiguousarray(np.asarray(array, dtype=np.float32)))


class Net(torch.nn.Module):
    """The layers of spec['layers'], in order; parameters in Unrolled's flat order."""

    def __init__(self, spec):
        super().__init__()
        self.spec = spec
        self.layers = torch.nn.ModuleList()
        width = spec["inputs"]
        for layer in spec["layers"]:
            kind = layer["kind"]
            if kind == "Dense":
                module = torch.nn.Linear(width, layer["units"], bias=layer["bias"])
                width = layer["units"]
            elif kind == "ReLU":
                module = torch.nn.ReLU()
            elif kind == "LeakyReLU":
                module = torch.nn.LeakyReLU(layer["slope"])
            elif kind == "Sigmoid":
                module = torch.nn.Sigmoid()
            elif kind == "Tanh":
                module = torch.nn.Tanh()
            elif kind == "Softmax":
                module = torch.nn.Softmax(dim=1)
            elif kind == "BatchNorm":
                module = torch.nn.BatchNorm1d(width, eps=layer["epsilon"], momentum=1.0 - layer["momentum"])
            elif kind == "Dropout":
                module = torch.nn.Dropout(layer["rate"])
            else:
                raise ValueError("unknown layer " + kind)
            self.layers.append(module)

    def flat_parameters(self):
        """Trainable tensors in Unrolled's order: Dense W then b, BatchNorm gamma then beta."""
        for module in self.layers:
            if isinstance(module, torch.nn.Linear):
                yield module.weight
                if module.bias is not None:
                    yield module.bias
            elif isinstance(module, torch.nn.BatchNorm1d):
                yield module.weight
                yield module.bias

    def batch_norms(self):
        return [m for m in self.layers if isinstance(m, torch.nn.BatchNorm1d)]

    def set_flat(self, parameters, statistics):
        at = 0
        with torch.no_grad():
            for tensor in self.flat_parameters():
                n = tensor.numel()
                tensor.copy_(torch.from_numpy(parameters[at:at + n].reshape(tensor.shape)))
                at += n
            at = 0
            for bn in self.batch_norms():
                n = bn.num_features
                bn.running_mean.copy_(torch.from_numpy(statistics[at:at + n]))
                bn.running_var.copy_(torch.from_numpy(statistics[at + n:at + 2 * n]))
                at += 2 * n

    def get_flat(self):
        return np.concatenate([t.detach().numpy().ravel() for t in self.flat_parameters()] or [np.zeros(0, np.float32)])

    def get_gradients(self):
        return np.concatenate([t.grad.detach().numpy().ravel() for t in self.flat_parameters()])

    def forward(self, x, keras_running=None):
        """Returns (output, logits feeding the last layer). keras_running collects Keras-convention running vars."""
        logits = x
        for i, module in enumerate(self.layers):
            if i == len(self.layers) - 1:
                logits = x
            if isinstance(module, torch.nn.BatchNorm1d) and module.training and keras_running is not None:
                previous = module.running_var.clone()
                m = module.momentum
                n = x.shape[0]
                x = module(x)
                # torch folded in the unbiased variance; rebuild the biased (Keras) update from it.
                unbiased = (module.running_var - (1 - m) * previous) / m
                biased = unbiased * (n - 1) / n
                keras_running.append((1 - m) * previous + m * biased)
            else:
                x = module(x)
        return x, logits


def loss_of(spec, output, logits, labels, targets):
    kind = spec["loss"]
    last = spec["layers"][-1]["kind"]
    if kind == "CrossEntropy":
        if last == "Softmax":
            if labels is not None:
                return F.cross_entropy(logits, labels)
            return torch.mean(torch.sum(-targets * F.log_softmax(logits, dim=1), dim=1))
        y = targets if targets is not None else F.one_hot(labels, output.shape[1]).float()
        return torch.mean(torch.sum(-y * torch.log(torch.clamp(output, min=1e-7)), dim=1))
    y = targets
    if kind == "BinaryCrossEntropy":
        if last == "Sigmoid":
            return F.binary_cross_entropy_with_logits(logits, y)
        return F.binary_cross_entropy(torch.clamp(output, 1e-7, 1 - 1e-7), y)
    return F.mse_loss(output, y)


def optimizer_of(spec, parameters):
    o = spec["optimizer"]
    name = o["name"]
    if name == "Sgd":
        return torch.optim.SGD(parameters, lr=o["lr"], momentum=o.get("momentum", 0.0), nesterov=o.get("nesterov", False),
                               weight_decay=o.get("weight_decay", 0.0))
    if name == "RmsProp":
        return torch.optim.RMSprop(parameters, lr=o["lr"], alpha=o["rho"], eps=o["epsilon"])
    if name == "Adam":
        return torch.optim.Adam(parameters, lr=o["lr"], betas=(o["beta1"], o["beta2"]), eps=o["epsilon"], weight_decay=o.get("weight_decay", 0.0))
    if name == "AdamW":
        return torch.optim.AdamW(parameters, lr=o["lr"], betas=(o["beta1"], o["beta2"]), eps=o["epsilon"], weight_decay=o["weight_decay"])
    raise ValueError("unknown optimizer " + name)


def scheduler_of(spec, optimizer):
    s = spec.get("schedule")
    if s is None:
        return None
    if s["name"] == "CosineDecay":
        return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=s["decay_steps"], eta_min=s["alpha"] * s["initial"])
    if s["name"] == "WarmupCosine":
        peak, warmup, total = s["peak"], s["warmup_steps"], s["total_steps"]

        def factor(step):  # the lesson's WarmupCosineSchedule, relative to the optimizer's lr (= peak)
            if step < warmup:
                return step / warmup
            step = min(step, total)
            return 0.5 * (1 + math.cos(math.pi * (step - warmup) / (total - warmup)))
        return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
    raise ValueError("unknown schedule " + s["name"])


def targets_of(case, spec):
    labels = torch.from_numpy(load(case, "labels").astype(np.int64)) if spec.get("labels") else None
    targets = torch.from_numpy(load(case, "targets")) if spec.get("targets") else None
    return labels, targets


def forward_backward(case, spec):
    net = Net(spec)
    net.set_flat(load(case, "parameters"), load(case, "statistics"))
    x = torch.from_numpy(load(case, "x"))
    labels, targets = targets_of(case, spec)
    net.eval()
    with torch.no_grad():
        eval_out, _ = net(x)
    save(case, "eval_output", eval_out.numpy())
    if not spec.get("train", True):
        return
    net.train()
    running = []
    out, logits = net(x, running)
    loss = loss_of(spec, out, logits, labels, targets)
    loss.backward()
    save(case, "train_output", out.detach().numpy())
    save(case, "loss", [loss.item()])
    save(case, "gradients", net.get_gradients())
    stats = []
    for bn, var in zip(net.batch_norms(), running):
        stats.append(bn.running_mean.detach().numpy())
        stats.append(var.detach().numpy())
    save(case, "statistics_after", np.concatenate(stats) if stats else np.zeros(0))


def train(case, spec):
    net = Net(spec)
    net.set_flat(load(case, "parameters"), load(case, "statistics"))
    xs = load(case, "x")  # [steps, batch, inputs]
    labels_all = load(case, "labels").astype(np.int64) if spec.get("labels") else None
    targets_all = load(case, "targets") if spec.get("targets") else None
    optimizer = optimizer_of(spec, list(net.flat_parameters()))
    scheduler = scheduler_of(spec, optimizer)
    losses, rates = [], []
    net.train()
    for step in range(xs.shape[0]):
        optimizer.zero_grad()
        labels = torch.from_numpy(labels_all[step]) if labels_all is not None else None
        targets = torch.from_numpy(targets_all[step]) if targets_all is not None else None
        out, logits = net(torch.from_numpy(xs[step]))
        loss = loss_of(spec, out, logits, labels, targets)
        loss.backward()
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        losses.append(loss.item())
    save(case, "losses", losses)
    save(case, "rates", rates)
    save(case, "parameters_after", net.get_flat())


def schedule(case, spec):
    """Learning rates of a schedule alone, step by step (ReduceLROnPlateau: one value per epoch metric)."""
    s = spec["schedule"]
    dummy = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([dummy], lr=s.get("initial", s.get("peak", 1.0)))
    rates = []
    if s["name"] == "ReduceLROnPlateau":
        plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(
            optimizer, mode="min", factor=s["factor"], patience=s["patience"] - 1, threshold=s["min_delta"],
            threshold_mode="abs", cooldown=max(0, s["cooldown"] - 1), min_lr=s["min_lr"], eps=0.0)
        for metric in s["metrics"]:
            plateau.step(metric)
            rates.append(optimizer.param_groups[0]["lr"])
    else:
        scheduler = scheduler_of(spec, optimizer)
        for _ in range(s["steps"]):
            rates.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            scheduler.step()
    np.save(os.path.join(case, "rates.npy"), np.asarray(rates, dtype=np.float64))


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    count = int.from_bytes(data[4:8], "big")
    if magic == 2051:
        rows, cols = int.from_bytes(data[8:12], "big"), int.from_bytes(data[12:16], "big")
        return np.frombuffer(data, np.uint8, offset=16).reshape(count, rows * cols).astype(np.float32) / np.float32(255)
    return np.frombuffer(data, np.uint8, offset=8).astype(np.int64)


def end_to_end(case, spec):
    """One epoch of SGD on Fashion-MNIST with the given initial weights and sample order."""
    directory = spec["data"]
    x = torch.from_numpy(read_idx(os.path.join(directory, "train-images-idx3-ubyte.gz")))
    y = torch.from_numpy(read_idx(os.path.join(directory, "train-labels-idx1-ubyte.gz")))
    tx = torch.from_numpy(read_idx(os.path.join(directory, "t10k-images-idx3-ubyte.gz")))
    ty = torch.from_numpy(read_idx(os.path.join(directory, "t10k-labels-idx1-ubyte.gz")))
    order = torch.from_numpy(load(case, "order").astype(np.int64))
    net = Net(spec)
    net.set_flat(load(case, "parameters"), load(case, "statistics"))
    optimizer = optimizer_of(spec, list(net.flat_parameters()))
    batch = spec["batch"]
    losses = []
    net.train()
    for start in range(0, order.numel(), batch):
        index = order[start:start + batch]
        optimizer.zero_grad()
        out, logits = net(x[index])
        loss = loss_of(spec, out, logits, y[index], None)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    net.eval()
    with torch.no_grad():
        predicted = net(tx)[0].argmax(dim=1)
    accuracy = (predicted == ty).float().mean().item()
    save(case, "losses", losses)
    np.save(os.path.join(case, "accuracy.npy"), np.asarray([accuracy], dtype=np.float64))


def main():
    case = sys.argv[1]
    with open(os.path.join(case, "spec.json")) as f:
        spec = json.load(f)
    {"forward_backward": forward_backward, "train": train, "schedule": schedule, "end_to_end": end_to_end}[spec["mode"]](case, spec)


if __name__ == "__main__":
    main()
