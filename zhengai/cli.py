"""The ``zhengai`` command: serve, validate, load, generate, export-schema."""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from zhengai.domain.models import Dataset, Metric
from zhengai.graph_loader import DatasetError, demo_path, load_dataset, validate_folder
from zhengai.security.tokens import AuthConfig, Role
from zhengai.stores.journal import AUDIT_FILE, SPIRAL_FILE, ObservationJournal

if TYPE_CHECKING:
    from zhengai.stores import EmbeddedStore
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
    from zhengai.engine.ingest import Ingestor
    from zhengai.engine.spiral import SpiralService
    from zhengai.schema.limits import Cors, CorsError
    from zhengai.stores import EmbeddedStore

    started = time.perf_counter()
    store: GraphStore
    if args.neo4j or (os.environ.get("NEO4J_URI") and not args.data):
        store = _neo4j_store(args.neo4j)
        label = f"Neo4j store at {store.settings.uri} (database {store.settings.database})"
        name = "neo4j"
        journal = None
    else:
        folder = Path(args.data) if args.data else demo_path()
        dataset = _load_or_report(folder)
        if dataset is None:
            return 1
        journal = ObservationJournal(_state_dir(args))
        store, name = EmbeddedStore(dataset, ObservationJournal(journal.folder, AUDIT_FILE)), "embedded"
        replayed = _replay(journal, store)
        shown = str(folder) if args.data else "the bundled demo (扬州工业职业技术学院)"
        label = f"embedded store with {shown} (+{replayed} ingested observations from {journal.path})"
    auth = AuthConfig.from_env()
    if auth is None and not _loopback(args.host) and os.environ.get("ZHENGAI_ALLOW_INSECURE_BIND") != "1":
        print(f"zhengai: refusing to serve on {args.host} without authentication: set ZHENGAI_JWT_SECRET "
              "(HS256) or ZHENGAI_JWKS (a JWKS file or URL of the campus identity provider), or bind "
              "127.0.0.1", file=sys.stderr)
        return 2
    try:
        Cors().allowed(authenticated=auth is not None)
    except CorsError as exc:
        print(f"zhengai: {exc}", file=sys.stderr)
        return 2
    engine = Engine(store)
    spiral = SpiralService(engine, journal and ObservationJournal(journal.folder, SPIRAL_FILE))
    spiral.replay()
    snap = engine.snapshot()  # evaluate once so the first request is fast
    gc.collect()
    gc.freeze()  # the loaded graph lives as long as the process: full collections stop rescanning it
    print(f"zhengai: {label}: {len(snap.goals)} goals, {len(snap.metrics)} metrics "
          f"(ready in {time.perf_counter() - started:.2f} s)")
    if auth is None:
        print("zhengai: 开发模式 DEVELOPMENT MODE — no authentication is configured: every caller is ADMIN. "
              "Set ZHENGAI_JWT_SECRET or ZHENGAI_JWKS before real data is served.", file=sys.stderr)
    print(f"zhengai: GraphQL at http://{args.host}:{args.port}/graphql", flush=True)
    app = create_app(engine, store_name=name, ingestor=Ingestor(engine, journal), spiral=spiral, auth=auth,
                     state=journal.folder if journal else None)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0


def _loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _cmd_token(args: argparse.Namespace) -> int:
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    ttl = args.ttl.strip()
    if not ttl or ttl[-1] not in units or not ttl[:-1].isdigit():
        print(f"zhengai: --ttl takes a number and a unit (s, m, h, d), e.g. 1h; got {args.ttl!r}",
              file=sys.stderr)
        return 2
    auth = AuthConfig.from_env()
    if auth is None or not auth.secret:
        print("zhengai: set ZHENGAI_JWT_SECRET to sign development tokens", file=sys.stderr)
        return 2
    sub = args.sub or f"{args.role.lower()}-dev"
    token = auth.issue(Role(args.role), sub, int(ttl[:-1]) * units[ttl[-1]], unit=args.unit,
                       subject=args.subject)
    print(f"zhengai: {args.role} token for {sub}, valid {ttl}", file=sys.stderr)
    print(token)
    return 0


def _state_dir(args: argparse.Namespace) -> Path:
    """--state, else .zhengai/ in the --data folder, else the user's data directory (bundled demo)."""
    if args.state:
        return Path(args.state)
    if args.data:
        return Path(args.data) / ".zhengai"
    from platformdirs import user_data_dir

    return Path(user_data_dir("zhengai")) / "demo"


