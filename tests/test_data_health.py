"""Data health: every shipped region file is sound, and each kind of defect is caught when planted.

The planted defects go through ``medins policy validate`` (the public face) and must be
reported with the file, the line and the field path, and make it exit 1.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import DATA, REPO

from medins_cli.core.names import PROVINCE_CODES
from medins_cli.errors import ExitCode
from medins_cli.store.policy_check import alias_clashes, check_file
from medins_cli.store.yamlio import load_yaml

SHIPPED = sorted((DATA / "regions").glob("*.yaml"))
THIS_YEAR = dt.date.today().year

# A valid file; each planted defect below replaces one line. Line numbers are 1-based.
BASE = """\
schema: 1
region:
  name: 体检市
  province: 四川
  code: "519900"
  aliases: [体检, tijian]
year: {year}
sources:
  - id: notice
    title: "体检市医保待遇通知"
    url: "https://example.org/notice"
    confidence: official
plans:
  employee:
    inpatient:
      tiers:
        "1": {{deductible: 200, ratio: 0.9}}
        "3": {{deductible: 800, bands: [{{upto: 30000, ratio: 0.8}}, {{ratio: 0.85}}]}}
      annual_cap: 400000
      source: notice
    critical_illness:
      threshold: 15000
      bands: [{{upto: 100000, ratio: 0.6}}, {{ratio: 0.7}}]
      source: notice
notes:
  - {{text: "缴费 400 元", source: notice}}
