#!/usr/bin/env bash
# Runs every test: unit, integration (H2 and the local PostgreSQL + Redis), and the browser end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
[ -x "$JAVA_HOME/bin/java" ] || export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
exec mvn -B verify "$@"
