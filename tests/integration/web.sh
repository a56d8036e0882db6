# web.sh: examples/web, the HTTP/1.1 file server on lwIP, serving a content image packed by
# tools/skiff-pack, against real clients (curl, wrk, ab, python3 sockets) inside a network
# namespace this script creates; no packet leaves it. Every load is bounded in count and time.
# In kernel mode (CASE_PREFIX=kernel/, the guest's code emulated on nested hosts) only the
# functional cases run; the load cases are skipped with the reason.
. "$(dirname "$0")/../lib.sh"
W=$BUILD/examples/web.hvt
NETNS=skiff-web-$$
trap 'jobs -p | xargs -r kill 2>/dev/null; ip netns del $NETNS 2>/dev/null; rm -rf "$TMP"' EXIT
IN="ip netns exec $NETNS"
WEB=http://10.10.0.2
LOAD=1
[ "$GUEST_MODE" = kernel ] && LOAD=0
NO_LOAD="kernel mode: the guest's code is emulated at CPL0 on nested hosts, so no load runs"

ip netns add $NETNS || { fail web-setup "cannot create a network namespace"; exit 0; }
$IN ip link set lo up
add_tap tap0 10.10.0.1/24

echo "-- content images (tools/skiff-pack)"
S=$TMP/site
mkdir -p "$S/docs/deep" "$S/img" "$S/a-directory-whose-name-is-rather-long-to-make-the-path-longer-than-one-hundred-bytes/and-then-some-more"
printf '<!DOCTYPE html>\n<title>t</title><p>index of the test site</p>\n' >"$S/index.html"
printf 'docs index\n' >"$S/docs/index.html"
printf 'body { color: red; }\n' >"$S/docs/style.css"
printf 'let x = 1;\n' >"$S/docs/deep/app.js"
head -c 1048576 /dev/urandom >"$S/big.bin"
head -c 70000 /dev/urandom >"$S/img/photo.png"
head -c 512 /dev/urandom >"$S/img/exact-block.jpg"
: >"$S/empty.txt"
LONG=a-directory-whose-name-is-rather-long-to-make-the-path-longer-than-one-hundred-bytes/and-then-some-more/file.txt
printf 'long path\n' >"$S/$LONG"
BYTES=$(find "$S" -type f -printf '%s\n' | awk '{ n += $1 } END { print n }')
expect pack 0 "site.img: 9 files, $BYTES bytes of files" -- tools/skiff-pack "$S" "$TMP/site.img"
size=$(stat -c %s "$TMP/site.img")
[ $((size % 32768)) = 0 ] && tar tf "$TMP/site.img" | grep -qx "$LONG" && pass pack-ustar-32k ||
    fail pack-ustar-32k "size $size, or tar cannot list $LONG"
mkdir -p "$TMP/bad1" "$TMP/bad2" "$TMP/bad3"
ln -s /etc/passwd "$TMP/bad1/link"
touch "$TMP/bad2/.hidden" "$TMP/bad3/_status"
expect pack-symlink 65 '^skiff-pack: .*/bad1/link: a symbolic link' -- tools/skiff-pack "$TMP/bad1" "$TMP/x.img"
one_line pack-symlink
expect pack-hidden 65 "'.hidden' is not a name skiff-pack takes" -- tools/skiff-pack "$TMP/bad2" "$TMP/x.img"
expect pack-status 65 'is the server.s status page' -- tools/skiff-pack "$TMP/bad3" "$TMP/x.img"
expect pack-no-dir 66 '^skiff-pack: .*/nodir: no such directory$' -- tools/skiff-pack "$TMP/nodir" "$TMP/x.img"
expect pack-usage 64 '^skiff-pack: usage' -- tools/skiff-pack "$S"

echo "-- bad content images and options"
# Each needs a tap (the manifest's net device) and a block device; none gets to serve.
RW="$IN $SKIFF --mem=32 --net:service0=tap0"
head -c 65536 /dev/urandom >"$TMP/garbage.img"
expect web-not-ustar 65 '^web: storage: byte 0: not a POSIX ustar header' -- $RW --block:storage=$TMP/garbage.img $W --ipv4=10.10.0.2/24
# One line of the server's own (the bindings' "Solo5:" lines aside).
[ "$(grep -vc '^Solo5:' "$TMP/out")" = 1 ] && pass "web-not-ustar: one line" ||
    fail "web-not-ustar: one line" "$(grep -v '^Solo5:' "$TMP/out" | head -3)"
