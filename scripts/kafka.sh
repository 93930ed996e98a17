#!/usr/bin/env bash
# A real single-node Apache Kafka (KRaft, broker+controller in one JVM) for
# local development and CI, built from Apache Kafka's own Maven Central
# artifacts: no Docker, no tarball download. See docs/infrastructure.md.
#
#   scripts/kafka.sh up        fetch + format + start + wait + topics (idempotent)
#   scripts/kafka.sh fetch     resolve the broker jars into .tools/kafka/libs (once)
#   scripts/kafka.sh format    write server.properties, format storage with a stable cluster id
#   scripts/kafka.sh start     start the broker in the background (no-op when already up)
#   scripts/kafka.sh wait      block until a consumer can join a group and commit
#   scripts/kafka.sh topics    create every topic of libs/shared/events-contract (idempotent)
#   scripts/kafka.sh status    print state; exit 0 when running, 3 when not
#   scripts/kafka.sh stop      SIGTERM, then SIGKILL after KAFKA_STOP_TIMEOUT seconds
#   scripts/kafka.sh reset     stop and delete the data directory
#   scripts/kafka.sh logs [N]  print the last N (100) lines of the broker log
#   scripts/kafka.sh tool <topics|groups|console-consumer|console-producer|quorum> [args]
#                              run Kafka's own CLI against this broker
#
# Environment (defaults): KAFKA_PORT=9092 KAFKA_CONTROLLER_PORT=9093
# KAFKA_DATA_DIR=.data/kafka KAFKA_HEAP_OPTS="-Xms256m -Xmx512m"
# KAFKA_START_TIMEOUT=60 KAFKA_READY_TIMEOUT=90 KAFKA_STOP_TIMEOUT=30 (seconds)
# KAFKA_LOG_LEVEL=info KAFKA_LOCK_TIMEOUT=180.
# Clients connect with KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT.
set -euo pipefail

