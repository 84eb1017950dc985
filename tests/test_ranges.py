"""Ranges where sources disagree (issue 19 item 2, item 5): worked by hand through the public face.

The policy: 职工 住院 三级 起付 1000, 比例 80 % (a page says 75 %), 封顶 50000; 大额 on the year's burden
above 50000 at 90 % (the other reading: above the basic cap), cap 300000.
"""

from __future__ import annotations

import csv
import io
import json

POLICY = """\
schema: 2
region: {name: 范围市, province: 四川}
sources:
  - {id: agg, title: 聚合表, confidence: unverified}
  - {id: page, title: 某网页, url: "https://example.org/p", date: 2024-05-01, confidence: unverified}
sections:
  - plan: employee
    kind: inpatient
    effective: 2026-01-01
    tiers:
      "3": {deductible: 1000, ratio: {value: 0.8, alternatives: [{value: 0.75, source: page, note: 网页的说法}]}}
    annual_cap: 50000
    source: agg
  - plan: employee
    kind: critical_illness
    effective: 2026-01-01
    mode: {value: on_burden, alternatives: [{value: above_cap, source: agg, note: 也可能按超过封顶线的费用支付}]}
    threshold: 50000
    bands: [{ratio: 0.9}]
    annual_cap: 300000
    source: agg
"""
EMP = ["-t", "职工", "--tier", "3"]


def _file(tmp_path, text=POLICY):
    path = tmp_path / "range.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_ratio_in_doubt_gives_a_range(run, tmp_path):
    data = run.json("estimate", "--policy-file", _file(tmp_path), *EMP, "--amount", "10000")
    assert (data["fund_pay"], data["out_of_pocket"]) == (7200, 2800)  # (10000 − 1000) × 80 %
    # the page's 75 %: (10000 − 1000) × 75 % = 6750, the person 3250
    assert data["range"]["fund_pay"] == [6750, 7200] and data["range"]["out_of_pocket"] == [2800, 3250]
    assert data["range"]["critical_illness_pay"] == [0, 0]
    assert data["range"]["cheapest"] == []  # the data's own figures give the low end for the person
    assert data["range"]["dearest"] == [{"figure": "tiers.3.ratio", "kind": "inpatient", "value": 0.75,
                                         "source": "page", "note": "网页的说法"}]
    assert data["range"]["exhaustive"] is True


def test_the_other_reading_of_da_e_gives_a_range(run, tmp_path):
    data = run.json("estimate", "--policy-file", _file(tmp_path), *EMP, "--amount", "100000")
    # point: fund (99000 × 80 % = 79200) capped at 50000; burden 50000 reaches the threshold only: 大额 0
    assert (data["fund_pay"], data["critical_illness_pay"], data["out_of_pocket"]) == (50000, 0, 50000)
    # above the cap: X = 1000 + 50000 ÷ 80 % = 63500; (100000 − 63500) × 90 % = 32850; the person 17150
    # (with 75 % too: X = 67666.67; 32333.33 × 90 % = 29100 → 20900, between the ends)
    assert data["range"]["critical_illness_pay"] == [0, 32850]
    assert data["range"]["out_of_pocket"] == [17150, 50000]
    assert [r["figure"] for r in data["range"]["cheapest"]] == ["mode"]
    assert data["range"]["cheapest"][0]["value"] == "above_cap"


def test_no_range_where_no_figure_is_in_doubt(run, tmp_path):
    text = POLICY.replace("{value: 0.8, alternatives: [{value: 0.75, source: page, note: 网页的说法}]}", "0.8")
    data = run.json("estimate", "--policy-file", _file(tmp_path, text), *EMP, "--amount", "10000")
    assert "range" not in data  # the 大额 reading does not change a bill that does not reach it
    assert "range" not in run.json("estimate", "-r", "绵阳", "--tier", "3", "--amount", "8000")


def test_the_table_shows_both_ends_and_which_source_gives_them(run, tmp_path):
    table = run("estimate", "--policy-file", _file(tmp_path), *EMP, "--amount", "10000", "-f", "table").stdout
    assert "6,750.00–7,200.00" in table and "数据 7,200.00" in table and "2,800.00–3,250.00" in table
    flat = "".join(table.split())  # the lines under the table wrap at 80 columns
    assert "来源说法不一:个人负担在2,800.00到3,250.00元之间" in flat
    assert "tiers.3.ratio按「某网页」(未核实)写作75%" in flat
    assert "某网页[未核实]" in flat  # its source is listed too


