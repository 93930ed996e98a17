# Sourced by scripts/kafka.sh and scripts/kafka-secure.sh: the helpers both
# local brokers share (logging, deadlines, pid file, ports, lock).
#
# The sourcing script sets, before calling any of these:
#   KAFKA_ROOT KAFKA_HOST KAFKA_DATA_DIR KAFKA_LIBS KAFKA_LIBS_STAMP KAFKA_PROPS
#   KAFKA_PID_FILE KAFKA_LOG_FILE KAFKA_LOCK_TIMEOUT
# and optionally KAFKA_LOG_TAG (prefix of every message, default "kafka") and
# KAFKA_SCRIPT (how messages name the script, default "scripts/kafka.sh").
# shellcheck shell=bash

KAFKA_LOG_TAG="${KAFKA_LOG_TAG:-kafka}"
KAFKA_SCRIPT="${KAFKA_SCRIPT:-scripts/kafka.sh}"

log() { echo "[$KAFKA_LOG_TAG] $*"; }
die() {
  echo "[$KAFKA_LOG_TAG] error: $*" >&2
  exit 1
}
now() { echo "${EPOCHREALTIME/[.,]/}"; } # microseconds
since() { # since <start-microseconds> -> "1.23s"
  local us=$(($(now) - $1))
  printf '%d.%02ds' $((us / 1000000)) $((us % 1000000 / 10000))
}
deadline_in() { echo $(($(now) + $1 * 1000000)); } # deadline_in <seconds> -> microseconds
past() { [ "$(now)" -ge "$1" ]; }

require_java() {
  command -v java >/dev/null || die "java not found; Kafka 4.x needs a Java 17+ runtime (apt-get install openjdk-17-jre-headless)"
  local major
  major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  [ "${major%%.*}" -ge 17 ] 2>/dev/null || die "Kafka 4.x needs Java 17+, found java.specification.version=${major:-unknown}"
}

require_libs() {
  [ -f "$KAFKA_LIBS_STAMP" ] || die "broker jars missing in ${KAFKA_LIBS#"$KAFKA_ROOT"/}; run: $KAFKA_SCRIPT fetch (or up)"
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() {
  (exec 3<>"/dev/tcp/$KAFKA_HOST/$1") 2>/dev/null
}

# Prints the pid from the pid file when that process is alive and is our broker.
# A pid file left by a dead (or recycled) process is removed.
running_pid() {
  [ -f "$KAFKA_PID_FILE" ] || return 1
  local pid state
  pid="$(cat "$KAFKA_PID_FILE" 2>/dev/null || true)"
  if [[ "$pid" =~ ^[0-9]+$ ]] && [ -r "/proc/$pid/cmdline" ]; then
    state="$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$pid/status" 2>/dev/null || true)"
    if [ "$state" != "Z" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "kafka.Kafka $KAFKA_PROPS"; then
      echo "$pid"
      return 0
    fi
  fi
  log "removing stale pid file (pid ${pid:-?} is not a running broker)" >&2
  rm -f "$KAFKA_PID_FILE"
  return 1
}

# A JVM whose main thread has exited shows as a zombie while its other threads
# (and its sockets) still live; it is gone once only the zombie leader is left.
pid_alive() {
  [ -d "/proc/$1" ] || return 1
  grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null || return 0
  [ "$(find "/proc/$1/task" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)" -gt 1 ]
}

listener_owner() { # best effort: who listens on port $1
  command -v ss >/dev/null || return 0
  ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*users:((\(.*\))).*/\1/p' | head -1
}

tail_log() {
  [ -f "$KAFKA_LOG_FILE" ] || return 0
  echo "[$KAFKA_LOG_TAG] last lines of ${KAFKA_LOG_FILE#"$KAFKA_ROOT"/}:" >&2
  tail -n "${1:-40}" "$KAFKA_LOG_FILE" | sed "s/^/[$KAFKA_LOG_TAG]   /" >&2
}

# Kafka's Uuid.randomUuid(): 16 random bytes, URL-safe base64 without padding,
# never starting with '-' (the CLI would read it as an option).
new_cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [ "${id:0:1}" != "-" ] && [ "${#id}" -eq 22 ] && break
  done
  echo "$id"
}

# Serialises the commands that change state (two `up`s racing would start two
# JVMs on one data dir). The lock lives next to the data dir so reset can delete it.
lock() {
  [ -n "${KAFKA_LOCK_HELD:-}" ] && return 0
  mkdir -p "$(dirname "$KAFKA_DATA_DIR")"
  exec 9>"$KAFKA_DATA_DIR.lock"
  if ! flock -n 9; then
    log "another $KAFKA_SCRIPT holds ${KAFKA_DATA_DIR#"$KAFKA_ROOT"/}.lock; waiting up to ${KAFKA_LOCK_TIMEOUT}s"
    flock -w "$KAFKA_LOCK_TIMEOUT" 9 || die "could not take ${KAFKA_DATA_DIR#"$KAFKA_ROOT"/}.lock within ${KAFKA_LOCK_TIMEOUT}s"
  fi
  KAFKA_LOCK_HELD=1
}
