#!/usr/bin/python3
"""Seconds per epoch of the PyTorch reference model (shared/peers/pytorch/ref_models.py), the protocol of
its bench_speed.py, with a chosen number of threads.  usage: torch_epoch.py VARIANT HIDDEN PRECISION REPS THREADS"""
import json, os, statistics, sys, time
# The reference's folder: $PYTORCH_REF, else shared/peers/pytorch next to the repository (/work/shared/peers/pytorch).
sys.path.insert(0, os.environ.get("PYTORCH_REF") or
                os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "peers", "pytorch"))
import torch
from ref_models import build

variant, H, prec, reps, threads = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
torch.set_num_threads(threads)
dtype = torch.float32 if prec == "float32" else torch.float64
torch.manual_seed(0)
X = torch.rand(8000, 9, dtype=dtype) * 2 - 1
Y = torch.randn(8000, dtype=dtype)
m = build(variant, H).to(dtype)
opt = torch.optim.Adam(m.parameters(), lr=1e-3)

def epoch():
    perm = torch.randperm(8000)
    Xp, Yp = X[perm], Y[perm]
    for i in range(0, 8000, 128):
        loss = ((m(Xp[i:i + 128]) - Yp[i:i + 128]) ** 2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

epoch()
ts = []
for _ in range(reps):
    t = time.perf_counter(); epoch(); ts.append(time.perf_counter() - t)
print(json.dumps({"variant": variant, "hidden": H, "precision": prec, "threads": threads,
                  "median_s": statistics.median(ts), "min_s": min(ts), "max_s": max(ts), "reps": reps}))
