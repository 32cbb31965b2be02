# Shared settings for start.sh / stop.sh / run-class.sh. Sourced, not executed.
# shellcheck shell=bash

KAFKA_TOOL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_REPO_DIR="$(cd "$KAFKA_TOOL_DIR/../.." && pwd)"
KAFKA_LIB_DIR="$KAFKA_TOOL_DIR/lib"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
KAFKA_BOOTSTRAP="127.0.0.1:${KAFKA_PORT}"

# Data dir: absolute, default <repo>/.kafka (git-ignored).
KAFKA_DATA_DIR="${KAFKA_DATA_DIR:-$KAFKA_REPO_DIR/.kafka}"
case "$KAFKA_DATA_DIR" in
  /*) ;;
  *) KAFKA_DATA_DIR="$PWD/$KAFKA_DATA_DIR" ;;
esac
KAFKA_PID_FILE="$KAFKA_DATA_DIR/kafka.pid"

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  KAFKA_JAVA="$JAVA_HOME/bin/java"
else
  KAFKA_JAVA="java"
fi

# The Kafka version pom.xml fetches: lib/ must hold exactly that one.
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_TOOL_DIR/pom.xml")"

# True if lib/ holds the key jars (broker and CLI tools of KAFKA_VERSION, scala, logging binding).
kafka_have_jars() {
  local j
  for j in kafka_2.13 kafka-server kafka-tools kafka-clients; do
    [[ -f "$KAFKA_LIB_DIR/$j-$KAFKA_VERSION.jar" ]] || return 1
  done
  for j in scala-library log4j-slf4j-impl log4j-core; do
    compgen -G "$KAFKA_LIB_DIR/$j-[0-9]*.jar" >/dev/null || return 1
  done
}

# JVM options for short-lived CLI tools: small heap, fast startup, quiet (WARN, stderr) logging.
KAFKA_TOOL_JVM_OPTS=(-Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.awt.headless=true
  "-Dlog4j2.configurationFile=$KAFKA_TOOL_DIR/tools-log4j2.properties")

# Run a Kafka CLI class with lib/ on the classpath.
kafka_run_class() {
  "$KAFKA_JAVA" "${KAFKA_TOOL_JVM_OPTS[@]}" -cp "$KAFKA_LIB_DIR/*" "$@"
}

# Pid from the pid file if that process is alive and is our kafka.Kafka JVM (same data dir);
# empty otherwise (no file, stale pid, pid reused by something else).
kafka_running_pid() {
  local pid
  [[ -f "$KAFKA_PID_FILE" ]] || return 0
  pid="$(tr -dc '0-9' <"$KAFKA_PID_FILE")"
  [[ -n "$pid" ]] || return 0
  # No pipes here: with pipefail, `tr | grep -q` can fail on SIGPIPE even when grep matches.
  if kill -0 "$pid" 2>/dev/null && grep -qaF "$KAFKA_DATA_DIR/server.properties" "/proc/$pid/cmdline" 2>/dev/null \
    && grep -qaF 'kafka.Kafka' "/proc/$pid/cmdline" 2>/dev/null; then
    echo "$pid"
  fi
}

# True if something accepts TCP connections on the PLAINTEXT port.
kafka_port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$KAFKA_PORT" 2>/dev/null
}

# True if a Kafka broker on the PLAINTEXT port answers an admin (metadata) request
# within $1 seconds (default 30). The admin client retries internally, so a broker
# that is still starting up is waited for up to that limit.
kafka_broker_answers() {
  local limit="${1:-30}"
  kafka_port_open || return 1
  timeout "$limit" "$KAFKA_JAVA" "${KAFKA_TOOL_JVM_OPTS[@]}" -cp "$KAFKA_LIB_DIR/*" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_BOOTSTRAP" --list \
    >/dev/null 2>&1
}
