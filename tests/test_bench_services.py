import socket

from bench import server, services


def test_nginx_serves_the_benchmark_file_beside_the_committed_configuration(tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "article.html").write_bytes(b"<!DOCTYPE html><title>Same bytes</title>")
    # Nothing listens upstream: only the file is asked for.
    upstream = f"127.0.0.1:{server.free_port()}"
    with services.nginx(tmp_path / "nginx", upstream=upstream, static_files=static) as base:
        status, body = server.fetch(base + "/bench-static/article.html")
        assert (status, body) == (200, b"<!DOCTYPE html><title>Same bytes</title>")
        assert server.fetch(base + "/")[0] == 502
    config = (tmp_path / "nginx" / "newsroom.conf").read_text()
    # The committed micro-cache is what the page is measured through.
    assert "proxy_cache_valid 200 301 404 410 5s;" in config


def test_redis_answers_on_the_address_it_yields(tmp_path):
    with services.redis(tmp_path) as url:
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        with socket.create_connection(("127.0.0.1", port), 2) as connection:
            connection.sendall(b"PING\r\n")
            assert connection.recv(64) == b"+PONG\r\n"
