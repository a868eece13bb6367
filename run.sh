#!/usr/bin/env bash
# Starts Deskframe on its embedded default (H2 under ./data, demo data), building it first if needed.
# Honours SERVER_PORT (default 8080) and every Spring property as an environment variable.
set -euo pipefail
cd "$(dirname "$0")"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
[ -x "$JAVA_HOME/bin/java" ] || export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
JAR=server/target/deskframe-server-0.1.0-SNAPSHOT-exec.jar
if [ ! -f "$JAR" ] || [ -n "$(find server/src pom.xml server/pom.xml -newer "$JAR" -print -quit)" ]; then
  echo "Building Deskframe..."
  mvn -B -q -DskipTests -pl server -am package
fi
exec "$JAVA_HOME/bin/java" -jar "$JAR" "$@"
