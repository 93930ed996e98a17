#!/usr/bin/env bash
# A second, independent single-node Apache Kafka (KRaft) for SECURITY TESTS only:
# SASL_SSL (SCRAM-SHA-256, SCRAM-SHA-512, PLAIN over TLS), a throwaway CA, an
# optional client certificate (mTLS) and ACLs enforced by the StandardAuthorizer.
# Runs next to the default broker of scripts/kafka.sh (other ports, data dir,
# cluster id, node id). Test-only credentials. See docs/infrastructure.md.
#
#   scripts/kafka-secure.sh up           fetch + tls + format + start + wait (idempotent)
#   scripts/kafka-secure.sh fetch        scripts/kafka.sh fetch (the broker jars, shared)
#   scripts/kafka-secure.sh format       certificates (once), configs, storage with SCRAM users (once)
#   scripts/kafka-secure.sh start        start the broker in the background (no-op when already up)
#   scripts/kafka-secure.sh wait         block until the admin user lists topics over SASL_SSL
#   scripts/kafka-secure.sh status       print state; exit 0 when running, 3 when not
#   scripts/kafka-secure.sh stop         SIGTERM, then SIGKILL after KAFKA_SECURE_STOP_TIMEOUT seconds
#   scripts/kafka-secure.sh reset        stop and delete the data directory (certificates, users, data)
#   scripts/kafka-secure.sh logs [N]     print the last N (100) lines of the broker log
#   scripts/kafka-secure.sh credentials  print the generated credentials.env (test-only passwords)
#   scripts/kafka-secure.sh tool [--as USER] [--mechanism M] [--config FILE] <name|class FQCN> [args]
#       run Kafka's own CLI against this broker over SASL_SSL, by default as the super user admin
#       with SCRAM-SHA-512. name: topics groups console-consumer console-producer acls configs
#       quorum api-versions; or `class <fully.qualified.Class>` (gets --command-config).
#       --as USER uses clients/USER.<mechanism>.properties; --config FILE any client config.
#
# Environment (defaults): KAFKA_SECURE_PORT=19094 (SASL_SSL client + inter-broker listener)
# KAFKA_SECURE_CONTROLLER_PORT=19095 (SASL_SSL, PLAIN, KRaft controller)
# KAFKA_SECURE_DATA_DIR=.data/kafka-secure KAFKA_SECURE_HEAP_OPTS="-Xms128m -Xmx384m"
# KAFKA_SECURE_START_TIMEOUT=60 KAFKA_SECURE_READY_TIMEOUT=90 KAFKA_SECURE_STOP_TIMEOUT=30 (seconds)
# KAFKA_SECURE_LOG_LEVEL=info KAFKA_SECURE_LOCK_TIMEOUT=180.
# Clients connect to 127.0.0.1:$KAFKA_SECURE_PORT; everything they need is in credentials.env.
set -euo pipefail

KAFKA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The caller's KAFKA_DATA_DIR belongs to scripts/kafka.sh (we reuse the name for
# the shared helpers below, so remember it for `scripts/kafka.sh fetch`).
CALLER_KAFKA_DATA_DIR_SET="${KAFKA_DATA_DIR+1}"
CALLER_KAFKA_DATA_DIR="${KAFKA_DATA_DIR-}"

