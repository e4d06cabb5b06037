#!/usr/bin/env bash
# One run, one machine: Unrolled (bench/Compare), ONNX Runtime, PyTorch (1 and 2 threads) and the lesson's NumPy TinyNN
# on the same Fashion-MNIST workloads, plus the machine's FMA peak; then one table of medians, ratios, GFLOP/s and the
# fraction of the peak. Usage: bench/compare.sh [runs]   (default 5 timed runs after a warm-up)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
SUDO=""; if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
need=()
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || need+=(dataset-fashion-mnist)
/usr/bin/python3 -c "import torch, numpy" >/dev/null 2>&1 || need+=(python3-numpy python3-torch)
[ -e /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ] || need+=(libopenblas0-pthread)   # reference BLAS is 20x slower
command -v gcc >/dev/null || need+=(gcc)
if [ ${#need[@]} -gt 0 ]; then $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${need[@]}" >/dev/null; fi

out=$(mktemp -d)
gcc -O2 -mavx2 -mfma bench/fma_peak.c -o "$out/fma_peak"
echo "measuring the FMA peak…" >&2
# fma_peak prints "ymm zmm" GFLOP/s (zmm 0 without AVX-512F); "% of peak" divides by the best of the two.
read -r ymm1 zmm1 < <("$out/fma_peak")
peak1=$(awk -v a="$ymm1" -v b="$zmm1" 'BEGIN {print (a > b ? a : b)}')
peak2=$( ("$out/fma_peak" & "$out/fma_peak" & wait) | awk '{s += ($1 > $2 ? $1 : $2)} END {print s}')
cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)
printf '{"system": "machine", "workload": "cpu", "value": "%s, %s cores, %s"}\n' "$cpu" "$(nproc)" "$(grep -o -m1 'avx512f' /proc/cpuinfo || echo 'no AVX-512')" > "$out/cpu.jsonl"
printf '{"system": "machine", "workload": "fma-peak-gflops", "value": %s}\n{"system": "machine", "workload": "fma-peak-gflops-2threads", "value": %s}\n{"system": "machine", "workload": "fma-peak-ymm", "value": %s}\n{"system": "machine", "workload": "fma-peak-zmm", "value": %s}\n' "$peak1" "$peak2" "$ymm1" "$zmm1" > "$out/machine.jsonl"

dotnet build bench/Compare -c Release -nologo -v quiet >/dev/null
echo "timing Unrolled and ONNX Runtime…" >&2
dotnet bench/Compare/bin/Release/net10.0/Compare.dll "$runs" > "$out/unrolled.jsonl"
echo "timing PyTorch and NumPy…" >&2
for threads in 1 2; do
  OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads MKL_NUM_THREADS=$threads /usr/bin/python3 bench/peers.py "$runs" "$threads" > "$out/peers$threads.jsonl"
done
/usr/bin/python3 bench/table.py "$out/cpu.jsonl" "$out/machine.jsonl" "$out/unrolled.jsonl" "$out/peers1.jsonl" "$out/peers2.jsonl"
