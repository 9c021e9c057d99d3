#!/bin/bash
# Regenerates the *.prom goldens: Debian's prometheus-apache-exporter 0.12
# (a fresh process per golden, as its gauges keep state) scrapes a tiny
# HTTP server that answers with the captured status_*.txt pages, in order;
# the golden is its last scrape's apache_* families (its own
# apache_exporter_build_info left out). status_event_balancer.txt and
# status_prefork.txt are real `?auto` pages of Debian's apache2 2.4 (event
# MPM with a proxy balancer; prefork), the others are made from them.
#   tests/integrations/apache/testdata/make_golden.sh
set -euo pipefail
D=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'kill $fake 2>/dev/null; rm -rf "$T"' EXIT
cat > "$T/fake.py" <<'PY'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    def do_GET(self):
        code, path = open(sys.argv[2]).read().split('\n')[:2]
        body = open(path, 'rb').read()
        self.send_response(int(code))
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
PY
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
fp=$(port); python3 "$T/fake.py" "$fp" "$T/serve" & fake=$!
golden() {  # golden OUT CODE:PAGE...
  local out=$1 ep; shift
  ep=$(port)
  prometheus-apache-exporter --scrape_uri="http://127.0.0.1:$fp/server-status?auto" \
    --telemetry.address="127.0.0.1:$ep" >"$T/exp.log" 2>&1 & local pid=$!
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$ep/" && break; sleep 0.1; done
  for cf in "$@"; do
    printf '%s\n%s\n' "${cf%%:*}" "$D/${cf#*:}" > "$T/serve"
    curl -s "http://127.0.0.1:$ep/metrics" > "$T/last.txt"
  done
  kill $pid; wait $pid 2>/dev/null || true
  grep -E '^(# (HELP|TYPE) )?apache_' "$T/last.txt" | grep -v apache_exporter_build_info > "$D/$out"
}
golden event_balancer.prom 200:status_event_balancer.txt
golden prefork.prom 200:status_prefork.txt
golden garbage.prom 200:status_garbage.txt
golden truncated.prom 200:status_truncated.txt
golden scoreboard_unknown.prom 200:status_scoreboard_unknown.txt
golden non200.prom 503:status_event_balancer.txt
golden event_then_prefork.prom 200:status_event_balancer.txt 200:status_prefork.txt
golden event_then_non200_then_prefork.prom 200:status_event_balancer.txt \
  404:status_prefork.txt 200:status_prefork.txt