tar --format=gnu -C "$S" -cf "$TMP/gnu.img" index.html
expect web-gnu-tar 65 'not a POSIX ustar header' -- $RW --block:storage=$TMP/gnu.img $W --ipv4=10.10.0.2/24
ln -s index.html "$S/link.html"
tar --format=ustar -C "$S" -cf "$TMP/link.img" index.html link.html
rm "$S/link.html"
expect web-symlink-entry 65 "^web: storage: /link.html: entry type '2' is not supported" -- $RW --block:storage=$TMP/link.img $W --ipv4=10.10.0.2/24
head -c 32768 "$TMP/site.img" >"$TMP/cut.img" # big.bin's header, then 32 KiB of its 1 MiB
expect web-truncated 65 '^web: storage: /big.bin: data runs past the end of the device' -- $RW --block:storage=$TMP/cut.img $W --ipv4=10.10.0.2/24
mkdir -p "$TMP/huge" && head -c $((24 * 1048576)) /dev/zero >"$TMP/huge/zeros.bin"
tools/skiff-pack "$TMP/huge" "$TMP/huge.img" >/dev/null
expect web-too-large 65 'does not fit in the memory left for content.*more --mem' -- $RW --block:storage=$TMP/huge.img $W --ipv4=10.10.0.2/24
rm -rf "$TMP/huge" "$TMP/huge.img"
expect web-bad-option 64 "^web: '--bogus' is not an option" -- $RW --block:storage=$TMP/site.img $W --ipv4=10.10.0.2/24 --bogus
expect web-bad-timeout 64 "^web: '--idle-timeout=0' is not an option" -- $RW --block:storage=$TMP/site.img $W --ipv4=10.10.0.2/24 --idle-timeout=0
expect lwip-bad-ipv4 64 '^skiff-lwip: --ipv4= takes ADDR/PREFIX' -- $RW --block:storage=$TMP/site.img $W --ipv4=10.10.0.256/24
expect lwip-bad-prefix 64 '^skiff-lwip: --ipv4= takes ADDR/PREFIX' -- $RW --block:storage=$TMP/site.img $W --ipv4=10.10.0.2/33
expect lwip-bad-gateway 64 '^skiff-lwip: --ipv4-gateway= takes an IPv4 address' -- $RW --block:storage=$TMP/site.img $W --ipv4=10.10.0.2/24 --ipv4-gateway=10.10.0

# Everything below serves.
need_kvm web-server || exit 0

echo "-- the cases of tests/cases/web.txt, in the namespace"
run_cases web

# The raw-socket clients (malformed requests, slow clients, resets, churn, holding many
# connections): tests/web-client.py.
PY="$IN python3 tests/web-client.py"

# counter NAME: the status page's value of NAME.
counter() { $IN curl -sS --max-time 10 "$WEB/_status" 2>/dev/null | sed -n "s/^$1 //p"; }
# status NAME EXPECTED CURL_ARGS...: the status code curl sees.
status() {
    local name=$1 want=$2 got
    shift 2
    got=$($IN curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "$@" 2>&1)
    [ "$got" = "$want" ] && pass "$name" || fail "$name" "curl $*: $got, expected $want"
}
# rawcase NAME EXPECTED ARGS...: what client.py raw prints.
rawcase() {
    local name=$1 want=$2 got
    shift 2
    got=$($PY raw "$@" 2>&1)
    [ "$got" = "$want" ] && pass "$name" || fail "$name" "got '$got', expected '$want'"
}

# start_web LOG SKIFF-OPTIONS -- GUEST-OPTIONS: boots the server on the test site; 1 if it did not
# start.
start_web() {
    local log=$1 opts=()
    shift
    while [ "$1" != -- ]; do opts+=("$1"); shift; done
    shift
    $IN "$SKIFF" --mem=64 --net:service0=tap0 --block:storage="$TMP/site.img" "${opts[@]}" "$W" \
        --ipv4=10.10.0.2/24 --ipv4-gateway=10.10.0.1 "$@" >"$log" 2>&1 &
    server=$!
    wait_serving "$log" 300 && return 0
    fail web-start "server did not start: $(head -3 "$log" | tr '\n' ' ')"
    return 1
}
stop_web() {
    kill -TERM $server 2>/dev/null
    wait $server
    st=$?
    [ $st = 143 ] && pass "$1" || fail "$1" "status $st"
}

