"""Health of data/rules/*.yaml: every file validates, every figure names sources listed in its file,
quotes are short, nothing is `official` without an authority's own URL, every source is used, and
the provinces without a source are the ones we know of (never a guessed figure)."""

from __future__ import annotations

import copy
from typing import Any, Iterator

import pytest

from medins_cli.errors import DataError
from medins_cli.store import rules, rules_schema
from medins_cli.store.yamlio import load_yaml

RULES = rules.rules_dir()


def _raw(name: str) -> dict[str, Any]:
    return load_yaml(RULES / f"{name}.yaml")


def _walk(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, dict):
        yield data
        for value in data.values():
            yield from _walk(value)
    elif isinstance(data, list):
        for value in data:
            yield from _walk(value)


def _ids(data: dict[str, Any]) -> list[str]:
    out = []
    for item in _walk({k: v for k, v in data.items() if k != "sources"}):
        for key in ("sources", "note_sources", "current_sources", "unknown_sources"):
            out += item.get(key) or []
    return out


@pytest.mark.parametrize("name", rules.RULE_FILES)
def test_every_rules_file_validates(name):
    getattr(rules_schema, f"validate_{name}")(_raw(name), name)  # pydantic, directly
    assert getattr(rules, name)()  # and through the cache, as the core's records


def test_there_are_no_stray_rules_files():
    assert {p.stem for p in RULES.glob("*.yaml")} == set(rules.RULE_FILES)


@pytest.mark.parametrize("name", rules.RULE_FILES)
def test_every_figure_has_a_source_listed_in_its_file(name):
    data = _raw(name)
    known = {s["id"] for s in data["sources"]}
    figures = [item for item in _walk({k: v for k, v in data.items() if k != "sources"})
               if "value" in item or "text" in item]
    assert figures
    for item in figures:
        if item.get("value") is None and "text" not in item:
            continue
        assert item.get("sources"), item
        assert set(item["sources"]) <= known, set(item["sources"]) - known
        assert item["confidence"] in ("official", "secondary", "unverified")


@pytest.mark.parametrize("name", rules.RULE_FILES)
def test_every_source_is_used_and_quoted_briefly(name):
    data = _raw(name)
    used = set(_ids(data))
    for src in data["sources"]:
        assert src["id"] in used, f"{name}: source {src['id']} is never cited"
        assert 0 < len(src["quote"]) <= 200, src["id"]


@pytest.mark.parametrize("name", rules.RULE_FILES)
def test_nothing_is_official_without_an_authority_url(name):
    for src in _raw(name)["sources"]:
        if src["confidence"] == "official":
            assert rules_schema.is_authority(src["url"]), src["id"]
    # today nothing is: no authority's own page was read (see the files' headers)
    assert all(s["confidence"] != "official" for s in _raw(name)["sources"])


def test_official_on_a_reprint_site_is_refused():
    data = _raw("tax")
    bad = copy.deepcopy(data)
    bad["sources"][0]["confidence"] = "official"  # jscc.net is a reprint, not the State Council
    with pytest.raises(ValueError, match="official"):
        rules_schema.validate_tax(bad, "tax.yaml")
    good = copy.deepcopy(data)
    good["sources"][0].update(confidence="official", url="https://www.gov.cn/zhengce/content/2018-12/22/example.htm")
    rules_schema.validate_tax(good, "tax.yaml")  # an authority's own domain may be official
    assert rules_schema.is_authority("http://ybj.gd.gov.cn/x") and not rules_schema.is_authority("http://gov.cn.example.com/")


def test_unknown_keys_long_quotes_and_overclaimed_figures_are_refused():
    data = _raw("maternity")
    extra = copy.deepcopy(data)
    extra["national"]["base_days"]["guess"] = 100
    with pytest.raises(ValueError, match="national.base_days.guess"):
        rules_schema.validate_maternity(extra, "maternity.yaml")
    long = copy.deepcopy(data)
    long["sources"][0]["quote"] = "字" * 201
    with pytest.raises(ValueError, match="sources.0.quote"):
        rules_schema.validate_maternity(long, "maternity.yaml")
    surer = copy.deepcopy(data)
    surer["daily_rate"][0]["confidence"] = "secondary"  # its only source is an unverified Q&A page
    with pytest.raises(ValueError, match="可信度 secondary 高于"):
        rules_schema.validate_maternity(surer, "maternity.yaml")
    ghost = copy.deepcopy(data)
    ghost["national"]["payer"]["sources"] = ["no-such-page"]
    with pytest.raises(ValueError, match="no-such-page"):
        rules_schema.validate_maternity(ghost, "maternity.yaml")


def test_a_broken_rules_file_is_one_chinese_line(tmp_path, monkeypatch):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "tax.yaml").write_text("schema: 1\nsearched: '2026-12-06'\nsources: []\n", encoding="utf-8")
    monkeypatch.setattr(rules, "rules_dir", lambda: tmp_path / "rules")
    monkeypatch.setattr(rules, "_loaded", {})
    with pytest.raises(DataError, match="规则文件 .*tax.yaml 有误"):
        rules.tax()


def test_all_31_provinces_are_named_and_the_unknown_are_the_known_unknowns():
    book = rules.maternity()
    assert set(book.provinces) == set(rules_schema.MAINLAND)
    unknown = {p for p, v in book.provinces.items() if v.unknown}
    assert unknown == {"重庆", "陕西", "甘肃"}
    no_figure = {p for p, v in book.provinces.items()
                 if v.versions and all(x.extra is None and not x.by_child for x in v.versions)}
    assert no_figure == {"福建"}  # 2016's "158–180 days" is a range, not a figure


def test_national_contribution_years_without_a_notice_are_empty_not_guessed():
    book = rules.contributions()
    missing = {n.notice_year for n in book.national if n.individual is None}
    assert missing == {2020, 2023, 2025, 2026}
    assert {n.notice_year: n.individual.value for n in book.national if n.individual} == {
        2016: 150, 2017: 180, 2018: 220, 2019: 250, 2021: 320, 2022: 350, 2024: 400}
