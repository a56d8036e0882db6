# docker.sh: unikernels as container images (tools/skiff-image) on a real Docker engine.
# Starts dockerd if needed (tools/start-dockerd; make check installs the engine on the host
# first), builds FROM scratch images, runs them.
# Traffic stays on loopback and on the bridge network this script creates; every image,
# container and network it makes is removed at the end.
. "$(dirname "$0")/../lib.sh"
G=$BUILD/tests/guest
ID=skiff-test-$$
NET=$ID
export ARCH=${ARCH:-$(uname -m)} SKIFF_BUILD=$BUILD
COMPOSE="docker-compose -p ${ID//-/} -f examples/compose/docker-compose.yml"
export SKIFF_WEB=$ID/web SKIFF_PING_CLIENT=$ID/ping-client
cleanup() {
    $COMPOSE down -t 1 >/dev/null 2>&1
    docker ps -aq --filter "label=$ID" 2>/dev/null | xargs -r docker rm -f >/dev/null 2>&1
    docker network rm "$NET" >/dev/null 2>&1
    docker images --format '{{.Repository}}:{{.Tag}}' --filter "reference=$ID/*" 2>/dev/null |
        xargs -r docker rmi >/dev/null 2>&1
    rm -rf "$TMP"
}
trap cleanup EXIT
RUN="docker run --label $ID --device /dev/kvm"

# No engine means the whole suite cannot run: that is a failure, never a silent skip.
if ! tools/start-dockerd >"$TMP/out" 2>&1; then
    fail docker-engine "no Docker engine, so none of this script's cases ran: $(tail -1 "$TMP/out")"
    exit 0
fi
pass docker-engine

echo "-- images"
make --no-print-directory -s static >"$TMP/out" 2>&1 &&
    ! readelf -l "build/$ARCH/skiff" | grep -q INTERP && pass static-tender ||
    fail static-tender "build/$ARCH/skiff is not static"
image() { # NAME KERNEL [skiff-image args]
    local name=$1
    shift
    tools/skiff-image -t "$ID/$name" "$@" >"$TMP/out" 2>&1 || { fail "image-$name" "skiff-image failed"; return 1; }
}
image hello "$G/hello.hvt" -- hello from a container &&
    image exit "$G/exit.hvt" -- 7 &&
    image web "$BUILD/examples/web.hvt" --block-file storage="$BUILD/examples/web-site.img" \
        -- --ipv4=@IP/@PREFIX --ipv4-gateway=@GATEWAY &&
    image diskhold "$G/diskhold.hvt" --block storage=/disk.img -- stopped &&
    image ping-server "$G/ping.hvt" &&
    image ping-client "$G/pingclient.hvt" && pass skiff-image
labels=$(docker inspect -f '{{index .Config.Labels "org.skiff.abi"}} {{index .Config.Labels "org.skiff.arch"}} {{index .Config.Labels "org.skiff.devices"}}' "$ID/web" 2>&1)
[ "$labels" = "hvt-2 $ARCH service0:NET_BASIC,storage:BLOCK_BASIC" ] && pass image-labels || fail image-labels "$labels"
expect image-not-hvt 1 'not a Solo5 hvt unikernel' -- tools/skiff-image -t "$ID/bad" "$SKIFF"
expect image-unknown-device 1 "declares no device 'nosuch'" -- tools/skiff-image -t "$ID/bad" --net nosuch "$G/ping.hvt"
expect image-missing-block-file 1 "block-file storage=$TMP/nope.img: no such file" -- tools/skiff-image -t "$ID/bad" --block-file storage="$TMP/nope.img" "$BUILD/examples/web.hvt"

