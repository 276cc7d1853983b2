"""The fault proxy the fault tests stand between Tessera and a server does what it says:
forwards, cuts, drops, stalls and slows, for its own connections only."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Iterator

import pytest

from tests.proxy import FaultProxy


class Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        while data := self.request.recv(4096):
            self.request.sendall(data)


@pytest.fixture
def echo() -> Iterator[tuple[str, int]]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Echo)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    yield str(host), int(port)
    server.shutdown()
    server.server_close()


@pytest.fixture
def proxy(echo: tuple[str, int]) -> Iterator[FaultProxy]:
    with FaultProxy(*echo) as made:
        yield made


def connect(proxy: FaultProxy) -> socket.socket:
    return socket.create_connection(("127.0.0.1", proxy.port), timeout=2)


def round_trip(connection: socket.socket, data: bytes = b"ping") -> bytes:
    connection.sendall(data)
    return connection.recv(4096)


def broken(connection: socket.socket) -> bool:
    """Whether the connection was reset or ended (a reset may surface on the second call)."""
    try:
        return round_trip(connection) == b"" or round_trip(connection) == b""
    except (ConnectionResetError, BrokenPipeError):
        return True


def test_it_forwards_both_ways(proxy: FaultProxy) -> None:
    with connect(proxy) as connection:
        assert round_trip(connection) == b"ping"
    assert proxy.accepted == 1


def test_closing_its_connections_breaks_each_and_new_ones_work(proxy: FaultProxy) -> None:
    connections = [connect(proxy) for _ in range(3)]
    for connection in connections:
        assert round_trip(connection) == b"ping"
    assert proxy.close_connections() == 3
    for connection in connections:
        assert broken(connection)
        connection.close()
    with connect(proxy) as again:
        assert round_trip(again) == b"ping"


def test_a_dropped_send_is_never_forwarded_and_breaks_only_its_connection(
    proxy: FaultProxy,
) -> None:
    with connect(proxy) as first:
        assert round_trip(first) == b"ping"
        proxy.drop_next_send()
        first.sendall(b"lost")
        assert broken(first)
    with connect(proxy) as again:
        assert round_trip(again) == b"ping"


def test_a_cut_refuses_connections_until_it_ends(proxy: FaultProxy) -> None:
    before = connect(proxy)
    assert round_trip(before) == b"ping"
    with proxy.cut():
        with pytest.raises(ConnectionRefusedError):
            connect(proxy)
        assert broken(before)
    before.close()
    with connect(proxy) as after:
        assert round_trip(after) == b"ping"


def test_a_stall_holds_everything_until_it_ends(proxy: FaultProxy) -> None:
    with connect(proxy) as connection:
        with proxy.stall():
            connection.sendall(b"held")
            connection.settimeout(0.3)
            with pytest.raises(TimeoutError):
                connection.recv(4096)
        connection.settimeout(2)
        assert connection.recv(4096) == b"held"


def test_a_slow_link_delays_each_way(proxy: FaultProxy) -> None:
    with connect(proxy) as connection:
        proxy.slow(100)
        began = time.monotonic()
        assert round_trip(connection) == b"ping"
        assert time.monotonic() - began >= 0.2  # there and back
        proxy.slow(0)


def test_a_proxy_before_a_url_moves_only_its_host_and_port() -> None:
    with FaultProxy.before("amqp://guest:secret@127.0.0.1:5672/vhost") as proxy:
        assert proxy.upstream == ("127.0.0.1", 5672)
        moved = proxy.url("amqp://guest:secret@127.0.0.1:5672/vhost")
        assert moved == f"amqp://guest:secret@127.0.0.1:{proxy.port}/vhost"
