"""The server's log: off unless asked for, plain text, and never in a request's way.

A server started by another test runner often has its stderr piped to a reader that never
reads (Node's ``spawn`` default).  Once that pipe's buffer fills, every write blocks; a server
that wrote a line per request from the request's own thread would stop answering, and then stop
shutting down.  So requests only queue records (and drop them if the queue is full), and one
daemon thread writes them; at shutdown it gets a bounded time to finish.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import threading
from logging.handlers import QueueHandler
from typing import IO, Any, List, Optional, Union

from werkzeug.serving import WSGIRequestHandler

DEFAULT_LEVEL = "warning"
QUEUE_LIMIT = 10_000
DRAIN_SECONDS = 1.0
# werkzeug logs some failures (a broken connection, say) from the server object, not ours.
LOGGERS = ("mock_esm.server", "werkzeug")

log = logging.getLogger("mock_esm.server")


class QuietRequestHandler(WSGIRequestHandler):
    """werkzeug's handler with its log lines sent to ``mock_esm.server``, without colours."""

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        log.info('%s "%s" %s %s', self.address_string(), self.requestline, code, size)

    def log(self, type: str, message: str, *args: Any) -> None:
        level = logging.ERROR if type == "error" else logging.INFO
        log.log(level, "%s " + message, self.address_string(), *args)


class _DroppingQueueHandler(QueueHandler):
    def enqueue(self, record: logging.LogRecord) -> None:
        # A reader this far behind has stopped reading; the request must not wait for it.
        with contextlib.suppress(queue.Full):
            self.queue.put_nowait(record)


class ServerLog:
    """Records go from any thread into a bounded queue; one daemon thread writes them.

    The thread writes with ``os.write`` on its own copy of the stream's file descriptor: no
    Python buffer or lock is shared with ``sys.stderr``, so a write stuck on a full pipe holds
    nothing the interpreter needs at exit, and the process still stops.
    """

    def __init__(self, level: str, stream: IO[str]) -> None:
        self._queue: queue.Queue[Union[str, logging.LogRecord, None]] = queue.Queue(QUEUE_LIMIT)
        self._stream = stream
        self._fd: Optional[int] = None
        with contextlib.suppress(AttributeError, OSError, ValueError):
            stream.flush()
            self._fd = os.dup(stream.fileno())
        self._formatter = logging.Formatter("mock-esm: %(asctime)s %(levelname)s %(message)s")
        self._handler = _DroppingQueueHandler(self._queue)
        self._saved: List[Any] = []
        for name in LOGGERS:
            logger = logging.getLogger(name)
            self._saved.append((logger, logger.level, logger.propagate))
            logger.setLevel(level.upper())
            logger.propagate = False
            logger.addHandler(self._handler)
        self._thread = threading.Thread(target=self._write, name="mock-esm-log", daemon=True)
        self._thread.start()

    def say(self, line: str) -> None:
        """Write ``line`` whatever the level (the process's own news: it stopped, say)."""
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(line)

    def _write(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                break
            text = item if isinstance(item, str) else self._formatter.format(item)
            try:
                self._emit(text + "\n")
            except OSError:
                break  # the reader is gone; nothing more can be said
        if self._fd is not None:
            os.close(self._fd)

    def _emit(self, text: str) -> None:
        if self._fd is None:
            self._stream.write(text)
            self._stream.flush()
            return
        data = text.encode("utf-8", "backslashreplace")
        while data:
            data = data[os.write(self._fd, data):]

    def close(self, timeout: float = DRAIN_SECONDS) -> None:
        """Stop logging; give the writer ``timeout`` seconds to write what is queued."""
        for logger, level, propagate in self._saved:
            logger.removeHandler(self._handler)
            logger.setLevel(level)
            logger.propagate = propagate
        try:
            self._queue.put(None, timeout=timeout)
        except queue.Full:
            return
        self._thread.join(timeout)
