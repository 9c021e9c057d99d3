#!/usr/bin/env python3
"""A null remote-write receiver for the side-by-side benchmarks.

Answers 204 to every POST after reading (and discarding) its body, counting
requests and body bytes per URL path, so one receiver serves several agents
told apart by their path (/prom, /vm, /outpost). GET /counts answers one
line per path: "<path> <requests> <bytes>". Nothing is decoded: its CPU is
not what the benchmarks measure.

Usage: null_receiver.py PORT   (listens on 127.0.0.1:PORT; HTTP/1.1 with
keep-alive, as a real receiver would be)
"""
import http.server
import sys
import threading

counts = {}
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _body_len(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            total = 0
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return total
                self.rfile.read(size)
                self.rfile.readline()
                total += size
        n = int(self.headers.get("Content-Length", "0"))
        left = n
        while left > 0:
            chunk = self.rfile.read(min(left, 1 << 20))
            if not chunk:
                break
            left -= len(chunk)
        return n - left

    def do_POST(self):
        n = self._body_len()
        path = self.path.split("?")[0]
        with lock:
            c = counts.setdefault(path, [0, 0])
            c[0] += 1
            c[1] += n
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        if self.path.split("?")[0] == "/counts":
            with lock:
                body = "".join("%s %d %d\n" % (p, c[0], c[1]) for p, c in sorted(counts.items()))
            code = 200
        else:
            body, code = "null receiver: POST anything\n", 200
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


if __name__ == "__main__":
    Server(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
