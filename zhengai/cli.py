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

from zhengai.domain.allocation import collector_paused
from zhengai.domain.enums import Level
from zhengai.domain.errors import StoreUnavailableError
from zhengai.domain.models import Dataset
from zhengai.graph_loader import LocatedError, demo_path, validate_folder
from zhengai.security.tokens import AuthConfig, AuthConfigError, Role

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
    from zhengai.workbooks.state_mapping import FILE_NAME, MappingError, load_mapping

    if (folder / FILE_NAME).is_file():  # the 状态数据 mapping, when the dataset has one
        try:
            load_mapping(folder / FILE_NAME, set(ds.section("metrics")))
        except MappingError as exc:
            print("\n".join(exc.messages))
            print(f"{len(exc.messages)} error(s) in {FILE_NAME}", file=sys.stderr)
            return 1
    if (failed := _check_annual_mapping(folder, ds)) is not None:
        return failed
    counts = ", ".join(f"{len(ds.section(s))} {s}" for s in
                       ("units", "subjects", "plans", "standards", "goals", "metrics", "tasks"))
    print(f"{folder}: valid ({counts}, {len(ds.observations)} observations)")
    return 0


def _check_annual_mapping(folder: Path, ds: Dataset) -> int | None:
    """The 质量年报 mapping of the dataset, when it has one: 1 after printing its file:line errors."""
    from zhengai.engine.reports.annual_mapping import FILE_NAME, AnnualMappingError, load_mapping

    if not (folder / FILE_NAME).is_file():
        return None
    try:
        load_mapping(folder / FILE_NAME, set(ds.section("metrics")), set(ds.section("goals")),
                     set(ds.section("subjects")))
    except AnnualMappingError as exc:
        print("\n".join(exc.messages))
        print(f"{len(exc.messages)} error(s) in {FILE_NAME}", file=sys.stderr)
        return 1
    return None


