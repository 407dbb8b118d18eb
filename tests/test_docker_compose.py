"""docker-compose.yml, the Dockerfile and docker/entrypoint.sh, checked without a Docker engine.

The compose tests run the real Docker Compose v2 (``docker-compose config``, which reads files only),
set up by ``scripts/compose-check --path``. With CI=true a Compose that cannot be set up fails the run;
elsewhere those tests skip with the reason. The Dockerfile and entrypoint tests need nothing.
"""

from __future__ import annotations

import http.server
import json
import os
import shlex
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"
PASSWORD = "not-a-real-password"


# -- Compose -----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def compose_bin() -> str:
    """The path of a Docker Compose v2 binary (installed into .tools/ on first use)."""
    try:
        run = subprocess.run([str(ROOT / "scripts" / "compose-check"), "--path"], capture_output=True,
                             text=True, timeout=900, stdin=subprocess.DEVNULL)
        problem = f"exit {run.returncode}: {run.stderr.strip()[-1500:]}" if run.returncode else ""
    except (OSError, subprocess.TimeoutExpired) as exc:
        problem = str(exc)
    if problem:
        message = f"Docker Compose v2 could not be set up by scripts/compose-check --path ({problem})"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: the compose checks must run; {message}")
        pytest.skip(message)
    return run.stdout.strip().splitlines()[-1]


