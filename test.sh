#!/usr/bin/env bash
# Runs every test on a fresh machine. Installs what the tests need and are not part of the .NET SDK
# (Debian packages: openssl for deploy/tls/make-cluster-cert.sh, whose test makes real cluster
# certificates; python3-numpy to load exported NPZ files with numpy itself, python3-h5py,
# python3-xarray and python3-h5netcdf to open the HDF5 export; prometheus for
# promtool and a real Prometheus that the monitoring tests start on 127.0.0.1; kubernetes-client
# for `kubectl kustomize` when no kubectl is on the PATH; chromium, headless, to load the live view
# during a real run), then runs the test suite. Installing
# needs root (apt-get); without it, install those packages first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

missing=()
command -v openssl >/dev/null || missing+=(openssl)
/usr/bin/python3 -c 'import numpy' 2>/dev/null || missing+=(python3-numpy)
/usr/bin/python3 -c 'import h5py' 2>/dev/null || missing+=(python3-h5py)
/usr/bin/python3 -c 'import xarray, h5netcdf' 2>/dev/null || missing+=(python3-xarray python3-h5netcdf)
[ -x /usr/bin/promtool ] && [ -x /usr/bin/prometheus ] || missing+=(prometheus)
command -v kubectl >/dev/null || missing+=(kubernetes-client)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # The packages would start servers of their own on the default ports; the tests start theirs.
  # A policy-rc.d that denies every start keeps them from starting, so nothing has to be stopped
  # afterwards (removed again unless it was there before).
  policy=/usr/sbin/policy-rc.d
  own_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && own_policy=1
    trap 'if [ "$own_policy" = 1 ]; then rm -f "$policy"; fi' EXIT
  fi
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
export SWEEP_REQUIRE_NUMPY=1

dotnet test Sweep.sln -c Release "$@"

# The SIMD kernels take 512-bit vectors on AVX-512 machines. The physics tests run once more with the
# runtime told that the CPU has no AVX-512 (DOTNET_EnableAVX512=0), so the 256-bit (AVX2) paths pass
# the same reference and mpmath-grid tests on this machine too.
if [ $# -eq 0 ] && grep -qw avx512f /proc/cpuinfo 2>/dev/null; then
  echo "test.sh: the physics tests again, as on an AVX2 machine (DOTNET_EnableAVX512=0)" >&2
  DOTNET_EnableAVX512=0 dotnet test tests/Sweep.Physics.Tests -c Release --no-build
fi