def _cmd_annual_report(args: argparse.Namespace) -> int:
    from datetime import date

    from zhengai import texts
    from zhengai.engine import Engine
    from zhengai.engine.reports.annual import mapping_for
    from zhengai.engine.reports.annual_mapping import AnnualMappingError, layout
    from zhengai.resolvers.annual_report import default_mapping_path, render_annual_report

    opened = _open_store(args)
    if opened is None:
        return 1
    store, _ = opened
    engine = Engine(store)
    try:
        mapping = mapping_for(engine, Path(args.mapping) if args.mapping else default_mapping_path(args.data))
        body, doc = render_annual_report(engine, args.year, mapping, args.format,
                                         date.fromisoformat(args.as_of) if args.as_of else None)
    except AnnualMappingError as exc:
        print("\n".join(exc.messages), file=sys.stderr)
        return 1
    except ValueError as exc:  # a year or date out of range
        print(f"zhengai: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    data = body.encode("utf-8") if isinstance(body, str) else body
    Path(args.out).write_bytes(data)
    rows = sum(len(t.rows) for t in layout().tables)
    said = texts.say("annual_report.cli.wrote", file=args.out, title=doc.title, format=args.format,
                     size=len(data), mapped=len(mapping.rows), unmapped=rows - len(mapping.rows))
    print(f"zhengai: {said}")
    return 0


def _cmd_generate(args: argparse.Namespace) -> int:
    from zhengai.graph_loader.generators.synthetic import generate

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
    dataset, errors = validate_folder(folder)
    return None if _reported(folder, errors) else dataset


def _reported(folder: Path, errors: list[LocatedError]) -> bool:
    """Whether ``folder`` has errors (then printed, each at its file and line)."""
    for e in errors:
        print(f"{folder / e.file}:{e.line}: {e.message}", file=sys.stderr)
    if errors:
        print(f"zhengai: {folder} has {len(errors)} error(s); nothing loaded", file=sys.stderr)
    return bool(errors)


def _neo4j_store(uri: str | None) -> Neo4jStore:
    from zhengai.stores.neo4j_store import Neo4jSettings, Neo4jStore

    return Neo4jStore(Neo4jSettings.from_env(uri))


def _cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from zhengai.app import create_app
    from zhengai.engine import Engine
    from zhengai.files.settings import AttachmentSettings
    from zhengai.notify.settings import NotifySettingsError, settings_from_env
    from zhengai.server.admission import AdmissionSettings
    from zhengai.web.cors import Cors, CorsError

    started = time.perf_counter()
    try:
        auth = AuthConfig.from_env()
    except AuthConfigError as exc:
        print(f"zhengai: {exc}; refusing to serve", file=sys.stderr)
        return 2
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
    try:
        notify = settings_from_env()  # 预警推送 (ZHENGAI_NOTIFY_CONFIG): refused at start if wrong
    except NotifySettingsError as exc:
        print(f"zhengai: {exc}; refusing to serve", file=sys.stderr)
        return 2
    try:
        AttachmentSettings.from_env(None)  # 佐证材料: limits, types and the bucket refused at start if wrong
    except ValueError as exc:
        print(f"zhengai: {exc}; refusing to serve", file=sys.stderr)
        return 2
    with collector_paused():  # (a third of the start otherwise: see zhengai.domain.allocation)
        opened = _open_store(args)
        if opened is None:
            return 1
        store, label = opened
        engine = Engine(store)
        snap = engine.snapshot()  # evaluate once so the first request is fast
    # The loaded graph lives as long as the process: frozen, full collections stop rescanning it. No
    # collection first (CPython's advice before fork; it found nothing on college and took 1.8 s).
    gc.freeze()
    print(f"zhengai: {label}: {len(snap.goals)} goals, {len(snap.metrics)} metrics "
          f"(ready in {time.perf_counter() - started:.2f} s)")
    if auth is None:
        print("zhengai: 开发模式 DEVELOPMENT MODE — no authentication is configured: every caller is ADMIN. "
              "Set ZHENGAI_JWT_SECRET or ZHENGAI_JWKS before real data is served.", file=sys.stderr)
    print(f"zhengai: GraphQL at http://{args.host}:{args.port}/graphql", flush=True)
    try:
        admission = AdmissionSettings()
    except ValueError as exc:  # an admission setting out of range
        print(f"zhengai: {exc}; refusing to serve", file=sys.stderr)
        return 2
    from zhengai.resolvers.annual_report import default_mapping_path

    annual_mapping = default_mapping_path(getattr(args, "data", None))  # the 质量年报's rows
    if args.workers > 1:
        from zhengai.workers import listening_socket, supervise

        sock = listening_socket(args.host, args.port)
        return supervise(args.workers,
                         lambda: create_app(engine, auth=auth, admission=admission, notify=notify,
                                            annual_mapping=annual_mapping), sock,
                         args.log_level, after_fork=getattr(store, "reconnect", None))
    app = create_app(engine, auth=auth, admission=admission, notify=notify, annual_mapping=annual_mapping)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0


def _open_store(args: argparse.Namespace) -> tuple[GraphStore, str] | None:
    """The store a command names (--neo4j / NEO4J_URI, else the embedded store of --data or the demo,
    with its journal replayed) and a line describing it; None after printing a dataset's errors."""
    if getattr(args, "neo4j", None) or (os.environ.get("NEO4J_URI") and not args.data):
        store = _neo4j_store(args.neo4j)
        return store, f"Neo4j store at {store.settings.uri} (database {store.settings.database})"
    from zhengai.graph_loader.dataset_cache import cached_build
    from zhengai.stores import EmbeddedStore
    from zhengai.stores.memory import GraphState

    folder = Path(args.data) if args.data else demo_path()
    state = _state_dir(args)
    graph, errors, _ = cached_build(folder, state, GraphState.of_dataset)  # (a restart reads it back)
    if _reported(folder, errors) or graph is None:
        return None
    embedded = EmbeddedStore(graph, state)
    shown = str(folder) if args.data else "the bundled demo (扬州工业职业技术学院)"
    return embedded, (f"embedded store with {shown} (+{embedded.replayed} journaled changes from "
                      f"{embedded.journal.path if embedded.journal else state})")


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
    needs = {"STUDENT": "subject", "TEACHER": "subject", "UNIT_HEAD": "unit",
             "DATA_ENTRY": "unit"}.get(args.role)
    if needs and not getattr(args, needs):
        example = "--unit C-MECH" if needs == "unit" else "--subject STU-007"
        print(f"zhengai: a {args.role} token needs --{needs} (e.g. {example}): without it the token "
              "reads nothing", file=sys.stderr)
        return 2
    try:
        auth = AuthConfig.from_env()
    except AuthConfigError as exc:
        print(f"zhengai: {exc}", file=sys.stderr)
        return 2
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
    """--state, else .zhengai/ in the --data folder, else (the bundled demo) .zhengai/demo/ in the source
    checkout the package runs from, or in the current folder for an installed package: never one folder
    shared by every clone."""
    if args.state:
        return Path(args.state)
    if args.data:
        return Path(args.data) / ".zhengai"
    checkout = demo_path().resolve().parents[2]  # <checkout>/zhengai/graph_loader/demo
    base = checkout if (checkout / "pyproject.toml").is_file() else Path.cwd()
    return base / ".zhengai" / "demo"


def _cmd_ingest(args: argparse.Namespace) -> int:
    from datetime import date

    from zhengai.domain.audit import cli_principal
    from zhengai.engine import Engine, InvalidArgumentError
    from zhengai.engine.ingest import metric_version
    from zhengai.engine.writes import WriteService
    from zhengai.graph_loader.observations_csv import read_observations

    path = Path(args.file)
    opened = _open_store(args)
    if opened is None:
        return 1
    store, _ = opened
    errors: list[str] = []
    rows = read_observations(path, lambda line, msg: None)  # first pass: which metrics it names
    named = {m: metric_version(store.state, m, date.max) for m in {r.metric for r in rows}
             if store.state.kind_of(m) == "Metric"}  # by id: values outside a metric's range are errors
    rows = read_observations(path, lambda line, msg: errors.append(f"{path}:{line}: {msg}"), named)
    if errors:
        print("\n".join(errors), file=sys.stderr)
        print(f"zhengai: {len(errors)} error(s); nothing ingested", file=sys.stderr)
        return 1
    writes = WriteService(Engine(store))
    try:
        result = writes.record_observations(rows, cli_principal(), "ingest", str(path))
    except InvalidArgumentError as exc:
        print(f"{path}: {exc}\nzhengai: nothing ingested", file=sys.stderr)
        return 1
    finally:
        writes.close()  # the values kept on Neo4j nodes are written before the driver closes
    journal = getattr(store, "journal", None)
    where = journal.path if journal is not None else store.settings.uri  # type: ignore[attr-defined]
    print(f"zhengai: {path}: {result.received} observations, {result.changed} new or replaced, "
          f"{result.unchanged} unchanged → {where} (a server holding it follows within a second)")
    store.close()
    return 0


def _progress_bars() -> tuple[object, object]:
    """A progress callback (stage, done, total) drawing tqdm bars on a terminal, plain lines elsewhere,
    and a function closing the bars."""
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}
    interactive = sys.stderr.isatty()

    def progress(stage: str, done: int, total: int) -> None:  # total 0: not known yet
        if not interactive:
            print(f"zhengai: {stage} {done}/{total}" if total else f"zhengai: {stage} {done} …",
                  file=sys.stderr, flush=True)
            return
        if stage not in bars:
            bars[stage] = tqdm(total=total or None, desc=f"{stage:>6}", unit=" rows", file=sys.stderr)
        bar = bars[stage]
        if total and bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    def close() -> None:
        for bar in bars.values():
            bar.close()

    return progress, close


