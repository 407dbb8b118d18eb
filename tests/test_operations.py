"""Operations: the bundled demo's state folder is per checkout (or per --state), and scripts/test installs
the browser's packages only when asked, quietly and without upgrading anything else."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import zhengai.cli as cli
from zhengai.graph_loader import demo_path

ROOT = Path(__file__).resolve().parents[1]


def _state(**args: str | None) -> Path:
    return cli._state_dir(argparse.Namespace(**{"state": None, "data": None, **args}))


# -- the demo's state folder ---------------------------------------------------------------------------
def test_the_demo_state_is_in_this_checkout_whatever_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    assert demo_path().resolve().is_relative_to(ROOT)  # the tests run from a source checkout
    assert _state() == ROOT / ".zhengai" / "demo"
    assert _state(state=str(tmp_path / "s")) == tmp_path / "s"
    assert _state(data=str(tmp_path / "d")) == tmp_path / "d" / ".zhengai"


def _package_at(base: Path, checkout: bool) -> Path:
    """A stand-in install of the package under ``base``: its demo folder (in a checkout: beside
    pyproject.toml)."""
    demo = base / "zhengai" / "graph_loader" / "demo"
    demo.mkdir(parents=True)
    if checkout:
        (base / "pyproject.toml").write_text("[project]\nname = 'zhengai'\n")
    return demo


def test_two_clones_keep_two_states(monkeypatch, tmp_path):
    one, two = _package_at(tmp_path / "one", True), _package_at(tmp_path / "two", True)
    monkeypatch.setattr(cli, "demo_path", lambda: one)
    first = _state()
    monkeypatch.setattr(cli, "demo_path", lambda: two)
    second = _state()
    assert (first, second) == (tmp_path / "one" / ".zhengai" / "demo", tmp_path / "two" / ".zhengai" / "demo")


def test_an_installed_package_keeps_the_demo_state_in_the_current_folder(monkeypatch, tmp_path):
    demo = _package_at(tmp_path / "site-packages", False)
    monkeypatch.setattr(cli, "demo_path", lambda: demo)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert _state() == work / ".zhengai" / "demo"


def test_serve_demo_passes_the_checkout_state(tmp_path):
    """scripts/serve-demo with stand-ins for bootstrap and the zhengai command: it serves with
    --state <checkout>/.zhengai/demo, and extra arguments come after (so a later --state wins)."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "serve-demo", tmp_path / "scripts" / "serve-demo")
    (tmp_path / "scripts" / "bootstrap").write_text("#!/bin/sh\nexit 0\n")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "zhengai").write_text('#!/bin/sh\necho "$@"\n')
    for script in ("scripts/bootstrap", ".venv/bin/zhengai"):
        (tmp_path / script).chmod(0o755)
    run = subprocess.run(["bash", str(tmp_path / "scripts" / "serve-demo"), "--port", "8080"],
                         capture_output=True, text=True, timeout=30, check=True)
    assert run.stdout.split() == ["serve", "--state", f"{tmp_path}/.zhengai/demo", "--port", "8080"]


def test_the_state_folders_are_git_ignored():
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout")
    for path in (".zhengai/demo/observations.jsonl", "tests/data/worked_example/.zhengai/audit.jsonl"):
        assert subprocess.run(["git", "-C", str(ROOT), "check-ignore", "-q", path]).returncode == 0, path


# -- scripts/browser-deps ------------------------------------------------------------------------------
@pytest.fixture
def sandbox(tmp_path: Path) -> Path:
    """A copy of scripts/browser-deps with stand-ins on PATH: `id` (root), `fc-list` (no CJK font) and
    `apt-get`, which logs its arguments to apt.calls and prints 400 lines like apt does."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "browser-deps", tmp_path / "scripts" / "browser-deps")
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    stubs = {
        "id": "#!/bin/sh\necho 0\n",
        "fc-list": "#!/bin/sh\nexit 0\n",
        "apt-get": (f'#!/bin/sh\necho "$*" >> {tmp_path}/apt.calls\n'
                    'i=0; while [ $i -lt 200 ]; do echo "Get:$i http://deb.debian.org/debian pkg"; '
                    'echo "Setting up pkg$i ..."; i=$((i+1)); done\nexit ${APT_EXIT:-0}\n'),
    }
    for name, text in stubs.items():
        (bin_ / name).write_text(text)
        (bin_ / name).chmod(0o755)
    return tmp_path


def _browser_deps(sandbox: Path, chromium: bool = False, **env: str) -> subprocess.CompletedProcess[str]:
    browser = sandbox / "chromium"
    if chromium:
        browser.write_text("#!/bin/sh\n")
        browser.chmod(0o755)
    clean = {k: v for k, v in os.environ.items() if k not in ("CI", "ZHENGAI_INSTALL_BROWSER")}
    return subprocess.run(["bash", str(sandbox / "scripts" / "browser-deps")], capture_output=True, text=True,
                          timeout=60, env={**clean, "PATH": f"{sandbox / 'bin'}:{os.environ['PATH']}",
                                           "ZHENGAI_CHROMIUM": str(browser), **env})


def _apt_calls(sandbox: Path) -> list[str]:
    calls = sandbox / "apt.calls"
    return calls.read_text().splitlines() if calls.exists() else []


def test_as_root_without_the_opt_in_nothing_is_installed(sandbox):
    run = _browser_deps(sandbox)
    assert run.returncode == 0
    assert _apt_calls(sandbox) == []
    assert run.stdout == "" and len(run.stderr.splitlines()) == 1
    assert "chromium fonts-wqy-microhei missing" in run.stderr and "ZHENGAI_INSTALL_BROWSER=1" in run.stderr


@pytest.mark.parametrize("env", [{"ZHENGAI_INSTALL_BROWSER": "1"}, {"CI": "true"}], ids=["opt-in", "CI"])
def test_with_the_opt_in_only_the_missing_packages_are_installed_quietly(sandbox, env):
    run = _browser_deps(sandbox, chromium=True, **env)
    assert run.returncode == 0, run.stderr
    assert _apt_calls(sandbox) == ["update -qq",
                                   "install -y -qq --no-install-recommends --no-upgrade fonts-wqy-microhei"]
    assert run.stdout == "" and len(run.stderr.splitlines()) == 2, run.stderr
    assert "installed: 400 packages set up" in run.stderr  # (the stand-in's count)
    log = sandbox / "test-artifacts" / "browser-deps.log"
    assert log.read_text().count("Get:") == 400  # apt's chatter is in the log, not on the terminal


def test_nothing_happens_when_both_are_there(sandbox):
    (sandbox / "bin" / "fc-list").write_text("#!/bin/sh\necho '/usr/share/fonts/wqy.ttc: WenQuanYi'\n")
    run = _browser_deps(sandbox, chromium=True, CI="true")
    assert (run.returncode, run.stderr, _apt_calls(sandbox)) == (0, "", [])


@pytest.mark.parametrize(("ci", "status"), [("true", 1), ("", 0)])
def test_a_failed_installation_is_one_line_and_fails_only_ci(sandbox, ci, status):
    run = _browser_deps(sandbox, ZHENGAI_INSTALL_BROWSER="1", CI=ci, APT_EXIT="100")
    assert run.returncode == status
    assert len(run.stderr.splitlines()) == 2 and "the installation failed; see" in run.stderr


def test_scripts_test_uses_it():
    text = (ROOT / "scripts" / "test").read_text()
    assert "scripts/browser-deps" in text and "apt-get" not in text
