#!/usr/bin/env bash
# Throughput of samples/Serve with the server on 1 core and on 2 cores (taskset), driven by wrk (Debian package) with
# 16 connections posting single samples for 15 s. On 1 core the server has core 0 and wrk core 1; on 2 cores they share
# both (this VM has no third). Prints wrk's summary for each. Needs trained weights: ./train.sh writes fashion-net.weights.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "Installing wrk…"; ${SUDO:-$( [ "$(id -u)" = 0 ] || echo sudo )} apt-get install -y -qq wrk >/dev/null; }
weights=${WEIGHTS:-fashion-net.weights}
[ -f "$weights" ] || { echo "No $weights: run ./train.sh first (or WEIGHTS=file bench/serve.sh)"; exit 1; }
dotnet build samples/Serve -c Release -nologo -v quiet >/dev/null
port=5099
for cores in 0 0,1; do
  taskset -c "$cores" dotnet samples/Serve/bin/Release/net10.0/Serve.dll --weights "$weights" --urls "http://127.0.0.1:$port" >/dev/null 2>&1 &
  server=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
  client_cores=$([ "$cores" = 0 ] && echo 1 || echo 0,1)
  echo "== server on core(s) $cores, wrk on core(s) $client_cores =="
  taskset -c "$client_cores" wrk -t2 -c16 -d15s --latency -s bench/serve.lua "http://127.0.0.1:$port/predict" | grep -E "Requests/sec|Latency|50%|99%|Non-2xx|Socket errors"
  kill "$server"; wait "$server" 2>/dev/null || true
done
