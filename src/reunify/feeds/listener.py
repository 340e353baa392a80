"""Run the MLLP listener with the durable receiver, alone or beside the HTTP server."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable

from reunify.feeds.receiver import Receiver
from reunify.interop.hl7v2 import MllpLimits, MllpServer


async def serve_mllp(
    receiver: Receiver,
    host: str,
    port: int,
    *,
    limits: MllpLimits | None = None,
    on_ready: Callable[[MllpServer], None] | None = None,
) -> None:
    """Listen until cancelled (or SIGTERM/SIGINT); frames being handled finish first."""
    server = MllpServer(receiver.handle, host, port, limits)
    with receiver:
        await server.start()
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        if task is not None:
            for sig in (signal.SIGTERM, signal.SIGINT):
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    loop.add_signal_handler(sig, task.cancel)
        if on_ready is not None:
            on_ready(server)
        try:
            await server.serve_forever()
        finally:
            await server.stop()


async def serve_http_and_mllp(
    http: object, receiver: Receiver, host: str, port: int, *, limits: MllpLimits | None = None
) -> None:
    """``uvicorn.Server.serve()`` on this loop with the MLLP listener beside it.

    uvicorn handles the signals; when it returns, the listener stops accepting, lets frames
    being handled finish, and the writer thread drains.
    """
    server = MllpServer(receiver.handle, host, port, limits)
    with receiver:
        await server.start()
        try:
            await http.serve()  # type: ignore[attr-defined]
        finally:
            await server.stop()
