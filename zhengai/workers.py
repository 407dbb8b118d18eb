"""Several server processes on one port (``zhengai serve --workers N``): every core answers requests.

The graph is loaded and evaluated once, in the supervising process; the workers are forked from it and
share its memory copy-on-write (the loaded graph is ``gc.freeze()``-d first, so the collector does not
touch — and copy — its pages). Each worker runs its own uvicorn server on the one listening socket (the
kernel hands each new connection to one of them) and follows what the others write: writes stay single
and ordered through the store's own serialisation (the embedded journal's lock, the Neo4j graph's lock),
and a worker catches up with the journal before each request, so a caller reads its own write whichever
worker answers next. A worker that dies is forked again from the supervisor (it catches up with the
journal at its first look). SIGTERM or SIGINT to the supervisor stops every worker gracefully.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger("zhengai.workers")

#: A worker failing within this many seconds of its start would fail again: the supervisor stops.
MIN_LIFETIME = 5.0


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound, listening TCP socket shared by every worker."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def run_worker(make_app: Callable[[], Any], sock: socket.socket, log_level: str) -> None:
    """One worker: its own app (threads, follower, subscriptions) on uvicorn over the shared socket."""
    import uvicorn

    config = uvicorn.Config(make_app(), log_level=log_level, lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])


def supervise(count: int, make_app: Callable[[], Any], sock: socket.socket, log_level: str,
              after_fork: Callable[[], None] | None = None) -> int:
    """Fork ``count`` workers serving ``sock`` and keep them running until SIGTERM/SIGINT; returns the
    exit code. ``after_fork`` runs first in each worker (e.g. to open the worker's own connections)."""
    workers: dict[int, float] = {}
    stopping = False

    def fork() -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            code = 0
            try:
                if after_fork is not None:
                    after_fork()
                run_worker(make_app, sock, log_level)
            except BaseException:  # a worker never returns into the supervisor's code
                log.exception("worker %d failed", os.getpid())
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        workers[pid] = time.monotonic()

    def stop(signum: int, _: Any) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(workers):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        for _ in range(count):
            fork()
        print(f"zhengai: {count} worker processes: {', '.join(map(str, workers))}", flush=True)
        while workers:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            except InterruptedError:
                continue
            started = workers.pop(pid, None)
            if started is None or stopping:
                continue
            code = os.waitstatus_to_exitcode(status)
            if code > 0 and time.monotonic() - started < MIN_LIFETIME:  # it failed to start: no loop
                print(f"zhengai: worker {pid} exited ({code}) right after its start; stopping",
                      file=sys.stderr, flush=True)
                stop(signal.SIGTERM, None)
                return 1
            print(f"zhengai: worker {pid} exited ({code}); starting another", file=sys.stderr, flush=True)
            fork()
        return 0
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        sock.close()