def _cmd_export_xlsx(args: argparse.Namespace) -> int:
    from datetime import date

    from zhengai.engine import Engine
    from zhengai.workbooks.plan_export import export_plan

    opened = _open_store(args)
    if opened is None:
        return 1
    store, _ = opened
    progress, close = _progress_bars()
    started = time.perf_counter()
    try:
        summary = export_plan(Engine(store), args.out, date.fromisoformat(args.as_of) if args.as_of else None,
                              progress)
    finally:
        close()
    rows = ", ".join(f"{k} {v:,}" for k, v in summary.rows.items())
    print(f"zhengai: {args.out} ({rows}) in {time.perf_counter() - started:.1f} s")
    store.close()
    return 0


def _cmd_import_xlsx(args: argparse.Namespace) -> int:
    from datetime import date

    from zhengai import texts
    from zhengai.domain.audit import cli_principal
    from zhengai.engine import Engine
    from zhengai.engine.writes import WriteService
    from zhengai.workbooks.plan_import import import_plan, message

    opened = _open_store(args)
    if opened is None:
        return 1
    store, _ = opened
    engine = Engine(store)
    effective = date.fromisoformat(args.effective) if args.effective else None
    progress, close = _progress_bars()
    try:
        result = import_plan(WriteService(engine), engine, Path(args.file), cli_principal(), effective,
                             dry_run=args.dry_run, progress=progress)
    finally:
        close()
    store.close()
    if result.problems:
        print("\n".join(message(p) for p in result.problems), file=sys.stderr)
        print(f"zhengai: {texts.say('workbook.refused', count=len(result.problems))}", file=sys.stderr)
        return 1
    for change, origin in result.changes:
        where = f"{origin.sheet}!{origin.row}" if origin.row else origin.sheet
        print(f"  {where}: {change}")
    counts = result.counts()
    if not result.changes and not result.values:
        print(f"zhengai: {texts.say('workbook.nothing', file=args.file)}")
        return 0
    print(f"zhengai: {texts.say('workbook.summary', file=args.file, **counts)}")
    done = (texts.say("workbook.dry_run") if args.dry_run
            else texts.say("workbook.applied", version=result.version))
    print(f"zhengai: {done}")
    return 0


