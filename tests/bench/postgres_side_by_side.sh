#!/bin/bash
# Side by side: CPU per collection of outpost's postgres integration and of
# Debian's postgres_exporter 0.11.1 against the same throwaway PostgreSQL
# with 100 user tables (issue 19: outpost ≤ 1.5 ms per default collection).
# The exporter is scraped over HTTP SCRAPES times (its process CPU from
# /proc/<pid>/stat, the server's not counted); outpost's figure is
# postgres_bench's BM_FullDefaultCollection cpu_ms (process CPU per
# collection, libpq included) against the same server.
#   tests/bench/postgres_side_by_side.sh [path/to/postgres_bench] [scrapes]
set -euo pipefail
BENCH=${1:-build-rel/tests/bench/postgres_bench}
SCRAPES=${2:-200}
EXPORTER=${OUTPOST_POSTGRES_EXPORTER:-/usr/bin/prometheus-postgres-exporter}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

# free_port, cpu_seconds, bench_init (BENCH_TMP, cleanup trap), bench_spawn
. "$(dirname "$0")/lib.sh"
bench_init
chmod 755 "$BENCH_TMP"
DATA="$BENCH_TMP/data"

# initdb and postgres refuse to run as root.
AS=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$BENCH_TMP"
  AS=(runuser -u postgres --)
fi
"${AS[@]}" "$PGBIN/initdb" -D "$DATA" -U postgres -A trust >/dev/null
PORT=$(free_port)
bench_spawn "$BENCH_TMP/postgres.log" "${AS[@]}" "$PGBIN/postgres" -D "$DATA" -p "$PORT" \
  -k "$BENCH_TMP" -c listen_addresses=127.0.0.1
PSQL=(psql -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1)
for _ in $(seq 100); do "${PSQL[@]}" -c 'select 1' >/dev/null 2>&1 && break; sleep 0.1; done
"${PSQL[@]}" >/dev/null <<'SQL'
CREATE ROLE outpost LOGIN PASSWORD 'bench';
GRANT pg_monitor TO outpost;
DO $$ BEGIN
  FOR i IN 1..100 LOOP
    EXECUTE format('CREATE TABLE t%s (id int primary key, v text)', i);
    EXECUTE format('INSERT INTO t%s SELECT g, md5(g::text) FROM generate_series(1, 100) g', i);
    EXECUTE format('SELECT count(*) FROM t%s', i);
  END LOOP;
END $$;
ANALYZE;
SQL
DSN="postgresql://outpost:bench@127.0.0.1:$PORT/postgres?sslmode=disable"

# postgres_exporter 0.11.1, default flags.
WEB=$(free_port)
DATA_SOURCE_NAME="$DSN" bench_spawn "$BENCH_TMP/exporter.log" "$EXPORTER" \
  --web.listen-address="127.0.0.1:$WEB"
EXP_PID=$BENCH_LAST_PID
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$WEB/metrics" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$WEB/metrics" >"$BENCH_TMP/exporter.txt"
ms=$(scrape_cpu_ms "$EXP_PID" "http://127.0.0.1:$WEB/metrics" "$SCRAPES")
series=$(grep -vc '^#' "$BENCH_TMP/exporter.txt")
echo "postgres_exporter 0.11.1: $ms ms CPU per scrape ($SCRAPES scrapes, $series series incl. go_/process_)"
bench_stop_pid "$EXP_PID"

if [ -x "$BENCH" ]; then
  POSTGRES_BENCH_DSN="$DSN" "$BENCH" --benchmark_filter=BM_FullDefaultCollection \
    --benchmark_counters_tabular=true
else
  echo "outpost: $BENCH not built (cmake -DCMAKE_BUILD_TYPE=Release, target postgres_bench)" >&2
  exit 1
fi