echo "-- run"
expect no-kvm 69 '^skiff: /dev/kvm: .*--device /dev/kvm' -- docker run --rm --label "$ID" "$ID/hello"
# Every case below hands the host's /dev/kvm to a container.
need_kvm docker-run || exit 0
expect hello 0 'Hello, world' 'cmdline: "hello from a container"' -- $RUN --rm "$ID/hello"
expect hello-args 0 'cmdline: "other args"' -- $RUN --rm "$ID/hello" other args
expect exit-code 7 'solo5_exit\(7\)' -- $RUN --rm "$ID/exit"
expect exit-code-arg 42 -- $RUN --rm "$ID/exit" 42
expect no-net-admin 69 'cannot create a tap: .*needs CAP_NET_ADMIN' -- $RUN --rm "$ID/web"
expect no-network 69 "no network interface 'eth0'" -- $RUN --rm --cap-add NET_ADMIN --network none "$ID/web"
expect no-mknod 69 '/dev/net/tun is missing and cannot be created.*--device /dev/net/tun' -- $RUN --rm --cap-drop ALL --cap-add NET_ADMIN "$ID/web"

# wait_for CONTAINER WORD: until the container's log shows WORD (at most 10 s).
wait_for() {
    for _ in $(seq 100); do
        docker logs "$1" 2>&1 | grep -q "$2" && return 0
        sleep 0.1
    done
    docker logs "$1" >"$TMP/out" 2>&1
    return 1
}

echo "-- network"
docker network create "$NET" >/dev/null || fail docker-network "cannot create network $NET"
# examples/web with the sample site its image carries, then with another site from a volume.
printf '<p>from a volume</p>\n' >"$TMP/vol.html"
mkdir -p "$TMP/volsite" && mv "$TMP/vol.html" "$TMP/volsite/index.html"
tools/skiff-pack "$TMP/volsite" "$TMP/vol.img" >/dev/null
if $RUN -d --name "$ID-web" --cap-add NET_ADMIN --network "$NET" -p 127.0.0.1::80 \
    "$ID/web" >/dev/null && wait_for "$ID-web" SERVING; then
    ip=$(docker inspect -f "{{(index .NetworkSettings.Networks \"$NET\").IPAddress}}" "$ID-web")
    port=$(docker port "$ID-web" 80/tcp | head -1)
    docker logs "$ID-web" 2>&1 | grep -q "SERVING http://$ip/" && pass net-from-address ||
        fail net-from-address "guest was not given $ip"
    expect http-published-port 0 '<h1>Hello from a skiff unikernel</h1>' -- curl -sS -m 10 "http://$port/"
    expect http-container-ip 0 '^body \{' -- curl -sS -m 10 "http://$ip/style.css"
    expect http-status-page 0 '^requests 3$' '^files 2$' -- curl -sS -m 10 "http://$ip/_status"
    expect ping-container-ip 0 ' 0% packet loss' -- ping -c 3 -i 0.2 -W 2 "$ip"
    docker logs "$ID-web" 2>&1 | grep -q '^web: 2 files, [0-9]* bytes from storage' && pass docker-logs ||
        fail docker-logs "no start-up line"
    docker rm -f "$ID-web" >/dev/null
else
    fail http-published-port "web did not start"
fi
if $RUN -d --name "$ID-webvol" --cap-add NET_ADMIN --network "$NET" \
    -v "$TMP/vol.img:/data/storage.img" "$ID/web" >/dev/null && wait_for "$ID-webvol" SERVING; then
    ip=$(docker inspect -f "{{(index .NetworkSettings.Networks \"$NET\").IPAddress}}" "$ID-webvol")
    expect http-volume-content 0 '^<p>from a volume</p>$' -- curl -sS -m 10 "http://$ip/"
    docker rm -f "$ID-webvol" >/dev/null
else
    fail http-volume-content "web with a volume did not start"
fi
# @IP, @PREFIX and @GATEWAY: the client pings the network's gateway (this host's bridge).
read -r gw subnet < <(docker network inspect -f '{{(index .IPAM.Config 0).Gateway}} {{(index .IPAM.Config 0).Subnet}}' "$NET")
expect net-from-placeholders 0 "pinging $gw from [0-9.]+/${subnet#*/}\$" '1 replies' -- \
    $RUN --rm --cap-add NET_ADMIN --network "$NET" "$ID/ping-client" @IP/@PREFIX @GATEWAY 1
