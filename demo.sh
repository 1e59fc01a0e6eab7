#!/usr/bin/env bash
# Baton in one command: builds the Helidon example, starts three instances of it that elect a leader through the
# file backend (a shared temporary directory, no server), shows which one leads and runs the report job, then
# crashes the leader (kill -9) and stops the next one gracefully (SIGTERM), and shows how long each takeover took.
#
#   ./demo.sh           the file backend: one shared lease directory
#   ./demo.sh --raft    the embedded Raft backend (baton.backend=raft): the three instances are the store, a Raft
#                       group over three loopback ports, each with a data directory of its own, nothing shared.
#                       After the crash the killed instance is restarted on its data directory (Raft needs two of
#                       three members up), then the leader is stopped with SIGTERM as in the file mode.
#   ./demo.sh --help    this text
#
# Needs a JDK 21+ (found by .mvn/find-jdk: JAVA_HOME, the PATH, /usr/lib/jvm, SDKMAN...) and network access for Maven the first time.
# Environment: BATON_DEMO_PORT (first HTTP port tried, default 8081), BATON_DEMO_RAFT_PORT (first Raft port tried
# with --raft, default 7800), BATON_DEMO_BACKEND=raft (the same as --raft), BATON_DEMO_REBUILD=1 (force the build).
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }
BACKEND=${BATON_DEMO_BACKEND:-file}
while (( $# > 0 )); do
    case "$1" in
        --raft) BACKEND=raft ;;
        --file) BACKEND=file ;;
        -h|--help) usage; exit 0 ;;
        *) printf 'demo.sh: unknown argument %s\n\n' "$1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
[[ "$BACKEND" == file || "$BACKEND" == raft ]] \
    || { echo "demo.sh: BATON_DEMO_BACKEND must be file or raft, not '$BACKEND'" >&2; exit 2; }

cd "$(dirname "$0")"
ROOT=$(pwd)
JAR="$ROOT/examples-helidon/target/baton-example-helidon.jar"
NODES=(node-1 node-2 node-3)
declare -A PID PORT

if [[ -t 1 ]]; then BOLD=$'\033[1m' RED=$'\033[31m' OFF=$'\033[0m'; else BOLD='' RED='' OFF=''; fi
say() { printf '%s»%s %s\n' "$BOLD" "$OFF" "$*"; }
fail() { printf '%sdemo failed:%s %s\n' "$RED" "$OFF" "$*" >&2; exit 1; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
secs_since() { local ms=$(( $(now_ms) - $1 )); printf '%d.%d s' $((ms / 1000)) $(((ms % 1000) / 100)); }

# ---------------------------------------------------------------------------------------------------------------
# A JDK 21+ (Helidon 4 needs it): JAVA_HOME when it is one, else the newest found (the same lookup as ./mvnw).
java_major() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1; }
find_jdk() {
    .mvn/find-jdk 21 || fail "Helidon 4 needs a JDK 21 or newer; none found in JAVA_HOME, on the PATH or in the usual install places (/usr/lib/jvm, SDKMAN, ~/.jdks). Install one (e.g. Temurin 21 or 25) and set JAVA_HOME."
}
JDK=$(find_jdk)
JAVA="$JDK/bin/java"

# ---------------------------------------------------------------------------------------------------------------
# Build when the jar is missing or older than any source it is made of.
needs_build() {
    [[ -n "${BATON_DEMO_REBUILD:-}" || ! -f "$JAR" ]] && return 0
    [[ -n $(find pom.xml api cdi-extension backends/file backends/memory backends/raft examples-helidon/pom.xml examples-helidon/src \
        -newer "$JAR" -type f \( -name '*.java' -o -name '*.xml' -o -name '*.properties' -o -name '*Factory' \) \
        -not -path '*/target/*' 2>/dev/null | head -n 1) ]]
}
if needs_build; then
    say "Building the Helidon example with JDK $(java_major "$JDK") ($JDK); the first build downloads dependencies..."
    started=$(now_ms)
    if grep -q '<module>examples-helidon</module>' pom.xml; then
        build=(-pl examples-helidon -am)
    else
        build=(-f examples-helidon/pom.xml) # before the module is listed in the root pom: siblings come from ~/.m2
    fi
    JAVA_HOME="$JDK" BATON_JDK_LOOKUP=off ./mvnw -q -B -DskipTests "${build[@]}" install > /tmp/baton-demo-build.log 2>&1 \
        || { tail -n 30 /tmp/baton-demo-build.log >&2; fail "the build failed (full log: /tmp/baton-demo-build.log)"; }
    say "Built in $(secs_since "$started")."
fi

