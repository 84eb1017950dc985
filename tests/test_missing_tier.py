"""A tier the data leaves out answers the same way in every city, inpatient or outpatient (issue 20, item 5).

The rule (README "数据没有的等级"): a tier the data gives ratio 0 is outside 统筹 and pays 0, with the
reason; a tier the data has no figures for is not guessed: one line saying which tiers the data has
and how to add the missing one, exit 1. 三甲 without its own figures is the one exception (三级's).

武汉 居民门诊 (shipped): community/一级 50 %, 二级 and 三级 ratio 0 (聚合表: 门诊统筹未覆盖), cap 400.
孝感 居民门诊 (shipped): community/一级 50 %, no 二级 or 三级 at all, cap 400.
"""

from __future__ import annotations

import csv
import io
import json

import yaml

from medins_cli.errors import ExitCode

RESIDENT_OUTPATIENT = ["-t", "居民", "--visit", "门诊", "--amount", "300"]
NOT_COVERED = "该地数据中二级医院的门诊统筹报销比例为 0:这一级医院不纳入统筹"


def _one_line_error(result, code: int = ExitCode.ERROR) -> str:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.startswith("错误:") and len(result.stderr.strip().splitlines()) == 1
    return result.stderr


def test_wuhan_says_the_tier_is_outside_tongchou_and_pays_nothing(run):
    data = run.json("estimate", "-r", "武汉", *RESIDENT_OUTPATIENT, "--tier", "2")
    assert (data["fund_pay"], data["out_of_pocket"], data["bound"]) == (0, 300, None)
    assert any(w.startswith(NOT_COVERED) for w in data["warnings"])


def test_xiaogan_has_no_figures_for_the_tier_and_says_so(run):
    err = _one_line_error(run("estimate", "-r", "孝感", *RESIDENT_OUTPATIENT, "--tier", "2"))
    assert "孝感城乡居民医保门诊统筹的数据没有二级医院的数字(只有:社区/基层、一级)" in err
    assert "medins policy show 孝感 -f yaml" in err and "ratio: 0" in err and "--policy-file" in err
    # a tier it has figures for is answered: 300 × 50 % = 150 (no deductible in the data: an upper bound)
    known = run.json("estimate", "-r", "孝感", *RESIDENT_OUTPATIENT, "--tier", "1")
    assert known["fund_pay"] == 150 and known["bound"] == "upper"


def test_the_advice_works_export_add_the_tier_read_it_back(run, tmp_path):
    exported = run("policy", "show", "孝感", "-f", "yaml", "-q")
    assert exported.exit_code == 0
    doc = yaml.safe_load(exported.stdout)
    section = next(s for s in doc["sections"] if (s["plan"], s["kind"]) == ("resident", "outpatient"))
    section["tiers"]["2"] = {"ratio": 0}  # 当地这一级不纳入统筹
    mine = tmp_path / "孝感.yaml"
    mine.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    data = run.json("estimate", "--policy-file", str(mine), *RESIDENT_OUTPATIENT, "--tier", "2")
    assert (data["fund_pay"], data["out_of_pocket"]) == (0, 300)
    assert any(w.startswith(NOT_COVERED) for w in data["warnings"])  # now as 武汉 answers


POLICY = """schema: 1
region: {name: 缺级市, province: 示例省}
year: 2026
sources: [{id: s, title: 示例通知, confidence: secondary}]
plans:
  resident:
    inpatient:
      tiers: {"3": {deductible: 1000, ratio: 0.6}}
      annual_cap: 100000
      source: s
    outpatient:
      annual_deductible: 0
      tiers: {community: {ratio: 0.6}, "2": {ratio: 0}}
      annual_cap: 500
      source: s
"""


def _policy(tmp_path) -> list[str]:
    path = tmp_path / "缺级市.yaml"
    path.write_text(POLICY, encoding="utf-8")
    return ["--policy-file", str(path), "-t", "居民"]


def test_one_rule_in_a_policy_file_written_here(run, tmp_path):
    on = _policy(tmp_path)
    # ratio 0: outside 统筹, 0 with the reason
    zero = run.json("estimate", *on, "--visit", "门诊", "--tier", "2", "--amount", "300")
    assert (zero["fund_pay"], zero["out_of_pocket"]) == (0, 300)
    assert any(w.startswith(NOT_COVERED) for w in zero["warnings"])
    # a tier with figures: 300 × 60 % = 180
    assert run.json("estimate", *on, "--visit", "门诊", "--tier", "社区", "--amount", "300")["fund_pay"] == 180
    # no figures for 三级 outpatient, nor for 一级 inpatient: the same answer for both visits
    out = _one_line_error(run("estimate", *on, "--visit", "门诊", "--tier", "3", "--amount", "300"))
    assert "缺级市城乡居民医保门诊统筹的数据没有三级医院的数字(只有:社区/基层、二级)" in out
    inp = _one_line_error(run("estimate", *on, "--tier", "1", "--amount", "5000"))
    assert "缺级市城乡居民医保住院的数据没有一级医院的数字(只有:三级)" in inp
    # the one exception: 三甲 without its own figures is 三级's, (5000 − 1000) × 60 % = 2400
    sanjia = run.json("estimate", *on, "--tier", "三甲", "--amount", "5000")
    assert (sanjia["tier_used"], sanjia["fund_pay"]) == ("3", 2400)


def test_batch_rows_and_compare_follow_the_same_rule(run, tmp_path):
    on = _policy(tmp_path)
    claims = tmp_path / "claims.csv"
    claims.write_text("id,visit,tier,amount\n"
                      "a,门诊,2,300\n"  # ratio 0: 0
                      "b,门诊,3,300\n"  # no figures: the row's error
                      "c,门诊,社区,300\n", encoding="utf-8")  # 300 × 60 % = 180
    result = run("estimate", "--batch", str(claims), *on, "-f", "csv", "-q")
    assert result.exit_code == ExitCode.ERROR  # a row failed
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert (rows["a"]["fund_pay"], rows["a"]["error"]) == ("0.00", "")
    assert "不纳入统筹" in rows["a"]["warnings"]
    assert rows["b"]["fund_pay"] == "" and "没有三级医院的数字(只有:社区/基层、二级)" in rows["b"]["error"]
    assert "tier 列" in rows["b"]["error"] and "--tier" not in rows["b"]["error"]
    assert (rows["c"]["fund_pay"], rows["c"]["error"]) == ("180.00", "")
    # --compare tiers lists the tiers the data has, the ratio-0 one with 0
    compare = run("estimate", *on, "--visit", "门诊", "--amount", "300", "--compare", "tiers", "-f", "json")
    assert compare.exit_code == 0, compare.stderr
    got = {r["tier"]: r["fund_pay"] for r in json.loads(compare.stdout)["rows"]}
    assert got == {"community": 180, "2": 0}
