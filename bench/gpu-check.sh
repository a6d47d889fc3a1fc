#!/usr/bin/env bash
# GPU check: the single-stream (a) and 8-concurrent (b) cases on onnxruntime's CUDA execution
# provider, Parley against transformers.js with the same session options. Needs an NVIDIA GPU,
# CUDA 12 with cuDNN 9, and onnxruntime-node installed with its CUDA binaries:
#   ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci && bash bench/gpu-check.sh
# Prints the table and writes bench/results/gpu.{md,json}.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v nvidia-smi >/dev/null || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "gpu-check: no NVIDIA GPU visible (nvidia-smi failed)" >&2
  exit 1
fi
if ! ls node_modules/onnxruntime-node/bin/napi-v*/linux/x64/libonnxruntime_providers_cuda.so >/dev/null 2>&1; then
  echo "gpu-check: onnxruntime-node has no CUDA provider; reinstall with ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci" >&2
  exit 1
fi
nvidia-smi -L
npx tsc -b
BENCH_EP=cuda BENCH_CASES=a,b BENCH_CONCURRENCY=8 BENCH_OUT=gpu \
  BENCH_ROUNDS="${BENCH_ROUNDS:-5}" BENCH_CONCURRENT_ROUNDS="${BENCH_CONCURRENT_ROUNDS:-3}" \
  node .build/bench/engine.js
