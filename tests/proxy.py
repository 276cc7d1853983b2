"""A fault-injecting TCP proxy a test puts between Tessera and a server: it makes an outage, a
dropped connection, a hung server or a slow link for the test's own connections only, never by
touching a server that others share."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
from collections.abc import Awaitable, Iterator
from typing import TypeVar

from sqlalchemy.engine import make_url

T = TypeVar("T")

CHUNK = 65536
DEFAULT_PORTS = {"amqp": 5672, "postgresql": 5432}


class FaultProxy:
    """Forwards 127.0.0.1:`port` to `upstream`, in a thread of its own, until closed.

    `cut()` is an outage (connections refused and every open one closed), `stall()` a server
    that accepts and never answers, `close_connections()` a dropped link, `slow(ms)` a slow
    network: each applies to what goes through this proxy and nothing else."""

    def __init__(self, host: str, port: int) -> None:
        self.upstream = (host, port)
        self.delay = 0.0
        self._drop_next = False
        self.accepted = 0
        """How many connections it has taken, since it started."""
        self._refusing = False
        self._loop = asyncio.new_event_loop()
        self._open: asyncio.Event | None = None
        self._pipes: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self.port = self._run(self._listen(0))

    @classmethod
    def before(cls, url: str) -> FaultProxy:
        """A proxy in front of the server a URL names (its host and port)."""
        parsed = make_url(url)
        return cls(parsed.host or "127.0.0.1", parsed.port or DEFAULT_PORTS[parsed.drivername])

    def url(self, url: str) -> str:
        """The URL with this proxy in place of its server."""
        moved = make_url(url).set(host="127.0.0.1", port=self.port)
        return moved.render_as_string(hide_password=False)

    def close_connections(self) -> int:
        """Every connection through the proxy is closed at once, both ends, as a broken link;
        how many there were."""
        return self._run(self._close_all())

    @contextlib.contextmanager
    def cut(self) -> Iterator[int]:
        """While inside: connections are refused and the open ones closed (how many, it
        gives); then it listens again on the same port."""
        self._refusing = True  # and one taken but not yet seen to is dropped too
        self._run(self._stop_listening())
        closed = self._run(self._close_all())
        try:
            yield closed
        finally:
            self._refusing = False
            self._run(self._listen(self.port))

    @contextlib.contextmanager
    def stall(self) -> Iterator[None]:
        """While inside: connections are accepted, but nothing is forwarded either way."""
        self._run(self._set_open(False))
        try:
            yield
        finally:
            self._run(self._set_open(True))

    def slow(self, milliseconds: float) -> None:
        """Every chunk is held `milliseconds` before it is forwarded (0: no delay)."""
        self.delay = milliseconds / 1000

    def drop_next_send(self) -> None:
        """The next chunk a client sends is not forwarded, and its connection is closed, both
        ends: a link lost in the middle of a request."""
        self._drop_next = True

    def close(self) -> None:
        with contextlib.suppress(RuntimeError):
            self._run(self._stop_listening())
            self._run(self._close_all())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _run(self, work: Awaitable[T]) -> T:
        async def wrapped() -> T:
            return await work

        return asyncio.run_coroutine_threadsafe(wrapped(), self._loop).result(timeout=10)

    async def _listen(self, port: int) -> int:
        if self._open is None:
            self._open = asyncio.Event()
            self._open.set()
        server = await asyncio.start_server(self._accepted, "127.0.0.1", port, reuse_address=True)
        self._server = server
        return int(server.sockets[0].getsockname()[1])

    async def _stop_listening(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _set_open(self, value: bool) -> None:
        assert self._open is not None
        if value:
            self._open.set()
        else:
            self._open.clear()

    async def _close_all(self) -> int:
        pipes = list(self._pipes)
        for pipe in pipes:
            pipe.cancel()
        await asyncio.gather(*pipes, return_exceptions=True)
        return len(pipes)

    async def _accepted(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._refusing:
            _abort(writer)
            return
        task = asyncio.current_task()
        assert task is not None
        self._pipes.add(task)
        self.accepted += 1
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            _abort(writer)
            self._pipes.discard(task)
            return
        try:
            await asyncio.gather(
                self._pipe(reader, up_writer, sent=True), self._pipe(up_reader, writer)
            )
        except (asyncio.CancelledError, OSError):
            pass
        finally:
            _abort(writer)
            _abort(up_writer)
            self._pipes.discard(task)

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, sent: bool = False
    ) -> None:
        assert self._open is not None
        while chunk := await reader.read(CHUNK):
            await self._open.wait()
            if sent and self._drop_next:
                self._drop_next = False
                raise ConnectionResetError("the proxy dropped what a client sent")
            if self.delay:
                await asyncio.sleep(self.delay)
            writer.write(chunk)
            await writer.drain()
        writer.write_eof()


def _abort(writer: asyncio.StreamWriter) -> None:
    """Close at once, with a reset rather than an orderly end: as a lost link looks."""
    transport = writer.transport
    sock: socket.socket | None = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
