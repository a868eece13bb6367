# Shared by the bench scripts that start servers (sourced, not run): stopping a process by its own pid, and Keycloak 26
# (fetched once, through Maven, into KEYCLOAK_DIR) as the baseline some benchmarks measure beside Deskframe.

KC_VERSION=26.7.3
KEYCLOAK_DIR=${KEYCLOAK_DIR:-/tmp/deskframe-bench-keycloak}
KC_HOME="$KEYCLOAK_DIR/keycloak-$KC_VERSION"

stop() { # stop PID: TERM, wait up to 30 s, then KILL
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

fetch_keycloak() {
  if [ ! -x "$KC_HOME/bin/kc.sh" ]; then
    echo "Fetching Keycloak $KC_VERSION into $KEYCLOAK_DIR (Maven: org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip)..."
    mkdir -p "$KEYCLOAK_DIR"
    mvn -B -q -f "$PWD/pom.xml" -N dependency:copy -Dartifact=org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip \
        -DoutputDirectory="$KEYCLOAK_DIR"
    unzip -q -o "$KEYCLOAK_DIR/keycloak-quarkus-dist-$KC_VERSION.zip" -d "$KEYCLOAK_DIR"
  fi
}

keycloak_jvm() { # keycloak_jvm SCRIPT_PID: the JVM kc.sh started (it may also exec it: then it is the script's own pid)
  local script=$1 p
  for p in $script $(ls /proc | grep -E '^[0-9]+$'); do
    if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q -- "-Dkc.script.pid=$script .*QuarkusEntryPoint"; then echo "$p"; return; fi
  done
  echo "$script"
}