""".format(year=THIS_YEAR)

# (what, line to replace → new text, expected field path, expected line)
PLANTED = [
    ("duplicate key", ('        "1": {deductible: 200, ratio: 0.9}',
                       '        "1": {deductible: 200, ratio: 0.9}\n        "1": {deductible: 300, ratio: 0.9}'),
     "plans.employee.inpatient.tiers.1", 18),
    ("ratio above 1", ("ratio: 0.9}", "ratio: 1.2}"), "plans.employee.inpatient.tiers.1.ratio", 17),
    ("negative ratio", ("ratio: 0.9}", "ratio: -0.1}"), "plans.employee.inpatient.tiers.1.ratio", 17),
    ("bands not increasing", ("[{upto: 100000, ratio: 0.6}, {ratio: 0.7}]",
                              "[{upto: 100000, ratio: 0.6}, {upto: 50000, ratio: 0.65}, {ratio: 0.7}]"),
     "plans.employee.critical_illness.bands", 23),
    ("no open top band", ("[{upto: 100000, ratio: 0.6}, {ratio: 0.7}]",
                          "[{upto: 100000, ratio: 0.6}, {upto: 200000, ratio: 0.7}]"),
     "plans.employee.critical_illness.bands", 23),
    ("two open bands", ("bands: [{upto: 30000, ratio: 0.8}, {ratio: 0.85}]", "bands: [{ratio: 0.8}, {ratio: 0.85}]"),
     "plans.employee.inpatient.tiers.3", 18),
    ("negative deductible", ("deductible: 200,", "deductible: -200,"), "plans.employee.inpatient.tiers.1.deductible", 17),
    ("negative cap", ("annual_cap: 400000", "annual_cap: -1"), "plans.employee.inpatient.annual_cap", 19),
    ("dangling section source", ("      source: notice\n    critical", "      source: notic\n    critical"),
     "plans.employee.inpatient.source", 20),
    ("dangling note source", ('source: notice}', 'source: seed-9}'), "notes.0.source", 26),
    ("official without url", ('    url: "https://example.org/notice"\n', ""), "sources.0", 9),
    ("two urls in one", ('"https://example.org/notice"', '"https://example.org/a,https://example.org/b"'),
     "sources.0.url", 11),
    ("url with spaces", ('"https://example.org/notice"', '"https://example.org/a https://example.org/b"'),
     "sources.0.url", 11),
    ("markdown link", ('"https://example.org/notice"', '"[通知](https://example.org/notice)"'), "sources.0.url", 11),
    ("repeated source id", ('    confidence: official\n',
                            '    confidence: official\n  - id: notice\n    title: "另一份"\n    confidence: secondary\n'),
     "sources.1.id", 13),
    ("code not 6 digits", ('code: "519900"', 'code: "5199"'), "region.code", 5),
    ("code of another province", ('code: "519900"', 'code: "440100"'), "region.code", 5),
    ("year out of range", (f"year: {THIS_YEAR}", "year: 1900"), "year", 7),
    ("template placeholder left", ('title: "体检市医保待遇通知"', 'title: "待填写"'), "sources.0.title", 10),
    ("placeholder figure", ("annual_cap: 400000", "annual_cap: 待填写"), "plans.employee.inpatient.annual_cap", 19),
    ("unknown field", ("      annual_cap: 400000", "      anual_cap: 400000"), "plans.employee.inpatient.anual_cap", 19),
    ("起付线 falls as the tier rises", ('"3": {deductible: 800,', '"3": {deductible: 100,'),
     "plans.employee.inpatient.tiers.3.deductible", 18),
    ("cap not above the 起付线", ("annual_cap: 400000", "annual_cap: 800"), "plans.employee.inpatient.annual_cap", 19),
]

# Possible but unusual figures: reported as hints (warnings), the file still loads (exit 0).
HINTS = [
    ("ratio rises with the tier", ("ratio: 0.9}", "ratio: 0.7}"), "plans.employee.inpatient.tiers.3", 18, "高于一级医院"),
    ("retiree bonus above 100 %", ("      annual_cap: 400000", "      annual_cap: 400000\n      retiree_bonus: 0.2"),
     "plans.employee.inpatient.tiers.1", 17, "超过 100%"),
    ("大病 threshold 0", ("threshold: 15000", "threshold: 0"), "plans.employee.critical_illness.threshold", 22,
     "mode: above_cap"),
    ("大病 band ends below its threshold", ("threshold: 15000", "threshold: 150000"),
     "plans.employee.critical_illness.bands.0.upto", 23, "这一段不会支付"),
]


def _plant(tmp_path: Path, old: str, new: str) -> Path:
    assert old in BASE, old
    path = tmp_path / "tijian.yaml"
    path.write_text(BASE.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_base_file_is_clean(run, tmp_path):
    path = _plant(tmp_path, "schema: 1", "schema: 1")
    assert check_file(path).problems == []
    result = run("policy", "validate", str(path))
    assert result.exit_code == ExitCode.OK and result.stdout == ""


@pytest.mark.parametrize("what, change, field, line", PLANTED, ids=[p[0] for p in PLANTED])
def test_each_planted_defect_is_caught(run, tmp_path, what, change, field, line):
    path = _plant(tmp_path, *change)
    result = run("policy", "validate", str(path))
    assert result.exit_code == ExitCode.ERROR, result.stdout
    expected = f"{path}:{line}: 错误 {field}:"
    assert any(out.startswith(expected) for out in result.stdout.splitlines()), result.stdout
    # and the everyday load path refuses the file too (except a repeated key, which it also refuses)
    estimate = run("estimate", "--policy-file", str(path), "--tier", "1", "--amount", "1000", "-t", "职工")
    assert estimate.exit_code == ExitCode.ERROR and estimate.stderr.startswith("错误:") and "Traceback" not in estimate.stderr


@pytest.mark.parametrize("what, change, field, line, words", HINTS, ids=[h[0] for h in HINTS])
def test_unusual_figures_are_hints(run, tmp_path, what, change, field, line, words):
    path = _plant(tmp_path, *change)
    result = run("policy", "validate", str(path))
    assert result.exit_code == ExitCode.OK, result.stdout
    assert any(out.startswith(f"{path}:{line}: 提示 {field}:") and words in out for out in result.stdout.splitlines()), \
        result.stdout
    assert run("policy", "validate", str(path), "--strict").exit_code == ExitCode.ERROR
    assert run("estimate", "--policy-file", str(path), "--tier", "3", "--amount", "1000", "-t", "职工").exit_code == 0


def test_every_problem_is_reported_not_just_the_first(run, tmp_path):
    path = _plant(tmp_path, "ratio: 0.9}", "ratio: 1.2}")
    text = path.read_text(encoding="utf-8").replace("annual_cap: 400000", "annual_cap: -1").replace(
        "source: notice}", "source: nope}")
    path.write_text(text, encoding="utf-8")
    result = run("policy", "validate", str(path), "--format", "json")
    assert result.exit_code == ExitCode.ERROR
    data = json.loads(result.stdout)
    assert {p["where"] for p in data["problems"]} == {
        "plans.employee.inpatient.tiers.1.ratio", "plans.employee.inpatient.annual_cap", "notes.0.source"}
    assert data["errors"] == 3 and data["warnings"] == 0


def test_alias_clash_with_a_shipped_region_is_caught(run, tmp_path):
    path = _plant(tmp_path, "aliases: [体检, tijian]", "aliases: [体检, 绵阳市]")
    result = run("policy", "validate", str(path))
    assert result.exit_code == ExitCode.ERROR
    assert f"{path}:6: 错误 region.aliases.1:「绵阳市」已是地区「绵阳」的名称或别名" in result.stdout


def test_alias_clash_between_two_new_files(run, tmp_path):
    one = _plant(tmp_path, "schema: 1", "schema: 1")
    two = tmp_path / "other.yaml"
    two.write_text(BASE.replace("name: 体检市", "name: 另一市").replace('"519900"', '"519800"'), encoding="utf-8")
    result = run("policy", "validate", str(one), str(two))
    assert result.exit_code == ExitCode.ERROR
    assert "「体检」已是地区「体检市」的名称或别名" in result.stdout


def test_a_user_file_for_the_same_region_is_an_override_not_a_clash(run, tmp_path):
    text = (DATA / "regions" / "mianyang.yaml").read_text(encoding="utf-8")
    mine = tmp_path / "mianyang.yaml"
    mine.write_text(text, encoding="utf-8")
    result = run("policy", "validate", str(mine))
    assert result.exit_code == ExitCode.OK, result.stdout


def test_a_past_year_is_a_warning_not_an_error(run, tmp_path):
    path = _plant(tmp_path, f"year: {THIS_YEAR}", f"year: {THIS_YEAR - 1}")
    result = run("policy", "validate", str(path))
    assert result.exit_code == ExitCode.OK
    assert result.stdout.startswith(f"{path}:7: 提示 year:体检市的数据是 {THIS_YEAR - 1} 年的政策")
    assert run("policy", "validate", str(path), "--strict").exit_code == ExitCode.ERROR


YAML_MISTAKES = [  # (what a user typed, the line it is on, what the message must say)
    (("  name: 体检市", "  name: [体检市"), 3, "方括号 [ ] 没有闭合"),
    (("  province: 四川", " province: 四川"), 4, "缩进不对"),
    (("      annual_cap: 400000", "      annual_cap：400000"), 19, "中文冒号"),
    (("      annual_cap: 400000", "\tannual_cap: 400000"), 19, "Tab"),
    (('    title: "体检市医保待遇通知"', '    title: "体检市医保待遇通知'), 10, "引号没有闭合"),
]


@pytest.mark.parametrize("change, line, words", YAML_MISTAKES, ids=[m[2] for m in YAML_MISTAKES])
def test_yaml_syntax_errors_in_chinese_at_the_right_line(run, tmp_path, change, line, words):
    path = _plant(tmp_path, *change)
    result = run("policy", "validate", str(path))
    assert result.exit_code == ExitCode.ERROR and "Traceback" not in result.stdout
    assert result.stdout.startswith(f"{path}:{line}: 错误 YAML 格式错误:") and words in result.stdout, result.stdout
    estimate = run("estimate", "--policy-file", str(path), "--tier", "1", "--amount", "100")
    assert estimate.exit_code == ExitCode.ERROR and f"第 {line} 行" in estimate.stderr and words in estimate.stderr


def test_not_utf8_is_reported(run, tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes(BASE.encode("gbk"))
    result = run("policy", "validate", str(path))
    assert result.exit_code == ExitCode.ERROR and "UTF-8" in result.stdout


# ---- the shipped data ------------------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_file_has_no_errors(path):
    problems = check_file(path).problems
    assert [p.text() for p in problems if p.level == "error"] == []
    # warnings allowed: a past policy year, and data hints (a ratio rising with the tier, as the source says)
    assert all(p.where == "year" or ".tiers." in p.where for p in problems), [p.text() for p in problems]


def test_shipped_aliases_are_unique_across_regions():
    assert alias_clashes([check_file(p) for p in SHIPPED]) == []


def test_shipped_codes_are_administrative_codes_of_their_province():
    for path in SHIPPED:
        region = load_yaml(path)["region"]
        code = region.get("code")
        if region["name"] == "新疆兵团":  # 660000 is the 医保 system's code for 兵团, not a GB/T 2260 division
            assert code is None
            continue
        assert code is not None and len(code) == 6 and code.isdigit(), path
        assert code.startswith(PROVINCE_CODES[region["province"]]), path
        assert (region["level"] == "province") == code.endswith("0000") or region["name"] in ("北京", "上海", "重庆"), path


def test_official_only_with_a_url_and_urls_only_where_known():
    for path in SHIPPED:
        for src in load_yaml(path).get("sources") or ():
            assert src["confidence"] in ("official", "secondary", "unverified", "placeholder")
            if src["confidence"] == "official":
                assert src.get("url", "").startswith("https://"), path


def test_coverage_sichuan_prefectures_and_big_cities(run):
    rows = run.json("regions", "--province", "四川")
    cities = {r["name"]: r["code"] for r in rows if r["level"] == "city"}
    assert len(cities) == 21 and all(code.startswith("51") for code in cities.values())
    assert {"成都", "绵阳", "泸州", "巴中", "阿坝", "甘孜", "凉山"} <= set(cities)
    everything = {r["name"] for r in run.json("regions")}
    assert {"北京", "上海", "广州", "深圳", "成都", "重庆"} <= everything
    assert len(everything) >= 30


def test_sources_md_is_current():
    spec = importlib.util.spec_from_file_location("gen_sources_md", REPO / "scripts" / "gen_sources_md.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (DATA / "SOURCES.md").read_text(encoding="utf-8") == module.render(), \
        "data/SOURCES.md is stale: run python scripts/gen_sources_md.py"
    # the shipped index seed too: a stale seed only costs speed (entries are checked by content), but keep it exact
    assert (DATA / "regions" / "index.json").read_text(encoding="utf-8") == module.render_seed(), \
        "data/regions/index.json is stale: run python scripts/gen_sources_md.py"


def _jsonable(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def test_json_schema_accepts_every_shipped_file_and_rejects_a_bad_ratio(run):
    jsonschema = pytest.importorskip("jsonschema")
    result = run("policy", "schema")
    assert result.exit_code == ExitCode.OK
    schema = json.loads(result.stdout)
    validator = jsonschema.Draft202012Validator(schema)
    for path in SHIPPED:
        errors = list(validator.iter_errors(_jsonable(load_yaml(path))))
        assert errors == [], (path, errors[0].message if errors else "")
    bad = _jsonable(load_yaml(DATA / "regions" / "mianyang.yaml"))
    bad["sections"][0]["tiers"]["3"]["ratio"] = 1.5
    assert list(validator.iter_errors(bad))
