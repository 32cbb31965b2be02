#!/usr/bin/env bash
# Starts what the tests talk to, on this machine: PostgreSQL (the local cluster) and a
# single-node Kafka broker (tools/kafka); installs Debian's Chromium for the dashboard's
# browser test and Debian's promtool for the metrics suite. A server named in the
# environment is used as it is.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"

start_postgres() {
  if [ -n "${CX_POSTGRES_URL:-}" ]; then echo "postgres: using CX_POSTGRES_URL"; return; fi
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then echo "postgres: ready on 127.0.0.1:5432"; return; fi
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "postgres: not running, and no local cluster to start; set CX_POSTGRES_URL" >&2
    return 1
  fi
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  pg_isready -h 127.0.0.1 -p 5432
}

start_kafka() {
  if [ -n "${CX_KAFKA_BROKERS:-}" ]; then echo "kafka: using CX_KAFKA_BROKERS"; return; fi
  bash "$repo/tools/kafka/start.sh"
}

# playwright-core downloads no browser: the dashboard test drives Debian's.
ensure_chromium() {
  if command -v chromium >/dev/null 2>&1; then echo "chromium: $(command -v chromium)"; return; fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
}

# promtool lints /metrics in the metrics suite: Debian's prometheus package has it (its service is not started).
ensure_promtool() {
  if command -v promtool >/dev/null 2>&1; then echo "promtool: $(command -v promtool)"; return; fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus
}

start_postgres
start_kafka
ensure_chromium
ensure_promtool