def test_plain_and_explain_give_the_range(run, tmp_path):
    out = run("estimate", "--policy-file", _file(tmp_path), *EMP, "--amount", "10000", "-f", "plain",
              "--explain").stdout
    assert "range.fund_pay: 6750.00–7200.00" in out and "range.out_of_pocket: 2800.00–3250.00" in out
    assert any(line.startswith("range.1: 来源说法不一") for line in out.splitlines())


def test_batch_has_low_and_high_columns(run, tmp_path):
    result = run("estimate", "--batch", "-", "--policy-file", _file(tmp_path), "-q",
                 input="type,tier,amount\n职工,3,10000\n职工,3,100000\n")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["fund_pay_low"], r["fund_pay_high"], r["out_of_pocket_low"], r["out_of_pocket_high"]) for r in rows] == [
        ("6750.00", "7200.00", "2800.00", "3250.00"), ("50000.00", "50000.00", "17150.00", "50000.00")]
    assert rows[1]["critical_illness_pay_high"] == "32850.00"
    jsonl = run("estimate", "--batch", "-", "--policy-file", _file(tmp_path), "-q", "-f", "jsonl",
                input="type,tier,amount\n职工,3,10000\n")
    assert json.loads(jsonl.stdout)["out_of_pocket_high"] == 3250


def test_the_persons_own_slip_settles_a_figure(run, tmp_path):
    text = POLICY.replace("{id: agg, title: 聚合表, confidence: unverified}",
                          "{id: agg, title: 聚合表, confidence: unverified}\n"
                          "  - {id: slip-2026-03-02, title: 本人结算单 2026-03-02, confidence: observed}").replace(
        "{value: 0.8, alternatives:", "{value: 0.8, source: slip-2026-03-02, alternatives:")
    data = run.json("estimate", "--policy-file", _file(tmp_path, text), *EMP, "--amount", "10000")
    assert "range" not in data  # the ratio is the slip's: the page's 75 % is not used
    assert any("tiers.3.ratio 来自本人结算单" in n for n in data["notes"])
    # the 大额 reading keeps its range
    big = run.json("estimate", "--policy-file", _file(tmp_path, text), *EMP, "--amount", "100000")
    assert big["range"]["out_of_pocket"] == [17150, 50000]


AT_THE_CAP = """\
schema: 2
region: {name: 封顶市, province: 四川}
sources:
  - {id: agg, title: 聚合表, confidence: unverified}
sections:
  - plan: employee
    kind: inpatient
    effective: 2026-01-01
    tiers:
      "3": {deductible: 1000, ratio: 0.8}
    annual_cap: 100000
    source: agg
  - plan: employee
    kind: critical_illness
    effective: 2026-01-01
    mode: {value: above_cap, alternatives: [{value: on_burden, source: agg, note: 也可能按个人负担}]}
    bands: [{upto: 50000, ratio: 0.8}, {ratio: 0.9}]
    annual_cap: 300000
    source: agg
"""


def test_da_e_read_on_the_burden_starts_at_the_basic_cap(run, tmp_path):
    """大额 above the cap (no threshold; bands counted from the cap) read the other way: the burden must
    pass the basic cap (100000) first, and the bands become absolute burdens (upto 150000)."""
    path = _file(tmp_path, AT_THE_CAP)
    # The fund pays (E − 1000) × 80 % and reaches its cap 100000 at E = 126000.
    data = run.json("estimate", "--policy-file", path, *EMP, "--amount", "200000")
    # above the cap 200000 − 126000 = 74000: 50000 × 80 % + 24000 × 90 % = 61600; the person 38400
    assert (data["fund_pay"], data["critical_illness_pay"], data["out_of_pocket"]) == (100000, 61600, 38400)
    # on the burden: 200000 − 100000 = 100000 does not pass the threshold 100000: 0; the person 100000
    assert data["range"]["critical_illness_pay"] == [0, 61600]
    assert data["range"]["out_of_pocket"] == [38400, 100000]
    big = run.json("estimate", "--policy-file", path, *EMP, "--amount", "400000")
    # above the cap 274000: 40000 + 224000 × 90 % = 241600; the person 400000 − 100000 − 241600 = 58400
    assert (big["critical_illness_pay"], big["out_of_pocket"]) == (241600, 58400)
    # on the burden 300000: 100000–150000 × 80 % = 40000, 150000–300000 × 90 % = 135000: 175000
    assert big["range"]["critical_illness_pay"] == [175000, 241600]
    assert big["range"]["out_of_pocket"] == [58400, 125000]