KAFKA_HOST=127.0.0.1
KAFKA_PORT="${KAFKA_SECURE_PORT:-19094}"
KAFKA_CONTROLLER_PORT="${KAFKA_SECURE_CONTROLLER_PORT:-19095}"
KAFKA_DATA_DIR="${KAFKA_SECURE_DATA_DIR:-.data/kafka-secure}"
case "$KAFKA_DATA_DIR" in /*) ;; *) KAFKA_DATA_DIR="$KAFKA_ROOT/$KAFKA_DATA_DIR" ;; esac
KAFKA_HEAP_OPTS="${KAFKA_SECURE_HEAP_OPTS:--Xms128m -Xmx384m}"
KAFKA_START_TIMEOUT="${KAFKA_SECURE_START_TIMEOUT:-60}"
KAFKA_READY_TIMEOUT="${KAFKA_SECURE_READY_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_SECURE_STOP_TIMEOUT:-30}"
KAFKA_LOG_LEVEL="${KAFKA_SECURE_LOG_LEVEL:-info}"
KAFKA_LOCK_TIMEOUT="${KAFKA_SECURE_LOCK_TIMEOUT:-180}"
KAFKA_NODE_ID=101 # the default broker is node 1; distinct ids keep logs unambiguous

KAFKA_LIBS="$KAFKA_ROOT/.tools/kafka/libs"
KAFKA_LIBS_STAMP="$KAFKA_LIBS/.pom-sha256"
KAFKA_PROPS="$KAFKA_DATA_DIR/server.properties"
KAFKA_LOG_DIRS="$KAFKA_DATA_DIR/logs"
KAFKA_CLUSTER_ID_FILE="$KAFKA_DATA_DIR/cluster.id"
KAFKA_PID_FILE="$KAFKA_DATA_DIR/kafka.pid"
KAFKA_LOG_FILE="$KAFKA_DATA_DIR/kafka.log"
KAFKA_BOOTSTRAP="$KAFKA_HOST:$KAFKA_PORT"

# TLS material, all generated once into the data dir by `format`.
TLS_CA_KEY="$KAFKA_DATA_DIR/ca-key.pem"
TLS_CA="$KAFKA_DATA_DIR/ca.pem"
TLS_BROKER_KEY="$KAFKA_DATA_DIR/broker-key.pem"
TLS_BROKER_CERT="$KAFKA_DATA_DIR/broker.pem"
TLS_KEYSTORE="$KAFKA_DATA_DIR/broker.p12"
TLS_TRUSTSTORE="$KAFKA_DATA_DIR/truststore.p12"
TLS_CLIENT_KEY="$KAFKA_DATA_DIR/client-key.pem"
TLS_CLIENT_CERT="$KAFKA_DATA_DIR/client.pem"
TLS_UNTRUSTED_CA_KEY="$KAFKA_DATA_DIR/untrusted-ca-key.pem"
TLS_UNTRUSTED_CA="$KAFKA_DATA_DIR/untrusted-ca.pem"
TLS_UNTRUSTED_KEY="$KAFKA_DATA_DIR/untrusted-key.pem"
TLS_UNTRUSTED_CERT="$KAFKA_DATA_DIR/untrusted.pem"
TLS_FILES=("$TLS_CA_KEY" "$TLS_CA" "$TLS_BROKER_KEY" "$TLS_BROKER_CERT" "$TLS_KEYSTORE" "$TLS_TRUSTSTORE"
  "$TLS_CLIENT_KEY" "$TLS_CLIENT_CERT" "$TLS_UNTRUSTED_CA_KEY" "$TLS_UNTRUSTED_CA" "$TLS_UNTRUSTED_KEY" "$TLS_UNTRUSTED_CERT")
TLS_STORE_PASSWORD=wahooks-test-only-store # keystore/truststore password (test-only)
TLS_DAYS=3650

CREDENTIALS_ENV="$KAFKA_DATA_DIR/credentials.env"
CREDENTIALS_JSON="$KAFKA_DATA_DIR/credentials.json"
ADMIN_PROPS="$KAFKA_DATA_DIR/admin.properties"
CLIENTS_DIR="$KAFKA_DATA_DIR/clients"
PROBE_PROPS="$KAFKA_DATA_DIR/.probe.properties"

# One principal per service plus the super user. Each user exists for
# SCRAM-SHA-256, SCRAM-SHA-512 (added to the metadata log at format time) and
# PLAIN (listed in the listener's JAAS config). Fixed, TEST-ONLY passwords.
SUPER_USER=admin
USERS=(admin intake status-projector fallback-trigger template-monitor inbound-reply tools)
MECHANISMS=(SCRAM-SHA-256 SCRAM-SHA-512 PLAIN)
password_of() { echo "$1-test-only-secret"; }

# ---------------------------------------------------------------- helpers

KAFKA_LOG_TAG=kafka-secure
KAFKA_SCRIPT=scripts/kafka-secure.sh
# shellcheck source=scripts/lib/kafka-common.sh
source "$KAFKA_ROOT/scripts/lib/kafka-common.sh"

rel() { echo "${1#"$KAFKA_ROOT"/}"; }

# Never touch the default broker's data dir, whatever the environment says.
guard_data_dir() {
  local mine other
  mine="$(realpath -m "$KAFKA_DATA_DIR")"
  other="${CALLER_KAFKA_DATA_DIR:-.data/kafka}"
  case "$other" in /*) ;; *) other="$KAFKA_ROOT/$other" ;; esac
  other="$(realpath -m "$other")"
  [ "$mine" != "$other" ] && [ "$mine" != "$(realpath -m "$KAFKA_ROOT/.data/kafka")" ] ||
    die "KAFKA_SECURE_DATA_DIR=$mine is the default broker's data dir; use another directory"
  [ "$KAFKA_PORT" != "$KAFKA_CONTROLLER_PORT" ] || die "KAFKA_SECURE_PORT and KAFKA_SECURE_CONTROLLER_PORT must differ"
}

# JVM for Kafka's short-lived CLI tools (C1 only: starts faster).
tool_java() {
  java -Xmx256m -XX:TieredStopAtLevel=1 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$KAFKA_LIBS/*" "$@"
}

env_name() { # intake -> INTAKE, status-projector -> STATUS_PROJECTOR
  echo "$1" | tr 'a-z-' 'A-Z_'
}

mechanism_file_suffix() { echo "$1" | tr 'A-Z' 'a-z'; } # SCRAM-SHA-512 -> scram-sha-512

# ---------------------------------------------------------------- generated files

# A throwaway CA, the broker's certificate (SAN IP:127.0.0.1, DNS:localhost) in a
# PKCS12 keystore, the CA in a PKCS12 truststore, a client certificate (mTLS) and
# an unrelated "untrusted" CA with a certificate of its own. Generated once, in a
# staging directory that is moved in whole (an interrupted run leaves nothing half made).
ensure_tls() {
  local f missing=""
  for f in "${TLS_FILES[@]}"; do [ -s "$f" ] || missing=1; done
  [ -z "$missing" ] && return 0
  command -v openssl >/dev/null || die "openssl not found (apt-get install openssl)"
  command -v keytool >/dev/null || die "keytool not found (it comes with the JDK/JRE)"
  local t0 tmp
  t0="$(now)"
  mkdir -p "$KAFKA_DATA_DIR"
  tmp="$KAFKA_DATA_DIR/.tls.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  log "generating a throwaway CA, broker and client certificates (openssl, ${TLS_DAYS} days)"
  if ! (
    set -e
    cd "$tmp"
    ossl() { openssl "$@" 2>>openssl.log; }
    serial() { echo "0x$(openssl rand -hex 16)"; }
    ca() { # ca <key> <cert> <CN>
      ossl req -x509 -new -newkey rsa:2048 -nodes -sha256 -days "$TLS_DAYS" -keyout "$1" -out "$2" \
        -subj "/O=wahooks test/CN=$3" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
    }
    leaf() { # leaf <ca-key> <ca-cert> <key> <cert> <CN> <extendedKeyUsage> [subjectAltName]
      ossl req -new -newkey rsa:2048 -nodes -sha256 -keyout "$3" -out leaf.csr -subj "/O=wahooks test/CN=$5"
      {
        echo "basicConstraints=critical,CA:FALSE"
        echo "keyUsage=critical,digitalSignature,keyEncipherment"
        echo "extendedKeyUsage=$6"
        [ -z "${7:-}" ] || echo "subjectAltName=$7"
      } >leaf.ext
      ossl x509 -req -in leaf.csr -CA "$2" -CAkey "$1" -set_serial "$(serial)" -days "$TLS_DAYS" -sha256 \
        -extfile leaf.ext -out "$4"
      rm -f leaf.csr leaf.ext
    }
    ca ca-key.pem ca.pem "wahooks test CA (throwaway)"
    leaf ca-key.pem ca.pem broker-key.pem broker.pem localhost serverAuth,clientAuth "IP:127.0.0.1,DNS:localhost"
    leaf ca-key.pem ca.pem client-key.pem client.pem wahooks-test-client clientAuth
    ca untrusted-ca-key.pem untrusted-ca.pem "untrusted test CA (throwaway)"
    leaf untrusted-ca-key.pem untrusted-ca.pem untrusted-key.pem untrusted.pem localhost serverAuth,clientAuth \
      "IP:127.0.0.1,DNS:localhost"
    ossl pkcs12 -export -name broker -in broker.pem -inkey broker-key.pem -certfile ca.pem \
      -out broker.p12 -passout "pass:$TLS_STORE_PASSWORD"
    keytool -importcert -noprompt -alias wahooks-test-ca -file ca.pem -keystore truststore.p12 \
      -storetype PKCS12 -storepass "$TLS_STORE_PASSWORD" >>openssl.log 2>&1
    chmod 600 ./*-key.pem broker.p12
  ); then
    sed "s/^/[$KAFKA_LOG_TAG]   /" "$tmp/openssl.log" >&2 || true
    rm -rf "$tmp"
    die "certificate generation failed"
  fi
  for f in "${TLS_FILES[@]}"; do mv -f "$tmp/$(basename "$f")" "$f"; done
  rm -rf "$tmp"
  log "certificates in $(rel "$KAFKA_DATA_DIR") ($(since "$t0"))"
}

jaas_scram() { # jaas_scram <user> -> client side SCRAM login
  echo "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"$1\" password=\"$(password_of "$1")\";"
}

jaas_plain_client() { # jaas_plain_client <user>
  echo "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"$1\" password=\"$(password_of "$1")\";"
}

# The broker's PLAIN JAAS: its own (client side) login as admin plus one user_<name> per user.
jaas_plain_server() {
  local u line
  line="org.apache.kafka.common.security.plain.PlainLoginModule required username=\"$SUPER_USER\" password=\"$(password_of "$SUPER_USER")\""
  for u in "${USERS[@]}"; do line+=" user_$u=\"$(password_of "$u")\""; done
  echo "$line;"
}

write_properties() {
  mkdir -p "$KAFKA_LOG_DIRS"
  local tmp="$KAFKA_PROPS.tmp.$$"
  cat >"$tmp" <<EOF
# Generated by scripts/kafka-secure.sh on every format/start; edit the script, not this file.
# SECURITY TESTS ONLY: single node, KRaft combined mode, loopback only, test-only passwords.
process.roles=broker,controller
node.id=$KAFKA_NODE_ID
controller.quorum.voters=$KAFKA_NODE_ID@$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
listeners=CLIENT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=CLIENT://$KAFKA_HOST:$KAFKA_PORT
listener.security.protocol.map=CLIENT:SASL_SSL,CONTROLLER:SASL_SSL
controller.listener.names=CONTROLLER
log.dirs=$KAFKA_LOG_DIRS

# SASL. Clients (and the broker talking to itself) use the CLIENT listener; the
# super user's SCRAM credentials were written to the metadata log by format.
# SCRAM cannot authenticate the controller listener (the controller serves the
# metadata the credentials live in), so the controller uses PLAIN, also over TLS.
sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512,PLAIN
inter.broker.listener.name=CLIENT
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512,PLAIN
listener.name.client.scram-sha-256.sasl.jaas.config=$(jaas_scram "$SUPER_USER")
listener.name.client.scram-sha-512.sasl.jaas.config=$(jaas_scram "$SUPER_USER")
listener.name.client.plain.sasl.jaas.config=$(jaas_plain_server)
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="$SUPER_USER" password="$(password_of "$SUPER_USER")" user_$SUPER_USER="$(password_of "$SUPER_USER")";

# TLS on both listeners. Client certificates are requested, not required: SASL
# clients without one and mTLS clients both connect (a presented certificate must
# chain to the CA). The principal is always the SASL user. ssl.client.auth must be
# listener-prefixed: Kafka applies the bare setting to SSL listeners only, not SASL_SSL.
ssl.keystore.type=PKCS12
ssl.keystore.location=$TLS_KEYSTORE
ssl.keystore.password=$TLS_STORE_PASSWORD
ssl.key.password=$TLS_STORE_PASSWORD
ssl.truststore.type=PKCS12
ssl.truststore.location=$TLS_TRUSTSTORE
ssl.truststore.password=$TLS_STORE_PASSWORD
listener.name.client.ssl.client.auth=requested
listener.name.controller.ssl.client.auth=requested
ssl.endpoint.identification.algorithm=https

# ACLs. Only admin bypasses them; this script grants none (the project's topic
# and ACL tooling does, per service).
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:$SUPER_USER
allow.everyone.if.no.acl.found=false

# One replica of everything, including the internal topics.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1

# Topics are created explicitly, never by a typo.
auto.create.topics.enable=false
delete.topic.enable=true
num.partitions=6

# Tests start and stop consumer groups all the time: no initial rebalance delay.
group.initial.rebalance.delay.ms=0

# Small footprint: this broker runs next to the default one on a 2-core machine.
num.network.threads=2
num.io.threads=2
num.recovery.threads.per.data.dir=1
background.threads=2
log.retention.hours=24
log.segment.bytes=67108864
EOF
  mv -f "$tmp" "$KAFKA_PROPS"
}

client_properties() { # client_properties <user> <mechanism> [extra lines]
  local user="$1" mechanism="$2"
  echo "# Generated by scripts/kafka-secure.sh: $user over SASL_SSL with $mechanism (test-only password)."
  echo "bootstrap.servers=$KAFKA_BOOTSTRAP"
  echo "security.protocol=SASL_SSL"
  echo "sasl.mechanism=$mechanism"
  if [ "$mechanism" = PLAIN ]; then
    echo "sasl.jaas.config=$(jaas_plain_client "$user")"
  else
    echo "sasl.jaas.config=$(jaas_scram "$user")"
  fi
  echo "ssl.truststore.type=PEM"
  echo "ssl.truststore.location=$TLS_CA"
}

write_client_files() {
  mkdir -p "$CLIENTS_DIR"
  local u m tmp
  for u in "${USERS[@]}"; do
    for m in "${MECHANISMS[@]}"; do
      client_properties "$u" "$m" >"$CLIENTS_DIR/$u.$(mechanism_file_suffix "$m").properties"
    done
  done
  client_properties "$SUPER_USER" SCRAM-SHA-512 >"$ADMIN_PROPS"
  # Readiness probes give up quickly and are retried by `wait` itself.
  {
    client_properties "$SUPER_USER" SCRAM-SHA-512
    echo "request.timeout.ms=5000"
    echo "default.api.timeout.ms=10000"
  } >"$PROBE_PROPS"

  tmp="$CREDENTIALS_ENV.tmp.$$"
  {
    echo "# Generated by scripts/kafka-secure.sh: the local SECURITY-TEST broker. TEST-ONLY passwords,"
    echo "# never use them anywhere else. Shell- and dotenv-compatible."
    echo "KAFKA_SECURE_BROKERS=$KAFKA_BOOTSTRAP"
    echo "KAFKA_SECURE_SASL_MECHANISMS=$(IFS=,; echo "${MECHANISMS[*]}")"
    echo "KAFKA_SECURE_CA_FILE=$TLS_CA"
    echo "KAFKA_SECURE_CLIENT_CERT_FILE=$TLS_CLIENT_CERT"
    echo "KAFKA_SECURE_CLIENT_KEY_FILE=$TLS_CLIENT_KEY"
    echo "KAFKA_SECURE_UNTRUSTED_CA_FILE=$TLS_UNTRUSTED_CA"
    echo "KAFKA_SECURE_UNTRUSTED_CERT_FILE=$TLS_UNTRUSTED_CERT"
    echo "KAFKA_SECURE_UNTRUSTED_KEY_FILE=$TLS_UNTRUSTED_KEY"
    echo "KAFKA_SECURE_SUPER_USER=$SUPER_USER"
    echo "KAFKA_SECURE_ADMIN_CONFIG=$ADMIN_PROPS"
    for u in "${USERS[@]}"; do
      echo "KAFKA_SECURE_$(env_name "$u")_USERNAME=$u"
      echo "KAFKA_SECURE_$(env_name "$u")_PASSWORD=$(password_of "$u")"
    done
  } >"$tmp"
  mv -f "$tmp" "$CREDENTIALS_ENV"

  tmp="$CREDENTIALS_JSON.tmp.$$"
  {
    echo "{"
    echo "  \"brokers\": [\"$KAFKA_BOOTSTRAP\"],"
    echo "  \"mechanisms\": [\"SCRAM-SHA-256\", \"SCRAM-SHA-512\", \"PLAIN\"],"
    echo "  \"superUser\": \"$SUPER_USER\","
    echo "  \"caFile\": \"$TLS_CA\","
    echo "  \"clientCertFile\": \"$TLS_CLIENT_CERT\","
    echo "  \"clientKeyFile\": \"$TLS_CLIENT_KEY\","
    echo "  \"untrustedCaFile\": \"$TLS_UNTRUSTED_CA\","
    echo "  \"untrustedCertFile\": \"$TLS_UNTRUSTED_CERT\","
    echo "  \"untrustedKeyFile\": \"$TLS_UNTRUSTED_KEY\","
    echo "  \"users\": {"
    local sep=","
    for u in "${USERS[@]}"; do
      [ "$u" = "${USERS[${#USERS[@]} - 1]}" ] && sep=""
      echo "    \"$u\": { \"username\": \"$u\", \"password\": \"$(password_of "$u")\" }$sep"
    done
    echo "  }"
    echo "}"
  } >"$tmp"
  mv -f "$tmp" "$CREDENTIALS_JSON"
}

# ---------------------------------------------------------------- commands

cmd_fetch() {
  # The jars are shared with the default broker: scripts/kafka.sh owns fetching
  # (and its lock). It gets the caller's KAFKA_DATA_DIR, not ours, and not our lock fd.
  if [ -n "$CALLER_KAFKA_DATA_DIR_SET" ]; then
    KAFKA_DATA_DIR="$CALLER_KAFKA_DATA_DIR" "$KAFKA_ROOT/scripts/kafka.sh" fetch 9>&-
  else
    env -u KAFKA_DATA_DIR "$KAFKA_ROOT/scripts/kafka.sh" fetch 9>&-
  fi
}

cmd_format() {
  local t0 cluster_id meta formatted_id
  t0="$(now)"
  require_libs
  require_java
  mkdir -p "$KAFKA_DATA_DIR"
  ensure_tls
  [ -s "$KAFKA_CLUSTER_ID_FILE" ] || new_cluster_id >"$KAFKA_CLUSTER_ID_FILE"
  cluster_id="$(cat "$KAFKA_CLUSTER_ID_FILE")"
  write_properties
  write_client_files
  meta="$KAFKA_LOG_DIRS/meta.properties"
  if [ -f "$meta" ]; then
    formatted_id="$(sed -n 's/^cluster\.id=//p' "$meta")"
    [ "$formatted_id" = "$cluster_id" ] ||
      die "storage in $(rel "$KAFKA_LOG_DIRS") belongs to cluster $formatted_id, not $cluster_id; run $KAFKA_SCRIPT reset"
    log "storage already formatted (cluster $cluster_id, SCRAM users in place)"
    return 0
  fi
  # SCRAM credentials live in the metadata log; in KRaft the only way to have them
  # before the first start (the broker itself authenticates with them) is format --add-scram.
  local scram=() u m
  for u in "${USERS[@]}"; do
    for m in SCRAM-SHA-256 SCRAM-SHA-512; do
      scram+=(--add-scram "$m=[name=$u,password=$(password_of "$u")]")
    done
  done
  log "formatting storage in $(rel "$KAFKA_LOG_DIRS") (cluster $cluster_id, SCRAM users: ${USERS[*]})"
  if ! java -Xmx256m -cp "$KAFKA_LIBS/*" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_PROPS" --ignore-formatted "${scram[@]}" \
    >"$KAFKA_DATA_DIR/format.log" 2>&1; then
    sed "s/^/[$KAFKA_LOG_TAG]   /" "$KAFKA_DATA_DIR/format.log" >&2
    die "kafka.tools.StorageTool format failed"
  fi
  log "formatted ($(since "$t0"))"
}

cmd_start() {
  local t0 pid owner
  t0="$(now)"
  if pid="$(running_pid)"; then
    if port_open "$KAFKA_PORT"; then
      log "already running (pid $pid, SASL_SSL $KAFKA_BOOTSTRAP)"
      return 0
    fi
    log "process $pid is up but not listening yet"
  else
    require_libs
    require_java
    [ -f "$KAFKA_LOG_DIRS/meta.properties" ] || die "storage not formatted; run: $KAFKA_SCRIPT format (or up)"
    ensure_tls
    local port
    for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
      if port_open "$port"; then
        owner="$(listener_owner "$port")"
        die "port $KAFKA_HOST:$port is already taken${owner:+ by $owner}; stop it or set KAFKA_SECURE_PORT/KAFKA_SECURE_CONTROLLER_PORT"
      fi
    done
    write_properties
    write_client_files
    [ -f "$KAFKA_LOG_FILE" ] && mv -f "$KAFKA_LOG_FILE" "$KAFKA_LOG_FILE.1"
    log "starting the secured Kafka (log: $(rel "$KAFKA_LOG_FILE"))"
    # As in kafka.sh: own session (setsid), the pid file names the JVM itself
    # (the inner shell execs java), and the JVM does not inherit the lock (9>&-).
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
    local deadline
    deadline="$(deadline_in 5)"
    until [ -s "$KAFKA_PID_FILE" ]; do
      pid_alive "$launcher" || break
      past "$deadline" && die "launcher did not write $(rel "$KAFKA_PID_FILE")"
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
      die "broker exited during startup (see $(rel "$KAFKA_LOG_FILE"))"
    fi
    if past "$deadline"; then
      tail_log 40
      die "broker (pid $pid) not listening on $KAFKA_BOOTSTRAP after ${KAFKA_START_TIMEOUT}s; it is still running, see $KAFKA_SCRIPT logs"
    fi
    sleep 0.2
  done
  log "listening: SASL_SSL $KAFKA_BOOTSTRAP, controller $KAFKA_HOST:$KAFKA_CONTROLLER_PORT (pid $pid, $(since "$t0"))"
}

# Ready = the super user authenticates over SASL_SSL with SCRAM-SHA-512 (TLS,
# SCRAM credentials loaded, authorizer serving) and lists topics; then the group
# coordinator answers for a probe group (this creates __consumer_offsets).
cmd_wait() {
  local t0 pid deadline out attempts=0 stage
  t0="$(now)"
  pid="$(running_pid)" || die "broker not running; run: $KAFKA_SCRIPT up"
  require_libs
  log "waiting for readiness: $SUPER_USER lists topics over SASL_SSL (SCRAM-SHA-512), group coordinator (timeout ${KAFKA_READY_TIMEOUT}s)"
  deadline="$(deadline_in "$KAFKA_READY_TIMEOUT")"
  for stage in topics groups; do
    attempts=0
    while :; do
      attempts=$((attempts + 1))
      if [ "$stage" = topics ]; then
        out="$(tool_java org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_BOOTSTRAP" \
          --command-config "$PROBE_PROPS" --list 2>&1)" && break
      else
        out="$(tool_java org.apache.kafka.tools.consumer.group.ConsumerGroupCommand --bootstrap-server "$KAFKA_BOOTSTRAP" \
          --command-config "$PROBE_PROPS" --describe --group wahooks-secure-readiness 2>&1)" && break
      fi
      if ! pid_alive "$pid"; then
        rm -f "$KAFKA_PID_FILE"
        tail_log 40
        die "broker (pid $pid) died while waiting"
      fi
      if past "$deadline"; then
        echo "$out" | tail -n 5 | sed "s/^/[$KAFKA_LOG_TAG]   /" >&2
        tail_log 20
        die "broker (pid $pid) not ready within ${KAFKA_READY_TIMEOUT}s (stage: $stage)"
      fi
      sleep 0.5
    done
    log "$stage: ok after $attempts attempt(s)"
  done
  log "ready at $KAFKA_BOOTSTRAP ($(since "$t0"))"
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
    log "not running (data: $(rel "$KAFKA_DATA_DIR")${cluster_id:+, cluster $cluster_id})"
    if port_open "$KAFKA_PORT"; then
      local owner
      owner="$(listener_owner "$KAFKA_PORT")"
      log "note: something else listens on $KAFKA_BOOTSTRAP${owner:+ ($owner)}"
    fi
    return 3
  fi
  local listening=no
  port_open "$KAFKA_PORT" && listening=yes
  log "running: pid $pid, up $(ps -o etime= -p "$pid" | tr -d ' '), rss $(($(ps -o rss= -p "$pid") / 1024)) MiB"
  log "SASL_SSL: $KAFKA_BOOTSTRAP (listening: $listening), controller: $KAFKA_HOST:$KAFKA_CONTROLLER_PORT"
  log "cluster: ${cluster_id:-unknown}, data: $(rel "$KAFKA_DATA_DIR") ($(du -sh "$KAFKA_DATA_DIR" 2>/dev/null | cut -f1))"
  log "credentials: $(rel "$CREDENTIALS_ENV") (users: ${USERS[*]}; super user $SUPER_USER)"
  if [ "$listening" = yes ]; then
    log "topics (as $SUPER_USER):"
    tool_java org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_BOOTSTRAP" \
      --command-config "$PROBE_PROPS" --list 2>&1 | sed "s/^/[$KAFKA_LOG_TAG]   /" || log "(could not list topics)"
  fi
  [ "$listening" = yes ] || return 3
}

cmd_reset() {
  cmd_stop
  local dir
  dir="$(realpath -m "$KAFKA_DATA_DIR")"
  case "$dir" in
    / | "$HOME" | "$KAFKA_ROOT" | "") die "refusing to delete KAFKA_SECURE_DATA_DIR=$dir" ;;
  esac
  if [ -e "$dir" ]; then
    rm -rf "$dir"
    log "deleted $(rel "$dir")"
  else
    log "nothing to delete ($(rel "$dir") absent)"
  fi
}

cmd_logs() {
  [ -f "$KAFKA_LOG_FILE" ] || die "no log at $(rel "$KAFKA_LOG_FILE")"
  tail -n "${1:-100}" "$KAFKA_LOG_FILE"
}

cmd_credentials() {
  [ -f "$CREDENTIALS_ENV" ] || die "no $(rel "$CREDENTIALS_ENV") yet; run: $KAFKA_SCRIPT up"
  cat "$CREDENTIALS_ENV"
}

# Kafka's own command-line tools from the fetched jars, over SASL_SSL.
cmd_tool() {
  local as="$SUPER_USER" mechanism=SCRAM-SHA-512 config=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --as) as="${2:?--as needs a user}"; shift 2 ;;
      --mechanism) mechanism="${2:?--mechanism needs SCRAM-SHA-256, SCRAM-SHA-512 or PLAIN}"; shift 2 ;;
      --config) config="${2:?--config needs a file}"; shift 2 ;;
      *) break ;;
    esac
  done
  local name="${1:-}" class flag=--command-config
  [ $# -gt 0 ] && shift
  case "$name" in
    topics) class=org.apache.kafka.tools.TopicCommand ;;
    groups) class=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
    console-consumer) class=org.apache.kafka.tools.consumer.ConsoleConsumer flag=--consumer.config ;;
    console-producer) class=org.apache.kafka.tools.ConsoleProducer flag=--producer.config ;;
    acls) class=org.apache.kafka.tools.AclCommand ;;
    configs) class=kafka.admin.ConfigCommand ;;
    quorum) class=org.apache.kafka.tools.MetadataQuorumCommand ;;
    api-versions) class=org.apache.kafka.tools.BrokerApiVersionsCommand ;;
    class)
      class="${1:-}"
      [ -n "$class" ] || die "usage: $KAFKA_SCRIPT tool class <fully.qualified.Class> [args]"
      shift
      ;;
    *) die "usage: $KAFKA_SCRIPT tool [--as USER] [--mechanism M] [--config FILE] <topics|groups|console-consumer|console-producer|acls|configs|quorum|api-versions|class FQCN> [args]" ;;
  esac
  if [ -z "$config" ]; then
    config="$CLIENTS_DIR/$as.$(mechanism_file_suffix "$mechanism").properties"
    [ -f "$config" ] || die "no client config $(rel "$config") (users: ${USERS[*]}; mechanisms: ${MECHANISMS[*]}); run: $KAFKA_SCRIPT up"
  fi
  [ -f "$config" ] || die "no such client config: $config"
  require_libs
  require_java
  exec java -Xmx256m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$KAFKA_LIBS/*" \
    "$class" --bootstrap-server "$KAFKA_BOOTSTRAP" "$flag" "$config" "$@"
}

cmd_up() {
  local t0
  t0="$(now)"
  cmd_fetch
  cmd_format
  cmd_start
  cmd_wait
  log "up: SASL_SSL $KAFKA_BOOTSTRAP, CA $(rel "$TLS_CA"), credentials $(rel "$CREDENTIALS_ENV") ($(since "$t0") total)"
}

usage() {
  awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"
}

main() {
  local cmd="${1:-}"
  [ $# -gt 0 ] && shift
  guard_data_dir
  case "$cmd" in
    up | format | start | stop | reset) lock ;;
  esac
  case "$cmd" in
    up) cmd_up ;;
    fetch) cmd_fetch ;;
    format) cmd_format ;;
    start) cmd_start ;;
    wait) cmd_wait ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    reset) cmd_reset ;;
    logs) cmd_logs "$@" ;;
    credentials) cmd_credentials ;;
    tool) cmd_tool "$@" ;;
    -h | --help | help) usage ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
}

main "$@"