echo "-- HTTP with curl (512-byte blocks; idle timeout 6 s, head timeout 3 s)"
start_web "$TMP/web.log" -- --idle-timeout=6 --head-timeout=3 || exit 0
grep -q "^web: 9 files, $BYTES bytes from storage" "$TMP/web.log" && pass web-loaded ||
    fail web-loaded "$(head -1 "$TMP/web.log")"
# Every file, byte for byte, with its length and type.
bad=""
for f in index.html docs/index.html docs/style.css docs/deep/app.js big.bin img/photo.png \
    img/exact-block.jpg empty.txt "$LONG"; do
    $IN curl -sS --max-time 30 -D "$TMP/h" -o "$TMP/got" "$WEB/$f" 2>"$TMP/curl.err" &&
        cmp -s "$S/$f" "$TMP/got" && grep -q '^HTTP/1.1 200 OK' "$TMP/h" &&
        grep -qi "^Content-Length: $(stat -c %s "$S/$f")" "$TMP/h" || bad="$bad $f"
done
[ -z "$bad" ] && pass web-files-byte-for-byte || fail web-files-byte-for-byte "differ:$bad"
types=$($IN curl -sS --max-time 10 -o /dev/null -o /dev/null -o /dev/null -o /dev/null \
    -w '%{content_type};' "$WEB/" "$WEB/docs/style.css" "$WEB/img/photo.png" "$WEB/big.bin" 2>&1)
[ "$types" = "text/html; charset=utf-8;text/css; charset=utf-8;image/png;application/octet-stream;" ] &&
    pass web-content-types || fail web-content-types "$types"
$IN curl -sS --max-time 10 "$WEB/" | cmp -s - "$S/index.html" && pass web-root-index ||
    fail web-root-index "/ is not index.html"
$IN curl -sS --max-time 10 "$WEB/docs/" | cmp -s - "$S/docs/index.html" && pass web-dir-index ||
    fail web-dir-index "/docs/ is not docs/index.html"
got=$($IN curl -sS --max-time 10 -o /dev/null -w '%{http_code} %{redirect_url}' "$WEB/docs" 2>&1)
[ "$got" = "301 $WEB/docs/" ] && pass web-dir-redirect || fail web-dir-redirect "$got"
got=$($IN curl -sS --max-time 10 -o /dev/null -o /dev/null -o /dev/null -w '%{http_code} %{num_connects};' \
    "$WEB/" "$WEB/docs/style.css" "$WEB/nope" 2>&1)
[ "$got" = "200 1;200 0;404 0;" ] && pass web-keep-alive || fail web-keep-alive "curl: $got"
got=$($IN curl -sS --http1.0 --max-time 10 -o /dev/null -o /dev/null \
    -w '%{http_code} %{num_connects};' "$WEB/" "$WEB/" 2>&1)
[ "$got" = "200 1;200 1;" ] && pass web-http10-close || fail web-http10-close "curl: $got"
got=$($IN curl -sS --http1.0 -H 'Connection: keep-alive' --max-time 10 -o /dev/null -o /dev/null \
    -w '%{http_code} %{num_connects};' "$WEB/" "$WEB/" 2>&1)
[ "$got" = "200 1;200 0;" ] && pass web-http10-keep-alive || fail web-http10-keep-alive "curl: $got"
# HEAD: the GET's headers, no body.
$IN curl -sS --max-time 10 -I "$WEB/big.bin" >"$TMP/head" 2>&1
grep -q '^HTTP/1.1 200 OK' "$TMP/head" && grep -qi '^Content-Length: 1048576' "$TMP/head" &&
    [ "$($PY headonly /big.bin 2>&1)" = "200 after the head: 0" ] &&
    pass web-head || fail web-head "$(tr '\r\n' '  ' <"$TMP/head")"
status web-404 404 "$WEB/no/such/page"
status web-405 405 -X DELETE "$WEB/"
status web-501 501 -X BREW "$WEB/"
status web-post-405 405 -d x=1 "$WEB/"
grep -q '^Allow: GET, HEAD' <($IN curl -sS -i --max-time 10 -X PUT "$WEB/" 2>&1 | tr -d '\r') &&
    pass web-405-allow || fail web-405-allow "no Allow header"
status web-status-page 200 "$WEB/_status"
[ "$(counter files)" = 9 ] && [ "$(counter content_bytes)" = "$BYTES" ] && pass web-status-counters ||
    fail web-status-counters "files $(counter files), content_bytes $(counter content_bytes)"

