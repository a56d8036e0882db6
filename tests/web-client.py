# tests/web-client.py: raw-socket clients of examples/web for the integration scripts
# (web.sh, aarch64net.sh): malformed requests, slow clients, resets, churn, holding many
# connections. usage: web-client.py SUBCOMMAND ARGS... ; the server is WEB_HOST (default
# 10.10.0.2) port 80. One subcommand per kind; each bounded in count and time.
import os, resource, select, socket, struct, sys, time
HOST, PORT = os.environ.get("WEB_HOST", "10.10.0.2"), 80
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 8192)), hard))

def conn(timeout=10):
    s = socket.create_connection((HOST, PORT), timeout=timeout)
    return s

def responses(data):
    """The status codes of the complete responses in data (Content-Length framed)."""
    codes = []
    while True:
        end = data.find(b"\r\n\r\n")
        if end < 0:
            return codes
        head = data[:end].decode("latin-1").split("\r\n")
        length = 0
        for h in head[1:]:
            k, _, v = h.partition(":")
            if k.lower() == "content-length":
                length = int(v)
        if len(data) < end + 4 + length:
            return codes
        codes.append(head[0].split(" ")[1])
        data = data[end + 4 + length:]

def raw(payload, shut=""):
    """Sends payload (with \\r \\n escapes); prints the status codes, then EOF if closed."""
    s = conn()
    s.sendall(payload.encode("latin-1").decode("unicode_escape").encode("latin-1"))
    if shut == "shut":
        s.shutdown(socket.SHUT_WR)
    data, eof = b"", False
    deadline = time.time() + 10
    while time.time() < deadline:
        s.settimeout(max(0.1, deadline - time.time()))
        try:
            b = s.recv(65536)
        except socket.timeout:
            break
        except ConnectionResetError:
            eof = True
            break
        if not b:
            eof = True
            break
        data += b
        if shut == "one" and responses(data):
            break
    print(" ".join(responses(data)) + (" EOF" if eof else ""))

def headonly(path):
    """HEAD path on a connection the server closes: prints the bytes that follow the head."""
    s = conn()
    s.sendall(("HEAD %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" % path).encode())
    data = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
    end = data.find(b"\r\n\r\n")
    print("%s after the head: %d" % (data.split(b" ")[1].decode(), len(data) - end - 4))

def slow(n, wait):
    """n clients each send half a request line and stall; how each ends within wait s."""
    socks = [conn() for _ in range(int(n))]
    for s in socks:
        s.sendall(b"GET / HT")
    print("HELD", flush=True)
    got = {}
    deadline = time.time() + float(wait)
    for s in socks:
        data = b""
        while time.time() < deadline:
            s.settimeout(max(0.1, deadline - time.time()))
            try:
                b = s.recv(4096)
            except (socket.timeout, ConnectionResetError):
                break
            if not b:
                k = " ".join(responses(data)) + " EOF"
                got[k] = got.get(k, 0) + 1
                break
            data += b
    print(" ".join("%s:%d" % kv for kv in sorted(got.items())) or "none closed")

def resets(n, path):
    """n clients ask for path and reset the connection (SO_LINGER 0) once data flows."""
    for i in range(int(n)):
        s = conn()
        s.sendall(("GET %s HTTP/1.1\r\nHost: t\r\n\r\n" % path).encode())
        if i % 2:
            s.recv(1000)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    print("reset", n)

def churn(n):
    """n connections opened and dropped at once: closed, reset, or after half a request."""
    for i in range(int(n)):
        s = conn()
        if i % 3 == 1:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif i % 3 == 2:
            s.sendall(b"GET /big.bin HTTP/1.1\r\nHo")
        s.close()
    print("dropped", n)

def hold(n, release):
    """Opens n connections at once, prints HELD when all are up, holds them until the file
    release exists (at most 120 s), then prints how many were still open."""
    # In batches of 100, each connecting at once: the listen backlog is 255 (lwIP's maximum),
    # and a client whose SYN it drops waits seconds before it tries again.
    socks, pending, deadline = [], set(), time.time() + 90
    while len(socks) < int(n) and time.time() < deadline:
        for _ in range(min(100, int(n) - len(socks))):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex((HOST, PORT))
            socks.append(s)
            pending.add(s)
        while pending and time.time() < deadline:
            _, w, _ = select.select([], list(pending), [], 1)
            for s in w:
                if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) != 0:
                    print("connect failed", flush=True)
                    sys.exit(1)
                pending.discard(s)
    print("HELD %d" % (len(socks) - len(pending)), flush=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            open(release).close()
            break
        except OSError:
            time.sleep(0.2)
    alive = 0
    for s in socks:
        try:
            s.recv(1, socket.MSG_DONTWAIT | socket.MSG_PEEK) # b"": closed by the server
        except BlockingIOError:
            alive += 1 # nothing to read, no FIN, no reset: still open
        except OSError:
            pass
        s.close()
    print("still open %d" % alive)

globals()[sys.argv[1]](*sys.argv[2:])