def _mapping(args: argparse.Namespace, store: GraphStore) -> object | None:
    """The 状态数据 mapping of --mapping, else state_data.yaml of --data (or the demo); None after saying
    why (its file:line errors, or no file)."""
    from zhengai import texts
    from zhengai.workbooks.state_mapping import FILE_NAME, MappingError, load_mapping

    path = Path(args.mapping) if args.mapping else (Path(args.data) if args.data else demo_path()) / FILE_NAME
    if not path.is_file():
        print(f"zhengai: {texts.say('platform.no_mapping')} ({path})", file=sys.stderr)
        return None
    try:
        return load_mapping(path, store.state.ids("Metric"))
    except MappingError as exc:
        print("\n".join(exc.messages), file=sys.stderr)
        return None


def _cmd_import_state_data(args: argparse.Namespace) -> int:
    from datetime import date

    from zhengai import texts
    from zhengai.domain.audit import cli_principal
    from zhengai.engine import Engine
    from zhengai.engine.writes import WriteService
    from zhengai.workbooks.state_data import import_state_data, message

    opened = _open_store(args)
    if opened is None:
        return 1
    store, _ = opened
    mapping = _mapping(args, store)
    if mapping is None:
        store.close()
        return 1
    engine = Engine(store)
    writes = WriteService(engine)
    progress, close = _progress_bars()
    try:
        result = import_state_data(writes, engine, Path(args.file), mapping, cli_principal(),
                                   date.fromisoformat(args.at) if args.at else date.today(), args.dry_run,
                                   progress)
    finally:
        close()
        writes.close()
        store.close()
    for notice in result.notices:
        print(f"  {message(notice)}")
    if result.problems:
        print("\n".join(message(p) for p in result.problems), file=sys.stderr)
        print(f"zhengai: {texts.say('platform.refused', count=len(result.problems))}", file=sys.stderr)
        return 1
    for v in result.values:
        print(f"  {v.cell}: {v.value.metric} = {v.value.value:g}" + (" (计算)" if v.computed else ""))
    print("zhengai: " + texts.say("platform.imported", file=args.file, values=len(result.values),
                                  computed=sum(v.computed for v in result.values), unmapped=result.unmapped(),
                                  notices=len(result.notices)))
    if args.dry_run:
        print(f"zhengai: {texts.say('platform.dry_run')}")
    elif result.values:
        pending = sum(1 for s in result.submitted if s.status.value == "PENDING")
        print("zhengai: " + texts.say("platform.submitted", count=len(result.values), source=mapping.source,
                                      pending=pending))
    return 0


