import pytest

from bench.load import parse, prime, run

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