KAFKA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KAFKA_HOST=127.0.0.1
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_DATA_DIR="${KAFKA_DATA_DIR:-.data/kafka}"
case "$KAFKA_DATA_DIR" in /*) ;; *) KAFKA_DATA_DIR="$KAFKA_ROOT/$KAFKA_DATA_DIR" ;; esac
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-60}"
KAFKA_READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
KAFKA_LOG_LEVEL="${KAFKA_LOG_LEVEL:-info}"

KAFKA_POM="$KAFKA_ROOT/scripts/kafka/pom.xml"
KAFKA_LIBS="$KAFKA_ROOT/.tools/kafka/libs"
KAFKA_LIBS_STAMP="$KAFKA_LIBS/.pom-sha256"
KAFKA_PROPS="$KAFKA_DATA_DIR/server.properties"
KAFKA_LOG_DIRS="$KAFKA_DATA_DIR/logs"
KAFKA_CLUSTER_ID_FILE="$KAFKA_DATA_DIR/cluster.id"
KAFKA_PID_FILE="$KAFKA_DATA_DIR/kafka.pid"
KAFKA_LOG_FILE="$KAFKA_DATA_DIR/kafka.log"
KAFKA_ADMIN_JS="$KAFKA_ROOT/dist/tools/kafka-admin/src/main.js"
# This script manages the local broker only: its clients always target it,
# whatever KAFKA_BROKERS says in the caller's environment.
export KAFKA_BROKERS="$KAFKA_HOST:$KAFKA_PORT"

# ---------------------------------------------------------------- helpers

log() { echo "[kafka] $*"; }
die() {
  echo "[kafka] error: $*" >&2
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
  [ -f "$KAFKA_LIBS_STAMP" ] || die "broker jars missing in ${KAFKA_LIBS#"$KAFKA_ROOT"/}; run: scripts/kafka.sh fetch (or up)"
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
  echo "[kafka] last lines of ${KAFKA_LOG_FILE#"$KAFKA_ROOT"/}:" >&2
  tail -n "${1:-40}" "$KAFKA_LOG_FILE" | sed 's/^/[kafka]   /' >&2
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

write_properties() {
  mkdir -p "$KAFKA_LOG_DIRS"
  local tmp="$KAFKA_PROPS.tmp.$$"
  cat >"$tmp" <<EOF
# Generated by scripts/kafka.sh on every format/start; edit the script, not this file.
# Single node, KRaft combined mode (broker + controller in one process), loopback only.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$KAFKA_LOG_DIRS

# One replica of everything, including the internal topics.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1

# Topics are created explicitly (scripts/kafka.sh topics), never by a typo.
auto.create.topics.enable=false
delete.topic.enable=true
num.partitions=6

# Tests start and stop consumer groups all the time: no initial rebalance delay.
group.initial.rebalance.delay.ms=0

# Modest footprint for a 2-core laptop or CI runner.
num.network.threads=3
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.retention.hours=168
log.segment.bytes=268435456
EOF
  mv -f "$tmp" "$KAFKA_PROPS"
}

ensure_kafka_admin() {
  # shellcheck source=scripts/lib/node.sh
  source "$KAFKA_ROOT/scripts/lib/node.sh"
  ensure_node
  local sources=("$KAFKA_ROOT/tools/kafka-admin/src" "$KAFKA_ROOT/libs/shared/events-contract/src")
  if [ ! -f "$KAFKA_ADMIN_JS" ] || [ -n "$(find "${sources[@]}" -name '*.ts' ! -name '*.spec.ts' ! -name '*.int-spec.ts' -newer "$KAFKA_ADMIN_JS" -print -quit)" ]; then
    log "compiling tools/kafka-admin (swc)"
    local out
    if ! out="$(cd "$KAFKA_ROOT" && swc tools/kafka-admin/src libs/shared/events-contract/src -d dist --ignore '**/*.spec.ts' --ignore '**/*.int-spec.ts' 2>&1)"; then
      echo "$out" | sed 's/^/[kafka]   /' >&2
      die "could not compile tools/kafka-admin"
    fi
  fi
}

kafka_admin() {
  ensure_kafka_admin
  node "$KAFKA_ADMIN_JS" "$@" 2>&1 | sed 's/^\[kafka-admin\] /[kafka] /'
}

# Serialises the commands that change state (two `up`s racing would start two
# JVMs on one data dir). The lock lives next to the data dir so reset can delete it.
KAFKA_LOCK_TIMEOUT="${KAFKA_LOCK_TIMEOUT:-180}"
lock() {
  [ -n "${KAFKA_LOCK_HELD:-}" ] && return 0
  mkdir -p "$(dirname "$KAFKA_DATA_DIR")"
  exec 9>"$KAFKA_DATA_DIR.lock"
  if ! flock -n 9; then
    log "another scripts/kafka.sh holds ${KAFKA_DATA_DIR#"$KAFKA_ROOT"/}.lock; waiting up to ${KAFKA_LOCK_TIMEOUT}s"
    flock -w "$KAFKA_LOCK_TIMEOUT" 9 || die "could not take ${KAFKA_DATA_DIR#"$KAFKA_ROOT"/}.lock within ${KAFKA_LOCK_TIMEOUT}s"
  fi
  KAFKA_LOCK_HELD=1
}

# ---------------------------------------------------------------- commands

cmd_fetch() {
  local t0 sha
  t0="$(now)"
  sha="$(sha256sum "$KAFKA_POM" | cut -d' ' -f1)"
  if [ -f "$KAFKA_LIBS_STAMP" ] && [ "$(cat "$KAFKA_LIBS_STAMP")" = "$sha" ]; then
    log "broker jars present ($(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars in ${KAFKA_LIBS#"$KAFKA_ROOT"/})"
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found; fetch resolves the broker from Maven Central (apt-get install maven)"
  require_java
  log "resolving Apache Kafka from Maven Central (scripts/kafka/pom.xml)"
  local staging="$KAFKA_LIBS.tmp.$$"
  rm -rf "$staging"
  mkdir -p "$(dirname "$KAFKA_LIBS")"
  if ! mvn -B -q --no-transfer-progress -f "$KAFKA_POM" dependency:copy-dependencies \
    -DoutputDirectory="$staging" -DincludeScope=runtime >"$staging.mvn.log" 2>&1; then
    sed 's/^/[kafka]   /' "$staging.mvn.log" | tail -n 30 >&2
    rm -rf "$staging" "$staging.mvn.log"
    die "mvn dependency:copy-dependencies failed"
  fi
  rm -f "$staging.mvn.log"
  echo "$sha" >"$staging/.pom-sha256"
  # Swap in whole so an interrupted fetch never leaves a half-filled classpath.
  rm -rf "$KAFKA_LIBS"
  mv "$staging" "$KAFKA_LIBS"
  log "fetched $(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars into ${KAFKA_LIBS#"$KAFKA_ROOT"/} ($(since "$t0"))"
}

cmd_format() {
  local t0 cluster_id meta formatted_id
  t0="$(now)"
  require_libs
  require_java
  mkdir -p "$KAFKA_DATA_DIR"
  [ -s "$KAFKA_CLUSTER_ID_FILE" ] || new_cluster_id >"$KAFKA_CLUSTER_ID_FILE"
  cluster_id="$(cat "$KAFKA_CLUSTER_ID_FILE")"
  write_properties
  meta="$KAFKA_LOG_DIRS/meta.properties"
  if [ -f "$meta" ]; then
    formatted_id="$(sed -n 's/^cluster\.id=//p' "$meta")"
    [ "$formatted_id" = "$cluster_id" ] ||
      die "storage in ${KAFKA_LOG_DIRS#"$KAFKA_ROOT"/} belongs to cluster $formatted_id, not $cluster_id; run scripts/kafka.sh reset"
    log "storage already formatted (cluster $cluster_id)"
    return 0
  fi
  log "formatting storage in ${KAFKA_LOG_DIRS#"$KAFKA_ROOT"/} (cluster $cluster_id)"
  if ! java -Xmx256m -cp "$KAFKA_LIBS/*" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_PROPS" --ignore-formatted >"$KAFKA_DATA_DIR/format.log" 2>&1; then
    sed 's/^/[kafka]   /' "$KAFKA_DATA_DIR/format.log" >&2
    die "kafka.tools.StorageTool format failed"
  fi
  log "formatted ($(since "$t0"))"
}

cmd_start() {
  local t0 pid owner
  t0="$(now)"
  if pid="$(running_pid)"; then
    if port_open "$KAFKA_PORT"; then
      log "already running (pid $pid, $KAFKA_HOST:$KAFKA_PORT)"
      return 0
    fi
    log "process $pid is up but not listening yet"
  else
    require_libs
    require_java
    [ -f "$KAFKA_LOG_DIRS/meta.properties" ] || die "storage not formatted; run: scripts/kafka.sh format (or up)"
    local port
    for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
      if port_open "$port"; then
        owner="$(listener_owner "$port")"
        die "port $KAFKA_HOST:$port is already taken${owner:+ by $owner}; stop it or set KAFKA_PORT/KAFKA_CONTROLLER_PORT"
      fi
    done
    write_properties
    [ -f "$KAFKA_LOG_FILE" ] && mv -f "$KAFKA_LOG_FILE" "$KAFKA_LOG_FILE.1"
    log "starting Kafka (log: ${KAFKA_LOG_FILE#"$KAFKA_ROOT"/})"
    # setsid: the broker gets its own session, so the caller's process-group
    # cleanup (a test runner, a CI step) does not take it down. The inner shell
    # records its own pid and execs java, so the pid file names the JVM itself.
    # 9>&-: the JVM must not inherit the lock.
    # shellcheck disable=SC2016,SC2086
    setsid bash -c 'echo $$ >"$0"; exec "$@"' "$KAFKA_PID_FILE" \
      java $KAFKA_HEAP_OPTS \
      -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
      -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
      -Dorg.slf4j.simpleLogger.logFile=System.out \
      -Dorg.slf4j.simpleLogger.defaultLogLevel="$KAFKA_LOG_LEVEL" \
      -Dorg.slf4j.simpleLogger.showDateTime=true \
      "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSXXX" \
      -Dorg.slf4j.simpleLogger.showThreadName=false \
      -Dorg.slf4j.simpleLogger.showShortLogName=true \
      -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_PROPS" \
      >>"$KAFKA_LOG_FILE" 2>&1 </dev/null 9>&- &
    local launcher=$!
    # The pid file appears as soon as the inner shell runs (before exec).
    local deadline
    deadline="$(deadline_in 5)"
    until [ -s "$KAFKA_PID_FILE" ]; do
      pid_alive "$launcher" || break
      past "$deadline" && die "launcher did not write ${KAFKA_PID_FILE#"$KAFKA_ROOT"/}"
      sleep 0.05
    done
    pid="$(cat "$KAFKA_PID_FILE" 2>/dev/null || echo "$launcher")"
  fi

  local deadline
  deadline="$(deadline_in "$KAFKA_START_TIMEOUT")"
  until port_open "$KAFKA_PORT"; do
    if ! pid_alive "$pid"; then
      rm -f "$KAFKA_PID_FILE"
      tail_log 40
      die "broker exited during startup (see ${KAFKA_LOG_FILE#"$KAFKA_ROOT"/})"
    fi
    if past "$deadline"; then
      tail_log 40
      die "broker (pid $pid) not listening on $KAFKA_HOST:$KAFKA_PORT after ${KAFKA_START_TIMEOUT}s; it is still running, see scripts/kafka.sh logs"
    fi
    sleep 0.2
  done
  log "listening on $KAFKA_HOST:$KAFKA_PORT, controller $KAFKA_HOST:$KAFKA_CONTROLLER_PORT (pid $pid, $(since "$t0"))"
}

cmd_wait() {
  local t0 pid
  t0="$(now)"
  pid="$(running_pid)" || die "broker not running; run: scripts/kafka.sh up"
  log "waiting for readiness: broker, group coordinator, idempotent write, consumer join + commit (timeout ${KAFKA_READY_TIMEOUT}s)"
  if ! kafka_admin wait-ready --timeout-ms "$((KAFKA_READY_TIMEOUT * 1000))"; then
    pid_alive "$pid" || { rm -f "$KAFKA_PID_FILE"; tail_log 40; die "broker (pid $pid) died while waiting"; }
    tail_log 20
    die "broker (pid $pid) not ready within ${KAFKA_READY_TIMEOUT}s"
  fi
  log "ready at $KAFKA_BROKERS ($(since "$t0"))"
}

cmd_topics() {
  local t0
  t0="$(now)"
  running_pid >/dev/null || die "broker not running; run: scripts/kafka.sh up"
  kafka_admin create-topics --timeout-ms "$((KAFKA_READY_TIMEOUT * 1000))" || die "topic creation failed"
  log "topics done ($(since "$t0"))"
}

cmd_stop() {
  local t0 pid
  t0="$(now)"
  if ! pid="$(running_pid)"; then
    log "not running"
    return 0
  fi
  log "stopping pid $pid (SIGTERM, controlled shutdown)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline
  deadline="$(deadline_in "$KAFKA_STOP_TIMEOUT")"
  while pid_alive "$pid"; do
    if past "$deadline"; then
      log "still alive after ${KAFKA_STOP_TIMEOUT}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      deadline="$(deadline_in 10)"
      while pid_alive "$pid"; do
        past "$deadline" && die "pid $pid survived SIGKILL for 10s"
        sleep 0.1
      done
      break
    fi
    sleep 0.1
  done
  rm -f "$KAFKA_PID_FILE"
  # The next start needs the ports, so wait until the kernel has released them.
  deadline="$(deadline_in 10)"
  while port_open "$KAFKA_PORT" || port_open "$KAFKA_CONTROLLER_PORT"; do
    past "$deadline" && die "pid $pid is gone but $KAFKA_HOST:$KAFKA_PORT/$KAFKA_CONTROLLER_PORT still accept connections"
    sleep 0.1
  done
  log "stopped ($(since "$t0"))"
}

cmd_status() {
  local pid cluster_id=""
  [ -s "$KAFKA_CLUSTER_ID_FILE" ] && cluster_id="$(cat "$KAFKA_CLUSTER_ID_FILE")"
  if ! pid="$(running_pid)"; then
    log "not running (data: ${KAFKA_DATA_DIR#"$KAFKA_ROOT"/}${cluster_id:+, cluster $cluster_id})"
    if port_open "$KAFKA_PORT"; then
      local owner
      owner="$(listener_owner "$KAFKA_PORT")"
      log "note: something else listens on $KAFKA_HOST:$KAFKA_PORT${owner:+ ($owner)}"
    fi
    return 3
  fi
  local listening=no
  port_open "$KAFKA_PORT" && listening=yes
  log "running: pid $pid, up $(ps -o etime= -p "$pid" | tr -d ' '), rss $(($(ps -o rss= -p "$pid") / 1024)) MiB"
  log "brokers: $KAFKA_BROKERS (listening: $listening), controller: $KAFKA_HOST:$KAFKA_CONTROLLER_PORT"
  log "cluster: ${cluster_id:-unknown}, data: ${KAFKA_DATA_DIR#"$KAFKA_ROOT"/} ($(du -sh "$KAFKA_DATA_DIR" 2>/dev/null | cut -f1))"
  if [ "$listening" = yes ]; then
    log "topics:"
    kafka_admin list-topics --timeout-ms 5000 | sed 's/^/[kafka]   /' || log "(could not list topics)"
  fi
  [ "$listening" = yes ] || return 3
}

cmd_reset() {
  cmd_stop
  local dir
  dir="$(realpath -m "$KAFKA_DATA_DIR")"
  case "$dir" in
    / | "$HOME" | "$KAFKA_ROOT" | "") die "refusing to delete KAFKA_DATA_DIR=$dir" ;;
  esac
  if [ -e "$dir" ]; then
    rm -rf "$dir"
    log "deleted ${dir#"$KAFKA_ROOT"/}"
  else
    log "nothing to delete (${dir#"$KAFKA_ROOT"/} absent)"
  fi
}

cmd_logs() {
  [ -f "$KAFKA_LOG_FILE" ] || die "no log at ${KAFKA_LOG_FILE#"$KAFKA_ROOT"/}"
  tail -n "${1:-100}" "$KAFKA_LOG_FILE"
}

# Kafka's own command-line tools from the fetched jars, pointed at this broker.
cmd_tool() {
  local name="${1:-}" class
  [ $# -gt 0 ] && shift
  case "$name" in
    topics) class=org.apache.kafka.tools.TopicCommand ;;
    groups) class=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
    console-consumer) class=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
    console-producer) class=org.apache.kafka.tools.ConsoleProducer ;;
    quorum) class=org.apache.kafka.tools.MetadataQuorumCommand ;;
    *) die "usage: scripts/kafka.sh tool <topics|groups|console-consumer|console-producer|quorum> [args]" ;;
  esac
  require_libs
  require_java
  exec java -Xmx256m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$KAFKA_LIBS/*" \
    "$class" --bootstrap-server "$KAFKA_BROKERS" "$@"
}

cmd_up() {
  local t0
  t0="$(now)"
  cmd_fetch
  cmd_format
  cmd_start
  cmd_wait
  cmd_topics
  log "up: $KAFKA_BROKERS ($(since "$t0") total)"
}

usage() {
  awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"
}

main() {
  local cmd="${1:-}"
  [ $# -gt 0 ] && shift
  case "$cmd" in
    up | fetch | format | start | stop | reset) lock ;;
  esac
  case "$cmd" in
    up) cmd_up ;;
    fetch) cmd_fetch ;;
    format) cmd_format ;;
    start) cmd_start ;;
    wait) cmd_wait ;;
    topics) cmd_topics ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    reset) cmd_reset ;;
    logs) cmd_logs "$@" ;;
    tool) cmd_tool "$@" ;;
    -h | --help | help) usage ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
}

main "$@"