# ---- a year of bills: medins plans ---------------------------------------------------------------
# The same 职工 figures, and a 居民 table nobody disputes: 住院 三级 起付 1000, 70 %, 封顶 100000.
RESIDENT = """  - plan: resident
    kind: inpatient
    effective: 2026-01-01
    tiers:
      "3": {deductible: 1000, ratio: 0.7}
    annual_cap: 100000
    source: agg
"""
YEAR = "date,tier,amount\n2026-06-01,3,100000\n2026-03-01,3,10000\n"  # paid in date order: 10000 first
# 职工, the data's figures (80 %, 大额 on the year's burden above 50000):
#   10000: (10000 − 1000) × 80 % = 7200, the person 2800 (burden 2800)
#   100000: (100000 − 1000) × 80 % = 79200, capped at 50000 − 7200 = 42800; burden 57200, the year's 60000:
#           大额 (60000 − 50000) × 90 % = 9000; the person 57200 − 9000 = 48200.   Year: 2800 + 48200 = 51000
# 职工, the page's 75 %: 6750 / 3250; then 43250 (capped), burden 56750, the year's 60000 → 大额 9000, the
#           person 47750.   Year: 3250 + 47750 = 51000 (the cap binds either way)
# 职工, 大额 above the cap (80 %): the second bill's fund reaches the remaining 42800 at X = 1000 + 42800 ÷ 80 % = 54500,
#           大额 (100000 − 54500) × 90 % = 40950, the person 100000 − 42800 − 40950 = 16250.   Year: 2800 + 16250 = 19050
# 职工, above the cap at 75 %: X = 1000 + 43250 ÷ 75 % = 58666.67 (exactly 58666⅔), 大额 41333⅓ × 90 % = 37200, the
#           person 100000 − 43250 − 37200 = 19550.   Year: 3250 + 19550 = 22800 (between the ends)
# 居民: 9000 × 70 % = 6300, the person 3700; 99000 × 70 % = 69300, the person 30700.   Year: 34400
# Contributions 5000 (职工) and 400 (居民): 职工 56000 (24050–56000), 居民 34800.


def _year(tmp_path, text=POLICY + RESIDENT, bills=YEAR):
    (tmp_path / "year.csv").write_text(bills, encoding="utf-8")
    return ["plans", "--policy-file", _file(tmp_path, text), "--bills", str(tmp_path / "year.csv")]


def test_a_year_is_paid_again_with_each_reading(run, tmp_path):
    data = run.json(*_year(tmp_path), "--employee-contribution", "5000", "--resident-contribution", "400")
    emp, res = data["plans"]
    assert (emp["person_pays"], emp["critical_illness_pay"], emp["total_cost"]) == (51000, 9000, 56000)
    span = emp["range"]
    assert span["person_pays"] == [19050, 51000] and span["total_cost"] == [24050, 56000]
    assert span["insurance_pays"] == [59000, 90950]  # 110000 − the person's part at each end
    assert span["fund_pay"] == [50000, 50000] and span["critical_illness_pay"] == [9000, 40950]
    assert [(r["figure"], r["value"]) for r in span["cheapest"]] == [("mode", "above_cap")]
    assert span["dearest"] == [] and span["exhaustive"] is True
    assert "range" not in res and res["total_cost"] == 34800


def test_a_verdict_that_another_reading_could_turn_says_so(run, tmp_path):
    data = run.json(*_year(tmp_path), "--employee-contribution", "5000", "--resident-contribution", "400")
    assert data["cheaper"] == "resident" and data["difference"] == 21200  # 56000 − 34800 at the data's figures
    assert data["verdict_firm"] is False  # 职工 at 24050 would be cheaper
    assert data["warnings"][0] == ("来源说法不一,这个结论不一定成立:按其他来源的数字,职工医保 24,050.00–56,000.00 元、"
                                   "城乡居民医保 34,800.00 元;职工医保可能一样或更省")
    assert {s["id"] for s in data["sources"]} >= {"agg", "page"}  # the other reading's source is listed


def test_a_verdict_that_holds_at_every_reading_is_firm(run, tmp_path):
    # 居民 pays 30000 a year: 64400, above 职工's dearest end (51000 + 0)
    data = run.json(*_year(tmp_path), "--employee-contribution", "0", "--resident-contribution", "30000")
    assert data["cheaper"] == "employee" and data["verdict_firm"] is True
    assert not any("结论不一定成立" in w for w in data["warnings"])
    assert data["plans"][0]["range"]["total_cost"] == [19050, 51000]


