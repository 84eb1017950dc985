"""Issue 19, the data half ("honest figures"): a confidence below unverified for the aggregator's
placeholder tables, the other readings of a figure as alternatives, and the evidence pass applied
by the importer. Through the public face where possible (policy show, estimate -f json, regions,
policy validate); the importer's evidence rules by unit tests with small synthetic evidence.
"""

from __future__ import annotations

from pathlib import Path

from medins_cli.errors import ExitCode

EXAMPLE = Path(__file__).parent / "policies" / "example.yaml"


# ---- the placeholder confidence ------------------------------------------------------------


def _user_file(isolated_dirs, confidence: str) -> Path:
    folder = isolated_dirs["data"] / "regions"
    folder.mkdir(parents=True, exist_ok=True)
    text = EXAMPLE.read_text(encoding="utf-8").replace("confidence: unverified", f"confidence: {confidence}")
    path = folder / "shili.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_placeholder_is_the_weakest_confidence(run, isolated_dirs):
    from medins_cli.core.names import CONFIDENCE_RANK, normalize_confidence

    assert CONFIDENCE_RANK == ("placeholder", "unverified", "secondary", "observed", "official")
    assert normalize_confidence("疑似占位") == normalize_confidence("占位") == "placeholder"
    path = _user_file(isolated_dirs, "placeholder")
    assert run("policy", "validate", str(path)).exit_code == ExitCode.OK
    args = ("estimate", "-r", "示例", "-t", "职工", "--tier", "2", "--amount", "8000")
    refused = run(*args, "--min-confidence", "unverified")
    assert refused.exit_code == ExitCode.ERROR and refused.stdout == "" and "placeholder" in refused.stderr
    assert run(*args, "--min-confidence", "placeholder", "-f", "json").exit_code == ExitCode.OK
    assert [r["name"] for r in run.json("regions", "--confidence", "placeholder")] == ["示例市"]
    assert [r["name"] for r in run.json("regions", "-c", "疑似占位")] == ["示例市"]
    show = run("policy", "show", "示例", "-f", "table").stdout
    assert "疑似占位" in show


def test_the_json_schema_and_completion_know_placeholder():
    from medins_cli.commands.support.completion import complete_confidence, complete_regions_confidence
    from medins_cli.store.schema import json_schema

    assert "placeholder" in str(json_schema())
    assert complete_confidence("p") == ["placeholder"] and "placeholder" in complete_regions_confidence("")