def _cmd_export_state_data(args: argparse.Namespace) -> int:
    from datetime import date

    from zhengai import texts
    from zhengai.engine import Engine
    from zhengai.workbooks.state_data import export_state_data, message

    opened = _open_store(args)
    if opened is None:
        return 1
    store, _ = opened
    mapping = _mapping(args, store)
    if mapping is None:
        store.close()
        return 1
    result = export_state_data(Engine(store), mapping, args.out,
                               date.fromisoformat(args.as_of) if args.as_of else None)
    store.close()
    for notice in result.blank:
        print(f"  {message(notice)}")
    print("zhengai: " + texts.say("platform.exported", file=args.out, filled=result.filled,
                                  blank=len(result.blank)))
    return 0


#: Default of `load --max-shrink`: the share of the graph's nodes a `--replace` may remove (percent).
MAX_SHRINK = 50.0


def _shrink_refusal(held: int, loading: int, max_shrink: float) -> str | None:
    """Why replacing a graph of ``held`` nodes by ``loading`` shrinks it too much (None: it does not)."""
    if held == 0 or loading >= held or (held - loading) * 100 <= max_shrink * held:
        return None
    share = (held - loading) * 100 / held
    return (f"--replace would shrink the graph from {held:,} to {loading:,} nodes (−{share:.0f} %, more than "
            f"the allowed {max_shrink:g} %): check the dataset, or pass --force (or a larger --max-shrink "
            "/ ZHENGAI_LOAD_MAX_SHRINK) to replace it anyway")


def _positive(text: str) -> int:
    """An argparse type: a whole number ≥ 1."""
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"a whole number of at least 1, not {text}")
    return int(text)


def _percent(text: str) -> float:
    """An argparse type: a share in percent between 0 and 100."""
    value = float(text)
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"a percentage between 0 and 100, not {text}")
    return value


