"""Issue 19, the data half ("honest figures"): a confidence below unverified for the aggregator's
placeholder tables, the other readings of a figure as alternatives, and the evidence pass applied
by the importer. Through the public face where possible (policy show, estimate -f json, regions,
policy validate); the importer's evidence rules by unit tests with small synthetic evidence.
"""

from __future__ import annotations

from pathlib import Path

from conftest import DATA

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


# ---- other readings as alternatives -----------------------------------------------------------

def _shipped(name: str):
    from medins_cli.store.yamlio import load_yaml

    return load_yaml(DATA / "regions" / name)


def _employee_sections(doc):
    return {s["kind"]: s for s in doc.get("sections") or () if s["plan"] == "employee"}


def _value(figure):
    return figure["value"] if isinstance(figure, dict) and "value" in figure else figure


def test_every_big_bill_fund_starting_at_the_basic_cap_carries_the_other_reading():
    """An employee 大额 whose threshold is exactly the basic fund's cap (郑州, 济南, most of 湖北 and 湖南)
    may pay on the year's burden or above the cap: the file says both."""
    at_cap = []
    for path in sorted((DATA / "regions").glob("*.yaml")):
        sections = _employee_sections(_shipped(path.name))
        ci, inpatient = sections.get("critical_illness"), sections.get("inpatient")
        if not ci or not inpatient or _value(ci.get("mode", "on_burden")) != "on_burden":
            continue
        if ci.get("threshold") is not None and _value(ci["threshold"]) == _value(inpatient.get("annual_cap")):
            at_cap.append(path.stem)
            mode = ci["mode"]
            assert isinstance(mode, dict) and [a["value"] for a in mode["alternatives"]] == ["above_cap"], path.name
            assert mode["alternatives"][0]["source"] == "agg-file"
    assert len(at_cap) == 30 and {"zhengzhou", "jinan", "changde", "xiangyang"} <= set(at_cap)


def test_the_aggregators_own_words_decide_the_reading_where_they_say_it(run):
    """武汉 and 宜昌 quote 「…最高支付限额…，超过部分进入大额医保」, 西安 comments 「超过40万部分由大额补助支付」:
    above the cap, no alternative. 成都's 大额 starts at the cap with no words: both readings."""
    for city in ("武汉", "宜昌", "西安"):
        doc = run.json("policy", "show", city, "-t", "职工")
        ci = next(s for s in doc["sections"] if s["kind"] == "critical_illness")
        assert ci["mode"] == "above_cap" and "依据聚合表原文" in ci["note"], city
    chengdu = next(s for s in run.json("policy", "show", "成都", "-t", "职工")["sections"] if s["kind"] == "critical_illness")
    assert chengdu["mode"]["value"] == "above_cap"
    assert [a["value"] for a in chengdu["mode"]["alternatives"]] == ["on_burden"]
    assert "起付线取 450000 元" in chengdu["mode"]["alternatives"][0]["note"]


def test_a_pages_second_reading_is_an_alternative(run):
    dalian = run.json("policy", "show", "大连")
    resident = next(s for s in dalian["sections"] if s["plan"] == "resident" and s["kind"] == "inpatient")
    special = resident["tiers"]["3a"]["deductible"]
    assert special["value"] == 1200 and special["alternatives"][0]["value"] == 850
    ci = next(s for s in dalian["sections"] if s["plan"] == "employee" and s["kind"] == "critical_illness")
    assert ci["annual_cap"]["value"] == 250000 and ci["annual_cap"]["alternatives"][0]["value"] == 350000
