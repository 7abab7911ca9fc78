# SPDX-License-Identifier: GPL-2.0-or-later
"""A forwarding TCP proxy for Xapian's remote protocol, on loopback: counts the messages each way
and the round trips, and can delay every chunk by a fixed time each way (a LAN where the kernel
has no `tc netem`).

Xapian's remote protocol (1.4) frames every message as a type byte, the body's length
(encode_length: one byte below 255, else 0xff and 7-bit groups, the last with its top bit set)
and the body. A round trip is counted each time the client sends after the server has answered
(or first): requests sent back to back before any reply has reached the client are one round trip (the
proxy knows when it hands the server's bytes to the client).

Used by bench/shard_bench.py and by the shard tests' slow-shard case:
    with Proxy(target_port, delay_ms=0.25) as proxy:   # proxy.port to connect to
        before = proxy.counts(); ...; after = proxy.counts()
Or standalone: remote_proxy.py TARGET_PORT DELAY_MS [LISTEN_PORT] (prints the port it listens on).
"""

import multiprocessing as mp
import socket
import sys
import threading
import time
from collections import deque

# Counter slots in the shared array.
C2S, S2C, TRIPS = 0, 1, 2


class _Framer:
    """Counts whole messages in one direction of the stream, chunk by chunk."""

    def __init__(self):
        self.state, self.need, self.length, self.shift = "type", 0, 0, 0

    def feed(self, data):
        done, i, n = 0, 0, len(data)
        while i < n:
            if self.state == "type":
                self.state, i = "len0", i + 1
            elif self.state == "len0":
                b = data[i]
                i += 1
                if b < 255:
                    self.need, self.state = b, "body"
                else:
                    self.length, self.shift, self.state = 0, 0, "lenx"
            elif self.state == "lenx":
                b = data[i]
                i += 1
                self.length |= (b & 0x7F) << self.shift
                self.shift += 7
                if b & 0x80:
                    self.need, self.state = self.length + 255, "body"
            if self.state == "body":
                take = min(self.need, n - i)
                self.need -= take
                i += take
                if self.need == 0:
                    done += 1
                    self.state = "type"
        return done


def _pump(src, dst, delay, on_data, on_sent=None):
    """Forwards src to dst, each chunk `delay` seconds after it arrived, in order; on_data(chunk)
    on arrival, on_sent(n) once it is passed on (n: what on_data returned for it)."""
    queue, cond, closed = deque(), threading.Condition(), [False]

    def writer():
        while True:
            with cond:
                while not queue and not closed[0]:
                    cond.wait()
                if not queue:
                    break
                due, chunk, n = queue.popleft()
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            try:
                dst.sendall(chunk)
            except OSError:
                break
            if on_sent:
                on_sent(n)
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    if delay > 0:
        t = threading.Thread(target=writer, daemon=True)
        t.start()
    while True:
        try:
            chunk = src.recv(65536)
        except OSError:
            chunk = b""
        if not chunk:
            break
        n = on_data(chunk)
        if delay > 0:
            with cond:
                queue.append((time.perf_counter() + delay, chunk, n))
                cond.notify()
        else:
            try:
                dst.sendall(chunk)
            except OSError:
                break
            if on_sent:
                on_sent(n)
    if delay > 0:
        with cond:
            closed[0] = True
            cond.notify()
        t.join()
    else:
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def _connection(client, target_port, delay, counts):
    try:
        server = socket.create_connection(("127.0.0.1", target_port))
    except OSError:
        client.close()
        return
    for s in (client, server):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    up, down = _Framer(), _Framer()
    answered = [True]  # a reply reached the client since its last message (first: the greeting)
    lock = threading.Lock()

    def from_client(chunk):
        n = up.feed(chunk)
        with lock:
            if n and answered[0]:
                counts[TRIPS] += 1
                answered[0] = False
            counts[C2S] += n
        return n

    def from_server(chunk):
        n = down.feed(chunk)
        with lock:
            counts[S2C] += n
        return n

    def to_client(n):
        if n:
            with lock:
                answered[0] = True

    t = threading.Thread(target=_pump, args=(server, client, delay, from_server, to_client),
                         daemon=True)
    t.start()
    _pump(client, server, delay, from_client)
    t.join()
    client.close()
    server.close()


def _serve(listener, target_port, delay, counts):
    while True:
        client, _ = listener.accept()
        threading.Thread(target=_connection, args=(client, target_port, delay, counts),
                         daemon=True).start()


class Proxy:
    """The proxy in a process of its own (so that its threads do not slow the client's): listens
    on a free loopback port (`port`), forwards to `target_port`, delays each way by `delay_ms`."""

    def __init__(self, target_port, delay_ms=0.0, listen_port=0):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", listen_port))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self._counts = mp.RawArray("q", 3)
        ctx = mp.get_context("fork")
        self.process = ctx.Process(target=_serve, daemon=True,
                                   args=(self.listener, target_port, delay_ms / 1000.0, self._counts))
        self.process.start()

    def counts(self):
        """(client->server messages, server->client messages, round trips) so far."""
        return tuple(self._counts)

    def close(self):
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.listener.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: remote_proxy.py TARGET_PORT DELAY_MS [LISTEN_PORT]")
    proxy = Proxy(int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) == 4 else 0)
    print(proxy.port, flush=True)
    try:
        proxy.process.join()
    except KeyboardInterrupt:
        proxy.close()
