#!/usr/bin/env bash
# Makes a client certificate signed by DIR's test CA (make_test_certs.sh):
# client.pem + client.key (plain) and client-enc.key (the same key encrypted
# with the passphrase "client-pass-7f3a").
set -euo pipefail
dir=$1
cd "$dir"
openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj "/CN=libavala test client" 2>/dev/null
printf 'extendedKeyUsage=clientAuth\n' >client-ext.cnf
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2 \
  -extfile client-ext.cnf 2>/dev/null
openssl pkey -in client.key -aes256 -passout pass:client-pass-7f3a -out client-enc.key 2>/dev/null
