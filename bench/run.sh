#!/usr/bin/env bash
# bench/run.sh: the whole benchmark run, one command, a few minutes on 2 cores.
#
#   bench/run.sh                 build, install into a temp prefix, measure, rewrite the results
#                                section of docs/performance.md
#   bench/run.sh --quick         fewer runs and smaller sizes (a smoke test of the script itself)
#   bench/run.sh --out FILE      write the results section into FILE instead
#
# Every figure is measured in this run next to its baseline and given as median with min/max and
# as a ratio. Only loopback traffic: the daemon's unix socket and an sshd this script starts on
# 127.0.0.1 with a throwaway host key; the container figure (bench/container.sh) uses a private
# dockerd without bridge or iptables and containers with --network none. Everything lives in temp
# dirs, removed at the end; the daemon, sshd and dockerd started here are stopped by their pids.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

QUICK=0
OUT="$ROOT/docs/performance.md"
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1; shift ;;
        --out) OUT=$(realpath -m "$2"); shift 2 ;;
        *) echo "bench/run.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
if [ "$QUICK" = 1 ]; then
    SECSESSIONS=300; SECBYTES=$((64 * 1024 * 1024)); RUNS=20; BYTES=$((64 * 1024 * 1024)); CONCURRENT=100; SEQUENTIAL=500; OVERHEAD=200; TPUT_RUNS=2
    ROUNDS=3; PER_ROUND=5; PROCS=50; GIT_FILES=200
else
    SECSESSIONS=2000; SECBYTES=$((1024 * 1024 * 1024)); RUNS=100; BYTES=$((512 * 1024 * 1024)); CONCURRENT=500; SEQUENTIAL=5000; OVERHEAD=1000; TPUT_RUNS=5
    ROUNDS=10; PER_ROUND=10; PROCS=200; GIT_FILES=1000
fi