# The same with every capability dropped but NET_ADMIN, /dev/net/tun passed, a read-only root.
if $RUN -d --name "$ID-hard" --cap-drop ALL --cap-add NET_ADMIN --device /dev/net/tun --read-only \
    --security-opt no-new-privileges --network "$NET" "$ID/ping-server" @IP >/dev/null &&
    wait_for "$ID-hard" SERVING; then
    ip=$(docker inspect -f "{{(index .NetworkSettings.Networks \"$NET\").IPAddress}}" "$ID-hard")
    expect ping-hardened 0 ' 0% packet loss' -- ping -c 3 -i 0.2 -W 2 "$ip"
    docker rm -f "$ID-hard" >/dev/null
else
    fail ping-hardened "server did not start"
fi

echo "-- stop and volumes"
truncate -s 1M "$TMP/disk.img"
if $RUN -d --name "$ID-disk" -v "$TMP/disk.img:/disk.img" "$ID/diskhold" >/dev/null &&
    wait_for "$ID-disk" WRITTEN; then
    t0=$(date +%s)
    ns0=$(date +%s%N)
    # A long grace period: had the tender ignored SIGTERM, the engine's SIGKILL at its end
    # would show as exit 137, so 143 proves it stopped on SIGTERM. How fast is printed, not
    # asserted (speed belongs to make bench; the shell VM's emulated CPU is slow and noisy).
    docker stop -t 60 "$ID-disk" >/dev/null
    ms=$((($(date +%s%N) - ns0) / 1000000))
    st=$(docker inspect -f '{{.State.ExitCode}}' "$ID-disk")
    # How long the container took to die once dockerd had sent SIGTERM: the engine's own
    # "kill" and "die" events, without the client and API round trips around them (which
    # alone exceed a second in the shell VM's emulated CPU).
    guest_ms=$(docker events --since "$t0" --until "$(($(date +%s) + 1))" \
        --filter "container=$ID-disk" --format '{{.Action}} {{.TimeNano}}' |
        awk '$1 == "kill" && !k { k = $2 } $1 == "die" { d = $2 } END { if (k && d) printf "%d", (d - k) / 1e6; else print "?" }')
    echo "     docker stop took $ms ms; the container died $guest_ms ms after SIGTERM; exit code $st"
    [ "$st" = 143 ] && [ "$guest_ms" != "?" ] && [ "$guest_ms" -lt 30000 ] && pass docker-stop ||
        fail docker-stop "exit $st, died $guest_ms ms after SIGTERM"
    [ "$(head -c 13 "$TMP/disk.img")" = "skiff:stopped" ] && pass block-volume ||
        fail block-volume "disk holds '$(head -c 13 "$TMP/disk.img" | tr -d '\0')'"
    docker logs "$ID-disk" 2>&1 | grep -q 'exiting on signal 15' && pass stop-message || fail stop-message "no signal line"
else
    fail docker-stop "diskhold did not write"
fi

echo "-- compose"
# Not the default 30 s: in the shell VM's emulated CPU docker-compose alone takes ~7 s to start
# and ~8 s to create each container, ~35 s in all. 120 s covers that and the client's own 60 s
# TIMEOUT (it resends until the server answers, so start order does not matter).
CASE_TIMEOUT=120 expect compose 0 'client_1 .* 3 replies' 'client_1 .* SUCCESS' 'web_1 .* SERVING http://10.89.0.10/' -- $COMPOSE up --exit-code-from client
# The stack's web server from this host, on its fixed address on the stack's network.
if CASE_TIMEOUT=120 expect compose-web-up 0 -- $COMPOSE up -d web; then
    for _ in $(seq 100); do $COMPOSE logs web 2>&1 | grep -q SERVING && break; sleep 0.1; done
    expect compose-web-http 0 '<h1>Hello from a skiff unikernel</h1>' -- curl -sS -m 10 http://10.89.0.10/
fi
# Each case reported itself to RESULTS; the last one failing is not the script failing.
true
