# aarch64net.sh: examples/web built for aarch64, serving in the aarch64 test VM (tests/vm/serve:
# QEMU TCG, the unikernel on arm64 KVM inside), and real clients on this host reaching it from
# a network namespace this script creates: curl (bytes compared, keep-alive, HEAD, 404), ab,
# wrk, ping. No packet leaves the namespace. One VM boot (a minute or two here); the time is shown.
# run-all: on the host
#   AARCH64_BUILD  the aarch64 build directory (default build/aarch64: make aarch64-vm-files)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../vmnet.sh"
A=${AARCH64_BUILD:-build/aarch64}
NETNS=skiff-a64net-$$
IN="ip netns exec $NETNS"
WEB=http://10.10.0.2
trap 'stop_vm_server; ip netns del $NETNS 2>/dev/null; rm -rf "$TMP"' EXIT

if ! command -v qemu-system-aarch64 >/dev/null; then
    skip aarch64-web "qemu-system-aarch64 missing (tools/install-deps vm installs it)"
    exit 0
fi
[ -f "$A/examples/web.hvt" ] && [ -x "$A/skiff" ] && [ -x "$A/tests/vm/init" ] ||
    { fail aarch64-web "$A lacks skiff, tests/vm/init or examples/web.hvt (make aarch64-vm-files)"; exit 0; }
ip netns add $NETNS || { fail aarch64-net-setup "cannot create a network namespace"; exit 0; }
$IN ip link set lo up
add_tap vmtap0 10.10.0.1/24 || { fail aarch64-net-setup "cannot create the tap vmtap0"; exit 0; }

# The site it serves: a page and 1 MiB of random bytes, packed by tools/skiff-pack into the
# content image the VM gets as a file.
mkdir -p "$TMP/site"
printf '<!DOCTYPE html>\n<title>aarch64</title><p>served from a ustar image on arm64</p>\n' >"$TMP/site/index.html"
head -c 1048576 /dev/urandom >"$TMP/site/big.bin"
tools/skiff-pack "$TMP/site" "$TMP/site.img" >/dev/null || { fail aarch64-web "skiff-pack failed"; exit 0; }

t0=$(date +%s)
if ! start_vm_server "$TMP/web.log" aarch64 "$A" $NETNS vmtap0 --file "$TMP/site.img:/site.img" -- \
    --mem=64 --net:service0=tap0 --block:storage=/site.img examples/web.hvt \
    --ipv4=10.10.0.2/24 --ipv4-gateway=10.10.0.1 --idle-timeout=120 --head-timeout=3; then
    fail aarch64-web "the server did not start in the aarch64 VM"
    exit 0
fi
grep -q "SERVING $WEB/" "$TMP/web.log" && pass aarch64-web-address ||
    fail aarch64-web-address "$(grep -m1 SERVING "$TMP/web.log")"
grep -q 'SKIFF-SERVE-START.*kvm=yes' "$TMP/web.log" && pass aarch64-web-on-kvm ||
    fail aarch64-web-on-kvm "$(grep -m1 SKIFF-SERVE-START "$TMP/web.log")"

# ICMP through the bridge, small and full-size frames.
for size in 56 1472; do
    $IN ping -c 5 -i 0.2 -W 5 -M do -s $size 10.10.0.2 >"$TMP/ping" 2>&1 && grep -q ' 0% packet loss' "$TMP/ping" &&
        pass "aarch64-ping-$size" || fail "aarch64-ping-$size" "$(grep 'packet loss' "$TMP/ping")"
done

# web_case NAME WANT CURL_ARG...: what curl -w writes (after its own output options) is WANT.
web_case() {
    local name=$1 want=$2 got
    shift 2
    got=$($IN curl -sS --max-time 120 "$@" 2>&1)
    [ "$got" = "$want" ] && pass "$name" || fail "$name" "curl ${*: -1}: '$got', expected '$want'"
}
# The page, byte for byte, and its length as sent; then two requests over one connection
# (num_connects 0 for the second), HEAD (the length, no body) and a miss.
page=$TMP/site/index.html
len=$(wc -c <"$page")
web_case aarch64-curl-page "200 $len" -o "$TMP/got" -w '%{http_code} %header{content-length}' "$WEB/"
cmp -s "$page" "$TMP/got" && pass aarch64-page-bytes || fail aarch64-page-bytes "$(cmp "$page" "$TMP/got" 2>&1)"
web_case aarch64-keep-alive "200 1;200 0;" -o /dev/null -o /dev/null -w '%{http_code} %{num_connects};' "$WEB/" "$WEB/"
web_case aarch64-head "200 $len 0" -I -o /dev/null -w '%{http_code} %header{content-length} %{size_download}' "$WEB/"
web_case aarch64-404 404 -o /dev/null -w '%{http_code}' "$WEB/no/such/page"
# 1 MiB (many windows through the VM's bridge), compared with the packed file.
web_case aarch64-curl-1MiB "200 1048576" -o "$TMP/gotbig" -w '%{http_code} %{size_download}' "$WEB/big.bin"
cmp -s "$TMP/site/big.bin" "$TMP/gotbig" && pass aarch64-1MiB-bytes ||
    fail aarch64-1MiB-bytes "$(cmp "$TMP/site/big.bin" "$TMP/gotbig" 2>&1)"
