#!/usr/bin/python3
"""Seconds per epoch of the Fashion-MNIST MLP in PyTorch, the protocol of the Fashion-MNIST reference's
`fashion_ref.py --time-epoch` (warm-up of 50 steps, then epochs of ceil(60000/128) = 469 steps of batch 128, Adam 1e-3,
float32), with the loss Seagull's benchmark uses (MSE on one-hot targets; `--loss ce` for the reference's cross-entropy).

usage: torch_fashion_epoch.py VARIANT THREADS REPS [--loss mse|ce]     prints one JSON line (median of REPS epochs)
VARIANT: mlp-relu (784→256 relu→128 relu→10) | symmetrized ((g(x) + g(flip x))/2, g = 784→256 seagull→128 tanh→10)
         | symmetrized-relu
Set OMP_NUM_THREADS=THREADS too (bench/fashion_speed.sh does).
"""
import argparse, gzip, json, math, os, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA = "/usr/share/datasets/fashion-mnist"


def load_idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as fh:
        raw = fh.read()
    ndim = int.from_bytes(raw[0:4], "big") & 0xFF
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load():
    """The 60000 training images (N, 28, 28), standardised by one scalar mean and std, and labels; noise if absent."""
    if os.path.exists(os.path.join(DATA, "train-images-idx3-ubyte.gz")):
        x = load_idx("train-images-idx3-ubyte.gz").astype(np.float32) / 255.0
        y = load_idx("train-labels-idx1-ubyte.gz").astype(np.int64)
        source = "fashion-mnist"
    else:
        rng = np.random.default_rng(0)
        x = rng.random((60000, 28, 28), dtype=np.float32)
        y = rng.integers(0, 10, 60000)
        source = "uniform noise"
    mean = float(x.mean(dtype=np.float64)); std = float(x.std(dtype=np.float64))
    x = (x - mean) / std
    return torch.from_numpy(np.ascontiguousarray(x)), torch.from_numpy(y), source


def seagull(z):
    return torch.log1p(z * z)


ACT = {"tanh": torch.tanh, "relu": F.relu, "seagull": seagull}


class MLP(nn.Module):
    def __init__(self, act1, act2, n_in=784, h1=256, h2=128):
        super().__init__()
        self.l1 = nn.Linear(n_in, h1); self.l2 = nn.Linear(h1, h2); self.l3 = nn.Linear(h2, 10)
        self.a1, self.a2 = ACT[act1], ACT[act2]

    def forward(self, x):
        return self.l3(self.a2(self.l2(self.a1(self.l1(x.flatten(1))))))


class Symmetrized(nn.Module):
    def __init__(self, g):
        super().__init__()
        self.g = g

    def forward(self, x):
        return 0.5 * (self.g(x) + self.g(x.flip(-1)))


def build(variant):
    if variant == "mlp-relu": return MLP("relu", "relu")
    if variant == "symmetrized": return Symmetrized(MLP("seagull", "tanh"))
    if variant == "symmetrized-relu": return Symmetrized(MLP("relu", "relu"))
    raise ValueError(variant)


def cpu_sample():
    """(CPU seconds of the whole machine from /proc/stat, CPU seconds of this process)."""
    with open("/proc/stat") as fh:
        f = fh.readline().split()
    busy = sum(float(f[i]) for i in (1, 2, 3, 6, 7, 8)) / os.sysconf("SC_CLK_TCK")
    t = os.times()
    return busy, t.user + t.system


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("variant"); ap.add_argument("threads", type=int); ap.add_argument("reps", type=int)
    ap.add_argument("--loss", default="mse", choices=["mse", "ce"])
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    xtr, ytr, source = load()
    onehot = F.one_hot(ytr, 10).float()
    N = xtr.shape[0]
    torch.manual_seed(0)
    model = build(a.variant)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    g = torch.Generator().manual_seed(0)

    def steps(n):
        perm = torch.randperm(N, generator=g)
        for s in range(n):
            idx = perm[(s * 128) % N:(s * 128) % N + 128]
            out = model(xtr[idx])
            loss = F.mse_loss(out, onehot[idx]) if a.loss == "mse" else F.cross_entropy(out, ytr[idx])
            opt.zero_grad(set_to_none=True); loss.backward(); opt.step(); loss.item()

    steps(50)
    n = math.ceil(N / 128)
    times, others = [], []
    for _ in range(a.reps):
        c0 = cpu_sample()
        t = time.perf_counter(); steps(n); dt = time.perf_counter() - t
        c1 = cpu_sample()
        times.append(dt); others.append(max(0.0, (c1[0] - c0[0]) - (c1[1] - c0[1])) / dt)
    s = sorted(times)
    print(json.dumps({"variant": a.variant, "threads": torch.get_num_threads(), "loss": a.loss, "data": source,
                      "median_s": s[len(s) // 2], "min_s": s[0], "max_s": s[-1], "reps": a.reps,
                      "times": [round(t, 3) for t in times],
                      "other_processes_cores": [round(o, 2) for o in others], "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
