"""The committed SDL (zhengai/schema/schema.graphql) must equal `zhengai export-schema`."""

from __future__ import annotations

import subprocess
import sys

from zhengai.schema import SDL_PATH, export_sdl


def test_committed_sdl_is_current():
    assert SDL_PATH.read_text(encoding="utf-8") == export_sdl(), (
        "schema.graphql is stale: run `zhengai export-schema > zhengai/schema/schema.graphql`")


def test_export_schema_command_prints_the_contract():
    out = subprocess.run([sys.executable, "-m", "zhengai.cli", "export-schema"], capture_output=True,
                         text=True, check=True).stdout
    for needle in ("type Query", "traceImpact(", "explainGap(", "simulate(", "qualityNetwork(",
                   "goalChain(", "enum Level", "type GoalConnection", "input MetricValueInput"):
        assert needle in out
