import shutil
import threading
from argparse import Namespace
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.load import command, parse, prime, run

WRK_OUTPUT = """Running 4s test @ http://127.0.0.1:8123
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.41ms    1.02ms  21.34ms   90.12%
  6000 requests in 4.00s, 180.23MB read
Requests/sec:   1500.00
Transfer/sec:     45.06MB
BENCH-JSON {"requests": 6000, "duration_us": 4000000, "bytes": 188987392, "connect_errors": 0, \
"read_errors": 0, "write_errors": 0, "status_errors": 2, "timeouts": 1, "p50_us": 2250, \
"p99_us": 7125}
"""


def test_parses_the_summary_line_of_rotate_lua():
    measurement = parse(WRK_OUTPUT, page="front page", cache="cold")
    assert measurement.rps == 1500
    assert measurement.p50_ms == 2.25 and measurement.p99_ms == 7.125
    assert measurement.requests == 6000
    assert measurement.kb == pytest.approx(188987392 / 6000 / 1024)  # 30.8 KB a response
    assert measurement.errors == 3


def test_no_summary_line_is_a_failed_measurement():
    measurement = parse("unable to connect to 127.0.0.1:8123", page="front page", cache="cold")
    assert measurement.failed and measurement.note == "wrk printed no result"


def test_no_response_at_all_is_a_failed_measurement():
    output = WRK_OUTPUT.replace('"requests": 6000', '"requests": 0')
    measurement = parse(output, page="front page", cache="cold")
    assert measurement.failed and measurement.errors == 3


@pytest.mark.parametrize("url", ["http://example.com", "http://10.0.0.1:80", "http://localhost"])
def test_sends_traffic_only_to_loopback(tmp_path, url):
    with pytest.raises(ValueError, match=r"only sends traffic to 127\.0\.0\.1"):
        run("wrk", url, tmp_path / "paths.txt", seconds=1, connections=1, page="p", cache="c")


def test_primes_only_loopback():
    with pytest.raises(ValueError, match=r"only sends traffic to 127\.0\.0\.1"):
        prime("http://example.com", ["/"], passes=1, connections=1)


@contextmanager
def recording_server(key=None):
    """A loopback server answering 200 (401 without `key`, when one is set); yields its URL
    and what it was asked."""
    asked = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            asked.append((self.path, self.headers.get("Authorization")))
            refused = key is not None and self.headers.get("Authorization") != key
            self.send_response(401 if refused else 200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


def test_wrk_is_told_each_header_before_the_rotating_script():
    args = command(
        "wrk",
        "http://127.0.0.1:1",
        "paths.txt",
        seconds=2,
        connections=4,
        headers={"Authorization": "Bearer nr_k", "Accept": "application/json"},
    )
    assert args[args.index("--script") - 4 :][:4] == [
        "--header",
        "Authorization: Bearer nr_k",
        "--header",
        "Accept: application/json",
    ]
    assert "--header" not in command("wrk", "http://x", "p", seconds=1, connections=1)


@pytest.mark.skipif(not shutil.which("wrk"), reason="needs wrk (apt-get install wrk)")
def test_every_rotated_request_carries_the_pages_headers(tmp_path):
    paths_file = tmp_path / "paths.txt"
    paths_file.write_text("/api/ninjs/1\n/api/ninjs/2\n")
    with recording_server() as (base, asked):
        measurement = run(
            shutil.which("wrk"),
            base,
            paths_file,
            seconds=1,
            connections=2,
            page="API item",
            cache="c",
            headers={"Authorization": "Bearer nr_k"},
        )
    assert measurement.requests > 10 and not measurement.errors
    assert {path for path, _ in asked} == {"/api/ninjs/1", "/api/ninjs/2"}
    assert {key for _, key in asked} == {"Bearer nr_k"}


def test_priming_sends_the_pages_headers():
    with recording_server() as (base, asked):
        prime(
            base,
            ["/api/ninjs/", "/api/ninjs/7"],
            passes=2,
            connections=2,
            headers={"Authorization": "Bearer nr_k"},
        )
    assert sorted(asked) == sorted(
        [("/api/ninjs/", "Bearer nr_k"), ("/api/ninjs/7", "Bearer nr_k")] * 2
    )


@pytest.mark.skipif(not shutil.which("wrk"), reason="needs wrk (apt-get install wrk)")
def test_a_page_needing_a_key_is_measured_with_it_from_first_request_to_last(tmp_path):
    from bench.__main__ import measure
    from bench.pages import Page

    args = Namespace(connections=2, seconds=1, warmup=1, prime_passes=1)
    page = Page("API item", ["/api/ninjs/1", "/api/ninjs/2"], headers={"Authorization": "k"})
    with recording_server(key="k") as (base, asked):
        result = measure(
            shutil.which("wrk"), base, page, cache="c", args=args, workdir=tmp_path, prime=True
        )
    assert not result.failed and not result.errors and result.requests > 10
    assert {key for _, key in asked} == {"k"}