echo "-- malformed and unusual requests (python3 sockets)"
rawcase web-garbage '400 EOF' 'GARBAGE\r\n\r\n'
rawcase web-no-host '400 EOF' 'GET / HTTP/1.1\r\n\r\n'
rawcase web-two-hosts '400 EOF' 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'
rawcase web-http2-version '505 EOF' 'GET / HTTP/2.0\r\nHost: a\r\n\r\n'
rawcase web-dotdot '400 EOF' 'GET /docs/../index.html HTTP/1.1\r\nHost: a\r\n\r\n'
rawcase web-bad-escape '400 EOF' 'GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n'
rawcase web-space-before-colon '400 EOF' 'GET / HTTP/1.1\r\nHost : a\r\n\r\n'
rawcase web-bad-length '400 EOF' 'GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n'
rawcase web-escaped-path '200' 'GET /docs/%73tyle.css?v=1 HTTP/1.1\r\nHost: a\r\n\r\n' one
rawcase web-head-too-large '413 EOF' "GET / HTTP/1.1\\r\\nHost: a\\r\\nX: $(head -c 5000 /dev/zero | tr '\0' a)\\r\\n\\r\\n"
rawcase web-pipelined '200 404 200 EOF' 'GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /nope HTTP/1.1\r\nHost: a\r\n\r\nGET /docs/style.css HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'
# An error that ends the connection while the client still sends: the response arrives.
rawcase web-error-mid-pipeline '200 400 EOF' "GET / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\nBAD\\r\\n\\r\\n$(head -c 20000 /dev/zero | tr '\0' 'x')"
rawcase web-half-close '200 200 EOF' 'GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /docs/ HTTP/1.1\r\nHost: a\r\n\r\nGET /partial' shut
rawcase web-bare-lf '200 EOF' 'GET / HTTP/1.0\n\n'

echo "-- slow clients, idle connections, resets"
# 20 clients hold half a request line; curl is still answered meanwhile; after the 3 s head
# timeout each of them gets 408 and the connection closes.
$PY slow 20 15 >"$TMP/slow" 2>&1 &
slow=$!
for _ in $(seq 100); do grep -q HELD "$TMP/slow" && break; sleep 0.1; done
ok=0
for _ in 1 2 3; do $IN curl -sS --max-time 5 -o /dev/null "$WEB/" && ok=$((ok + 1)); done
[ $ok = 3 ] && pass web-served-beside-slow || fail web-served-beside-slow "$ok of 3 answered"
wait $slow
[ "$(tail -1 "$TMP/slow")" = "408 EOF:20" ] && pass web-slow-timeout || fail web-slow-timeout "$(tail -1 "$TMP/slow")"
# A kept-alive connection that sends nothing more is closed after the 6 s idle timeout.
t0=$(date +%s)
rawcase web-idle-close '200 EOF' 'GET / HTTP/1.1\r\nHost: a\r\n\r\n'
[ $(($(date +%s) - t0)) -ge 5 ] && pass web-idle-after-timeout || fail web-idle-after-timeout "closed too soon"
if [ $LOAD = 1 ]; then n=200; else n=10; fi
r0=$(counter connections_reset)
expect web-resets 0 "^reset $n\$" -- $PY resets $n /big.bin
sleep 1
r1=$(counter connections_reset)
[ $((r1 - r0)) -ge $((n / 2)) ] && pass web-resets-counted || fail web-resets-counted "$r0 -> $r1"
status web-after-resets 200 "$WEB/"

stop_web web-sigterm

