"""The ``zhengai`` command: serve, validate, export-schema."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from zhengai.graph_loader import DatasetError, demo_path, load_dataset, validate_folder


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


def _cmd_export_schema(_: argparse.Namespace) -> int:
    from zhengai.schema import export_sdl

    sys.stdout.write(export_sdl())
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from zhengai.app import create_app
    from zhengai.engine import Engine
    from zhengai.stores import EmbeddedStore

    started = time.perf_counter()
    folder = Path(args.data) if args.data else demo_path()
    try:
        dataset = load_dataset(folder)
    except DatasetError as exc:
        for e in exc.errors:
            print(f"{folder / e.file}:{e.line}: {e.message}", file=sys.stderr)
        print(f"zhengai: {folder} has {len(exc.errors)} error(s); not serving", file=sys.stderr)
        return 1
    engine = Engine(EmbeddedStore(dataset))
    engine.snapshot()  # evaluate once so the first request is fast
    app = create_app(engine)
    label = "bundled demo (扬州工业职业技术学院)" if not args.data else str(folder)
    print(f"zhengai: embedded store with {label}: {len(dataset.goals)} goals, "
          f"{len(dataset.metrics)} metrics, {len(dataset.observations)} observations "
          f"(ready in {time.perf_counter() - started:.2f} s)")
    print(f"zhengai: GraphQL at http://{args.host}:{args.port}/graphql", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zhengai", description="诊改 knowledge graph service")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the GraphQL API")
    serve.add_argument("--data", help="dataset folder (default: the bundled demo)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--log-level", default="warning")
    serve.set_defaults(func=_cmd_serve)

    validate = sub.add_parser("validate", help="check a dataset folder; exit 1 on any error")
    validate.add_argument("dir")
    validate.set_defaults(func=_cmd_validate)

    export = sub.add_parser("export-schema", help="print the GraphQL SDL")
    export.set_defaults(func=_cmd_export_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
