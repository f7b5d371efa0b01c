#!/usr/bin/env bash
# Real nginx (Debian's) for network tests, on 127.0.0.1 and ephemeral ports,
# with every file in DIR:
#   http   plain HTTP, gzip on
#   https  TLS with a throwaway CA (make_net_certs.sh): api.avala.test,
#          localhost, 127.0.0.1, ::1; gzip on
#   mtls   TLS that requires a client certificate signed by that CA (nginx
#          answers 400 "No required SSL certificate was sent" without one)
# Each serves GET /status ({"ok":true}) and /data.json (about 200 KB of JSON,
# so gzip shows); with --upstream URL, /api/ is proxied to URL (e.g. the
# emulator: start it with --public-url so its links name this server).
#
# usage: nginx_fixture.sh DIR [--upstream http://127.0.0.1:PORT]
# Prints one line once every port accepts connections, then runs in the
# foreground until killed (SIGTERM stops nginx too):
#   http=P https=P mtls=P ca=DIR/ca.pem client_cert=DIR/client.pem client_key=DIR/client.key host=api.avala.test
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/fixture_lib.sh"
dir=$(mkdir -p "$1" && cd "$1" && pwd); shift
upstream=""
if [ "${1:-}" = "--upstream" ]; then upstream=$2; shift 2; fi
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || { echo "nginx_fixture: nginx is not installed (scripts/install-deps.sh installs it)" >&2; exit 77; }

"$here/make_net_certs.sh" "$dir"
mkdir -p "$dir/www"
python3 - "$dir/www/data.json" <<'PY'
import json, sys
items = [{"uid": f"{i:08d}-0000-4000-8000-000000000000", "name": f"project {i}", "status": "active"}
         for i in range(2500)]
open(sys.argv[1], "w").write(json.dumps({"results": items, "next": None, "previous": None}))
PY

proxied=""
if [ -n "$upstream" ]; then
  proxied="location /api/ { proxy_pass $upstream; proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_set_header Host \$http_host; }"
fi
routes="root $dir/www; location = /status { default_type application/json; return 200 '{\"ok\":true}'; } $proxied"

for attempt in 1 2 3 4 5; do
  http=$(free_port); https=$(free_port); mtls=$(free_port)
  cat >"$dir/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
error_log $dir/error.log warn;
pid $dir/nginx.pid;
events { worker_connections 256; }
http {
    access_log $dir/access.log;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    types { application/json json; }
    default_type application/octet-stream;
    gzip on;
    gzip_types application/json text/plain;
    gzip_min_length 0;
    gzip_proxied any;
    gzip_vary on;
    ssl_certificate $dir/server.pem;
    ssl_certificate_key $dir/server.key;
    server { listen 127.0.0.1:$http; server_name api.avala.test localhost; $routes }
    server { listen 127.0.0.1:$https ssl; server_name api.avala.test localhost; $routes }
    server {
        listen 127.0.0.1:$mtls ssl;
        server_name api.avala.test localhost;
        ssl_client_certificate $dir/ca.pem;
        ssl_verify_client on;
        $routes
    }
}
CONF
  "$nginx" -p "$dir" -c "$dir/nginx.conf" >>"$dir/output.log" 2>&1 &
  pid=$!
  if wait_listening "$pid" "$http" "$https" "$mtls"; then
    echo "http=$http https=$https mtls=$mtls ca=$dir/ca.pem client_cert=$dir/client.pem client_key=$dir/client.key host=api.avala.test"
    serve_until_killed "$pid"
    exit $?
  fi
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true  # a port was taken: try others
done
echo "nginx_fixture: nginx did not start: $(tail -3 "$dir/output.log")" >&2
exit 1