def compose(binary: str, *args: str, tmp: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``docker-compose -f docker-compose.yml ARGS`` with a clean environment plus ``env``.

    No .env file, nor the caller's NEO4J_*, ZHENGAI_*, COMPOSE_* or DOCKER_* variables, can leak in.
    """
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("NEO4J_", "ZHENGAI_", "COMPOSE_", "DOCKER_"))}
    empty_env_file = tmp / "empty.env"
    empty_env_file.write_text("")
    return subprocess.run([binary, "--env-file", str(empty_env_file), "--project-directory", str(ROOT),
                           "-f", str(COMPOSE_FILE), *args],
                          capture_output=True, text=True, timeout=60, env={**clean, **env},
                          stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def config(compose_bin: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The resolved compose file (``config --format json``) with NEO4J_PASSWORD set."""
    run = compose(compose_bin, "config", "--format", "json", tmp=tmp_path_factory.mktemp("compose"),
                  NEO4J_PASSWORD=PASSWORD)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def unescape(value: str) -> str:
    """What the engine gets: `config` prints every ``$`` of the interpolated file as ``$$``."""
    return value.replace("$$", "$")


def test_compose_file_is_valid(compose_bin: str, tmp_path: Path):
    run = compose(compose_bin, "config", "--quiet", tmp=tmp_path, NEO4J_PASSWORD=PASSWORD)
    assert run.returncode == 0, run.stderr
    assert run.stderr.strip() == "", run.stderr  # no warnings (obsolete keys, unset variables)


@pytest.mark.parametrize("password", [None, ""], ids=["unset", "empty"])
def test_neo4j_password_is_required(compose_bin: str, tmp_path: Path, password: str | None):
    env = {} if password is None else {"NEO4J_PASSWORD": password}
    run = compose(compose_bin, "config", "--quiet", tmp=tmp_path, **env)
    assert run.returncode != 0
    assert "NEO4J_PASSWORD" in run.stderr and "8+ characters" in run.stderr, run.stderr


def test_neo4j_service(config: dict[str, Any]):
    neo4j = config["services"]["neo4j"]
    assert neo4j["image"].startswith("neo4j:5.26")
    assert neo4j["image"].endswith("-community")
    assert neo4j["environment"]["NEO4J_AUTH"] == f"neo4j/{PASSWORD}"
    assert {"NEO4J_server_memory_heap_max__size", "NEO4J_server_memory_pagecache_size"} <= set(
        neo4j["environment"])
    data = [v for v in neo4j["volumes"] if v["target"] == "/data"]
    assert data == [{"type": "volume", "source": "neo4j-data", "target": "/data", "volume": {}}]
    assert "neo4j-data" in config["volumes"]
    assert "external" not in config["volumes"]["neo4j-data"]
    published = {(p["host_ip"], p["published"], p["target"]) for p in neo4j["ports"]}
    assert published == {("127.0.0.1", "7474", 7474), ("127.0.0.1", "7687", 7687)}


def test_neo4j_healthcheck_queries_with_the_password_from_inside_the_container(
        config: dict[str, Any], tmp_path: Path):
    check = config["services"]["neo4j"]["healthcheck"]
    assert check.get("disable") is not True
    kind, command = check["test"]
    assert kind == "CMD-SHELL"
    command = unescape(command)
    assert "cypher-shell" in command and "RETURN 1" in command
    assert PASSWORD not in command  # read from NEO4J_AUTH in the container, not baked into the config
    # Run the check's shell line with a stand-in cypher-shell: it gets user neo4j and the password
    # (everything after the first "/" of NEO4J_AUTH), and its exit code decides health.
    stub = tmp_path / "cypher-shell"
    args_file = tmp_path / "args.json"
    stub.write_text(f"#!{sys.executable}\nimport json, sys\n"
                    f"json.dump(sys.argv[1:], open({str(args_file)!r}, 'w'))\n"
                    "sys.exit(int(__import__('os').environ.get('STUB_EXIT', '0')))\n")
    stub.chmod(0o755)
    env = {"PATH": f"{tmp_path}:{os.environ['PATH']}", "NEO4J_AUTH": "neo4j/pa ss/wörd$1"}
    assert subprocess.run(["sh", "-c", command], env=env, timeout=30).returncode == 0
    args = json.loads(args_file.read_text())
    assert args[args.index("-u") + 1] == "neo4j"
    assert args[args.index("-p") + 1] == "pa ss/wörd$1"
    assert "RETURN 1" in args
    assert subprocess.run(["sh", "-c", command], env={**env, "STUB_EXIT": "1"}, timeout=30).returncode != 0


def test_zhengai_service(config: dict[str, Any]):
    svc = config["services"]["zhengai"]
    assert Path(svc["build"]["context"]) == ROOT
    assert svc["build"]["dockerfile"] == "Dockerfile"
    assert svc["depends_on"]["neo4j"]["condition"] == "service_healthy"
    env = svc["environment"]
    assert env["NEO4J_URI"] == "bolt://neo4j:7687"
    assert env["NEO4J_USER"] == "neo4j"
    assert env["NEO4J_PASSWORD"] == PASSWORD
    assert [(p["published"], p["target"]) for p in svc["ports"]] == [("8000", 8000)]
    assert svc["ports"][0]["host_ip"] == "127.0.0.1"


def test_compose_check_script_passes(compose_bin: str):
    env = {k: v for k, v in os.environ.items() if k != "NEO4J_PASSWORD"}
    run = subprocess.run([str(ROOT / "scripts" / "compose-check")], capture_output=True, text=True,
                         timeout=120, env={**env, "COMPOSE_BIN": compose_bin}, stdin=subprocess.DEVNULL)
    assert run.returncode == 0, run.stderr
    assert "image: neo4j:5.26" in run.stdout


# -- Dockerfile --------------------------------------------------------------------------------------
def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    out: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        keyword, _, args = full.partition(" ")
        out.append((keyword.upper(), args.strip()))
    assert not pending, "the Dockerfile ends inside a continued line"
    return out


def exec_form(args: str) -> list[str]:
    value = json.loads(args)
    assert isinstance(value, list) and all(isinstance(v, str) for v in value), args
    return value


def test_dockerfile_base_user_and_port():
    ins = dockerfile_instructions()
    froms = [a for k, a in ins if k == "FROM"]
    assert froms == ["python:3.11-slim"]
    assert any(k == "RUN" and "pip install" in a for k, a in ins)
    users = [a for k, a in ins if k == "USER"]
    assert users and users[-1] not in {"root", "0"}
    exposed = {p.split("/")[0] for k, a in ins if k == "EXPOSE" for p in a.split()}
    assert "8000" in exposed


def test_dockerfile_command_serves_on_all_interfaces_port_8000():
    ins = dockerfile_instructions()
    (entrypoint,) = [exec_form(a) for k, a in ins if k == "ENTRYPOINT"]
    assert entrypoint == ["zhengai-entrypoint"]
    (cmd,) = [exec_form(a) for k, a in ins if k == "CMD"]
    assert cmd[:2] == ["zhengai", "serve"]
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0"
    assert cmd[cmd.index("--port") + 1] == "8000"
    copies = [a.split() for k, a in ins if k == "COPY"]
    assert ["docker/entrypoint.sh", "/usr/local/bin/zhengai-entrypoint"] in copies


def test_dockerignore_lets_in_what_the_dockerfile_copies():
    rules = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert rules[0] == "*"  # an allow-list: nothing else (.venv, .git, .tools, data) reaches the daemon
    allowed = {r[1:].rstrip("/") for r in rules if r.startswith("!")}
    for keyword, args in dockerfile_instructions():
        if keyword == "COPY" and not args.startswith("--from"):
            for source in args.split()[:-1]:
                parents = {"/".join(source.split("/")[:n]) for n in range(1, source.count("/") + 2)}
                assert parents & allowed, f"COPY {source}: excluded by .dockerignore"
                assert (ROOT / source).exists(), source


@pytest.fixture
def healthz_server() -> Iterator[int]:
    """A stand-in service answering 200 on /healthz (404 elsewhere), on a free loopback port."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/healthz" else 404)
            self.end_headers()
            self.wfile.write(b'{"status": "ok"}')

        def log_message(self, *_: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_dockerfile_healthcheck_hits_healthz(healthz_server: int):
    checks = [a for k, a in dockerfile_instructions() if k == "HEALTHCHECK"]
    assert len(checks) == 1
    options, _, command = checks[0].partition("CMD ")
    assert "--interval" in options and "--timeout" in options
    argv = exec_form(command)
    assert argv[:2] == ["python", "-c"]
    assert "http://127.0.0.1:8000/healthz" in argv[2]
    # The same one-liner, pointed at a healthy stand-in and at a closed port.
    healthy = argv[2].replace(":8000/", f":{healthz_server}/")
    assert subprocess.run([sys.executable, "-c", healthy], capture_output=True, timeout=30).returncode == 0
    closed = argv[2].replace(":8000/", f":{free_port()}/")
    run = subprocess.run([sys.executable, "-c", closed], capture_output=True, text=True, timeout=30)
    assert run.returncode != 0 and "SyntaxError" not in run.stderr


# -- entrypoint ----------------------------------------------------------------------------------------
def run_entrypoint(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "ZHENGAI_"))}
    return subprocess.run(["sh", str(ENTRYPOINT), *argv], capture_output=True, text=True, timeout=60,
                          env={**clean, **env}, stdin=subprocess.DEVNULL)


def test_entrypoint_is_posix_sh_and_executable():
    assert ENTRYPOINT.read_text().startswith("#!/bin/sh\n")
    assert os.access(ENTRYPOINT, os.X_OK)
    assert subprocess.run(["sh", "-n", str(ENTRYPOINT)], timeout=30).returncode == 0


def test_entrypoint_execs_other_commands_as_they_are():
    run = run_entrypoint("echo", "load", "--neo4j", "bolt://neo4j:7687", NEO4J_URI="bolt://127.0.0.1:1")
    assert run.returncode == 0, run.stderr
    assert run.stdout == "load --neo4j bolt://neo4j:7687\n"
    assert run.stderr == ""


def test_entrypoint_skips_the_demo_without_neo4j_or_when_told(tmp_path: Path):
    # A stand-in `zhengai` on PATH shows what is exec'd; no Neo4j is contacted in either case.
    stub = tmp_path / "zhengai"
    stub.write_text("#!/bin/sh\necho \"ran zhengai $*\"\n")
    stub.chmod(0o755)
    path = f"{tmp_path}:{os.environ['PATH']}"
    cmd = ("zhengai", "serve", "--host", "0.0.0.0", "--port", "8000")
    for env in ({}, {"NEO4J_URI": "bolt://127.0.0.1:1", "ZHENGAI_LOAD_DEMO": "0"}):
        run = run_entrypoint(*cmd, PATH=path, **env)
        assert run.returncode == 0, run.stderr
        assert run.stdout == f"ran {shlex.join(cmd)}\n"


def test_entrypoint_gives_up_on_an_unreachable_neo4j():
    run = run_entrypoint("zhengai", "serve", NEO4J_URI=f"bolt://127.0.0.1:{free_port()}",
                         ZHENGAI_NEO4J_WAIT="0", PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    assert run.returncode != 0
    assert "zhengai-entrypoint: no Neo4j at bolt://127.0.0.1:" in run.stderr


# -- the documented `docker run` commands ------------------------------------------------------------------
DOCS = ROOT / "docs" / "docker.md"
#: `docker run` options that take a value
_VALUED = {"-p", "--publish", "-e", "--env", "-v", "--volume", "--name", "--network", "-w", "--user"}


def documented_runs() -> list[tuple[str, dict[str, str | None], list[str], list[str]]]:
    """(the line, its -e settings (None: from the caller's environment), its -p ports, the command after the
    image) of every `docker run … zhengai` of docs/docker.md and of the Dockerfile's comments."""
    lines = [line for line in DOCS.read_text(encoding="utf-8").splitlines() if line.startswith("docker run")]
    lines += [line.lstrip("# ") for line in DOCKERFILE.read_text(encoding="utf-8").splitlines()
              if line.lstrip("# ").startswith("docker run")]
    out = []
    for line in lines:
        words = shlex.split(line, comments=True)[2:]
        env: dict[str, str | None] = {}
        ports: list[str] = []
        while words[0].startswith("-"):
            option = words.pop(0)
            if option in _VALUED:
                value = words.pop(0)
                if option in ("-e", "--env"):
                    name, eq, setting = value.partition("=")
                    env[name] = setting if eq else None
                elif option in ("-p", "--publish"):
                    ports.append(value)
        assert words[0] == "zhengai", line
        out.append((line, env, ports, words[1:]))
    return out


def test_every_documented_docker_run_of_the_service_can_start():
    """The CMD binds 0.0.0.0: each documented run of it configures authentication, or development mode on
    a port published on loopback only (anything else is refused by `zhengai serve`)."""
    runs = [r for r in documented_runs() if not r[3]]
    assert len(runs) >= 4  # two in docs/docker.md, two in the Dockerfile
    for line, env, ports, _ in runs:
        authenticated = "ZHENGAI_JWT_SECRET" in env or "ZHENGAI_JWKS" in env
        development = env.get("ZHENGAI_ALLOW_INSECURE_BIND") == "1"
        assert authenticated or development, f"refused by serve: {line}"
        if not authenticated:
            assert ports and all(p.startswith("127.0.0.1:") for p in ports), f"open development mode: {line}"
    for text in (DOCS.read_text(encoding="utf-8"), DOCKERFILE.read_text(encoding="utf-8")):
        assert "no authentication yet" not in text and "planned security change" not in text


def _serve_cmd(port: int, state: Path) -> list[str]:
    """The Dockerfile's CMD through the entrypoint, on ``port``, its state folder under ``state``."""
    (cmd,) = [exec_form(a) for k, a in dockerfile_instructions() if k == "CMD"]
    cmd[cmd.index("--port") + 1] = str(port)
    return ["sh", str(ENTRYPOINT), *cmd, "--state", str(state)]


def _docker_env(env: dict[str, str | None], secret: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "ZHENGAI_"))}
    clean["PATH"] = f"{Path(sys.executable).parent}:{clean['PATH']}"
    return {**clean, **{k: v if v is not None else secret for k, v in env.items()}}