def test_no_year_range_where_no_figure_it_uses_is_in_doubt(run, tmp_path):
    text = POLICY.replace("{value: 0.8, alternatives: [{value: 0.75, source: page, note: 网页的说法}]}", "0.8") + RESIDENT
    # one 10000 bill: 7200 from the fund, far from its cap, so the 大额 reading changes nothing
    data = run.json(*_year(tmp_path, text, "date,tier,amount\n2026-03-01,3,10000\n"),
                    "--employee-contribution", "5000", "--resident-contribution", "400")
    assert all("range" not in p for p in data["plans"]) and data["verdict_firm"] is True
    assert data["plans"][0]["person_pays"] == 2800


def test_the_plans_table_and_plain_show_the_year_range(run, tmp_path):
    args = [*_year(tmp_path), "--employee-contribution", "5000", "--resident-contribution", "400"]
    table = run(*args, "-f", "table").stdout
    assert "范围 19,050.00–51,000.00" in table and "范围 24,050.00–56,000.00" in table
    flat = "".join(table.split())
    assert "结论不一定成立" in flat
    assert "职工医保全年:来源说法不一:个人负担在19,050.00到51,000.00元之间。最少19,050.00:mode按「聚合表」(未核实)写作" in flat
    plain = run(*args, "-f", "plain").stdout
    assert "employee.range.person_pays: 19050.00–51000.00" in plain
    assert "employee.range.total_cost: 24050.00–56000.00" in plain and "resident.range" not in plain
    assert "verdict_firm: false" in plain
    explained = run(*args, "-f", "plain", "--explain").stdout.splitlines()
    assert any(line.startswith("range.1: 职工医保全年:来源说法不一:个人负担在 19,050.00 到 51,000.00 元之间")
               for line in explained)


def test_a_figure_the_persons_slip_gave_is_not_ranged_over_the_year(run, tmp_path):
    text = POLICY.replace("{id: agg, title: 聚合表, confidence: unverified}",
                          "{id: agg, title: 聚合表, confidence: unverified}\n"
                          "  - {id: slip-2026-03-02, title: 本人结算单 2026-03-02, confidence: observed}").replace(
        "{value: 0.8, alternatives:", "{value: 0.8, source: slip-2026-03-02, alternatives:") + RESIDENT
    data = run.json(*_year(tmp_path, text, "date,tier,amount\n2026-03-01,3,10000\n"),
                    "--employee-contribution", "5000", "--resident-contribution", "400")
    assert "range" not in data["plans"][0] and data["plans"][0]["person_pays"] == 2800  # 80 %, the slip's
    assert "职工医保:tiers.3.ratio 来自本人结算单(来源 slip-2026-03-02),没有按其他来源的说法列出范围" in data["notes"]


# ---- one bill compared: estimate --compare tiers|plans ---------------------------------------------


def test_compare_plans_gives_each_plan_its_range(run, tmp_path):
    args = ["estimate", "--policy-file", _file(tmp_path, POLICY + RESIDENT), "--tier", "3", "--amount", "10000",
            "--compare", "plans"]
    emp, res = run.json(*args)["rows"]
    # 职工 as in test_a_ratio_in_doubt_gives_a_range; 居民 9000 × 70 % = 6300 has no figure in doubt
    assert emp["range"]["out_of_pocket"] == [2800, 3250] and emp["range"]["fund_pay"] == [6750, 7200]
    assert "range" not in res and res["out_of_pocket"] == 3700
    rows = list(csv.DictReader(io.StringIO(run(*args, "-f", "csv").stdout)))
    assert [(r["out_of_pocket_low"], r["out_of_pocket_high"]) for r in rows] == [("2800.00", "3250.00"),
                                                                                ("3700.00", "3700.00")]
    flat = "".join(run(*args, "-f", "table").stdout.split())
    assert "职工医保:来源说法不一:个人负担在2,800.00到3,250.00元之间" in flat and "某网页[未核实]" in flat


def test_compare_tiers_gives_each_tier_its_range(run, tmp_path):
    text = POLICY.replace('      "3": {deductible: 1000,', '      "2": {deductible: 500, ratio: 0.85}\n'
                                                              '      "3": {deductible: 1000,')
    data = run.json("estimate", "--policy-file", _file(tmp_path, text), *EMP, "--amount", "10000", "--compare", "tiers")
    two, three = data["rows"]
    assert (two["tier"], two["out_of_pocket"]) == ("2", 1925) and "range" not in two  # 500 + 9500 × 15 % = 1925
    assert three["range"]["out_of_pocket"] == [2800, 3250]
    assert {s["id"] for s in data["sources"]} == {"agg", "page"}


def test_compare_without_a_figure_in_doubt_has_no_range_columns(run):
    out = run("estimate", "-r", "绵阳", "--tier", "3", "--amount", "8000", "--compare", "tiers", "-f", "csv").stdout
    assert "_low" not in out.splitlines()[0]
