#!/usr/bin/env bash
# Submits a sharded sweep to Slurm: an array of N shard jobs, then the merge job, which waits for
# all of them (--dependency=afterok:<array job>; if a shard fails the merge never starts, and
# `sacct -j <array job>` shows which; resubmit that task with `sbatch --array=<i> …`).
#
#   deploy/slurm/submit.sh SPEC N [extra sbatch options…]
#   e.g. SWEEP=$PWD/sweep deploy/slurm/submit.sh examples/phase-diagram.yaml 16 --partition=compute
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: $0 SPEC N [sbatch options…]" >&2
  exit 64
fi
spec="$1" shards="$2"
shift 2
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || { echo "$0: N must be a positive integer, not '$shards'" >&2; exit 64; }
[ -f "$spec" ] || { echo "$0: no spec file '$spec'" >&2; exit 66; }
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export SPEC="$spec" SHARDS="$shards" RUN_ROOT="${RUN_ROOT:-runs/$(basename "${spec%.*}")}" SWEEP="${SWEEP:-sweep}"

array=$(sbatch --parsable --export=ALL --array="0-$((shards - 1))" "$@" "$here/sweep-array.sbatch")
array="${array%%;*}" # --parsable prints "jobid[;cluster]"
merge=$(sbatch --parsable --export=ALL --dependency="afterok:$array" --kill-on-invalid-dep=yes "$@" "$here/sweep-merge.sbatch")
echo "shards: job $array (${shards} tasks) → $RUN_ROOT/shard-*-of-$shards"
echo "merge:  job ${merge%%;*} after all shards succeed → $RUN_ROOT/merged"
