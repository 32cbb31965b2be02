#!/usr/bin/env bash
# Stop the broker started by start.sh (pid file in the data dir). Idempotent.
#   tools/kafka/stop.sh           stop, keep data
#   tools/kafka/stop.sh --wipe    stop and delete the data dir (same as KAFKA_WIPE=1)
set -euo pipefail

# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-20}"
wipe="${KAFKA_WIPE:-0}"
for arg in "$@"; do
  case "$arg" in
    --wipe) wipe=1 ;;
    -h|--help) sed -n '2,4p' "$0"; exit 0 ;;
    *) echo "kafka: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

pid="$(kafka_running_pid)"
if [[ -n "$pid" ]]; then
  echo "kafka: stopping pid $pid ..."
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 5; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "kafka: pid $pid still alive after ${STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  echo "kafka: stopped"
else
  echo "kafka: not running (no live pid in $KAFKA_PID_FILE)"
  if kafka_port_open; then
    echo "kafka: note: port $KAFKA_PORT is still open - not started by this data dir, left alone" >&2
  fi
fi
rm -f "$KAFKA_PID_FILE"

if [[ "$wipe" == "1" && -d "$KAFKA_DATA_DIR" ]]; then
  # Only delete something that looks like our data dir.
  if [[ -f "$KAFKA_DATA_DIR/server.properties" || -f "$KAFKA_DATA_DIR/cluster.id" || -z "$(ls -A "$KAFKA_DATA_DIR")" ]]; then
    rm -rf -- "$KAFKA_DATA_DIR"
    echo "kafka: wiped $KAFKA_DATA_DIR"
  else
    echo "kafka: refusing to wipe $KAFKA_DATA_DIR (does not look like a start.sh data dir)" >&2
    exit 1
  fi
fi