def test_the_image_command_refuses_to_start_without_authentication(tmp_path: Path):
    run = subprocess.run(_serve_cmd(free_port(), tmp_path), capture_output=True, text=True, timeout=120,
                         env=_docker_env({}, ""), stdin=subprocess.DEVNULL)
    assert run.returncode == 2
    assert "refusing to serve on 0.0.0.0 without authentication" in run.stderr


@pytest.mark.parametrize("mode", ["development", "tokens"])
def test_the_image_command_starts_as_documented(tmp_path: Path, mode: str):
    import httpx

    runs = [r for r in documented_runs() if r[0] in DOCS.read_text(encoding="utf-8")]
    serve = next(r for r in runs if not r[3] and ("ZHENGAI_JWT_SECRET" in r[1]) == (mode == "tokens"))
    secret = os.urandom(32).hex()
    port = free_port()
    proc = subprocess.Popen(_serve_cmd(port, tmp_path), env=_docker_env(serve[1], secret),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the documented command did not start: {proc.communicate()[0][-2000:]}")
            time.sleep(0.2)
        query = {"query": '{ goal(id: "S-FACULTY") { name } }'}
        headers = {}
        if mode == "tokens":
            assert httpx.post(f"{url}/graphql", json=query, timeout=30).status_code == 401
            (token_run,) = [r for r in runs if r[3][:2] == ["zhengai", "token"]]
            minted = subprocess.run(token_run[3], capture_output=True, text=True, timeout=60, check=True,
                                    env=_docker_env(token_run[1], secret))
            headers = {"Authorization": f"Bearer {minted.stdout.strip()}"}
        answer = httpx.post(f"{url}/graphql", json=query, headers=headers, timeout=30)
        assert answer.status_code == 200, answer.text
        assert answer.json()["data"]["goal"]["name"]
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
