"""``medins plans`` (a 佛山 year of bills under 职工医保 and 城乡居民医保, with contributions) and
``medins estimate --compare plans`` (one bill): worked by hand from data/regions/foshan.yaml.

佛山 (聚合数据,未核实): 职工住院 起付 一级 250 / 二级 500 / 三级 1000,比例 95 / 91 / 87 %,退休 +2;
职工门诊 一级 80 %;职工大病 起付 15000,15000–50000 70 %。居民住院 起付 300 / 600 / 1200,比例 95 / 90 / 85 %;
居民门诊 一级 70 %;居民大病 起付 12000,12000–50000 60 %。多次住院没有编码:都按首次起付线。
"""

from __future__ import annotations

import json

import pytest

YEAR = """date,visit,tier,amount,self_pay,partial_self_pay
2026-09-20,住院,2,20000,1000,500
2026-03-05,门诊,1,600,0,0
2026-06-10,住院,3,80000,5000,3000
"""
# 职工(灵活就业):
#   门诊 600 × 80 % = 480                                       个人 120
#   住院 政策内 80000 − 5000 − 3000 = 72000;(72000 − 1000) × 87 % = 61770   个人 18230;大病累计 72000 − 61770 = 10230
#   住院 政策内 20000 − 1000 − 500 = 18500;(18500 − 500) × 91 % = 16380     个人 3620;大病累计 10230 + 2120 = 12350 < 15000
#   医保 480 + 61770 + 16380 = 78630;个人 120 + 18230 + 3620 = 21970;缴费 4000 × 8.5 % × 12 = 4080;全年 26050
# 居民:
#   门诊 600 × 70 % = 420                                       个人 180
#   住院 (72000 − 1200) × 85 % = 60180                          个人 19820;大病累计 72000 − 60180 = 11820 < 12000
#   住院 (18500 − 600) × 90 % = 16110;大病累计 11820 + 2390 = 14210,(14210 − 12000) × 60 % = 1326
#                                                               个人 20000 − 16110 − 1326 = 2564
#   医保 420 + 60180 + 16110 + 1326 = 78036;个人 180 + 19820 + 2564 = 22564
#   缴费:2026 年度按 2025 年通知的标准征收,2025 年的通知没有找到 → 最近找到的 2024 年通知 400 元;全年 22964
# 居民比职工少 26050 − 22964 = 3086 元


@pytest.fixture
def year_file(tmp_path):
    path = tmp_path / "2026.csv"
    path.write_text(YEAR, encoding="utf-8")
    return str(path)


