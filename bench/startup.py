"""How long `zhengai serve` takes from launch to its first answer on /healthz (demo data), against
the baseline of launching the Python interpreter alone, in the same run.

    .venv/bin/python -m bench.startup [--runs 5]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import time

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_once() -> float:
    port = free_port()
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "zhengai.cli", "serve", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                return time.perf_counter() - started
            except httpx.TransportError:
                time.sleep(0.02)
    finally:
        proc.terminate()
        proc.wait()


def bare_python() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    serve = [serve_once() for _ in range(args.runs)]
    bare = [bare_python() for _ in range(args.runs)]
    print(f"zhengai serve (demo) to first /healthz: median {statistics.median(serve):.2f} s, "
          f"max {max(serve):.2f} s over {args.runs} runs")
    print(f"bare python3 start:                    median {statistics.median(bare):.3f} s")
    print(f"ratio serve/bare: {statistics.median(serve) / statistics.median(bare):.1f}×")


if __name__ == "__main__":
    main()
