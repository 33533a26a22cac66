"""A local oEmbed provider on loopback, so no test asks the internet: JSON answers, a JPEG
thumbnail, a player page, one endpoint that hangs past the timeout, one that answers garbage
and one that answers hostile content. Each request's path is recorded."""

import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image

TIMEOUT = 0.5


def _jpeg(size):
    out = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(out, "JPEG")
    return out.getvalue()


THUMBNAIL = _jpeg((320, 180))


class Provider(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests = []
        self.base = f"http://127.0.0.1:{self.server_port}"

    def overrides(self):
        """NEWSROOM_OEMBED_PROVIDERS pointing our table's providers at this server."""
        here = {
            "frame_origins": (self.base,),
            "frame_rewrite": (),
            "thumbnail_hosts": ("127.0.0.1",),
        }
        return {
            "youtube": here | {"endpoint": f"{self.base}/oembed"},
            "x": here | {"endpoint": f"{self.base}/oembed"},
            "vimeo": here | {"endpoint": f"{self.base}/hang"},
            "tiktok": here | {"endpoint": f"{self.base}/garbage"},
            "bluesky": here | {"endpoint": f"{self.base}/hostile"},
        }

    def asked(self, path):
        return sum(1 for asked in self.requests if asked == path)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, body, content_type="application/json", status=200):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        parts = urlsplit(self.path)
        self.server.requests.append(parts.path)
        base = self.server.base
        url = parse_qs(parts.query).get("url", [""])[0]
        key = url.rstrip("/").rsplit("/", 1)[-1].rsplit("=", 1)[-1]
        if parts.path == "/oembed":
            answer = {
                "type": "video",
                "version": "1.0",
                "title": f"Video {key}",
                "author_name": "Harbour Channel",
                "thumbnail_url": f"{base}/thumbnail.jpg",
                "html": f'<iframe width="640" height="360" src="{base}/player/{key}"></iframe>',
                "width": 640,
                "height": 360,
            }
            if "/status/" in url:  # X offers a script, not a player
                answer["html"] = '<blockquote class="twitter-tweet"></blockquote><script></script>'
                answer.pop("thumbnail_url")
            self.send(json.dumps(answer).encode())
        elif parts.path == "/hostile":
            answer = {
                "title": "<script>alert('title')</script>Hostile",
                "author_name": '"><img src=x onerror=alert(1)>',
                "thumbnail_url": f"{base}/not-a-picture.jpg",
                "html": '<script src="https://evil.example/x.js"></script>'
                '<iframe src="javascript:alert(1)"></iframe>',
            }
            self.send(json.dumps(answer).encode())
        elif parts.path == "/hang":
            time.sleep(TIMEOUT * 4)
            self.send(b"{}")
        elif parts.path == "/garbage":
            self.send(b"<html>Not JSON at all", "text/html")
        elif parts.path == "/thumbnail.jpg":
            self.send(THUMBNAIL, "image/jpeg")
        elif parts.path == "/not-a-picture.jpg":
            self.send(b"<svg onload=alert(1)></svg>", "image/jpeg")
        elif parts.path.startswith("/player/"):
            page = f"<!DOCTYPE html><title>Player</title><p>Playing {parts.path[8:]}</p>"
            self.send(page.encode(), "text/html")
        else:
            self.send(b"{}", status=404)


@pytest.fixture
def oembed_provider(settings):
    server = Provider()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.NEWSROOM_OEMBED_PROVIDERS = server.overrides()
    settings.NEWSROOM_OEMBED_TIMEOUT = TIMEOUT
    yield server
    server.shutdown()
    server.server_close()
