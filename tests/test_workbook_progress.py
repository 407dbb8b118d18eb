"""Point 5 of the workbook issue: export-xlsx and import-xlsx tell their progress on the terminal (bars on a
terminal, plain lines in a log), and a long sheet is reported while it is read, not only at its end."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios

from tests.conftest import WORKED, WORKED_AS_OF
from tests.workbook_helpers import exported
from zhengai.engine import Engine
from zhengai.graph_loader import load_dataset
from zhengai.stores import EmbeddedStore
from zhengai.workbooks import plan_import
from zhengai.workbooks.plan_import import read_workbook

CLI = [sys.executable, "-m", "zhengai.cli"]


def _on_a_terminal(argv: list[str]) -> tuple[int, str]:
    """Run ``argv`` with its stderr on a pseudo-terminal; its exit code and what the terminal showed."""
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))  # a terminal's size
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=child, stdin=subprocess.DEVNULL)
    os.close(child)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    return proc.wait(timeout=120), shown.decode(errors="replace")


def test_export_xlsx_tells_its_progress_in_plain_lines_when_logged(tmp_path):
    out = tmp_path / "plan.xlsx"
    run = subprocess.run([*CLI, "export-xlsx", str(out), "--state", str(tmp_path / "state")],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    told = re.findall(r"^zhengai: (\S+) (\d+)/(\d+)$", run.stderr, re.M)
    sheets = {sheet for sheet, _, _ in told}
    assert {"单位", "目标", "指标", "关联", "观测"} <= sheets, run.stderr
    assert all(int(done) <= int(total) for _, done, total in told)
    assert "\r" not in run.stderr  # no bar drawing into a log


def test_both_directions_draw_bars_on_a_terminal(tmp_path):
    out, state = tmp_path / "plan.xlsx", str(tmp_path / "state")
    code, shown = _on_a_terminal([*CLI, "export-xlsx", str(out), "--state", state])
    assert code == 0, shown
    assert re.search(r"指标: 100%\|[^\r\n]*\| \d+/\d+ ", shown), shown  # a tqdm bar, filled
    assert "zhengai: 指标" not in shown  # bars, not log lines
    code, shown = _on_a_terminal([*CLI, "import-xlsx", str(out), "--dry-run", "--state", state])
    assert code == 0, shown
    assert re.search(r"指标: 100%\|[^\r\n]*\| \d+/\d+ ", shown), shown
    assert re.search(r"观测: 100%\|", shown), shown


def test_a_long_sheet_is_reported_while_it_is_read(tmp_path, monkeypatch):
    engine = Engine(EmbeddedStore(load_dataset(WORKED), tmp_path / "state"))
    body = exported(engine, WORKED_AS_OF)
    monkeypatch.setattr(plan_import, "TELL_EVERY", 2)
    told: list[tuple[str, int, int]] = []
    plan = read_workbook(body, engine, WORKED_AS_OF, lambda *t: told.append(t))
    assert not plan.problems
    finals = {stage: done for stage, done, total in told if total}
    assert finals["指标"] == len(engine.records("Metric", WORKED_AS_OF))
    assert finals["关联"] >= 4, told
    during = [t for t in told if t[0] == "关联" and not t[2]]
    assert during[:2] == [("关联", 2, 0), ("关联", 4, 0)]  # during the sheet, its total not yet known
    assert told.index(during[-1]) < told.index(("关联", finals["关联"], finals["关联"]))  # then the whole