def _cmd_load(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    folder = Path(args.dir)
    dataset = _load_or_report(folder)
    if dataset is None:
        return 1
    store = _neo4j_store(args.neo4j)
    before = store.counts()
    if args.replace and not args.force:
        refusal = _shrink_refusal(before[0], len(dataset.records()), args.max_shrink)
        if refusal:
            print(f"zhengai: {refusal}; nothing loaded", file=sys.stderr)
            store.close()
            return 1
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

    from zhengai import texts
    from zhengai.domain.audit import AuditEntry, cli_principal
    from zhengai.engine import Engine

    where, how = str(folder.resolve()), texts.say("audit.load_replace") if args.replace else ""
    records = len(dataset.records())
    entry = AuditEntry.of(  # written in the load's own transaction: the load and its entry, or neither
        cli_principal(), "load",
        texts.say("audit.load", folder=folder, how=how, before=before[0], records=records),
        {"dataset": where, "nodes": before[0], "relationships": before[1]},
        {"dataset": where, "nodes": records, "replace": args.replace,
         "observations": len(dataset.observations)})
    started = time.perf_counter()
    try:
        store.load(dataset, replace=args.replace, progress=progress, audit=entry)
    finally:
        for bar in bars.values():
            bar.close()
    nodes, rels = store.counts()
    kept = Engine(store).keep_current()  # today's attainment and status onto the nodes
    seconds = time.perf_counter() - started
    print(f"zhengai: loaded {folder} into {store.settings.uri} in {seconds:.1f} s: "
          f"{nodes} nodes ({nodes - before[0]:+d}), {rels} relationships ({rels - before[1]:+d}); "
          f"current attainment kept on {kept} goals and metrics")
    store.close()
    return 0


def _cmd_render_reports(args: argparse.Namespace) -> int:
    from datetime import date

    from zhengai.engine import Engine
    from zhengai.reports.batch import Options, run_batch, subjects_at

    opened = _open_store(args)
    if opened is None:
        return 1
    store, label = opened
    engine = Engine(store)
    as_of = date.fromisoformat(args.as_of) if args.as_of else None
    options = Options(args.format, as_of, date.fromisoformat(args.from_) if args.from_ else None, args.period)
    ids = args.subject or subjects_at(engine, Level(args.level), as_of)
    print(f"zhengai: {label}: {len(ids):,} {args.level} reports as {args.format} → {args.out} "
          f"({args.jobs} job(s))", file=sys.stderr, flush=True)
    result = run_batch(engine, ids, Path(args.out), options, jobs=args.jobs, every=args.progress_seconds,
                       progress=lambda p: print(f"zhengai: {p.line()}", file=sys.stderr, flush=True),
                       failed=lambda f: print(f"zhengai: {f.subject_id}: {f.message}", file=sys.stderr,
                                              flush=True))
    store.close()
    print(f"zhengai: {result.written:,} written, {result.skipped:,} already complete, "
          f"{len(result.failures):,} failed in {result.seconds:.1f} s → {args.out}")
    return 1 if result.failures else 0


def _store_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", help="embedded store: the dataset folder (default: the bundled demo)")
    parser.add_argument("--state", help="embedded store: the journal folder (as for serve)")
    parser.add_argument("--neo4j", metavar="URI", help="this Neo4j (or set NEO4J_URI)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zhengai", description="诊改 knowledge graph service")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the GraphQL API")
    serve.add_argument("--data", help="dataset folder for the embedded store (default: the bundled demo)")
    serve.add_argument("--neo4j", metavar="URI", help="serve what this Neo4j holds (or set NEO4J_URI)")
    serve.add_argument("--state", help="embedded store: folder of the durable ingest journal (default: "
                                       ".zhengai/ in --data; for the demo .zhengai/demo/ in the source "
                                       "checkout, or in the current folder when installed)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--log-level", default="warning")
    serve.add_argument("--workers", type=_positive, metavar="N",
                       default=os.environ.get("ZHENGAI_WORKERS", "1"),
                       help="server processes sharing the loaded graph (default 1, or ZHENGAI_WORKERS); "
                            "up to one per core")
    serve.set_defaults(func=_cmd_serve)

    validate = sub.add_parser("validate", help="check a dataset folder; exit 1 on any error")
    validate.add_argument("dir")
    validate.set_defaults(func=_cmd_validate)

    load = sub.add_parser("load", help="load a dataset into Neo4j, all or nothing")
    load.add_argument("dir")
    load.add_argument("--neo4j", metavar="URI", help="bolt URI (or set NEO4J_URI; also NEO4J_USER, "
                                                     "NEO4J_PASSWORD, NEO4J_DATABASE)")
    load.add_argument("--replace", action="store_true", help="replace what the database holds")
    load.add_argument("--max-shrink", type=_percent, metavar="PERCENT",
                      default=os.environ.get("ZHENGAI_LOAD_MAX_SHRINK", str(MAX_SHRINK)),
                      help="--replace refuses to remove more than this share of the graph's nodes (default "
                           f"{MAX_SHRINK:g}, or ZHENGAI_LOAD_MAX_SHRINK)")
    load.add_argument("--force", action="store_true", help="--replace even when the graph shrinks more")
    load.set_defaults(func=_cmd_load)

    ingest = sub.add_parser("ingest", help="record a CSV of observations (metric,at,value[,source])")
    ingest.add_argument("file")
    ingest.add_argument("--data", help="embedded store: the dataset folder (default: the bundled demo)")
    ingest.add_argument("--state", help="embedded store: the journal folder (as for serve)")
    ingest.add_argument("--neo4j", metavar="URI", help="record into this Neo4j (or set NEO4J_URI)")
    ingest.set_defaults(func=_cmd_ingest)

    token = sub.add_parser("token", help="print a signed development token (needs ZHENGAI_JWT_SECRET)")
    token.add_argument("--role", required=True, choices=[r.value for r in Role])
    token.add_argument("--subject", help="the quality subject the person is (e.g. STU-007; needed for "
                                         "STUDENT and TEACHER)")
    token.add_argument("--unit", help="the person's unit (needed for UNIT_HEAD)")
    token.add_argument("--sub", help="the person's id (default: <role>-dev)")
    token.add_argument("--ttl", default="1h", help="lifetime, e.g. 30m, 1h, 7d (default 1h)")
    token.set_defaults(func=_cmd_token)

    export_xlsx = sub.add_parser("export-xlsx", help="write the plan as a workbook (one sheet per section)")
    export_xlsx.add_argument("out", help="the .xlsx file to write")
    export_xlsx.add_argument("--as-of", help="the graph as it stood on this date (default today)")
    _store_arguments(export_xlsx)
    export_xlsx.set_defaults(func=_cmd_export_xlsx)

    import_xlsx = sub.add_parser("import-xlsx", help="apply a plan workbook as one batch of changes")
    import_xlsx.add_argument("file", help="the .xlsx file (as export-xlsx writes it, edited)")
    import_xlsx.add_argument("--dry-run", action="store_true", help="say what would change, change nothing")
    import_xlsx.add_argument("--effective", help="the date the changes take effect (default today)")
    _store_arguments(import_xlsx)
    import_xlsx.set_defaults(func=_cmd_import_xlsx)

    import_state = sub.add_parser(
        "import-state-data", help="submit the mapped fields of a 状态数据采集平台 export workbook for review")
    import_state.add_argument("file", help="the platform's export workbook (.xlsx)")
    import_state.add_argument("--mapping", help="the mapping file (default: state_data.yaml of the dataset)")
    import_state.add_argument("--at", help="the date the values are recorded at (default today)")
    import_state.add_argument("--dry-run", action="store_true",
                              help="list what would be submitted, submit nothing")
    _store_arguments(import_state)
    import_state.set_defaults(func=_cmd_import_state_data)

    export_state = sub.add_parser("export-state-data", help="fill the 状态数据采集平台 tables from the graph")
    export_state.add_argument("out", help="the .xlsx file to write")
    export_state.add_argument("--mapping", help="the mapping file (default: state_data.yaml of the dataset)")
    export_state.add_argument("--as-of", help="the values as they stood on this date (default today)")
    _store_arguments(export_state)
    export_state.set_defaults(func=_cmd_export_state_data)

    annual = sub.add_parser("annual-report", help="write the college's 质量年报 of a year (Word or PDF)")
    annual.add_argument("year", type=int, help="the year, e.g. 2026")
    annual.add_argument("--format", choices=("docx", "pdf", "md"), default="docx")
    annual.add_argument("-o", "--out", required=True, help="the file to write")
    annual.add_argument("--as-of", help="the report's date inside the year (default: its last day, or "
                                        "today for the current year)")
    annual.add_argument("--mapping", help="the mapping file (default: ZHENGAI_ANNUAL_MAPPING, else "
                                          "annual_report.yaml of the dataset)")
    _store_arguments(annual)
    annual.set_defaults(func=_cmd_annual_report)

    batch = sub.add_parser("render-reports", help="write every 诊改报告 of a level (or the --subject ones) "
                           "to a folder; resumable, exit 1 if any failed")
    batch.add_argument("--level", choices=[level.value for level in Level], default="STUDENT")
    batch.add_argument("--subject", action="append", metavar="ID", help="this subject only (repeatable)")
    batch.add_argument("--format", choices=("pdf", "docx", "md"), default="pdf")
    batch.add_argument("--out", required=True, help="the folder to write <subject>.<format> into")
    batch.add_argument("--jobs", type=_positive, default=1, metavar="N", help="worker processes (default 1)")
    batch.add_argument("--period", help="the report's year (YYYY; default this year)")
    batch.add_argument("--as-of", help="the report's date (YYYY-MM-DD)")
    batch.add_argument("--from", dest="from_", help="the period's first day (YYYY-MM-DD)")
    batch.add_argument("--progress-seconds", type=float, default=2.0, metavar="S",
                       help="a progress line at most every S seconds (default 2)")
    _store_arguments(batch)
    batch.set_defaults(func=_cmd_render_reports)

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
    try:
        return args.func(args)
    except StoreUnavailableError as exc:  # Neo4j down: one line, not the driver's traceback
        print(f"zhengai: {exc}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    raise SystemExit(main())
