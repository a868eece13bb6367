#!/usr/bin/env bash
# Runs every test: unit, integration (H2 and the local PostgreSQL + Redis), and the browser end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")"
. bin/java-env
exec mvn -B verify "$@"
