#!/usr/bin/env bash
# Makes, in DIR, a throwaway CA (ca.pem), a server certificate for
# api.avala.test, localhost, 127.0.0.1 and ::1 (server.pem, server.key) and a
# client certificate (client.pem, client.key), both signed by that CA.
# P-256 keys, valid for two days. Idempotent: keeps what DIR already has.
set -euo pipefail
dir=$1
mkdir -p "$dir" && cd "$dir"
[ -s client.pem ] && [ -s server.pem ] && exit 0
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
key ca.key
openssl req -x509 -new -key ca.key -out ca.pem -days 2 -subj "/CN=libavala network test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
sign() {  # sign NAME CN EXTENSIONS
  key "$1.key"
  openssl req -new -key "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null
  printf '%s\n' "$3" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$1.pem" -days 2 \
    -extfile "$1.ext" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
sign server api.avala.test "subjectAltName=DNS:api.avala.test,DNS:localhost,IP:127.0.0.1,IP:::1
extendedKeyUsage=serverAuth"
sign client avala-test-client "extendedKeyUsage=clientAuth"
