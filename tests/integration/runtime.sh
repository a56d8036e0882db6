# runtime.sh: skiff-runtime, the OCI runtime (docs/runtime.md): hand-made bundles driven with
# its own commands (the lifecycle, hostile bundles, runc for the rest), then a real Docker
# engine with `docker run --runtime=skiff` (no --device, no --cap-add).
# Traffic stays on loopback and Docker's default bridge; every image and container it makes is
# removed at the end, and the engine's daemon.json is given back.
. "$(dirname "$0")/../lib.sh"
G=$BUILD/tests/guest
RT=$PWD/$BUILD/skiff-runtime
ROOT=$TMP/state/ns  # two levels that do not exist yet, like containerd's root per namespace
ID=skiff-rt-$$
export ARCH=${ARCH:-$(uname -m)} SKIFF_BUILD=$BUILD

make --no-print-directory -s runtime >"$TMP/out" 2>&1 || { fail runtime-build "$(tail -1 "$TMP/out")"; exit 0; }
! readelf -l "$RT" | grep -q INTERP && pass runtime-static || fail runtime-static "$RT is dynamically linked"
expect runtime-version 0 '^skiff-runtime version' '^spec: 1\.' -- "$RT" --version

# bundle DIR KERNEL MARKER ARGS-JSON [EXTRA-CONFIG-JSON]: a bundle whose rootfs holds KERNEL
# as /unikernel.hvt and MARKER as /skiff.json (none if empty).
bundle() {
    local dir=$1 kernel=$2 marker=$3 args=$4 extra=${5:-}
    mkdir -p "$dir/rootfs"
    [ -z "$kernel" ] || cp "$kernel" "$dir/rootfs/unikernel.hvt"
    [ -z "$marker" ] || echo "$marker" >"$dir/rootfs/skiff.json"
    cat >"$dir/config.json" <<JSON
{"ociVersion": "1.0.2", "root": {"path": "rootfs"}, "hostname": "uk",
 "process": {"args": $args, "cwd": "/"},
 "linux": {"namespaces": [{"type": "pid"}, {"type": "mount"}, {"type": "uts"}, {"type": "ipc"},
                          {"type": "network"}]${extra:+, $extra}}}
JSON
}
RTC=("$RT" --root "$ROOT" --log "$TMP/log.json" --log-format json)
rt() { "${RTC[@]}" "$@"; }
# wait_stopped ID: until the container's process has gone (at most 20 s).
wait_stopped() {
    for _ in $(seq 200); do
        rt state "$1" 2>/dev/null | grep -q '"status":"stopped"' && return 0
        sleep 0.1
    done
    return 1
}

echo "-- lifecycle (skiff-runtime create/start/state/kill/delete)"
MARK='{"kernel": "/unikernel.hvt", "mem": 32}'
bundle "$TMP/hello" "$G/hello.hvt" "$MARK" '["/skiff", "--mem=64", "/unikernel.hvt", "--mem=1", "--block:x=/etc/shadow", "@IP"]'
if rt create --bundle "$TMP/hello" --pid-file "$TMP/hello.pid" c-hello >"$TMP/hello.out" 2>&1; then
    pid=$(cat "$TMP/hello.pid")
    expect state-created 0 '"status":"created"' "\"pid\":$pid" '"ociVersion":"1\.0\.2"' "\"bundle\":\"$TMP/hello\"" -- "${RTC[@]}" state c-hello
    # The process waits in its own namespaces: a new PID namespace, where it is PID 1.
    [ "$(readlink /proc/"$pid"/ns/pid)" != "$(readlink /proc/self/ns/pid)" ] &&
        grep -q '^NSpid:.*[[:space:]]1$' /proc/"$pid"/status && pass pid-namespace ||
        fail pid-namespace "$(grep NSpid /proc/"$pid"/status)"
    expect ps-json 0 "^\[$pid\]\$" -- "${RTC[@]}" ps --format json c-hello
    expect start 0 -- "${RTC[@]}" start c-hello
    if wait_stopped c-hello; then
        # process.args after the kernel are the guest's arguments, even when they look like
        # skiff options: they reach the guest verbatim and configure nothing.
        cp "$TMP/hello.out" "$TMP/out"
        judge hello-output 0 0 'Hello, world' 'cmdline: "--mem=1 --block:x=/etc/shadow @IP"' \
            'SUCCESS' && pass hello-output
    else
        fail hello-output "still running after 20 s"
    fi
    expect state-stopped 0 '"status":"stopped"' -- "${RTC[@]}" state c-hello
    expect start-stopped 1 'is stopped' -- "${RTC[@]}" start c-hello
    expect delete 0 -- "${RTC[@]}" delete c-hello
    [ ! -e "$ROOT/c-hello" ] && pass state-removed || fail state-removed "$ROOT/c-hello is left"
