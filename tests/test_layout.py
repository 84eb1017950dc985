"""Terminal layout at 60–100 columns: a bullet or step number never stands alone on a line,
wrapped lines stay indented under their text, and money in `--compare tiers` is never cut."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from rich.cells import cell_len

from medins_cli.core.money import money

GUIDES = [
    ["checklist", "住院手工报销", "--region", "绵阳"],
    ["checklist", "异地就医备案", "--region", "绵阳"],
    ["transfer-guide", "--from", "绵阳", "--to", "深圳"],
    ["transfer-guide", "--filing", "--from", "绵阳", "--to", "北京", "--tier", "3", "--amount", "8000", "-t", "职工"],
    ["balance", "-r", "重庆"],
    ["balance", "-r", "绵阳", "--tier", "3", "--amount", "8000", "-t", "职工", "--balance", "120", "--self-pay", "500"],
]
MARK = re.compile(r"^\s*(☐|·|\d+\.|⚠|\[\d+\])\s*$")
ENTRY = re.compile(r"^(\s+)(☐ |· |\d+\. |\[\d+\] )")


def _titles(run, args):
    plain = run(*args, "--format", "plain").stdout
    return {m.group(1) for m in re.finditer(r"^【(.+)】$", plain, re.M)}


@pytest.mark.parametrize("width", [60, 80, 100])
@pytest.mark.parametrize("args", GUIDES, ids=[" ".join(a[:2]) for a in GUIDES])
def test_guides_wrap_as_a_person_would(run, monkeypatch, args, width):
    monkeypatch.setenv("COLUMNS", str(width))
    titles = _titles(run, args) | {"来源:"}
    result = run(*args, "--format", "table")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= width
    assert "…" not in result.stdout
    for line in lines:
        assert not MARK.match(line), f"a marker alone on a line: {line!r}"
    # from the first section to the sources: every line is a title, an entry, or indented under one
    start = next(i for i, line in enumerate(lines) if line.strip() in titles)
    end = next(i for i, line in enumerate(lines) if line.strip() == "来源:")
    indent = None
    for line in lines[start:end]:
        if not line.strip() or line.strip() in titles or line.startswith(("┏", "┃", "┡", "│", "└")):
            indent = None
            continue
        entry = ENTRY.match(line)
        if entry:
            indent = cell_len(entry.group(0))
            continue
        assert indent is not None and line.startswith(" " * indent), f"not indented under its text: {line!r}"


def _compare_rows(run, extra):
    data = run.json("estimate", "-r", "绵阳", "--compare", "tiers", *extra)
    return data["rows"]


@pytest.mark.parametrize("width", [40, 50, 60, 70, 80, 100])
@pytest.mark.parametrize("extra", [["--amount", "20000", "-t", "职工"],
                                   ["--amount", "999999", "-t", "居民"],
                                   ["--amount", "20000", "-t", "职工", "--retired", "--remote", "unfiled"]])
def test_compare_tiers_never_cuts_money(run, monkeypatch, width, extra):
    monkeypatch.setenv("COLUMNS", str(width))
    rows = _compare_rows(run, extra)
    result = run("estimate", "-r", "绵阳", "--compare", "tiers", *extra, "--format", "table")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    table = out[:out.index("来源")] if "来源" in out else out
    assert "…" not in table
    assert max(cell_len(line) for line in table.splitlines()) <= width  # (a file path below may run on)
    for row in rows:
        for key in ("fund_pay", "out_of_pocket"):
            assert money(Decimal(str(row[key]))) in table, (key, row[key])


@pytest.mark.parametrize("width", [60, 70, 80, 100])
def test_money_in_a_guide_table_note_is_never_split(run, monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))
    args = ["balance", "-r", "绵阳", "--tier", "3", "--amount", "8000", "-t", "职工", "--balance", "500",
            "--self-pay", "1000"]
    out = run(*args, "--format", "table").stdout
    assert "1,000.00" in out and "1,750.00" in out  # 全自费; payable (8000 − 1000 − 750) × 16 % + 750
