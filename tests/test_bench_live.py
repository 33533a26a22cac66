"""bench/live.py's pure parts: the figures it reports from what its readers saw."""

from bench.live import Results, format_summary, percentile


def test_percentile_takes_the_value_at_the_share():
    assert percentile([3, 1, 2, 4], 0.5) == 3
    assert percentile(list(range(100)), 0.99) == 99
    assert percentile([], 0.99) is None


def test_the_summary_counts_view_requests_per_entry_and_delays():
    results = Results(seconds=10, readers=2)
    results.latencies = [0.001] * 20
    results.statuses = {200: 18, 304: 2}
    results.posted = {"entry-1": 100.0, "entry-2": 105.0}
    results.seen = {(0, "entry-1"): 103.0, (1, "entry-1"): 108.0, (0, "entry-2"): 106.0}
    results.view_requests = 5
    summary = results.summary()
    assert summary["requests_per_second"] == 2.0
    assert summary["view_requests_per_entry"] == 2.5
    assert summary["deliveries"] == "3 of 4"
    assert summary["delay_max_s"] == 8.0
    assert "2.5 per entry" in format_summary(summary)