echo "-- load (wrk, ab, 2,000 connections dropped, 1,000 held; 32 KiB blocks)"
start_web "$TMP/load.log" --block-sector-size:storage=32768 -- --idle-timeout=120 || exit 0
snap() { $IN curl -sS --max-time 10 "$WEB/_status" >"$1" 2>/dev/null; }
val() { sed -n "s/^$2 //p" "$1"; }
snap "$TMP/before"
if [ $LOAD = 1 ]; then
    CASE_TIMEOUT=60 expect web-wrk 0 'Requests/sec' '!Socket errors' '!Non-2xx' -- \
        $IN wrk -t 2 -c 100 -d 10s --timeout 5s "$WEB/"
    reqs=$(sed -n 's/^Requests\/sec: *//p' "$TMP/out")
    echo "     wrk -t 2 -c 100 -d 10s: $reqs requests/s, $(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$TMP/out") requests"
    for k in "" -k; do
        n=$([ -z "$k" ] && echo 500 || echo 2000)
        $IN timeout 60 ab -q $k -n $n -c 10 -s 10 "$WEB/docs/style.css" >"$TMP/ab" 2>&1
        if grep -q "^Complete requests: *$n\$" "$TMP/ab" && grep -q '^Failed requests: *0$' "$TMP/ab" &&
            ! grep -q '^Non-2xx responses' "$TMP/ab"; then
            pass "web-ab$k-$n"
        else
            fail "web-ab$k-$n" "$(grep -E 'requests|responses|error|apr_' "$TMP/ab" | head -4 | tr '\n' ' ')"
        fi
    done
    CASE_TIMEOUT=120 expect web-2000-dropped 0 '^dropped 2000$' -- $PY churn 2000
    status web-after-dropped 200 "$WEB/"
    # 1,000 connections open at once; a request on a new one is still answered; all 1,000
    # are still open when they are released.
    rm -f "$TMP/release"
    $PY hold 1000 "$TMP/release" >"$TMP/hold" 2>&1 &
    hold=$!
    for _ in $(seq 900); do grep -q 'HELD\|failed' "$TMP/hold" && break; sleep 0.1; done
    open=$(counter connections_open)
    got=$($IN curl -sS --max-time 20 -o "$TMP/got" -w '%{http_code}' "$WEB/big.bin" 2>&1)
    touch "$TMP/release"
    wait $hold
    echo "     $(head -1 "$TMP/hold"); the status page counted $open open (its own included)"
    [ "$(head -1 "$TMP/hold")" = "HELD 1000" ] && [ "${open:-0}" -ge 1001 ] && pass web-1000-concurrent ||
        fail web-1000-concurrent "$(head -1 "$TMP/hold"), $open open"
    [ "$got" = 200 ] && cmp -s "$TMP/got" "$S/big.bin" && pass web-served-beside-1000 ||
        fail web-served-beside-1000 "curl: $got"
    [ "$(tail -1 "$TMP/hold")" = "still open 1000" ] && pass web-1000-kept || fail web-1000-kept "$(tail -1 "$TMP/hold")"
else
    for c in web-wrk web-ab-500 web-ab-k-2000 web-2000-dropped web-1000-concurrent; do skip "$c" "$NO_LOAD"; done
fi
sleep 3 # the FINs and resets of the last clients
snap "$TMP/after"
for k in connections_open lwip_heap_used tcp_segs_used pbuf_refs_used connections_max_open \
    lwip_heap_max tcp_pcbs_max tcp_segs_max lwip_heap_errors tcp_segs_errors; do
    printf '     %-22s before %9s  after %9s\n' $k "$(val "$TMP/before" $k)" "$(val "$TMP/after" $k)"
done
rss=$(sed -n 's/^VmRSS: *//p' /proc/$server/status 2>/dev/null)
echo "     tender RSS after the load: $rss (guest memory: 64 MiB)"
# Bounded: back to the baseline (the status page's own connection open), nothing failed for
# want of memory, the high-water marks inside the static limits.
if [ "$(val "$TMP/after" connections_open)" = 1 ] &&
    [ "$(val "$TMP/after" lwip_heap_used)" -le $(($(val "$TMP/before" lwip_heap_used) + 16384)) ] &&
    [ "$(val "$TMP/after" tcp_segs_used)" -le "$(val "$TMP/before" tcp_segs_used)" ] &&
    [ "$(val "$TMP/after" pbuf_refs_used)" -le "$(val "$TMP/before" pbuf_refs_used)" ] &&
    [ "$(val "$TMP/after" lwip_heap_errors)" = 0 ] &&
    [ "$(val "$TMP/after" lwip_heap_max)" -lt "$(val "$TMP/after" lwip_heap_size)" ]; then
    pass web-memory-bounded
else
    fail web-memory-bounded "see the numbers above"
fi
got=$($IN curl -sS --max-time 10 -o "$TMP/got" -w '%{http_code}' "$WEB/" 2>&1)
[ "$got" = 200 ] && cmp -s "$TMP/got" "$S/index.html" && pass web-serves-after-all ||
    fail web-serves-after-all "curl: $got"
stop_web web-load-sigterm
# Each case reported itself to RESULTS; the last one failing is not the script failing.
true
