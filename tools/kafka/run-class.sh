#!/usr/bin/env bash
# Run any Kafka CLI class with tools/kafka/lib on the classpath and quiet logging, e.g.
#   tools/kafka/run-class.sh org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:9092 --list
set -euo pipefail

# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

if [[ $# -eq 0 ]]; then
  sed -n '2,3p' "$0"
  exit 2
fi
kafka_have_jars || { echo "kafka: no jars in $KAFKA_LIB_DIR - run tools/kafka/start.sh or mvn -q -f tools/kafka/pom.xml package" >&2; exit 1; }
exec "$KAFKA_JAVA" "${KAFKA_TOOL_JVM_OPTS[@]}" -cp "$KAFKA_LIB_DIR/*" "$@"
