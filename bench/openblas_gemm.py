#!/usr/bin/env python3
# The MatMul benchmark shapes timed through numpy (median of 9 blocks), for comparison with bench/Seagull.Bench.
# Run with the OpenBLAS of shared/peers/pytorch/setup.sh: see bench/README.md.
import sys, time, numpy as np
def med(f, reps, inner):
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        for _ in range(inner): f()
        ts.append((time.perf_counter() - t) / inner)
    ts.sort(); return ts[len(ts)//2]
cases = [((128,9,64),'N'),((128,64,64),'N'),((128,64,1),'N'),((64,128,64),'TA'),((128,64,64),'TB'),((128,256,256),'N'),((1024,1024,1024),'N')]
try:
    from threadpoolctl import threadpool_info
    for i in threadpool_info(): print('#', i.get('internal_api'), i.get('version'), i.get('architecture'), 'threads', i.get('num_threads'), i.get('filepath'))
except Exception as e: print('# threadpoolctl unavailable:', e)
print('# numpy', np.__version__, np.__file__)
print('# blas libs loaded:', sorted({l.split()[-1] for l in open('/proc/self/maps') if 'blas' in l}))
for dt in (np.float32, np.float64):
    rng = np.random.default_rng(0)
    for (m,k,n), mode in cases:
        if mode == 'TA': a = rng.standard_normal((k,m)).astype(dt); b = rng.standard_normal((k,n)).astype(dt); c = np.empty((m,n),dt); f = lambda: np.matmul(a.T, b, out=c)
        elif mode == 'TB': a = rng.standard_normal((m,k)).astype(dt); b = rng.standard_normal((n,k)).astype(dt); c = np.empty((m,n),dt); f = lambda: np.matmul(a, b.T, out=c)
        else: a = rng.standard_normal((m,k)).astype(dt); b = rng.standard_normal((k,n)).astype(dt); c = np.empty((m,n),dt); f = lambda: np.matmul(a, b, out=c)
        fl = 2.0*m*k*n
        inner = max(1, int(2e8 / fl)) if fl > 1e6 else 20000
        inner = min(inner, 20000)
        for _ in range(3): f()
        t = med(f, 9, inner)
        print(f"{np.dtype(dt).name} {mode} {m}x{k}x{n}: {t*1e6:.2f} us  {fl/t/1e9:.1f} GFLOP/s")
