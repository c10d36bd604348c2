#!/usr/bin/env bash
# Makes a Sweep cluster's certificate: OUTDIR/sweep-cluster.pfx (PKCS#12: a self-signed certificate,
# CN=sweep-cluster, and its private key) and OUTDIR/password (the PKCS#12 password, one line), both
# mode 600 in a directory only this user can enter. Every node of one cluster gets the same two files
# (--tls-cert and --tls-password-file, or SWEEP_TLS_CERT and SWEEP_TLS_PASSWORD_FILE); a node accepts a
# peer only when the peer proves in the TLS handshake that it holds this very certificate's key (the
# certificate is pinned by its thumbprint, printed at the end). Another run of this script makes
# another cluster: nodes with different certificates never talk to each other.
#
#   deploy/tls/make-cluster-cert.sh OUTDIR [DAYS]      (DAYS valid, default 365)
#   kubectl -n sweep create secret generic sweep-tls \
#     --from-file=tls.pfx=OUTDIR/sweep-cluster.pfx --from-file=password=OUTDIR/password
#
# Exit codes: 0 made, 64 usage, 73 OUTDIR already holds a certificate (it is never overwritten:
# running nodes would lose their cluster), 69 openssl missing.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ] || [ -z "$1" ]; then
  echo "usage: $0 OUTDIR [DAYS]" >&2
  exit 64
fi
out="$1"
days="${2:-365}"
if ! [[ "$days" =~ ^[0-9]+$ ]] || [ "$days" -lt 1 ] || [ "$days" -gt 3650 ]; then
  echo "$0: DAYS must be a whole number of days in [1, 3650], got '$days'" >&2
  exit 64
fi
command -v openssl >/dev/null || { echo "$0: openssl is required" >&2; exit 69; }
if [ -e "$out/sweep-cluster.pfx" ] || [ -e "$out/password" ]; then
  echo "$0: $out already holds sweep-cluster.pfx or password; remove them to make a new cluster certificate" >&2
  exit 73
fi

umask 077
# A new directory is made 0700; an existing one keeps its mode (the files in it are 0600 either way).
mkdir -p "$out"
# The private key exists unencrypted only here, in a directory of this user's, until it is packed.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

openssl rand -hex 32 > "$out/password"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -days "$days" \
  -subj "/CN=sweep-cluster" \
  -addext "basicConstraints=critical,CA:FALSE" \
  -addext "keyUsage=critical,digitalSignature" \
  -addext "extendedKeyUsage=serverAuth,clientAuth" \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
openssl pkcs12 -export -name sweep-cluster -inkey "$work/key.pem" -in "$work/cert.pem" \
  -out "$out/sweep-cluster.pfx" -passout "file:$out/password"
chmod 600 "$out/sweep-cluster.pfx" "$out/password"

fingerprint="$(openssl x509 -in "$work/cert.pem" -noout -fingerprint -sha1 | cut -d= -f2 | tr -d ':')"
expires="$(openssl x509 -in "$work/cert.pem" -noout -enddate | cut -d= -f2)"
echo "made $out/sweep-cluster.pfx and $out/password (mode 600): thumbprint $fingerprint, valid until $expires"