else
    cp "$TMP/hello.out" "$TMP/out"
    fail create "$(tail -1 "$TMP/out")"
fi
# kill and delete --force on a created and on a running container.
if rt create --bundle "$TMP/hello" c-kill >/dev/null 2>&1; then
    expect kill-created 0 -- "${RTC[@]}" kill c-kill KILL
    wait_stopped c-kill && pass kill-stops || fail kill-stops "still alive"
    expect delete-after-kill 0 -- "${RTC[@]}" delete c-kill
fi
if rt create --bundle "$TMP/hello" c-force >/dev/null 2>&1; then
    expect delete-force 0 -- "${RTC[@]}" delete --force c-force
    [ ! -e "$ROOT/c-force" ] && pass delete-force-removed || fail delete-force-removed "state left"
fi
expect duplicate-id 1 'exists' -- sh -c "'$RT' --root '$ROOT' create --bundle '$TMP/hello' dup && '$RT' --root '$ROOT' create --bundle '$TMP/hello' dup"
rt delete --force dup >/dev/null 2>&1
expect unknown-id-to-runc 1 'does not exist|not exist' -- "${RTC[@]}" state no-such-container

echo "-- runc for everything else"
bundle "$TMP/plain" "" "" '["/hello"]'
# SKIFF_RUNC stands in for runc here: the argv it is given must be ours, untouched.
expect runc-passthrough 0 "^--root $ROOT create --bundle $TMP/plain --pid-file /x c-plain\$" -- \
    env SKIFF_RUNC=/bin/echo "$RT" --root "$ROOT" create --bundle "$TMP/plain" --pid-file /x c-plain
expect runc-features 0 '"ociVersionMin"' -- "$RT" features

echo "-- hostile bundles"
echo sentinel >"$TMP/outside"
outside_before=$(stat -c '%Y %s' "$TMP/outside" /etc/passwd)
hostile() { # NAME PATTERN MARKER ARGS [EXTRA-CONFIG [SETUP-SHELL-COMMAND]]
    local name=$1 pat=$2 marker=$3 args=$4 extra=${5:-} setup=${6:-}
    rm -rf "$TMP/h-$name"
    bundle "$TMP/h-$name" "$G/hello.hvt" "$marker" "$args" "$extra"
    [ -z "$setup" ] || (cd "$TMP/h-$name/rootfs" && sh -c "$setup")
    expect "hostile-$name" 1 "^skiff-runtime: .*$pat" -- "${RTC[@]}" create --bundle "$TMP/h-$name" "h-$name"
    [ "$(wc -l <"$TMP/out")" = 1 ] || fail "hostile-$name-one-line" "$(wc -l <"$TMP/out") lines"
    [ ! -e "$ROOT/h-$name" ] || fail "hostile-$name-state" "state left in $ROOT/h-$name"
}
hostile kernel-symlink 'kernel /unikernel.hvt: is or passes through a symlink, refused' "$MARK" '[]' '' \
    'rm unikernel.hvt && ln -s /etc/passwd unikernel.hvt'
hostile kernel-dir-symlink 'kernel /up/etc/passwd: is or passes through a symlink' \
    '{"kernel": "/up/etc/passwd"}' '[]' '' 'ln -s / up'
hostile kernel-dotdot "kernel /../../../etc/passwd: '..' is not allowed" '{"kernel": "/../../../etc/passwd"}' '[]'
hostile kernel-missing 'kernel /nope.hvt: No such file' '{"kernel": "/nope.hvt"}' '[]'
hostile marker-symlink 'marker /skiff.json: is or passes through a symlink' '' '[]' '' \
    "ln -s $TMP/outside skiff.json"
hostile marker-not-json '/skiff.json: not a JSON object' '{"kernel": ' '[]'
hostile marker-oversized '/skiff.json: .* more than the 65536' "{\"kernel\": \"/unikernel.hvt\", \"x\": \"$(head -c 70000 /dev/zero | tr '\0' a)\"}" '[]'
hostile mem-huge '"mem": expected MiB, 1 to 4096' '{"kernel": "/unikernel.hvt", "mem": 1000000}' '[]'
hostile iface-option '"iface" name of at most 15' '{"kernel": "/unikernel.hvt", "net": [{"name": "service0", "iface": "--block:x=/etc/shadow"}]}' '[]'
hostile net-name '"name" of letters and digits' '{"kernel": "/unikernel.hvt", "net": [{"name": "a=b --mem", "iface": "eth0"}]}' '[]'
hostile block-not-mounted 'block device storage: nothing is mounted at /disk.img' '{"kernel": "/unikernel.hvt", "block": [{"name": "storage", "path": "/disk.img"}]}' '[]'
hostile memory-limit "memory limit \(16 MiB\) is below the guest's memory \(64 MiB\)" '{"kernel": "/unikernel.hvt", "mem": 64}' '[]' \
    '"resources": {"memory": {"limit": 16777216}}'
