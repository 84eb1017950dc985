"""`medins regions --quality` (issue 19 item 4): per imported city, the best evidence found, the tables it
shares with other cities, and how many of its figures carry another reading — read from
data/evidence/quality.json (whose agreement with the region files tests/test_honest_figures.py checks)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

INDEX = json.loads((Path(__file__).parents[1] / "data" / "evidence" / "quality.json").read_text(encoding="utf-8"))


def test_json_gives_every_imported_city_with_its_evidence(run):
    rows = run.json("regions", "--quality")
    assert len(rows) == len(INDEX["regions"]) == INDEX["totals"]["cities"]
    kunming = next(r for r in rows if r["name"] == "昆明")
    # data/evidence/kunming.yaml: four pages, the best a portal (m.shbk.net); a folded cap among the alternatives
    assert (kunming["evidence"], kunming["pages"], kunming["changed"]) == ("portal", 4, 0)
    assert kunming["figures_with_alternatives"] == 4 and kunming["alternatives_by_reason"]["folded_cap"] == 1
    assert "employee.remote" in kunming["placeholder_tables"]  # the 283-city 异地 table
    assert sum(r["figures_with_alternatives"] for r in rows) == INDEX["totals"]["figures_with_alternatives"]
    searched = [r for r in rows if r["evidence"] is not None]
    assert len(searched) == INDEX["totals"]["with_evidence"]
    assert {"nothing_usable", "portal"} <= {r["evidence"] for r in searched}


def test_province_filter_csv_and_table(run):
    out = run("regions", "--quality", "-p", "云南省", "-f", "csv")
    assert out.exit_code == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert {r["province"] for r in rows} == {"云南"} and "昆明" in {r["name"] for r in rows}
    assert next(r for r in rows if r["name"] == "昆明")["evidence"] == "portal"
    table = run("regions", "--quality", "-p", "云南", "-f", "table").stdout
    assert "昆明" in table and "门户网站" in table and "未核查" in table and "职工异地" in table


def test_quality_refuses_what_it_cannot_do(run):
    bad = run("regions", "--quality", "-p", "火星")
    assert bad.exit_code == 2 and "不认识的省份" in bad.stderr and bad.stdout == ""
    both = run("regions", "--quality", "--confidence", "placeholder")
    assert both.exit_code == 2 and "--quality" in both.stderr
