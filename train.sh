#!/usr/bin/env bash
# The main job, from a fresh Debian machine: installs Fashion-MNIST if it is missing, builds the sample and trains
# the lesson's Keras model (options are passed through, e.g. ./train.sh --epochs 5 --optimizer sgd).
# The last line printed is "test accuracy: 0.XXXX".
set -euo pipefail
cd "$(dirname "$0")"

SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  echo "Installing Fashion-MNIST (Debian package dataset-fashion-mnist)…"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq dataset-fashion-mnist >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet build samples/FashionMnist -c Release -nologo -v quiet >/dev/null
exec dotnet samples/FashionMnist/bin/Release/net10.0/FashionMnist.dll "$@"
