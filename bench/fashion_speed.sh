#!/usr/bin/env bash
# Seconds per epoch of the Fashion-MNIST-sized MLP (784→256→128→10, batch 128, Adam 1e-3, float32, 60000 rows,
# MSE on one-hot targets), Seagull under Threads.run 1 and 2 against PyTorch with torch.set_num_threads 1 and 2
# (OMP_NUM_THREADS matching), variants mlp-relu and symmetrized, all in one run. Prints a Markdown table with
# ratios, then the product timings (µs per product at the step's shapes, 1 and 2 threads).
# Needs Debian's python3-torch and the OpenBLAS OpenMP build under /tmp (see bench/README.md).
# usage: bench/fashion_speed.sh [REPS]
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-5}"
blas=/tmp/openblas_omp/root/usr/lib/x86_64-linux-gnu/openblas-openmp
dotnet build bench/Seagull.TrainSpeed -c Release -v q -nologo >/dev/null
exe=bench/Seagull.TrainSpeed/bin/Release/net10.0/Seagull.TrainSpeed.dll
field() { sed -E "s/.*\"$1\": ([0-9.]+).*/\1/"; }
# the most cores other processes kept busy during any timed epoch of a run
others() { sed -E 's/.*"other_processes_cores": \[([0-9., ]*)\].*/\1/' | tr ',' '\n' | sort -g | tail -1 | tr -d ' '; }
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| variant | threads | Seagull s/epoch (min–max) | PyTorch s/epoch (min–max) | Seagull / PyTorch | other processes' cores (max, Seagull / PyTorch) |"
echo "|---|---:|---:|---:|---:|---:|"
for v in mlp-relu symmetrized; do
  for t in 1 2; do
    s=$(dotnet "$exe" fashion "$v" "$t" "$reps")
    p=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=$t LD_LIBRARY_PATH=$blas \
          /usr/bin/python3 bench/torch_fashion_epoch.py "$v" "$t" "$reps")
    awk -v v="$v" -v t="$t" -v a="$(echo "$s" | field median_s)" -v a0="$(echo "$s" | field min_s)" -v a1="$(echo "$s" | field max_s)" \
        -v b="$(echo "$p" | field median_s)" -v b0="$(echo "$p" | field min_s)" -v b1="$(echo "$p" | field max_s)" \
        -v o1="$(echo "$s" | others)" -v o2="$(echo "$p" | others)" \
      'BEGIN { printf "| %s | %s | %.3f (%.3f–%.3f) | %.3f (%.3f–%.3f) | %.2f | %s / %s |\n", v, t, a, a0, a1, b, b0, b1, a/b, o1, o2 }'
  done
done
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
dotnet "$exe" products 2 9