hostile user-namespace 'user namespaces are not supported for unikernel containers' "$MARK" '[]' \
    '"uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}], "namespaces": [{"type": "user"}]'
hostile args-not-strings 'process.args: not an array of at most' "$MARK" '["/skiff", 1]'
hostile urunc-dotdot "kernel /../outside: '..' is not allowed" '' '[]' \
    '"namespaces": []}, "annotations": {"com.urunc.unikernel.hypervisor": "hvt", "com.urunc.unikernel.binary": "/../outside"'
hostile urunc-no-binary 'com.urunc.unikernel.binary' '' '[]' \
    '"namespaces": []}, "annotations": {"com.urunc.unikernel.hypervisor": "hvt"'
# config.json itself: over 1 MiB is refused before it is parsed.
rm -rf "$TMP/h-big" && bundle "$TMP/h-big" "$G/hello.hvt" "$MARK" '[]'
{ printf '{"pad": "'; head -c 1100000 /dev/zero | tr '\0' a; printf '", '; tail -c +2 "$TMP/h-big/config.json"; } >"$TMP/big.json"
mv "$TMP/big.json" "$TMP/h-big/config.json"
expect hostile-config-oversized 1 'config.json: [0-9]+ bytes, more than the 1048576' -- "${RTC[@]}" create --bundle "$TMP/h-big" h-big
expect hostile-id 1 "invalid container id '\.\./escape'" -- "${RTC[@]}" create --bundle "$TMP/hello" ../escape
[ ! -e "$TMP/escape" ] && [ ! -e "$ROOT/../escape" ] && pass hostile-id-nothing-made || fail hostile-id-nothing-made "a directory was made"
[ "$(stat -c '%Y %s' "$TMP/outside" /etc/passwd)" = "$outside_before" ] && [ "$(cat "$TMP/outside")" = sentinel ] &&
    pass hostile-nothing-touched || fail hostile-nothing-touched "a file outside the bundles changed"
# The log (--log-format json) carries the errors as runc's JSON lines, which engines read.
[ -s "$TMP/log.json" ] && tail -1 "$TMP/log.json" | jq -e '.level == "error" and (.msg | length > 0)' >/dev/null 2>&1 &&
    pass log-json || fail log-json "$(tail -1 "$TMP/log.json")"
# A urunc-style bundle: the hypervisor, binary and cmdline annotations; the cmdline is the
# guest's, never skiff's options.
rm -rf "$TMP/urunc" && bundle "$TMP/urunc" "$G/hello.hvt" '' '["ignored"]' \
    '"namespaces": [{"type": "pid"}]}, "annotations": {"com.urunc.unikernel.hypervisor": "hvt", "com.urunc.unikernel.binary": "/unikernel.hvt", "com.urunc.unikernel.cmdline": "--mem=4096 from urunc"'
if rt create --bundle "$TMP/urunc" c-urunc >"$TMP/urunc.out" 2>&1 && rt start c-urunc && wait_stopped c-urunc; then
    cp "$TMP/urunc.out" "$TMP/out"
    judge urunc-annotations 0 0 'cmdline: "--mem=4096 from urunc"' && pass urunc-annotations
else
    cp "$TMP/urunc.out" "$TMP/out"
    fail urunc-annotations "$(tail -1 "$TMP/out")"
fi
rt delete --force c-urunc >/dev/null 2>&1