def _plans(run, year_file, *args):
    result = run("plans", "-r", "佛山", "--bills", year_file, *args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_a_foshan_year_under_both_plans(run, year_file):
    data = _plans(run, year_file, "--base", "4000", "--rate", "8.5%")
    emp, res = data["plans"]
    assert (emp["plan"], res["plan"]) == ("employee", "resident")
    assert emp["insurance_pays"] == 78630 and emp["person_pays"] == 21970
    assert emp["critical_illness_pay"] == 0
    assert emp["contribution"]["amount"] == 4080 and emp["contribution"]["basis"] == "base_rate"
    assert emp["total_cost"] == 26050
    assert res["insurance_pays"] == 78036 and res["person_pays"] == 22564
    assert res["critical_illness_pay"] == 1326  # the year carried bill to bill crosses the 大病 threshold
    assert res["contribution"]["amount"] == 400 and res["contribution"]["basis"] == "latest_known"
    assert res["total_cost"] == 22964
    assert data["cheaper"] == "resident" and data["difference"] == 3086 and data["compared"] == "total_cost"
    assert [r["line"] for r in data["rows"]] == [3, 4, 2]  # in date order
    assert data["rows"][2]["resident"]["out_of_pocket"] == 2564


def test_which_parts_are_national_and_which_are_the_users(run, year_file):
    data = _plans(run, year_file, "--base", "4000", "--rate", "8.5%")
    emp, res = data["plans"]
    assert emp["contribution"]["whose"] == "person"  # 灵活就业: the person pays all
    mine = [s for s in emp["contribution"]["steps"] if s["confidence"] is None and s["key"] != "contribution"]
    assert {s["key"] for s in mine} == {"base", "rate"}  # both typed by the user
    national = res["contribution"]["steps"][-1]
    assert national["sources"] == ["jiusong-2024"] and national["confidence"] == "unverified"
    assert any("2025 年的国家通知" in w for w in res["contribution"]["warnings"])
    assert {s["id"] for s in data["rule_sources"]} >= {"jiusong-2024", "seed-001-bazhong"}


def test_given_contributions_and_an_employed_persons_own_share(run, year_file):
    data = _plans(run, year_file, "--employee-contribution", "960", "--resident-contribution", "380",
                  "--status", "在职")
    emp, res = data["plans"]
    assert emp["contribution"]["basis"] == "given" and emp["contribution"]["whose"] == "own_share"
    assert emp["total_cost"] == 22930  # 21970 + 960
    assert res["total_cost"] == 22944  # 22564 + 380
    assert data["cheaper"] == "employee" and data["difference"] == 14


def test_without_an_employee_contribution_only_the_bills_are_compared(run, year_file):
    data = _plans(run, year_file)
    emp = data["plans"][0]
    assert emp["contribution"]["amount"] is None and emp["total_cost"] is None
    assert data["compared"] == "out_of_pocket"
    assert data["cheaper"] == "employee" and data["difference"] == 594  # 22564 − 21970, contributions left out
    assert "不知道职工医保的缴费" in data["verdict"]


def test_a_retiree_gets_the_retiree_rules_and_only_their_own_share(run, year_file):
    data = _plans(run, year_file, "--status", "退休", "--employee-contribution", "0")
    emp = data["plans"][0]
    # 门诊 600 × (80 + 5) % = 510;住院 71000 × 89 % = 63190;住院 18000 × 93 % = 16740
    assert emp["insurance_pays"] == 80440  # 510 + 63190 + 16740
    assert emp["person_pays"] == 20160  # 81200 − 80440 (总额 600 + 80000 + 20000 = 100600;100600 − 80440 = 20160)
    assert emp["contribution"]["whose"] == "own_share" and emp["total_cost"] == 20160
    assert data["retired"] is True


def test_table_and_plain(run, year_file, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    out = run("plans", "-r", "佛山", "--bills", year_file, "--base", "4000", "--rate", "8.5%", "-f", "table",
              "--explain").stdout
    for figure in ("78,630.00", "21,970.00", "4,080.00", "26,050.00", "78,036.00", "22,564.00", "400.00", "22,964.00"):
        assert figure in out
    assert "城乡居民医保比职工医保少 3,086.00 元" in out
    assert "你给的:月缴费基数、费率" in out
    assert "每笔账单" in out and "缴费怎么算" in out
    plain = run("plans", "-r", "佛山", "--bills", year_file, "--base", "4000", "--rate", "8.5%", "-f", "plain").stdout
    lines = plain.splitlines()
    assert "employee.total_cost: 26050.00" in lines and "resident.total_cost: 22964.00" in lines
    assert "cheaper: resident" in lines and "resident.contribution_basis: latest_known" in lines


def test_jsonl_year_file_and_ignored_columns(run, tmp_path):
    path = tmp_path / "y.jsonl"
    path.write_text('{"date": "2026-03-05", "visit": "门诊", "tier": 1, "amount": 600, "type": "职工", "admission": 2}\n',
                    encoding="utf-8")
    result = run("plans", "-r", "佛山", "--bills", str(path), "-f", "json")
    data = json.loads(result.stdout)
    assert data["plans"][0]["insurance_pays"] == 480 and data["plans"][1]["insurance_pays"] == 420
    assert any("type、admission" in n for n in data["notes"])


@pytest.mark.parametrize("text, words", [
    ("date,tier,amount\n2025-12-01,3,100\n2026-01-02,3,100\n", "跨了 2 个年度"),
    ("date,tier,amount,person\n2026-01-01,3,100,甲\n2026-02-01,3,100,乙\n", "2 个人"),
    ("date,tier,amount\n2026-01-01,3,abc\n", "第 2 行"),
    ("date,tier,amount,region\n2026-01-01,3,100,绵阳\n", "不是 佛山"),
    ("date,tier\n2026-01-01,3\n", "缺少 amount 列"),
    ("date,tier,amount,Amount\n2026-01-01,3,100,200\n", "第 3 列「amount」和第 4 列「Amount」是同一列 amount"),
])
def test_bad_year_files_are_usage_errors(run, tmp_path, text, words):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    result = run("plans", "-r", "佛山", "--bills", str(path))
    assert result.exit_code == 2
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_two_spellings_of_one_column_in_a_jsonl_year_file(run, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"date": "2026-01-01", "tier": "3", "amount": 100, "self-pay": 10, "self_pay": 20}\n',
                    encoding="utf-8")
    result = run("plans", "-r", "佛山", "--bills", str(path))
    assert result.exit_code == 2
    assert "「self-pay」和「self_pay」是同一列 self_pay" in result.stderr, result.stderr


def test_missing_bills_option(run):
    result = run("plans", "-r", "佛山")
    assert result.exit_code == 2 and "--bills" in result.stderr


# ---- estimate --compare plans: one bill ----------------------------------------------------------------


def test_compare_plans_one_bill(run):
    data = run.json("estimate", "-r", "佛山", "--tier", "3", "--amount", "20000", "--compare", "plans")
    assert data["compare"] == "plans"
    emp, res = data["rows"]
    assert emp["plan"] == "employee" and emp["fund_pay"] == 16530  # (20000 − 1000) × 87 %
    assert emp["out_of_pocket"] == 3470
    assert res["plan"] == "resident" and res["fund_pay"] == 15980  # (20000 − 1200) × 85 %
    assert res["out_of_pocket"] == 4020
    assert not any("未指定参保类型" in w for w in data["warnings"])  # both plans are estimated


def test_compare_plans_table_and_csv(run):
    out = run("estimate", "-r", "佛山", "--tier", "3", "--amount", "20000", "--compare", "plans", "-f", "table").stdout
    assert "16,530.00" in out and "15,980.00" in out and "城乡居民医保" in out
    csv_out = run("estimate", "-r", "佛山", "--tier", "3", "--amount", "20000", "--compare", "plans", "-f", "csv").stdout
    assert csv_out.splitlines()[1].startswith("employee,20000.00")


def test_compare_plans_retired_applies_to_employees_only(run):
    data = run.json("estimate", "-r", "佛山", "--tier", "3", "--amount", "20000", "--compare", "plans", "--retired")
    emp, res = data["rows"]
    assert emp["fund_pay"] == 16910  # (20000 − 1000) × (87 + 2) %
    assert res["fund_pay"] == 15980


def test_compare_takes_only_tiers_or_plans(run):
    result = run("estimate", "-r", "佛山", "--amount", "20000", "--compare", "cities")
    assert result.exit_code == 2 and "tiers 或 plans" in result.stderr


def test_the_configs_retired_makes_the_default_status(run, year_file):
    assert run("config", "set", "retired", "true").exit_code == 0
    data = _plans(run, year_file, "--employee-contribution", "0")
    assert data["status"] == "retired" and data["plans"][0]["insurance_pays"] == 80440  # as --status 退休 above
