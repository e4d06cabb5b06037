#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine: installs what the tests need, restores, builds, runs every
# test project, and prints as its last line "N passed, N failed" (summed from the TRX reports).
set -uo pipefail
cd "$(dirname "$0")"

SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

# What the tests need: ICU for the culture tests (the SDK needs it anyway), Fashion-MNIST for the end-to-end
# training tests, PyTorch 1.13 and NumPy (Debian's, used through /usr/bin/python3) for the peer tests, DejaVu fonts for
# the text of the samples' charts (ScottPlot's SkiaSharp reads /usr/share/fonts).
need=()
ldconfig -p 2>/dev/null | grep -q libicuuc || need+=(libicu72)
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || need+=(dataset-fashion-mnist)
/usr/bin/python3 -c "import torch, numpy" >/dev/null 2>&1 || need+=(python3-numpy python3-torch)
[ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]}…"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
results=TestResults
rm -rf "$results"

status=0
dotnet restore Generator.sln || status=$?
if [ $status -eq 0 ]; then dotnet build Generator.sln -c Release --no-restore -nologo || status=$?; fi
if [ $status -ne 0 ]; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test Generator.sln -c Release --no-build --nologo \
  --logger "trx" --results-directory "$results" || status=$?

# The kernel, gradient and concurrent-inference tests again on the AVX2 path (issue 18): on an AVX-512 machine the run above took the AVX-512
# path. .NET 10 reads DOTNET_EnableAVX512 (it ignores the older DOTNET_EnableAVX512F, set too for older runtimes).
echo "Kernel and gradient tests on the AVX2 path (DOTNET_EnableAVX512=0)…"
DOTNET_EnableAVX512=0 DOTNET_EnableAVX512F=0 dotnet test tests/Runtime.Tests -c Release --no-build --nologo \
  --filter "FullyQualifiedName~Kernel|FullyQualifiedName~GradientTests|FullyQualifiedName~ConvolutionTests|FullyQualifiedName~FusedSgd|FullyQualifiedName~LoopsMode|FullyQualifiedName~Concurrency|FullyQualifiedName~PackedWeights" \
  --logger "trx;LogFileName=avx2-path.trx" --results-directory "$results" || status=$?

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ $status -ne 0 ] && [ $failed -eq 0 ]; then failed=1; fi  # a crashed test host counts as a failure
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