# ---------------------------------------------------------------------------------------------------------------
# HTTP without assuming curl: bash's /dev/tcp is enough for a local GET.
http_get() { # port path -> body on stdout; non-zero when nothing answers 200
    if command -v curl > /dev/null; then
        curl -sf --max-time 3 "http://127.0.0.1:$1$2"
    else
        ( # the server may keep the connection open: read exactly Content-Length bytes
            exec 2> /dev/null 3<> "/dev/tcp/127.0.0.1/$1" || exit 1
            printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$2" >&3
            local line length=0 body
            IFS= read -r -t 3 line <&3 && [[ "$line" == "HTTP/1.1 200"* ]] || exit 1
            while IFS= read -r -t 3 line <&3; do
                line=${line%$'\r'}
                [[ -z "$line" ]] && break
                if [[ "${line,,}" == content-length:* ]]; then length=${line#*:}; length=${length// /}; fi
            done
            IFS= read -r -N "$length" -t 3 body <&3 || exit 1
            printf '%s' "$body"
        )
    fi
}
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2> /dev/null; }
# One top-level field of GET /baton (the fields before "transitions", whose entries repeat some names).
field() { # json name
    local top=${1%%\"transitions\"*}
    sed -n "s/.*\"$2\":\"\{0,1\}\([^\",}]*\).*/\1/p" <<< "$top" | head -n 1
}
status() { http_get "${PORT[$1]}" /baton; }

# ---------------------------------------------------------------------------------------------------------------
DIR=$(mktemp -d "${TMPDIR:-/tmp}/baton-demo.XXXXXX")
mkdir "$DIR/leases"
declare -A RAFT_PORT
cleanup() {
    local node
    for node in "${NODES[@]}"; do
        [[ -n "${PID[$node]:-}" ]] && kill -9 "${PID[$node]}" 2> /dev/null || true
    done
    wait 2> /dev/null || true
    rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=${BATON_DEMO_PORT:-8081}
for node in "${NODES[@]}"; do
    while port_in_use "$port"; do port=$((port + 1)); done
    PORT[$node]=$port
    port=$((port + 1))
done
if [[ $BACKEND == raft ]]; then
    # The Raft group's own ports (JGroups over TCP), chosen like the HTTP ports: the first free ones from 7800 on.
    port=${BATON_DEMO_RAFT_PORT:-7800}
    members=()
    for node in "${NODES[@]}"; do
        while port_in_use "$port" || [[ " ${PORT[*]} " == *" $port "* ]]; do port=$((port + 1)); done
        RAFT_PORT[$node]=$port
        members+=("$node@127.0.0.1:$port")
        port=$((port + 1))
        mkdir "$DIR/raft-$node"
    done
    MEMBERS=$(IFS=,; echo "${members[*]}")
fi

# Starts one instance (again, after a crash: the same ports and, with Raft, the same data directory).
launch() { # node
    local node=$1
    [[ -f "$DIR/$node.log" ]] && mv "$DIR/$node.log" "$DIR/$node.log.before-restart"
    if [[ $BACKEND == raft ]]; then
        SERVER_PORT=${PORT[$node]} SERVER_HOST=127.0.0.1 BATON_BACKEND=raft BATON_RAFT_MEMBERS="$MEMBERS" \
            BATON_RAFT_NODE_ID=$node BATON_RAFT_DATA_DIR="$DIR/raft-$node" \
            BATON_PARTICIPANT=$node "$JAVA" -jar "$JAR" > "$DIR/$node.log" 2>&1 &
    else
        SERVER_PORT=${PORT[$node]} SERVER_HOST=127.0.0.1 BATON_BACKEND=file BATON_FILE_DIR="$DIR/leases" \
            BATON_PARTICIPANT=$node "$JAVA" -jar "$JAR" > "$DIR/$node.log" 2>&1 &
    fi
    PID[$node]=$!
}

if [[ $BACKEND == raft ]]; then
    say "Starting ${NODES[*]} (JDK $(java_major "$JDK")) on the Raft backend: group $MEMBERS,"
    echo "    each member's log in $DIR/raft-<node>, ttl 3s, renewal every 1s, Raft failure detection 4s."
else
    say "Starting ${NODES[*]} (JDK $(java_major "$JDK")); lease directory $DIR, ttl 3s, renewal every 1s."
fi
started=$(now_ms)
for node in "${NODES[@]}"; do
    launch "$node"
    echo "    $node: http://localhost:${PORT[$node]}/baton  (pid ${PID[$node]})${RAFT_PORT[$node]:+  Raft port ${RAFT_PORT[$node]}}"
done
# Which member is the Raft leader now (each member logs BATON-RAFT-0004 when it becomes the leader or a follower).
raft_leader() {
    local node line
    for node in "${NODES[@]}"; do
        kill -0 "${PID[$node]}" 2> /dev/null || continue
        line=$(grep 'BATON-RAFT-0004' "$DIR/$node.log" | tail -n 1)
        [[ $line == *"is now the leader"* ]] && { echo "$node"; return 0; }
    done
    echo "none yet"
}

# Polls until one of the given nodes says it leads; prints "node token".
await_leader() { # timeout-seconds nodes...
    local timeout=$1 node json
    local deadline=$(( $(now_ms) + timeout * 1000 ))
    shift
    while (( $(now_ms) < deadline )); do
        for node in "$@"; do
            kill -0 "${PID[$node]}" 2> /dev/null \
                || fail "$node exited; its log: $(tail -n 20 "$DIR/$node.log")"
            json=$(status "$node") || continue
            if [[ $(field "$json" role) == LEADER ]]; then
                echo "$node $(field "$json" fencingToken)"
                return 0
            fi
        done
        sleep 0.1
    done
    fail "no leader among $* within $timeout s; see the logs: $(tail -n 5 "$DIR"/*.log)"
}
# Polls until the node has run the report job (it fires every 2 s).
await_job() { # node
    local deadline=$(( $(now_ms) + 10000 ))
    while (( $(now_ms) < deadline )); do
        [[ $(field "$(status "$1")" jobRuns) -ge 1 ]] 2> /dev/null && return 0
        sleep 0.1
    done
    fail "$1 leads but did not run the report job within 10 s"
}
runs_line() { # nodes... -> "node-1: 3, node-2: 0"
    local node out=()
    for node in "$@"; do out+=("$node: $(field "$(status "$node")" jobRuns) runs"); done
    local IFS=,
    echo "${out[*]}" | sed 's/,/, /g'
}

result=$(await_leader 90 "${NODES[@]}")
read -r leader token <<< "$result"
say "Up in $(secs_since "$started"). $leader leads the \"reports\" group (fencing token $token)."
sleep 4 # let the report job (every 2 s) run a few times, to show that only the leader runs it
say "Report job so far: $(runs_line "${NODES[@]}")"

survivors() { local n; for n in "${NODES[@]}"; do [[ "$n" != "$1" ]] && kill -0 "${PID[$n]}" 2> /dev/null && echo "$n"; done; }

if [[ $BACKEND == raft ]]; then
    raft=$(raft_leader)
    if [[ $raft == "$leader" ]]; then
        say "kill -9 $leader  (a crash; it is also the Raft leader: the others suspect it after about 4s, elect a new Raft leader, which restarts every lease timer with the full 3s ttl)"
    else
        say "kill -9 $leader  (a crash; the Raft leader is $raft: it times the dead holder's lease out after the 3s ttl)"
    fi
else
    say "kill -9 $leader  (a crash: nothing is released; the file backend sees the OS drop the dead process's liveness lock, so nobody waits out the 3s ttl)"
fi
crashed=$leader
killed=$(now_ms)
kill -9 "${PID[$leader]}"
wait "${PID[$leader]}" 2> /dev/null || true
mapfile -t rest < <(survivors "$leader")
result=$(await_leader 30 "${rest[@]}")
read -r next token <<< "$result"
say "$next took over $(secs_since "$killed") after the crash (fencing token $token)."
took=$(now_ms); await_job "$next"
say "$next ran the report job $(secs_since "$took") later (it fires every 2 s on every node)."
[[ $BACKEND == raft ]] && say "Raft leader now: $(raft_leader)."

if [[ $BACKEND == raft ]]; then
    # Two of three members are up: stopping another would leave no majority. Bring the crashed one back first.
    say "Restarting $crashed on its data directory (it replays its Raft log and catches up; a majority, 2 of 3, must be up)."
    took=$(now_ms)
    launch "$crashed"
    deadline=$(( $(now_ms) + 90000 ))
    until [[ $(field "$(status "$crashed" 2> /dev/null)" leader) == "$next" ]]; do
        kill -0 "${PID[$crashed]}" 2> /dev/null || fail "$crashed exited; its log: $(tail -n 20 "$DIR/$crashed.log")"
        (( $(now_ms) < deadline )) || fail "$crashed did not see $next lead within 90 s after its restart"
        sleep 0.2
    done
    say "$crashed is back as a follower $(secs_since "$took") later (pid ${PID[$crashed]}); Raft leader: $(raft_leader)."
fi

leader=$next
if [[ $BACKEND == raft && $(raft_leader) == "$leader" ]]; then
    say "kill -TERM $leader  (graceful: it releases its lease on shutdown, then leaves the Raft group, whose next leader is elected at once: no failure detection to wait for)"
else
    say "kill -TERM $leader  (graceful: it releases its lease on shutdown, so the hand-over is immediate)"
fi
killed=$(now_ms)
kill -TERM "${PID[$leader]}"
mapfile -t rest < <(survivors "$leader")
result=$(await_leader 30 "${rest[@]}")
read -r next token <<< "$result"
say "$next took over $(secs_since "$killed") after the SIGTERM (fencing token $token)."
took=$(now_ms); await_job "$next"
say "$next ran the report job $(secs_since "$took") later."
wait "${PID[$leader]}" 2> /dev/null || true

say "Transitions of the \"reports\" group seen by $next (newest first):"
status "$next" | grep -o '{"at":[^}]*"group":"reports"[^}]*}' | head -n 4 | while read -r t; do
    printf '    %s  %s -> %s (%s)\n' "$(field "$t" at)" "$(field "$t" previousRole)" "$(field "$t" role)" \
        "$(field "$t" cause)"
done
say "Done; stopping everything."
