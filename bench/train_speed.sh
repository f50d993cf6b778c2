#!/usr/bin/env bash
# Seconds per training epoch, Seagull vs the PyTorch reference, on the same configuration:
# 9→H→H→1, batch 128, 8000 samples, Adam; plain (tanh), plain_seagull1 (Seagull first layer) and
# struct_seagull (split); float32 and float64; H = 64 and 256. Prints a Markdown table with ratios.
# Needs Debian's python3-torch and the OpenBLAS of shared/peers/pytorch/setup.sh (run that first).
# usage: bench/train_speed.sh [REPS]
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-7}"
blas=/tmp/openblas_omp/root/usr/lib/x86_64-linux-gnu/openblas-openmp
dotnet build bench/Seagull.TrainSpeed -c Release -v q -nologo >/dev/null
exe=bench/Seagull.TrainSpeed/bin/Release/net10.0/Seagull.TrainSpeed.dll
field() { sed -E "s/.*\"$1\": ([0-9.]+).*/\1/"; }
echo "| model | H | precision | Seagull s/epoch | PyTorch 1 thread | PyTorch 2 threads | ratio vs 1 thread | ratio vs 2 threads | Seagull peak MB |"
echo "|---|---|---|---|---|---|---|---|---|"
for h in 64 256; do
  for v in plain plain_seagull1 struct_seagull; do
    for p in float32 float64; do
      s=$(dotnet "$exe" "$v" "$h" "$p" "$reps")
      t1=$(LD_LIBRARY_PATH=$blas /usr/bin/python3 bench/torch_epoch.py "$v" "$h" "$p" "$reps" 1)
      t2=$(LD_LIBRARY_PATH=$blas /usr/bin/python3 bench/torch_epoch.py "$v" "$h" "$p" "$reps" 2)
      ss=$(echo "$s" | field median_s); s1=$(echo "$t1" | field median_s); s2=$(echo "$t2" | field median_s)
      peak=$(echo "$s" | field peak_working_set_mb)
      awk -v v="$v" -v h="$h" -v p="$p" -v a="$ss" -v b="$s1" -v c="$s2" -v m="$peak" \
        'BEGIN { printf "| %s | %s | %s | %.4f | %.4f | %.4f | %.2f | %.2f | %s |\n", v, h, p, a, b, c, a/b, a/c, m }'
    done
  done
done
