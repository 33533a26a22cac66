from bench.report import FLOOR, UNCACHED, Measurement, format_table, median_of, with_share

CACHED = "cached: locmem"


def test_table_shows_each_page_with_its_size_and_share_of_the_floor():
    table = format_table(
        [
            Measurement(FLOOR, UNCACHED, 1500.4, 2.46, 6.1, kb=30.7, requests=7500),
            Measurement("front page", UNCACHED, 300, 12.34, 40.2, kb=52.3, share=20.2),
            Measurement("search", UNCACHED, note="HTTP 404: not built yet?"),
            Measurement(FLOOR, CACHED, 1000, 2.6, 6, kb=30.7, requests=5000),
            Measurement("front page", CACHED, 950, 2.8, 7, kb=52.3, errors=3, share=95),
        ]
    )
    assert table == (
        "| page                        | cache          | req/s | p50 ms | p99 ms | KB "
        "| % of floor | note                     |\n"
        "|-----------------------------|----------------|------:|-------:|-------:|---:"
        "|-----------:|--------------------------|\n"
        "| floor (constant 30 KB page) | uncached       | 1,500 |    2.5 |    6.1 | 31 "
        "|      100 % |                          |\n"
        "| front page                  | uncached       |   300 |   12.3 |   40.2 | 52 "
        "|       20 % |                          |\n"
        "| search                      | uncached       |     — |      — |      — |  — "
        "|          — | HTTP 404: not built yet? |\n"
        "| floor (constant 30 KB page) | cached: locmem | 1,000 |    2.6 |    6.0 | 31 "
        "|      100 % |                          |\n"
        "| front page                  | cached: locmem |   950 |    2.8 |    7.0 | 52 "
        "|       95 % | 3 failed responses       |\n"
    )


def test_share_is_taken_against_the_floor_measured_beside_the_page():
    page = Measurement("front page", UNCACHED, rps=300, p50_ms=1, p99_ms=2)
    assert with_share(page, Measurement(FLOOR, UNCACHED, rps=1200, p50_ms=1, p99_ms=2)).share == 25
    assert with_share(page, Measurement(FLOOR, UNCACHED, note="HTTP 500")).share is None
    failed_floor = Measurement(FLOOR, UNCACHED, note="HTTP 500")
    assert "|          — |" in format_table([failed_floor, page])


def test_rounds_are_summed_up_by_their_medians():
    rounds = [
        Measurement("front page", UNCACHED, rps, p50, p99, kb, 100, errors, share=share)
        for rps, p50, p99, kb, errors, share in [
            (310, 12, 50, 52.5, 0, 21),
            (290, 14, 30, 52.1, 1, 19),
            (300, 13, 40, 52.3, 0, 25),
        ]
    ]
    assert median_of(rounds) == Measurement(
        "front page", UNCACHED, 300, 13, 40, kb=52.3, requests=300, errors=1, share=21
    )


def test_a_page_that_failed_in_every_round_stays_failed():
    rounds = [Measurement("search", UNCACHED, note="HTTP 404: not built yet?")] * 3
    assert median_of(rounds) == rounds[0]
    assert median_of(rounds).failed


def test_small_shares_keep_a_decimal():
    page = Measurement("search", UNCACHED, rps=10, p50_ms=100, p99_ms=200, share=0.34)
    assert "|      0.3 % |" in format_table([page])


def test_a_page_too_slow_for_any_request_under_load_shows_one_request_alone():
    rounds = [
        Measurement("search", UNCACHED, note="no response in time", alone_s=seconds)
        for seconds in (9.5, 12.25, 10.75)
    ]
    summary = median_of(rounds)
    assert summary.failed and summary.alone_s == 10.75
    assert "| no response in time (one request alone: 10.8 s) |" in format_table([summary])
