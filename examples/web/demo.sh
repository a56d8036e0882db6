#!/usr/bin/env bash
# demo.sh: make demo's body: boots examples/web on its sample site in a private network
# namespace (a tap there, nothing on the host's own network), shows curl reaching it, stops it.
# usage: examples/web/demo.sh BUILD_DIR   (as root: it creates the namespace and the tap)
set -u
BUILD=${1:?usage: examples/web/demo.sh BUILD_DIR}
NS=skiff-demo-$$
TMP=$(mktemp -d /tmp/skiff-demo.XXXXXX)
IN="ip netns exec $NS"
server=""
cleanup() {
    [ -z "$server" ] || kill -TERM "$server" 2>/dev/null
    ip netns del "$NS" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
die() { echo "demo: $*" >&2; exit 1; }

ip netns add "$NS" || die "cannot create a network namespace (run as root)"
$IN ip link set lo up
$IN ip tuntap add tap0 mode tap && $IN ip addr add 10.99.0.1/24 dev tap0 && $IN ip link set tap0 up ||
    die "cannot create the tap"
# The block device must be writable: the server gets a copy of the image.
cp "$BUILD/examples/web-site.img" "$TMP/site.img"
CMD="skiff --mem=64 --net:service0=tap0 --block:storage=site.img web.hvt --ipv4=10.99.0.2/24"
echo "A web server unikernel (examples/web on lwIP) serving examples/web/site, packed by"
echo "tools/skiff-pack, from its block device; in a network namespace of its own:"
echo "\$ $CMD"
$IN "$BUILD/skiff" --mem=64 --net:service0=tap0 --block:storage="$TMP/site.img" \
    "$BUILD/examples/web.hvt" --ipv4=10.99.0.2/24 >"$TMP/log" 2>&1 &
server=$!
for _ in $(seq 300); do
    grep -q SERVING "$TMP/log" && break
    kill -0 "$server" 2>/dev/null || { cat "$TMP/log"; die "the unikernel did not start"; }
    sleep 0.1
done
grep -v '^Solo5:' "$TMP/log" | sed 's/^/  /'
echo "\$ curl -i http://10.99.0.2/"
$IN curl -sS -i --max-time 10 http://10.99.0.2/ | tr -d '\r' | sed 's/^/  /' || die "curl failed"
echo "\$ curl -s http://10.99.0.2/_status | head -3"
$IN curl -sS --max-time 10 http://10.99.0.2/_status | head -3 | sed 's/^/  /'
kill -TERM "$server"
wait "$server"
st=$?
server=""
echo "Stopped it with SIGTERM: skiff exited with status $st (128 + 15)."
[ "$st" = 143 ]