. scripts/find-jdk.sh
JAVA="$JAVA_HOME/bin/java"
missing=""
for tool in hyperfine ssh ssh-keygen /usr/sbin/sshd; do command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"; done
if [ -n "$missing" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    # a fresh Debian machine (as CI's): install what the baselines need
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        -o DPkg::Lock::Timeout=600 hyperfine openssh-client openssh-server git strace >/dev/null
fi
for tool in hyperfine ssh ssh-keygen /usr/sbin/sshd; do
    command -v "$tool" >/dev/null 2>&1 || { echo "bench/run.sh: needs $tool (apt-get install hyperfine openssh-client openssh-server)" >&2; exit 1; }
done

B=$(mktemp -d /tmp/airlock-bench.XXXXXX)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
DAEMON_PID=""
SSHD_PID=""
cleanup() {
    [ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null || true
    [ -n "$SSHD_PID" ] && kill "$SSHD_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$B"
}
trap cleanup EXIT INT TERM
step() { printf '\n== %s\n' "$*" >&2; }

step "build and install into $B/prefix"
mvn -B -q -ntp package -DskipTests
sh ./install.sh --no-build --prefix "$B/prefix" 2>"$B/install.log" || { cat "$B/install.log" >&2; exit 1; }
SHIM_JVM="$B/prefix/bin/airlock-shim"
SHIM_NATIVE=""
if [ -x "$B/prefix/bin/airlock-shim-jvm" ]; then
    SHIM_NATIVE="$B/prefix/bin/airlock-shim"
    SHIM_JVM="$B/prefix/bin/airlock-shim-jvm"
fi

step "daemon on a bench config (modules for true, echo, head, sleep)"
CFG="$B/config"
WORK="$B/work"
mkdir -p "$CFG/profiles" "$CFG/commands" "$WORK" "$B/agent" "$B/native"
for c in true echo head sleep truesec headsec; do
    # A realistic module shape: one deny rule and an environment policy, so the decision does work.
    # truesec/headsec: the same tools with five vault secrets injected (issue 14's figures)
    printf '[command]\nbin = "%s"\n\n[deny]\nargs = ["--no-such-flag"]\n\n[env]\npass = ["LANG"]\n' "${c%sec}" > "$CFG/commands/$c.toml"
    ln -s "$SHIM_JVM" "$B/agent/$c"
    [ -n "$SHIM_NATIVE" ] && ln -s "$SHIM_NATIVE" "$B/native/$c"
done
# git: the built-in module, with its workspace checks, on a repository of GIT_FILES files.
ln -s "$SHIM_JVM" "$B/agent/git"
printf '[commands]\nenable = ["true", "echo", "head", "sleep", "git", "truesec", "headsec"]\n' > "$CFG/config.toml"
for i in 1 2 3 4 5; do
    printf 'bench-secret-value-%s-%s' "$i" "$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
        | "$B/prefix/bin/airlock" secret set "bench_secret_$i" --config "$CFG" >/dev/null
done
grants='env = { S1 = "bench_secret_1", S2 = "bench_secret_2", S3 = "bench_secret_3", S4 = "bench_secret_4", S5 = "bench_secret_5" }'
printf 'commands = []\n[secrets.truesec]\n%s\n[secrets.headsec]\n%s\n[mounts]\n"%s" = "%s"\n' "$grants" "$grants" "$WORK" "$WORK" \
    > "$CFG/profiles/default.toml"
SOCK="$CFG/sockets/default.sock"
"$B/prefix/bin/airlock" start --config "$CFG" > "$B/daemon.log" 2>&1 &
DAEMON_PID=$!
for _ in $(seq 1 100); do [ -S "$SOCK" ] && break; sleep 0.1; done
[ -S "$SOCK" ] || { echo "bench/run.sh: the daemon did not start:" >&2; cat "$B/daemon.log" >&2; exit 1; }
export AIRLOCK_SOCKET="$SOCK"
cd "$WORK"
"$B/agent/true" || { echo "bench/run.sh: 'true' through airlock failed" >&2; exit 1; }

step "sshd on 127.0.0.1 with a throwaway host key"
mkdir -p "$B/ssh"
ssh-keygen -q -t ed25519 -N '' -f "$B/ssh/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$B/ssh/client_key"
cp "$B/ssh/client_key.pub" "$B/ssh/authorized_keys"
chmod 600 "$B/ssh/authorized_keys"
[ "$(id -u)" = 0 ] && mkdir -p /run/sshd   # sshd's privilege separation directory when run as root
SSH_PORT=""
for port in 42022 42122 42222 43022 44022; do
    cat > "$B/ssh/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $B/ssh/host_key
AuthorizedKeysFile $B/ssh/authorized_keys
PidFile $B/ssh/sshd.pid
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
EOF
    /usr/sbin/sshd -D -f "$B/ssh/sshd_config" -E "$B/ssh/sshd.log" &
    SSHD_PID=$!
    ok=0
    for _ in $(seq 1 20); do
        if ssh -F /dev/null -p "$port" -i "$B/ssh/client_key" -o BatchMode=yes -o StrictHostKeyChecking=no \
            -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR 127.0.0.1 true 2>/dev/null; then ok=1; break; fi
        sleep 0.2
    done
    if [ $ok = 1 ]; then SSH_PORT=$port; break; fi
    kill "$SSHD_PID" 2>/dev/null || true; wait "$SSHD_PID" 2>/dev/null || true; SSHD_PID=""
done
SSH_CMD="ssh -F /dev/null -p $SSH_PORT -i $B/ssh/client_key -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR 127.0.0.1 true"

# ---------------------------------------------------------------- per-call latency
# hyperfine -N: no shell in between; each variant RUNS sequential calls after 5 warm-ups.
latency() { # name env... -- command...
    local name=$1; shift
    local envs=()
    while [ "$1" != "--" ]; do envs+=("$1"); shift; done
    shift
    env "${envs[@]}" hyperfine -N --runs "$RUNS" --warmup 5 --export-csv "$B/lat-$name.csv" "$*" >&2
}
step "per-call latency: $RUNS sequential calls of 'true' per variant"
TRUE_BIN=$(command -v true)
latency direct A=1 -- "$TRUE_BIN"
latency jvm_aot A=1 -- "$B/agent/true"
latency jvm_noaot AIRLOCK_NO_AOT=1 -- "$B/agent/true"
[ -n "$SHIM_NATIVE" ] && latency native A=1 -- "$B/native/true"
# ssh costs ~0.5-1 s a call: a fifth of the runs keeps the whole script to a few minutes.
[ -n "$SSH_PORT" ] && RUNS_SAVE=$RUNS && RUNS=$((RUNS / 5)) && latency ssh A=1 -- "$SSH_CMD" && RUNS=$RUNS_SAVE

# ---------------------------------------------------------------- the issue-13 figures, each against its baseline
# Interleaved in ROUNDS rounds (one hyperfine -N per round, PER_ROUND runs of each command), so a
# burst of other work on the machine hits both sides; the figure is the median of the rounds' medians.
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
rounds() { # tag name=command...
    local tag=$1; shift
    local names=() cmds=() kv r i
    for kv in "$@"; do names+=("${kv%%=*}"); cmds+=("${kv#*=}"); done
    for r in $(seq 1 "$ROUNDS"); do
        hyperfine -N --runs "$PER_ROUND" --warmup 2 --export-csv "$B/round.csv" "${cmds[@]}" >/dev/null 2>&1 \
            || { echo "bench/run.sh: a round of $tag failed" >&2; return 1; }
        for i in "${!names[@]}"; do awk -F, -v row=$((i + 2)) 'NR == row { print $4 }' "$B/round.csv" >> "$B/rounds-$tag-${names[$i]}.txt"; done
    done
}
rmed() { median < "$B/rounds-$1-$2.txt"; } # tag name -> seconds

HELLO="$B/hello"
mkdir -p "$HELLO"
printf 'public class Hello { public static void main(String[] a) {} }\n' > "$HELLO/Hello.java"
printf 'public class Sleep { public static void main(String[] a) throws Exception { Thread.sleep(1000); } }\n' > "$HELLO/Sleep.java"
"$JAVA_HOME/bin/javac" -d "$HELLO" "$HELLO/Hello.java" "$HELLO/Sleep.java"
BARE="$JAVA -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp $HELLO"

step "one call of 'true' against a bare JVM start, $ROUNDS interleaved rounds"
rounds call bare="$BARE Hello" aot="$B/agent/true"

step "$PROCS simultaneous shim processes of 'sleep 1' against $PROCS bare JVMs sleeping 1 s"
at_once() { # N command... -> wall ms, and the failures into $B/at_once.fail
    local n=$1; shift
    local start end pids=() fail=0 p
    start=$(date +%s%N)
    for _ in $(seq 1 "$n"); do "$@" >/dev/null 2>&1 & pids+=($!); done
    for p in "${pids[@]}"; do wait "$p" || fail=$((fail + 1)); done
    end=$(date +%s%N)
    echo "$fail" > "$B/at_once.fail"
    echo $(( (end - start) / 1000000 ))
}
echo 5 > "/proc/$DAEMON_PID/clear_refs" 2>/dev/null || true   # resets the daemon's peak RSS (VmHWM)
PROCS_FAIL=0
for _ in 1 2; do
    at_once "$PROCS" $BARE Sleep >> "$B/procs-bare.txt"
    at_once "$PROCS" "$B/agent/sleep" 1 >> "$B/procs-shim.txt"
    PROCS_FAIL=$((PROCS_FAIL + $(cat "$B/at_once.fail")))
done
PROCS_HWM=$(awk '/^VmHWM/ { print $2 }' "/proc/$DAEMON_PID/status")

step "stdout of $BYTES bytes through the shim against head | cat"
got=$("$B/agent/head" -c "$BYTES" /dev/zero | wc -c)
[ "$got" = "$BYTES" ] || { echo "bench/run.sh: airlock delivered $got of $BYTES bytes" >&2; exit 1; }
rounds_save=$ROUNDS; per_save=$PER_ROUND; ROUNDS=$TPUT_RUNS; PER_ROUND=1
rounds stream pipe="sh -c 'head -c $BYTES /dev/zero | cat > /dev/null'" shim="sh -c '$B/agent/head -c $BYTES /dev/zero | cat > /dev/null'"
ROUNDS=$rounds_save; PER_ROUND=$per_save

step "issue 14: the same stream and a call of 'true' with five vault secrets injected and redacted"
rounds_save=$ROUNDS; per_save=$PER_ROUND; ROUNDS=$TPUT_RUNS; PER_ROUND=1
rounds secstream plain="sh -c '$B/agent/head -c $SECBYTES /dev/zero | cat > /dev/null'" secrets="sh -c '$B/agent/headsec -c $SECBYTES /dev/zero | cat > /dev/null'"
ROUNDS=$rounds_save; PER_ROUND=$per_save
rounds seccall plain="$B/agent/true" secrets="$B/agent/truesec"

GIT_ROW=""
if command -v git >/dev/null 2>&1; then
    step "git status in a repository of $GIT_FILES files through the shim against 'true' through the shim"
    REPO="$WORK/repo"
    mkdir -p "$REPO"
    (cd "$REPO" && git init -q && for i in $(seq 1 "$GIT_FILES"); do d=d$((i % 20)); mkdir -p "$d"; echo "$i" > "$d/f$i.txt"; done \
        && git add -A && git -c user.email=bench@localhost -c user.name=bench commit -qm files)
    cd "$REPO"
    "$B/agent/git" status >/dev/null || { echo "bench/run.sh: git status through airlock failed" >&2; exit 1; }
    rounds git true="$B/agent/true" status="$B/agent/git status" direct="$(command -v git) status"
    # Host processes per call: every execve of the daemon's process tree during one call.
    if command -v strace >/dev/null 2>&1; then
        strace -f -qq -e trace=execve -e signal=none -p "$DAEMON_PID" -o "$B/git-execve.txt" & STRACE_PID=$!
        sleep 1
        "$B/agent/git" status >/dev/null
        sleep 0.5
        kill "$STRACE_PID" 2>/dev/null; wait "$STRACE_PID" 2>/dev/null || true
        grep 'execve(' "$B/git-execve.txt" | grep -v 'resumed\|= -1' | sed 's/^[0-9]* //; s/, 0x[0-9a-f]* .*//' > "$B/git-procs.txt" || true
    fi
    cd "$WORK"

    # The same git status inside a container built as docs/deploy/agent-jvm.Dockerfile builds it,
    # against the host launcher; bench/container.sh writes "not measured: why" when it cannot.
    step "git status in a container (jlinked JRE, AOT cache trained in the image) against the host launcher, $ROUNDS interleaved rounds"
    mkdir -p "$B/container"
    "$ROOT/bench/container.sh" "$B/container" "$SOCK" "$WORK" "$REPO" "$B/agent/git" "$B/prefix/lib/airlock/airlock-shim.jar" \
        "$ROUNDS" "$PER_ROUND" || echo "bench/container.sh exited with $?" > "$B/container/container-skipped.txt"
fi

# ---------------------------------------------------------------- daemon-side overhead
step "daemon-side overhead: $OVERHEAD sessions of 'echo x' (in-process client) vs direct spawn"
LOAD=("$JAVA" -cp "$B/prefix/lib/airlock/airlock-shim.jar" "$ROOT/bench/Load.java" "$SOCK" "$WORK" "$DAEMON_PID")
"${LOAD[@]}" overhead "$OVERHEAD" > "$B/overhead.txt"
step "issue 14, daemon side: sessions of 'true' with and without five secrets, in-process client, 3 interleaved rounds"
for _ in 1 2 3; do
    "${LOAD[@]}" sequential "$SECSESSIONS" true | awk '$1 == "session_p50_us" { print $2 }' >> "$B/sec-plain.txt"
    "${LOAD[@]}" sequential "$SECSESSIONS" truesec | awk '$1 == "session_p50_us" { print $2 }' >> "$B/sec-five.txt"
done

# ---------------------------------------------------------------- concurrency and descriptors
step "$CONCURRENT simultaneous sessions of 'sleep 1'"
"${LOAD[@]}" concurrent "$CONCURRENT" sleep 1 > "$B/concurrent.txt"
step "$SEQUENTIAL sequential sessions of 'true'"
"${LOAD[@]}" sequential "$SEQUENTIAL" true > "$B/sequential.txt"

# ---------------------------------------------------------------- policy decision (JMH)
# The policy engineer's benchmark (airlock-rules/src/jmh, run by bench/jmh-rules.sh).
if [ -x "$ROOT/bench/jmh-rules.sh" ]; then
    step "policy decision cost: bench/jmh-rules.sh"
    jmh_runs=(-f 1 -wi 3 -w 1 -i 5 -r 1); [ "$QUICK" = 1 ] && jmh_runs=(-f 1 -wi 1 -w 1 -i 2 -r 1)
    "$ROOT/bench/jmh-rules.sh" "${jmh_runs[@]}" -rf csv -rff "$B/jmh.csv" >&2 || echo "bench/run.sh: JMH failed" >&2
fi

# ---------------------------------------------------------------- the proxy engineer's benchmark
if [ -x "$ROOT/bench/proxy.sh" ]; then
    step "bench/proxy.sh"
    # Its own daemon and repository: git-shaped figures next to the trivial-command ones above.
    if [ "$QUICK" = 1 ]; then proxy_env=(RUNS=10 MB=64); else proxy_env=(RUNS=20 MB=128); fi
    # Judged by its output: its exit status carries its daemon's SIGTERM (143) from its cleanup.
    (cd "$ROOT" && env "${proxy_env[@]}" "$ROOT/bench/proxy.sh") > "$B/proxy.md" 2>"$B/proxy.log" || true
    grep -q '^| ' "$B/proxy.md" \
        || { echo "bench/proxy.sh failed:"; echo; echo '```'; tail -n 5 "$B/proxy.log"; echo '```'; } > "$B/proxy.md"
fi

# ---------------------------------------------------------------- the report
csv_field() { # file field-number -> seconds (line 2)
    awk -F, -v f="$2" 'NR == 2 { print $f }' "$1"
}
ms() { awk -v s="$1" 'BEGIN { printf "%.2f ms", s * 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) print "n/a"; else if (a / b < 1) printf "%.3f×", a / b; else printf "%.1f×", a / b }'; }
kv() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }

lat_row() { # name label
    local f="$B/lat-$1.csv"
    [ -f "$f" ] || return 0
    local med min max
    med=$(csv_field "$f" 4); min=$(csv_field "$f" 7); max=$(csv_field "$f" 8)
    local vs_ssh="n/a"
    [ -f "$B/lat-ssh.csv" ] && vs_ssh=$(ratio "$med" "$(csv_field "$B/lat-ssh.csv" 4)")
    printf '| %s | %s | %s | %s | %s | %s |\n' "$2" "$(ms "$med")" "$(ms "$min")" "$(ms "$max")" \
        "$(ratio "$med" "$(csv_field "$B/lat-direct.csv" 4)")" "$vs_ssh"
}

container_row() {
    local c="$B/container" label="\`git status\` in a container through the shim (jlinked JRE, AOT cache trained in the image: the docs/deploy/agent-jvm.Dockerfile recipe)"
    if [ -f "$c/rounds-container-aot.txt" ] && [ ! -f "$c/container-skipped.txt" ]; then
        local host aot nocache
        host=$(median < "$c/rounds-container-host.txt"); aot=$(median < "$c/rounds-container-aot.txt"); nocache=$(median < "$c/rounds-container-nocache.txt")
        echo "| $label | $(ms "$aot") | the same \`git status\` through the host launcher, interleaved: $(ms "$host") (the same container without the cache: $(ms "$nocache"), $(ratio "$nocache" "$host")) | $(ratio "$aot" "$host") | <= 1.3× the host figure |"
    elif [ -f "$c/container-skipped.txt" ]; then
        echo "| $label | not measured: $(head -n 1 "$c/container-skipped.txt" | tr '|' '/') | | | <= 1.3× the host figure |"
    else
        echo "| $label | not measured: no git on this machine | | | <= 1.3× the host figure |"
    fi
}
container_note() {
    local i="$B/container/container-info.txt"
    [ -f "$i" ] && [ ! -f "$B/container/container-skipped.txt" ] || return 0
    val() { sed -n "s/^$1 //p" "$i"; }
    echo
    echo "The container row: $(val engine), every container \`--network none\`; \`hyperfine -N\` runs inside one long-lived container, so neither \`docker run\` nor \`docker exec\` is timed, alternating round by round with the host's. The image, made with \`docker import\`: a $(val jre_mib) MiB jlinked JRE, the shim jar and the Dockerfile's launcher; its $(val aot_mib) MiB AOT cache was trained by the Dockerfile's \`AotTraining --self-contained\` step in a container of that image ($(val train_ms) ms), then committed; the JVM maps it (\`-XX:AOTMode=on\` succeeds): $(val aot_used). Load average during these rounds: $(val load_before) → $(val load_after). The container part took $(val total_s) s, $(val setup_s) s of it setup."
}

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)
jdk=$("$JAVA" -version 2>&1 | head -n 1)
report="$B/report.md"
{
    echo "<!-- bench:begin (generated by bench/run.sh; edit the text around it, not inside) -->"
    echo "### Results of $(date -u '+%Y-%m-%d %H:%M UTC')$([ "$QUICK" = 1 ] && echo ' (--quick: reduced sizes, not the reference run)')"
    echo
    echo "Machine: $(nproc) cores ($cpu), $(awk '/MemTotal/ { printf "%.1f GiB RAM", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r); JDK: $jdk; $(hyperfine --version)."
    echo "Load average (1/5/15 min) at the start: $LOAD_BEFORE; at the end: $(cut -d' ' -f1-3 /proc/loadavg). Other work on the machine inflates every figure, the airlock ones (several processes per call) more than the baselines."
    echo "Reproduce: \`bench/run.sh\` (from a checkout, a few minutes)."
    echo
    echo "#### The figures of issue 13, each against its baseline from this run"
    echo
    echo "Interleaved: $ROUNDS rounds of \`hyperfine -N\` ($PER_ROUND runs of each command per round; the stream: $TPUT_RUNS rounds of one run), figure = median of the rounds' medians; the $PROCS-process figures: 2 alternating runs each, mean."
    echo
    echo "| figure | airlock | baseline in the same run | ratio | goal |"
    echo "|---|---|---|---|---|"
    c_bare=$(rmed call bare); c_aot=$(rmed call aot)
    echo "| one call of \`true\`, JVM shim with its AOT cache (the installed launcher) | $(ms "$c_aot") | a bare JVM start (\`java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp DIR Hello\`, empty main): $(ms "$c_bare") | $(ratio "$c_aot" "$c_bare") | <= 1.5× |"
    s_pipe=$(rmed stream pipe); s_shim=$(rmed stream shim)
    gibs() { awk -v b="$BYTES" -v s="$1" 'BEGIN { if (s <= 0) print "n/a"; else printf "%.2f GiB/s", b / s / 1073741824 }'; }
    echo "| $((BYTES / 1048576)) MiB of stdout through the shim (\`head -c N /dev/zero\` through airlock \`| cat\`) | $(gibs "$s_shim") | \`head -c N /dev/zero \| cat\`: $(gibs "$s_pipe") | $(ratio "$s_pipe" "$s_shim") | >= 0.5× |"
    p_bare=$(awk '{ s += $1 } END { print s / NR / 1000 }' "$B/procs-bare.txt"); p_shim=$(awk '{ s += $1 } END { print s / NR / 1000 }' "$B/procs-shim.txt")
    echo "| $PROCS concurrent \`sleep 1\` calls (shim processes; failures: $PROCS_FAIL; daemon peak RSS $((PROCS_HWM / 1024)) MiB, goal <= 256) | $(awk -v s="$p_shim" 'BEGIN { printf "%.1f s", s }') | $PROCS concurrent bare JVM starts, each then sleeping 1 s: $(awk -v s="$p_bare" 'BEGIN { printf "%.1f s", s }') | $(ratio "$p_shim" "$p_bare") | <= 1.3× |"
    if [ -f "$B/rounds-git-status.txt" ]; then
        g_true=$(rmed git true); g_status=$(rmed git status); g_direct=$(rmed git direct)
        nproc_git=$( [ -f "$B/git-procs.txt" ] && grep -vc jspawnhelper "$B/git-procs.txt" || echo "not counted (no strace)")
        echo "| \`git status\` in a repository of $GIT_FILES files through the shim | $(ms "$g_status") | a call of \`true\` through the shim, interleaved: $(ms "$g_true") (direct \`git status\`: $(ms "$g_direct")) | $(ratio "$g_status" "$g_true") | <= 1.2× |"
    else
        echo "| \`git status\` through the shim | not measured: no git on this machine | | | |"
    fi
    container_row
    if [ -f "$B/git-procs.txt" ]; then
        echo
        echo "Host processes the daemon started for one \`git status\` ($(grep -vc jspawnhelper "$B/git-procs.txt") programs; each is spawned through the JDK's \`jspawnhelper\`, $(grep -c jspawnhelper "$B/git-procs.txt") of those):"
        echo
        echo '```'
        grep -v jspawnhelper "$B/git-procs.txt" | sed 's/^execve("[^"]*", \[//; s/\]$//; s/", "/ /g; s/"//g'
        echo '```'
    fi
    container_note
    echo
    echo "#### Secrets (issue 14): five vault secrets injected into the run and redacted from its output"
    echo
    echo "| figure | with five secrets | the same without secrets, same run | ratio | goal |"
    echo "|---|---|---|---|---|"
    ss_plain=$(rmed secstream plain); ss_sec=$(rmed secstream secrets)
    gibs_sec() { awk -v b="$SECBYTES" -v s="$1" 'BEGIN { if (s <= 0) print "n/a"; else printf "%.2f GiB/s", b / s / 1073741824 }'; }
    echo "| $((SECBYTES / 1048576)) MiB of stdout through the proxy, redaction on | $(gibs_sec "$ss_sec") | $(gibs_sec "$ss_plain") | $(ratio "$ss_plain" "$ss_sec") of the throughput | >= 0.8× |"
    sc_plain=$(rmed seccall plain); sc_sec=$(rmed seccall secrets)
    echo "| one call of \`true\` through the shim (vault read, five values decrypted, redactor built) | $(ms "$sc_sec") | $(ms "$sc_plain") | +$(awk -v a="$sc_sec" -v b="$sc_plain" 'BEGIN { printf "%.2f ms", (a - b) * 1000 }') a call (two ~50 ms medians: about ±1 ms of noise) | < 2 ms added |"
    sp=$(median < "$B/sec-plain.txt"); sf=$(median < "$B/sec-five.txt")
    echo "| the same on the daemon's side alone ($SECSESSIONS sessions per round from an in-process client, median of 3 interleaved rounds' p50) | $sf µs | $sp µs | +$(awk -v a="$sf" -v b="$sp" 'BEGIN { printf "%.2f ms", (a - b) / 1000 }') a call | < 2 ms added |"
    echo
    echo "#### Per-call latency: $RUNS sequential calls of \`true\`"
    echo
    echo "| Variant | median | min | max | vs direct exec | vs ssh |"
    echo "|---|---|---|---|---|---|"
    lat_row direct "direct exec of \`true\` (baseline)"
    lat_row jvm_aot "airlock, JVM shim with the AOT cache (the default install)"
    lat_row jvm_noaot "airlock, JVM shim without the AOT cache"
    if [ -n "$SHIM_NATIVE" ]; then lat_row native "airlock, native shim"
    else echo "| airlock, native shim | not measured: no GraalVM native-image on this machine | | | | |"; fi
    if [ -n "$SSH_PORT" ]; then lat_row ssh "\`ssh -p $SSH_PORT 127.0.0.1 true\` (local sshd, ed25519 key; $((RUNS / 5)) runs)"
    else echo "| ssh to a local sshd | not measured: sshd did not start | | | | |"; fi
    echo
    echo "#### Daemon-side overhead: request received → process started"
    echo
    echo "Measured from outside the daemon (no timestamp inside it): an in-process client sends \`echo x\` through"
    echo "the daemon and times request sent → first stdout byte; the same client spawns \`echo x\` itself and"
    echo "times start → first byte. The difference is what the daemon adds (decision, plan, spawn, framing)."
    echo "$(kv "$B/overhead.txt" samples) samples each, interleaved, after 50 warm-ups; failures: $(kv "$B/overhead.txt" failures)."
    echo
    echo "| | p50 | p99 |"
    echo "|---|---|---|"
    echo "| through airlock | $(kv "$B/overhead.txt" via_p50_us) µs | $(kv "$B/overhead.txt" via_p99_us) µs |"
    echo "| direct spawn (baseline) | $(kv "$B/overhead.txt" direct_p50_us) µs | $(kv "$B/overhead.txt" direct_p99_us) µs |"
    echo "| **daemon overhead** (difference) | **$(kv "$B/overhead.txt" overhead_p50_us) µs** | $(kv "$B/overhead.txt" overhead_p99_us) µs (difference of two tails: indicative only) |"
    echo
    echo "#### Concurrency: $(kv "$B/concurrent.txt" sessions) simultaneous sessions of \`sleep 1\`"
    echo
    echo "| wall time | failures | daemon RSS before → max | daemon threads before → max |"
    echo "|---|---|---|---|"
    echo "| $(kv "$B/concurrent.txt" wall_ms) ms (ideal: 1000 ms, ratio $(ratio "$(kv "$B/concurrent.txt" wall_ms)" 1000)) | $(kv "$B/concurrent.txt" failures) | $(( $(kv "$B/concurrent.txt" rss_kb_before) / 1024 )) → $(( $(kv "$B/concurrent.txt" rss_kb_max) / 1024 )) MiB | $(kv "$B/concurrent.txt" threads_before) → $(kv "$B/concurrent.txt" threads_max) |"
    err=$(kv "$B/concurrent.txt" first_error); [ -n "$err" ] && echo && echo "First failure: \`$(grep '^first_error' "$B/concurrent.txt" | cut -d' ' -f2-)\`"
    echo
    echo "#### Then $(kv "$B/sequential.txt" sessions) sequential sessions of \`true\`"
    echo
    echo "| wall time | failures | per session p50 / p99 | daemon open fds before → after | threads after | RSS after |"
    echo "|---|---|---|---|---|---|"
    echo "| $(kv "$B/sequential.txt" wall_ms) ms | $(kv "$B/sequential.txt" failures) | $(kv "$B/sequential.txt" session_p50_us) / $(kv "$B/sequential.txt" session_p99_us) µs | $(kv "$B/sequential.txt" fds_before) → $(kv "$B/sequential.txt" fds_after) | $(kv "$B/sequential.txt" threads_after) | $(( $(kv "$B/sequential.txt" rss_kb_after) / 1024 )) MiB |"
    echo
    echo "#### Policy decision cost (JMH)"
    echo
    if [ -f "$B/jmh.csv" ]; then
        echo "| Benchmark | mode | score | error | unit |"
        echo "|---|---|---|---|---|"
        awk -F, 'NR > 1 { gsub(/"/, ""); printf "| %s | %s | %.3f | ±%.3f | %s |\n", $1, $2, $5, $6, $7 }' "$B/jmh.csv"
    else
        echo "Not measured: bench/jmh-rules.sh is missing or failed (see the run's output)."
    fi
    if [ -f "$B/proxy.md" ]; then
        echo
        echo "#### git through airlock (bench/proxy.sh, the proxy's own benchmark, folded in)"
        echo
        cat "$B/proxy.md"
    fi
    echo "<!-- bench:end -->"
} > "$report"

# Replace the generated section of OUT (or append it).
mkdir -p "$(dirname "$OUT")"
touch "$OUT"
if grep -q '<!-- bench:begin' "$OUT"; then
    awk -v r="$report" '/<!-- bench:begin/ { while ((getline l < r) > 0) print l; skip = 1; next }
        /<!-- bench:end -->/ { skip = 0; next } !skip' "$OUT" > "$B/out.md"
    cat "$B/out.md" > "$OUT"
else
    cat "$report" >> "$OUT"
fi
step "results written to $OUT"
cat "$report"
