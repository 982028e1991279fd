"""Real SMTP servers for tests and the mail-outage measurement (bench/mail_outage.py).

- `SmtpServer`: aiosmtpd on 127.0.0.1, on a free port chosen when first started; `stop()`
  takes it down (connections are refused) and `start()` brings it back on the same port.
  `.messages` are the received messages (email.message.Message).
- `HangingSmtpServer`: accepts connections and never answers (a mail server that hangs).
"""
from __future__ import annotations

import asyncio
import socket
import threading
from email import message_from_bytes
from email.message import Message

from aiosmtpd.smtp import SMTP


class _Collector:
    def __init__(self, server: "SmtpServer") -> None:
        self.server = server

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        with self.server.lock:
            self.server.messages.append(message_from_bytes(envelope.original_content))
        return "250 OK"


class SmtpServer:
    def __init__(self) -> None:
        self.port = 0
        self.messages: list[Message] = []
        self.lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                        name="test-smtp")
        self._thread.start()
        self._server = None

    def start(self) -> "SmtpServer":
        async def serve():
            return await self._loop.create_server(
                lambda: SMTP(_Collector(self), hostname="localhost"), "127.0.0.1", self.port,
                reuse_address=True)

        self._server = asyncio.run_coroutine_threadsafe(serve(), self._loop).result(10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        async def close():
            self._server.close()
            await self._server.wait_closed()

        if self._server is not None:
            asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
            self._server = None

    def close(self) -> None:
        self.stop()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def message_ids(self) -> list[str]:
        with self.lock:
            return [message["Message-ID"] for message in self.messages]


class HangingSmtpServer:
    """Accepts TCP connections and never says a word."""

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True, name="hanging-smtp")
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            self._held.append(connection)

    def close(self) -> None:
        self._socket.close()
        for connection in self._held:
            connection.close()