def _replay(journal: ObservationJournal, store: EmbeddedStore) -> int:
    """Apply the journal over the dataset; rows of metrics the dataset no longer has are skipped."""
    rows = journal.replay()
    known = store.get_nodes(sorted({r.metric for r in rows}))
    kept = [r for r in rows if r.metric in known]
    if len(kept) < len(rows):
        print(f"zhengai: {len(rows) - len(kept)} journaled observations name metrics this dataset lacks; "
              "skipped", file=sys.stderr)
    store.add_observations(kept)
    return len(kept)


def _cmd_ingest(args: argparse.Namespace) -> int:
    from zhengai.engine import Engine, InvalidArgumentError
    from zhengai.engine.audit import cli_principal
    from zhengai.engine.ingest import Ingestor
    from zhengai.graph_loader.observations_csv import read_observations
    from zhengai.stores import EmbeddedStore

    path = Path(args.file)
    journal = None
    if args.neo4j or (os.environ.get("NEO4J_URI") and not args.data):
        store: GraphStore = _neo4j_store(args.neo4j)
    else:
        folder = Path(args.data) if args.data else demo_path()
        dataset = _load_or_report(folder)
        if dataset is None:
            return 1
        journal = ObservationJournal(_state_dir(args))
        store = EmbeddedStore(dataset, ObservationJournal(journal.folder, AUDIT_FILE))
        _replay(journal, store)
    errors: list[str] = []
    rows = read_observations(path, lambda line, msg: None)  # first pass: which metrics it names
    named = {m for m, node in store.get_nodes(sorted({r.metric for r in rows})).items()
             if isinstance(node, Metric)}
    rows = read_observations(path, lambda line, msg: errors.append(f"{path}:{line}: {msg}"), named)
    if errors:
        print("\n".join(errors), file=sys.stderr)
        print(f"zhengai: {len(errors)} error(s); nothing ingested", file=sys.stderr)
        return 1
    try:
        result = Ingestor(Engine(store), journal).record(rows, cli_principal(), "ingest", str(path))
    except InvalidArgumentError as exc:
        print(f"{path}: {exc}\nzhengai: nothing ingested", file=sys.stderr)
        return 1
    where = journal.path if journal else store.settings.uri  # type: ignore[attr-defined]
    print(f"zhengai: {path}: {result.received} observations, {result.changed} new or replaced, "
          f"{result.unchanged} unchanged → {where}")
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
    from zhengai.engine import Engine
    from zhengai.engine.audit import AuditEntry, cli_principal

    nodes, rels = store.counts()
    where, how = str(folder.resolve()), "（替换）" if args.replace else ""
    store.append_audit(AuditEntry.of(
        cli_principal(), "load", f"载入数据集 {folder}{how}：节点 {before[0]} → {nodes}",
        {"dataset": where, "nodes": before[0], "relationships": before[1]},
        {"dataset": where, "nodes": nodes, "relationships": rels, "replace": args.replace,
         "observations": len(dataset.observations)}))
    kept = Engine(store).keep_current()  # today's attainment and status onto the nodes
    seconds = time.perf_counter() - started
    print(f"zhengai: loaded {folder} into {store.settings.uri} in {seconds:.1f} s: "
          f"{nodes} nodes ({nodes - before[0]:+d}), {rels} relationships ({rels - before[1]:+d}); "
          f"current attainment kept on {kept} goals and metrics")
    store.close()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zhengai", description="诊改 knowledge graph service")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the GraphQL API")
    serve.add_argument("--data", help="dataset folder for the embedded store (default: the bundled demo)")
    serve.add_argument("--neo4j", metavar="URI", help="serve what this Neo4j holds (or set NEO4J_URI)")
    serve.add_argument("--state", help="embedded store: folder of the durable ingest journal (default: "
                                       ".zhengai/ in --data, or the user data folder for the demo)")
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

    ingest = sub.add_parser("ingest", help="record a CSV of observations (metric,at,value[,source])")
    ingest.add_argument("file")
    ingest.add_argument("--data", help="embedded store: the dataset folder (default: the bundled demo)")
    ingest.add_argument("--state", help="embedded store: the journal folder (as for serve)")
    ingest.add_argument("--neo4j", metavar="URI", help="record into this Neo4j (or set NEO4J_URI)")
    ingest.set_defaults(func=_cmd_ingest)

    token = sub.add_parser("token", help="print a signed development token (needs ZHENGAI_JWT_SECRET)")
    token.add_argument("--role", required=True, choices=[r.value for r in Role])
    token.add_argument("--subject", help="the quality subject the person is (e.g. STU-007)")
    token.add_argument("--unit", help="the person's unit")
    token.add_argument("--sub", help="the person's id (default: <role>-dev)")
    token.add_argument("--ttl", default="1h", help="lifetime, e.g. 30m, 1h, 7d (default 1h)")
    token.set_defaults(func=_cmd_token)

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