# Bursts of 200 requests, 10 at a time: a connection each, then kept alive. Every one
# complete, a 200 and of the page's length.
for k in "" -k; do
    t=$(date +%s)
    $IN timeout 300 ab -q $k -n 200 -c 10 -s 60 "$WEB/" >"$TMP/ab" 2>&1
    if grep -q '^Complete requests: *200$' "$TMP/ab" && grep -q '^Failed requests: *0$' "$TMP/ab" &&
        grep -q "^Document Length: *$len bytes" "$TMP/ab" && ! grep -q '^Non-2xx responses' "$TMP/ab"; then
        pass "aarch64-ab$k-200"
        echo "       ($(grep -m1 '^Requests per second' "$TMP/ab" | tr -s ' '), $(($(date +%s) - t)) s)"
    else
        fail "aarch64-ab$k-200" "$(grep -E 'requests|responses|Length|error|apr_' "$TMP/ab" | head -4 | tr '\n' ' ')"
    fi
done
# wrk, bounded as on x86_64 (10 s, 100 connections) with a timeout for the emulated VM: no
# socket error, no non-2xx.
if command -v wrk >/dev/null; then
    $IN timeout 60 wrk -t 2 -c 100 -d 10s --timeout 30s "$WEB/" >"$TMP/wrk" 2>&1
    if grep -q 'Requests/sec' "$TMP/wrk" && ! grep -qE 'Socket errors|Non-2xx' "$TMP/wrk"; then
        pass aarch64-wrk
        echo "       (wrk -c 100 -d 10s: $(sed -n 's/^Requests\/sec: *//p' "$TMP/wrk") requests/s)"
    else
        fail aarch64-wrk "$(grep -E 'requests in|errors|Non-2xx' "$TMP/wrk" | tr '\n' ' ')"
    fi
else
    fail aarch64-wrk "wrk missing (tools/install-deps test installs it)"
fi
# The raw-socket clients of web.sh (tests/web-client.py): slow clients answered 408 after the
# 3 s head timeout while curl is still served, resets, 2,000 connections opened and dropped,
# 1,000 held open while a request on a new one is answered.
PY="$IN python3 tests/web-client.py"
$PY slow 20 30 >"$TMP/slow" 2>&1 &
slow=$!
for _ in $(seq 300); do grep -q HELD "$TMP/slow" && break; sleep 0.1; done
$IN curl -sS --max-time 20 -o /dev/null "$WEB/" && pass aarch64-served-beside-slow ||
    fail aarch64-served-beside-slow "curl got no answer"
wait $slow
[ "$(tail -1 "$TMP/slow")" = "408 EOF:20" ] && pass aarch64-slow-timeout || fail aarch64-slow-timeout "$(tail -1 "$TMP/slow")"
$IN timeout 120 python3 tests/web-client.py resets 20 /big.bin >"$TMP/resets" 2>&1
[ "$(cat "$TMP/resets")" = "reset 20" ] && pass aarch64-resets || fail aarch64-resets "$(head -2 "$TMP/resets")"
$IN timeout 300 python3 tests/web-client.py churn 2000 >"$TMP/churn" 2>&1
[ "$(cat "$TMP/churn")" = "dropped 2000" ] && pass aarch64-2000-dropped || fail aarch64-2000-dropped "$(head -2 "$TMP/churn")"
rm -f "$TMP/release"
$PY hold 1000 "$TMP/release" >"$TMP/hold" 2>&1 &
hold=$!
for _ in $(seq 1800); do grep -q 'HELD\|failed' "$TMP/hold" && break; sleep 0.1; done
got=$($IN curl -sS --max-time 60 -o /dev/null -w '%{http_code}' "$WEB/" 2>&1)
touch "$TMP/release"
wait $hold
[ "$(head -1 "$TMP/hold")" = "HELD 1000" ] && [ "$got" = 200 ] && pass aarch64-1000-concurrent ||
    fail aarch64-1000-concurrent "$(head -1 "$TMP/hold"), curl beside them: $got"
sleep 5 # the FINs and resets of the last clients
# The status page: every connection the clients opened is closed again.
web_case aarch64-after-bursts 200 -o "$TMP/status" -w '%{http_code}' "$WEB/_status"
grep -qx 'connections_open 1' "$TMP/status" && pass aarch64-status-open-1 ||
    fail aarch64-status-open-1 "$(grep connections_open "$TMP/status" | tr '\n' ' ')"

# Stopped: SIGTERM reaches skiff in the VM, which ends as a stopped server does.
stop_vm_server
[ "$VM_SERVER_STATUS" = 143 ] && grep -q 'skiff: exiting on signal 15' "$TMP/web.log" &&
    pass aarch64-web-stop || { fail aarch64-web-stop "status $VM_SERVER_STATUS"; tail -5 "$TMP/web.log"; }
echo "  (aarch64 server: $(($(date +%s) - t0)) s in all)"
true
