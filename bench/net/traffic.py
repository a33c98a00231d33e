"""Host side of the network benchmark: talks netserve's protocol (netserve.c) through QEMU's
host forwarding. Echo probes, 1-byte round trips, CPU accounting periods and rate-limited
streams whose every byte is checked when it comes back."""

import os
import socket
import statistics
import threading
import time

CHUNK = 16 * 1024  # bytes per send
RECV = 256 * 1024  # bytes per receive at most
# Data sent: a random block repeated; a receive is compared with the block at its offset,
# so the block is kept doubled up to RECV to compare across the wrap without copying.
PATTERN_LEN = 1024 * 1024
_pattern = os.urandom(PATTERN_LEN)
_pattern2 = memoryview(_pattern + _pattern[:RECV])
# A stall bigger than this ends a stream as failed rather than hanging the run.
IO_TIMEOUT = 30.0


class TrafficError(Exception):
    pass


def _connect(port, timeout=IO_TIMEOUT):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def _read_line(s):
    data = b""
    while not data.endswith(b"\n"):
        d = s.recv(256)
        if not d:
            raise TrafficError("connection closed before a full answer (got %r)" % data)
        data += d
    return data.decode().strip()


def command(port, line):
    """Sends one command line on a connection of its own; returns the answer line."""
    with _connect(port) as s:
        s.sendall(line.encode() + b"\n")
        return _read_line(s)


def echo_probe(port, timeout=2.0):
    """True if an echo connection returns one byte within timeout."""
    try:
        with _connect(port, timeout) as s:
            s.sendall(b"echo\nx")
            return s.recv(1) == b"x"
    except OSError:
        return False


def round_trips(port, count, warmup=5):
    """Median 1-byte round trip over one echo connection, in microseconds."""
    with _connect(port) as s:
        s.sendall(b"echo\n")
        samples = []
        for i in range(warmup + count):
            t = time.perf_counter()
            s.sendall(b"r")
            if s.recv(1) != b"r":
                raise TrafficError("round trip %d: wrong or no answer" % i)
            if i >= warmup:
                samples.append(time.perf_counter() - t)
    return statistics.median(samples) * 1e6


def util_start(port):
    answer = command(port, "util start")
    if answer != "ok":
        raise TrafficError("util start: answer %r" % answer)


def util_stop(port):
    """Ends the guest's accounting period: a list of (busy, total, source), first to report."""
    answer = command(port, "util stop").split()
    if not answer or answer[0] != "util" or (len(answer) - 1) % 3 or len(answer) < 4:
        raise TrafficError("util stop: answer %r" % " ".join(answer))
    return [(int(answer[i]), int(answer[i + 1]), answer[i + 2]) for i in range(1, len(answer), 3)]


def stream(port, nbytes, rate):
    """Sends nbytes through the guest's echo at `rate` bytes/s (0: as fast as it goes) and
    checks every byte that comes back. Returns (seconds from the first send to the last
    byte back, the longest time between two receives in seconds)."""
    s = _connect(port)
    failure = []

    def send():
        try:
            t0 = time.monotonic()
            sent = 0
            while sent < nbytes:
                n = min(CHUNK, nbytes - sent)
                if rate:
                    due = t0 + sent / rate
                    now = time.monotonic()
                    if due > now:
                        time.sleep(due - now)
                    elif now - due > 0.05:
                        t0 += now - due - 0.05  # a late sender does not burst to catch up
                off = sent % PATTERN_LEN
                s.sendall(_pattern2[off:off + n])
                sent += n
            s.shutdown(socket.SHUT_WR)
        except OSError as e:
            failure.append(e)

    with s:
        s.sendall(b"echo\n")
        buf = bytearray(RECV)
        view = memoryview(buf)
        sender = threading.Thread(target=send, daemon=True)
        start = last = time.monotonic()
        sender.start()
        got = 0
        gap = 0.0
        try:
            while True:
                n = s.recv_into(buf)
                now = time.monotonic()
                if n == 0:
                    break
                gap = max(gap, now - last)
                last = now
                off = got % PATTERN_LEN
                if view[:n] != _pattern2[off:off + n]:
                    raise TrafficError("stream: the bytes at offset %d came back changed" % got)
                got += n
                if got > nbytes:
                    raise TrafficError("stream: more bytes came back than were sent")
        except socket.timeout:
            raise TrafficError("stream: nothing came back for %.0f s (at byte %d of %d)"
                               % (IO_TIMEOUT, got, nbytes))
        sender.join()
    if failure:
        raise TrafficError("stream: sending failed: %s" % failure[0])
    if got != nbytes:
        raise TrafficError("stream: %d of %d bytes came back" % (got, nbytes))
    return last - start, gap
