"""A local HTTP server that plays every kind of cover source (tests never touch the internet)."""

import io
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image


def image_bytes(width: int, height: int, fmt: str = "JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (120, 40, 20)).save(out, fmt)
    return out.getvalue()


JPEG = image_bytes(400, 600)
SMALL_PNG = image_bytes(98, 150, "PNG")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # bodies end at close: /stream sends no Content-Length

    def log_message(self, *args):  # keep test output clean
        pass

    def _send(self, code: int, body: bytes = b"", content_type: str = "image/jpeg", headers=None):
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if "Content-Length" not in (headers or {}) and not self.path.startswith("/stream"):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.server.hits[self.path] += 1
        path = self.path.split("?")[0]
        if path in ("/cover.jpg", "/isbn/9780000000002.jpg"):
            self._send(200, JPEG)
        elif path == "/small.png":
            self._send(200, SMALL_PNG, "image/png")
        elif path == "/slow.jpg":
            time.sleep(2)
            self._send(200, JPEG)
        elif path == "/trickle.jpg":
            self.send_response(200)
            self.end_headers()
            for byte in JPEG[:12]:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.15)
        elif path == "/huge.jpg":
            self._send(200, JPEG, headers={"Content-Length": "999999999"})
        elif path == "/stream.jpg":
            self._send(200, JPEG)
        elif path == "/page.html":
            self._send(200, b"<html><body>not found</body></html>", "text/html")
        elif path == "/fake.jpg":
            self._send(200, b"\xff\xd8\xff\xe0 truncated jpeg", "image/jpeg")
        elif path == "/redirect":
            self._send(302, headers={"Location": "/cover.jpg"})
        elif path == "/loop":
            self._send(302, headers={"Location": "/loop"})
        elif path == "/to-file":
            self._send(302, headers={"Location": "file:///etc/passwd"})
        elif path == "/to-ftp":
            self._send(302, headers={"Location": "ftp://127.0.0.1/x.jpg"})
        else:
            self._send(404, b"no", "text/plain")


class CoverServer:
    def __init__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.hits = Counter()
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def hits(self) -> Counter:
        return self.httpd.hits

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}{path}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