echo "-- docker run --runtime=skiff"
DAEMON_JSON=/etc/docker/daemon.json
cleanup() {
    if [ -n "${CTR_SOCK:-}" ]; then
        $CTR tasks ls -q 2>/dev/null | xargs -r -n1 $CTR tasks kill -s SIGKILL >/dev/null 2>&1
        $CTR containers ls -q 2>/dev/null | xargs -r $CTR containers rm >/dev/null 2>&1
        $CTR images ls -q 2>/dev/null | xargs -r $CTR images rm >/dev/null 2>&1
        ctr --address "$CTR_SOCK" namespaces rm "$ID" >/dev/null 2>&1
    fi
    docker ps -aq --filter "label=$ID" 2>/dev/null | xargs -r docker rm -f >/dev/null 2>&1
    docker images --format '{{.Repository}}:{{.Tag}}' --filter "reference=$ID/*" 2>/dev/null |
        xargs -r docker rmi >/dev/null 2>&1
    if [ -f "$TMP/daemon.json.orig" ]; then
        cp "$TMP/daemon.json.orig" "$DAEMON_JSON"
    elif [ -n "${made_daemon_json:-}" ]; then
        rm -f "$DAEMON_JSON"
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
# Declare the runtime in daemon.json (keeping what is there), then start the engine or make a
# running one reload it (dockerd rereads "runtimes" on SIGHUP).
mkdir -p /etc/docker
if [ -f "$DAEMON_JSON" ]; then cp "$DAEMON_JSON" "$TMP/daemon.json.orig"; else made_daemon_json=1; fi
{ cat "$DAEMON_JSON" 2>/dev/null || echo '{}'; } | jq --arg p "$RT" '.runtimes.skiff.path = $p' >"$TMP/daemon.json" &&
    cp "$TMP/daemon.json" "$DAEMON_JSON" || fail docker-daemon-json "cannot write $DAEMON_JSON"
pid=$(cat /var/run/docker.pid 2>/dev/null || true)
[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && kill -HUP "$pid"
# Under the shell VM's emulated CPU, dockerd's own containerd sometimes misses dockerd's start
# timeout when the host is busy; a second start then finds it quicker.
if ! tools/start-dockerd >"$TMP/out" 2>&1 && ! tools/start-dockerd >"$TMP/out" 2>&1; then
    fail docker-engine "no Docker engine, so none of the Docker cases ran: $(tail -1 "$TMP/out")"
    exit 0
fi
for _ in $(seq 50); do
    docker info --format '{{json .Runtimes}}' 2>/dev/null | grep -q "\"skiff\":{\"path\":\"$RT\"" && break
    sleep 0.2
done
expect docker-runtime-registered 0 "\"skiff\":\{\"path\":\"$RT\"" -- docker info --format '{{json .Runtimes}}'

image() { # NAME KERNEL [skiff-image args]
    local name=$1
    shift
    tools/skiff-image -t "$ID/$name" "$@" >"$TMP/out" 2>&1 || { fail "image-$name" "skiff-image failed: $(tail -1 "$TMP/out")"; return 1; }
}
image hello "$G/hello.hvt" -- hello from a container &&
    image exit "$G/exit.hvt" -- 7 &&
    image httpd "$G/httpd.hvt" -- @IP 8080 && pass images
# A plain container: a static hello, built here, FROM scratch.
mkdir -p "$TMP/plainctx"
printf '#include <stdio.h>\nint main(void) { puts("plain hello via runc"); return 3; }\n' >"$TMP/plainctx/hello.c"
gcc -static -O2 -o "$TMP/plainctx/hello" "$TMP/plainctx/hello.c" &&
    printf 'FROM scratch\nCOPY hello /\nCMD ["/hello"]\n' >"$TMP/plainctx/Dockerfile" &&
    DOCKER_BUILDKIT=0 docker build -q -t "$ID/plain" "$TMP/plainctx" >/dev/null 2>&1 || fail image-plain "cannot build"

RUN="docker run --label $ID --runtime=skiff"
expect docker-plain-runc 3 '^plain hello via runc$' -- $RUN --rm "$ID/plain"
need_kvm docker-runtime || exit 0
expect docker-hello 0 'Hello, world' 'cmdline: "hello from a container"' 'SUCCESS' -- $RUN --rm "$ID/hello"
expect docker-hello-args 0 'cmdline: "--net-from:x=lo --mem=1"' -- $RUN --rm "$ID/hello" --net-from:x=lo --mem=1
expect docker-exit-code 7 'solo5_exit\(7\)' -- $RUN --rm "$ID/exit"
expect docker-exit-code-arg 42 -- $RUN --rm "$ID/exit" 42
expect docker-tty 0 'Hello, world' -- $RUN --rm -t "$ID/hello"

wait_for() { # CONTAINER WORD: until the container's log shows WORD (at most 20 s)
    for _ in $(seq 200); do
        docker logs "$1" 2>&1 | grep -q "$2" && return 0
        sleep 0.1
    done
    docker logs "$1" >"$TMP/out" 2>&1
    return 1
}
if $RUN -d --name "$ID-logs" "$ID/hello" >/dev/null && [ "$(docker wait "$ID-logs")" = 0 ]; then
    expect docker-logs 0 'Hello, world' -- docker logs "$ID-logs"
else
    fail docker-logs "hello did not exit 0"
fi
if $RUN -d --name "$ID-httpd" -p 127.0.0.1::8080 "$ID/httpd" >/dev/null && wait_for "$ID-httpd" SERVING; then
    ip=$(docker inspect -f '{{.NetworkSettings.IPAddress}}' "$ID-httpd")
    port=$(docker port "$ID-httpd" 8080/tcp | head -1)
    docker logs "$ID-httpd" 2>&1 | grep -q "httpd: $ip port 8080" && pass docker-net-address ||
        fail docker-net-address "guest was not given $ip"
    expect docker-http-published-port 0 '^hello from skiff$' -- curl -sS -m 10 "http://$port/"
    expect docker-http-container-ip 0 '^hello from skiff$' -- curl -sS -m 10 "http://$ip:8080/"
    expect docker-top 0 'skiff|[0-9]' -- docker top "$ID-httpd"
    docker stop -t 30 "$ID-httpd" >/dev/null
    st=$(docker inspect -f '{{.State.ExitCode}}' "$ID-httpd")
    [ "$st" = 143 ] && pass docker-stop || fail docker-stop "exit code $st, expected 143 (SIGTERM)"
else
    fail docker-http-published-port "httpd did not start"
    show_output
fi
if $RUN -d --name "$ID-kill" "$ID/httpd" >/dev/null && wait_for "$ID-kill" SERVING; then
    docker kill "$ID-kill" >/dev/null
    st=$(docker wait "$ID-kill")
    [ "$st" = 137 ] && pass docker-kill || fail docker-kill "exit code $st, expected 137"
else
    fail docker-kill "httpd did not start"
fi

echo "-- docker-compose with runtime: skiff"
# Compose v1 takes `runtime` in the 2.x file format. The client pings the server over the
# stack's network and exits 0 after three replies; the server has a fixed address.
cat >"$TMP/compose.yml" <<YML
version: "2.4"
services:
  server:
    image: $ID/ping-server
    runtime: skiff
    command: ["@IP"]
    networks: {net: {ipv4_address: 10.89.1.10}}
  client:
    image: $ID/ping-client
    runtime: skiff
    command: ["@IP", "10.89.1.10", "3"]
    depends_on: ["server"]
    networks: {net: {ipv4_address: 10.89.1.11}}
networks:
  net:
    ipam: {config: [{subnet: 10.89.1.0/24}]}
YML
COMPOSE="docker-compose -p ${ID//-/} -f $TMP/compose.yml"
if image ping-server "$G/ping.hvt" && image ping-client "$G/pingclient.hvt"; then
    CASE_TIMEOUT=150 expect compose-runtime 0 'client_1 .* 3 replies' -- $COMPOSE up --exit-code-from client
fi
$COMPOSE down -t 1 >/dev/null 2>&1

echo "-- containerd: ctr run with skiff-runtime as the runc shim's binary"
# dockerd started by hand runs its own containerd; a system one has the usual socket.
for CTR_SOCK in /run/containerd/containerd.sock /var/run/docker/containerd/containerd.sock ''; do
    [ -S "$CTR_SOCK" ] && break
done
if [ -z "$CTR_SOCK" ] || ! command -v ctr >/dev/null; then
    fail ctr "no containerd socket or no ctr, so the containerd cases did not run"
    exit 0
fi
CTR="ctr --address $CTR_SOCK -n $ID"
# The images docker built, handed to containerd; the native snapshotter needs nothing of the
# file system they are unpacked on.
if docker save "$ID/hello" "$ID/exit" "$ID/plain" >"$TMP/images.tar" &&
    $CTR images import --snapshotter native "$TMP/images.tar" >"$TMP/out" 2>&1; then
    pass ctr-import
else
    fail ctr-import "$(tail -1 "$TMP/out")"
fi
CTR_RUN="$CTR run --rm --snapshotter native --runtime io.containerd.runc.v2 --runc-binary $RT"
expect ctr-hello 0 'Hello, world' 'cmdline: "hello from a container"' 'SUCCESS' -- $CTR_RUN "docker.io/$ID/hello:latest" "$ID-ctr-hello"
expect ctr-exit-code 7 'solo5_exit\(7\)' -- $CTR_RUN "docker.io/$ID/exit:latest" "$ID-ctr-exit"
expect ctr-plain-runc 3 '^plain hello via runc' -- $CTR_RUN "docker.io/$ID/plain:latest" "$ID-ctr-plain"
true
