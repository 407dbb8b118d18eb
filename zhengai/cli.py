"""The ``zhengai`` command: serve, validate, load, generate, export-schema."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from zhengai.domain.models import Dataset
from zhengai.graph_loader import DatasetError, demo_path, load_dataset, validate_folder

if TYPE_CHECKING:
    from zhengai.stores.base import GraphStore
    from zhengai.stores.neo4j_store import Neo4jStore


def _cmd_validate(args: argparse.Namespace) -> int:
    folder = Path(args.dir)
    ds, errors = validate_folder(folder)
    for e in errors:
        print(f"{folder / e.file}:{e.line}: {e.message}")
    if errors:
        print(f"{len(errors)} error(s); nothing would be loaded", file=sys.stderr)
        return 1
    counts = ", ".join(f"{len(ds.section(s))} {s}" for s in
                       ("units", "subjects", "plans", "standards", "goals", "metrics", "tasks"))
    print(f"{folder}: valid ({counts}, {len(ds.observations)} observations)")
    return 0


def _cmd_generate(args: argparse.Namespace) -> int:
    from zhengai.graph_loader.synthetic import generate

    started = time.perf_counter()
    counts = generate(args.scale, args.seed, Path(args.out),
                      progress=lambda message: print(f"zhengai: {message}", file=sys.stderr, flush=True))
    kinds = ("units", "subjects", "plans", "standards", "goals", "metrics", "tasks")
    nodes = sum(counts.get(k, 0) for k in kinds)
    print(f"zhengai: {args.scale} (seed {args.seed}) → {args.out} in {time.perf_counter() - started:.1f} s: "
          f"{nodes:,} nodes, " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
    return 0


def _cmd_export_schema(_: argparse.Namespace) -> int:
    from zhengai.schema import export_sdl

    sys.stdout.write(export_sdl())
    return 0


def _load_or_report(folder: Path) -> Dataset | None:
    """The validated dataset of ``folder``, or None after printing its errors."""
    try:
        return load_dataset(folder)
    except DatasetError as exc:
        for e in exc.errors:
            print(f"{folder / e.file}:{e.line}: {e.message}", file=sys.stderr)
        print(f"zhengai: {folder} has {len(exc.errors)} error(s); nothing loaded", file=sys.stderr)
        return None


def _neo4j_store(uri: str | None) -> Neo4jStore:
    from zhengai.stores.neo4j_store import Neo4jSettings, Neo4jStore

    return Neo4jStore(Neo4jSettings.from_env(uri))


def _cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from zhengai.app import create_app
    from zhengai.engine import Engine
    from zhengai.stores import EmbeddedStore

    started = time.perf_counter()
    store: GraphStore
    if args.neo4j or (os.environ.get("NEO4J_URI") and not args.data):
        store = _neo4j_store(args.neo4j)
        label = f"Neo4j store at {store.settings.uri} (database {store.settings.database})"
        name = "neo4j"
    else:
        folder = Path(args.data) if args.data else demo_path()
        dataset = _load_or_report(folder)
        if dataset is None:
            return 1
        store, name = EmbeddedStore(dataset), "embedded"
        shown = str(folder) if args.data else "the bundled demo (扬州工业职业技术学院)"
        label = f"embedded store with {shown}"
    engine = Engine(store)
    snap = engine.snapshot()  # evaluate once so the first request is fast
    print(f"zhengai: {label}: {len(snap.goals)} goals, {len(snap.metrics)} metrics "
          f"(ready in {time.perf_counter() - started:.2f} s)")
    print(f"zhengai: GraphQL at http://{args.host}:{args.port}/graphql", flush=True)
    uvicorn.run(create_app(engine, store_name=name), host=args.host, port=args.port, log_level=args.log_level)
    return 0


def _cmd_load(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    folder = Path(args.dir)
    dataset = _load_or_report(folder)
    if dataset is None:
        return 1
    store = _neo4j_store(args.neo4j)
    before = store.counts()
    bars: dict[str, tqdm] = {}
    interactive = sys.stderr.isatty()

    def progress(stage: str, done: int, total: int) -> None:
        if not interactive:  # logs and pipes: one plain line per batch
            print(f"zhengai: {stage} {done}/{total}", file=sys.stderr, flush=True)
            return
        if stage not in bars:
            bars[stage] = tqdm(total=total or None, desc=f"{stage:>13}", unit=" rows", file=sys.stderr)
        bar = bars[stage]
        bar.update(done - bar.n if total else 1)

    started = time.perf_counter()
    try:
        store.load(dataset, replace=args.replace, progress=progress)
    finally:
        for bar in bars.values():
            bar.close()
    (nodes, rels), seconds = store.counts(), time.perf_counter() - started
    print(f"zhengai: loaded {folder} into {store.settings.uri} in {seconds:.1f} s: "
          f"{nodes} nodes ({nodes - before[0]:+d}), {rels} relationships ({rels - before[1]:+d})")
    store.close()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zhengai", description="诊改 knowledge graph service")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the GraphQL API")
    serve.add_argument("--data", help="dataset folder for the embedded store (default: the bundled demo)")
    serve.add_argument("--neo4j", metavar="URI", help="serve what this Neo4j holds (or set NEO4J_URI)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--log-level", default="warning")
    serve.set_defaults(func=_cmd_serve)

    validate = sub.add_parser("validate", help="check a dataset folder; exit 1 on any error")
    validate.add_argument("dir")
    validate.set_defaults(func=_cmd_validate)

    load = sub.add_parser("load", help="load a dataset into Neo4j, all or nothing")
    load.add_argument("dir")
    load.add_argument("--neo4j", metavar="URI", help="bolt URI (or set NEO4J_URI; also NEO4J_USER, "
                                                     "NEO4J_PASSWORD, NEO4J_DATABASE)")
    load.add_argument("--replace", action="store_true", help="replace what the database holds")
    load.set_defaults(func=_cmd_load)

    gen = sub.add_parser("generate", help="write a deterministic synthetic dataset")
    gen.add_argument("--scale", choices=("demo", "college", "province"), default="demo")
    gen.add_argument("--seed", type=int, default=1)
    gen.add_argument("--out", required=True, help="output folder")
    gen.set_defaults(func=_cmd_generate)

    export = sub.add_parser("export-schema", help="print the GraphQL SDL")
    export.set_defaults(func=_cmd_export_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
