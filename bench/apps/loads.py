"""Host side of the application benchmark (bench-apps): readiness probes of Redis and NGINX
through QEMU's host forwarding, the loads (redis-benchmark, ab) and what their output says.
A load that reports an error, a failed request, a short count or a wrong length raises
LoadError: its figure is not produced."""

import re
import socket
import subprocess

# A load that runs longer than this has stalled (the slowest system here makes a few hundred
# requests per second; the largest default load is 50 000 requests).
LOAD_TIMEOUT = 900


class LoadError(Exception):
    pass


def _exchange(port, request, until, timeout=3.0):
    """Sends request, reads until until(data) holds or the peer closes; the bytes read."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(request)
        data = b""
        while not until(data):
            d = s.recv(65536)
            if not d:
                break
            data += d
        return data


def redis_ready(port):
    """True if Redis answers PING (QEMU accepts on the host port before the guest listens,
    then closes the connection, so a connection alone proves nothing)."""
    try:
        return _exchange(port, b"PING\r\n", lambda d: d.endswith(b"\r\n")) == b"+PONG\r\n"
    except OSError:
        return False


def redis_commandstats(port):
    """{command: calls} from INFO commandstats."""
    def complete(d):  # a bulk string: $LEN\r\n then LEN bytes and \r\n
        m = re.match(rb"\$(\d+)\r\n", d)
        return m is not None and len(d) >= m.end() + int(m.group(1)) + 2
    data = _exchange(port, b"INFO commandstats\r\n", complete)
    if not complete(data):
        raise LoadError("INFO commandstats: no complete answer (%r)" % data[:80])
    return {m.group(1).decode(): int(m.group(2))
            for m in re.finditer(rb"cmdstat_(\w+):calls=(\d+)", data)}


def http_ready(port, path, body):
    """True if NGINX serves path with status 200 and exactly body."""
    request = b"GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n" % path.encode()
    try:
        data = _exchange(port, request, lambda d: False)
    except OSError:
        return False
    head, _, got = data.partition(b"\r\n\r\n")
    return head.startswith(b"HTTP/1.1 200") and got == body


def _run(argv):
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=LOAD_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise LoadError("%s: no end after %d s" % (" ".join(argv), LOAD_TIMEOUT))
    return p


def redis_benchmark(port, test, clients, requests):
    """Requests/s of redis-benchmark -t test (one of its tests, e.g. set or get)."""
    argv = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(port), "-t", test, "-c",
            str(clients), "-n", str(requests), "--csv"]
    p = _run(argv)
    if p.returncode != 0 or p.stderr.strip():
        raise LoadError("%s: status %d, %s" % (" ".join(argv), p.returncode,
                                               p.stderr.strip()[-300:] or "no error output"))
    for line in p.stdout.splitlines():
        f = [x.strip('"') for x in line.split(",")]
        if len(f) > 1 and f[0] == test.upper():
            return float(f[1])
    raise LoadError("%s: no %s line in its output: %r" % (" ".join(argv), test.upper(),
                                                          p.stdout[-300:]))


def ab(port, path, requests, concurrency, keepalive, length):
    """Requests/s of ab; every request must complete with a 2xx answer of length bytes."""
    argv = ["ab"] + (["-k"] if keepalive else []) + [
        "-n", str(requests), "-c", str(concurrency), "-s", "30",
        "http://127.0.0.1:%d%s" % (port, path)]
    p = _run(argv)
    out = p.stdout

    def field(name):
        m = re.search(r"^%s:\s+([0-9.]+)" % re.escape(name), out, re.M)
        return float(m.group(1)) if m else None
    problems = []
    if p.returncode != 0:
        problems.append("status %d (%s)" % (p.returncode, p.stderr.strip()[-200:]))
    if field("Complete requests") != requests:
        problems.append("%s of %d requests complete" % (field("Complete requests"), requests))
    if field("Failed requests") != 0:
        problems.append("%s failed requests" % field("Failed requests"))
    if re.search(r"^Non-2xx responses", out, re.M):
        problems.append("non-2xx responses")
    if field("Document Length") != length:
        problems.append("document length %s, not %d" % (field("Document Length"), length))
    if problems or field("Requests per second") is None:
        raise LoadError("%s: %s" % (" ".join(argv), "; ".join(problems) or "no requests/s"))
    return field("Requests per second")
