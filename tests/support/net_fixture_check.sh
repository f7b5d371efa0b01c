#!/usr/bin/env bash
# The CTest network fixtures answer: curl through the open and the Basic-auth
# tinyproxy to nginx over https (CONNECT), gzip, and the mTLS server.
# usage: net_fixture_check.sh NGINX_STATE_DIR PROXY_STATE_DIR AUTH_PROXY_STATE_DIR USER:PASS
# (The Python smoke test, tests/python/test_fixtures_net.py, checks each
# fixture in detail; this checks the CTest plumbing the C++ tests will use.)
set -euo pipefail
info() { tr ' ' '\n' <"$1/info" | sed -n "s/^$2=//p"; }
ng=$1 px=$2 apx=$3 creds=$4
https=$(info "$ng" https) http=$(info "$ng" http) mtls=$(info "$ng" mtls) ca=$(info "$ng" ca)
unset http_proxy https_proxy all_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY no_proxy NO_PROXY
c() { curl -sS --max-time 20 "$@"; }
fail() { echo "net_fixture_check: $*" >&2; exit 1; }
[ "$(c -x "$(info "$px" url)" --cacert "$ca" "https://127.0.0.1:$https/status")" = '{"ok":true}' ] || fail "https through tinyproxy"
[ "$(c -x "http://$creds@127.0.0.1:$(info "$apx" port)" --cacert "$ca" "https://127.0.0.1:$https/status")" = '{"ok":true}' ] ||
  fail "https through the auth proxy with credentials"
[ "$(c -o /dev/null -w '%{http_code}' -x "http://127.0.0.1:$(info "$apx" port)" "http://127.0.0.1:$http/status")" = 407 ] ||
  fail "no 407 from the auth proxy without credentials"
c -D - -o /dev/null -H 'Accept-Encoding: gzip' "http://127.0.0.1:$http/data.json" | grep -qi '^content-encoding: gzip' ||
  fail "nginx did not gzip"
[ "$(c -o /dev/null -w '%{http_code}' --cacert "$ca" "https://127.0.0.1:$mtls/status")" = 400 ] ||
  fail "the mTLS server accepted a client without a certificate"
echo "net fixtures: ok"
