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
- Images: spec['shape'] = [C, H, W]; a sample's values are C x H x W, channel-major (NCHW). Conv2D W is
  [filters x C x kh x kw] like nn.Conv2d.weight. Keras' padding "same" is computed here from its definition (out =
  ceil(H/stride), total = max((out - 1)*stride + k - H, 0), the odd row/column at the bottom/right) and applied as an
  explicit nn.ZeroPad2d before an unpadded nn.Conv2d: PyTorch's own padding is symmetric. BatchNorm on an image is
  BatchNorm2d; GlobalAvgPool2D is AdaptiveAvgPool2d(1) then Flatten; Flatten is nn.Flatten (torch.flatten order).
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


def real(array):
    """A float32 array from the C# side as a tensor of the working precision (float64 with spec['double'])."""
    return torch.from_numpy(array).to(torch.get_default_dtype())


def save(case, name, array):
    np.save(os.path.join(case, name + ".npy"), np.ascontiguousarray(np.asarray(array, dtype=np.float32)))


class Net(torch.nn.Module):
    """The layers of spec['layers'], in order; parameters in Unrolled's flat order."""

    def __init__(self, spec):
        super().__init__()
        self.spec = spec
        self.layers = torch.nn.ModuleList()
        width = spec["inputs"]
        shape = spec.get("shape")  # [C, H, W] while the data is an image, None once it is features
        for layer in spec["layers"]:
            kind = layer["kind"]
            if kind == "Dense":
                module = torch.nn.Linear(width, layer["units"], bias=layer["bias"])
                width = layer["units"]
            elif kind == "Conv2D":
                c, h, w = shape
                kh, kw, stride = layer["kh"], layer["kw"], layer["stride"]
                pads = [0, 0, 0, 0]  # left, right, top, bottom (ZeroPad2d's order)
                if layer["padding"] == "Same":
                    out_h, out_w = -(-h // stride), -(-w // stride)
                    total_h, total_w = max((out_h - 1) * stride + kh - h, 0), max((out_w - 1) * stride + kw - w, 0)
                    pads = [total_w // 2, total_w - total_w // 2, total_h // 2, total_h - total_h // 2]
                conv = torch.nn.Conv2d(c, layer["filters"], (kh, kw), stride=stride, bias=layer["bias"])
                module = torch.nn.Sequential(torch.nn.ZeroPad2d(pads), conv)
                h, w = (h + pads[2] + pads[3] - kh) // stride + 1, (w + pads[0] + pads[1] - kw) // stride + 1
                shape = [layer["filters"], h, w]
                width = layer["filters"] * h * w
            elif kind in ("MaxPool2D", "AvgPool2D"):
                c, h, w = shape
                pool, stride = layer["pool"], layer["stride"]
                module = (torch.nn.MaxPool2d if kind == "MaxPool2D" else torch.nn.AvgPool2d)(pool, stride=stride)
                h, w = (h - pool) // stride + 1, (w - pool) // stride + 1
                shape = [c, h, w]
                width = c * h * w
            elif kind == "GlobalAvgPool2D":
                module = torch.nn.Sequential(torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten())
                width, shape = shape[0], None
            elif kind == "Flatten":
                module = torch.nn.Flatten()
                shape = None
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
            elif kind == "BatchNorm" and shape is not None:
                module = torch.nn.BatchNorm2d(shape[0], eps=layer["epsilon"], momentum=1.0 - layer["momentum"])
            elif kind == "BatchNorm":
                module = torch.nn.BatchNorm1d(width, eps=layer["epsilon"], momentum=1.0 - layer["momentum"])
            elif kind == "Dropout":
                module = torch.nn.Dropout(layer["rate"])
            else:
                raise ValueError("unknown layer " + kind)
            self.layers.append(module)

    def flat_parameters(self):
        """Trainable tensors in Unrolled's order: Dense and Conv2D W then b, BatchNorm gamma then beta."""
        for module in self.layers:
            if isinstance(module, torch.nn.Sequential) and isinstance(module[-1], torch.nn.Conv2d):
                module = module[-1]
            if isinstance(module, (torch.nn.Linear, torch.nn.Conv2d)):
                yield module.weight
                if module.bias is not None:
                    yield module.bias
            elif isinstance(module, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)):
                yield module.weight
                yield module.bias

    def batch_norms(self):
        return [m for m in self.layers if isinstance(m, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d))]

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
        if self.spec.get("shape") is not None:
            x = x.reshape([x.shape[0]] + list(self.spec["shape"]))
        logits = x
        for i, module in enumerate(self.layers):
            if i == len(self.layers) - 1:
                logits = x
            if isinstance(module, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)) and module.training and keras_running is not None:
                previous = module.running_var.clone()
                m = module.momentum
                n = x.numel() // x.shape[1]  # values per feature or channel: batch (x height x width)
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
    targets = real(load(case, "targets")) if spec.get("targets") else None
    return labels, targets


def forward_backward(case, spec):
    net = Net(spec)
    net.set_flat(load(case, "parameters"), load(case, "statistics"))
    x = real(load(case, "x"))
    labels, targets = targets_of(case, spec)
    net.eval()
    with torch.no_grad():
        eval_out, _ = net(x)
    save(case, "eval_output", eval_out.numpy())
    # What Keras' summary counts: trainable parameters, and BatchNorm's running mean and variance as non-trainable.
    save(case, "parameter_counts", [sum(p.numel() for p in net.flat_parameters()),
                                    sum(bn.running_mean.numel() + bn.running_var.numel() for bn in net.batch_norms())])
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
        targets = real(targets_all[step]) if targets_all is not None else None
        out, logits = net(real(xs[step]))
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
    if spec.get("double"):
        # The reference in float64: for deep convolutional networks PyTorch's float32 kernels differ from its own float64
        # by more than the tolerances (4e-4 after 10 Adam steps on the sample CNN, measured), Unrolled's float by 1e-5.
        torch.set_default_dtype(torch.float64)
    {"forward_backward": forward_backward, "train": train, "schedule": schedule, "end_to_end": end_to_end}[spec["mode"]](case, spec)


if __name__ == "__main__":
    main()
