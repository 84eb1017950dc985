"""Issue 17, items 2 and 3: the figures are continuous at the basic cap, and a bound is said only
where it is true (worked by hand through the public face; the invariants in test_properties.py)."""

from __future__ import annotations

import pytest

EMP_RETIRED = ["-r", "重庆", "-t", "职工", "--retired", "--tier", "3", "--amount", "150000"]


@pytest.mark.parametrize("ytd_fund, fund, critical", [
    # 重庆 职工 三级: 起付 880, 85 % + 退休 10 = 95 %, basic cap 47 000; 大额 100 % above the cap.
    # cap left 0.01: X = 880 + 0.01 ÷ 0.95 = 880.0105…; 大额 (150000 − X) × 100 % = 149119.989… → 149119.99
    ("46999.99", 0.01, 149119.99),
    # cap used up exactly: X is the deductible itself (880); 大额 (150000 − 880) × 100 % = 149120
    ("47000", 0, 149120),
    # past the cap (the ledger may carry more than the cap): the same as exactly at it
    ("60000", 0, 149120),
])
def test_chongqing_retiree_keeps_the_deductible_at_the_cap(run, ytd_fund, fund, critical):
    data = run.json("estimate", *EMP_RETIRED, "--ytd-fund", ytd_fund)
    assert (data["deductible"], data["fund_pay"], data["critical_illness_pay"]) == (880, fund, critical)
    assert data["out_of_pocket"] == 880  # 0.3 said 0 at 47000: the table still read "起付线 880.00 先由个人负担"


def test_explain_at_the_cap_names_the_deductible_as_the_point(run):
    data = run.json("estimate", *EMP_RETIRED, "--ytd-fund", "47000", "--explain")
    steps = {s["key"]: s for s in data["steps"]}
    assert steps["cap_point"]["value"] == 880
    assert steps["critical_illness_base"]["value"] == 149120


def test_a_bill_below_the_deductible_with_the_cap_used_pays_nothing(run):
    data = run.json("estimate", "-r", "重庆", "-t", "职工", "--tier", "3", "--amount", "500", "--ytd-fund", "47000")
    assert (data["fund_pay"], data["critical_illness_pay"], data["out_of_pocket"]) == (0, 0, 500)
    assert data["bound"] is None


def test_critical_illness_without_a_cap_is_an_upper_bound(run):
    # 武汉 居民 三级: the 大病 section gives no annual cap, so what 大病 pays is at most this
    data = run.json("estimate", "-r", "武汉", "-t", "居民", "--tier", "3", "--amount", "1500000")
    assert data["critical_illness_pay"] > 0
    assert data["bound"] == "upper"
    assert data["warnings"][0].startswith("数据没有城乡居民大病保险年度封顶线")
    plain = run("estimate", "-r", "武汉", "-t", "居民", "--tier", "3", "--amount", "1500000", "-f", "plain")
    assert "bound: upper" in plain.stdout


def test_critical_illness_without_a_cap_is_no_bound_when_it_pays_nothing(run):
    data = run.json("estimate", "-r", "武汉", "-t", "居民", "--tier", "3", "--amount", "3000")
    assert data["critical_illness_pay"] == 0
    assert data["bound"] is None
    assert not any("年度封顶线" in w for w in data["warnings"])


def test_a_zero_payout_is_never_an_upper_bound(run):
    # 武汉 居民 门诊 三级: ratio 0 (outside 统筹), and no outpatient deductible in the data
    data = run.json("estimate", "-r", "武汉", "-t", "居民", "--visit", "门诊", "--tier", "3", "--amount", "500")
    assert (data["fund_pay"], data["critical_illness_pay"], data["out_of_pocket"]) == (0, 0, 500)
    assert data["bound"] is None
    assert not any("上限" in w or "实际会更少" in w for w in data["warnings"])
    table = run("estimate", "-r", "武汉", "-t", "居民", "--visit", "门诊", "--tier", "3", "--amount", "500",
                "-f", "table").stdout
    assert "至多" not in table


def test_batch_bound_is_per_row(run, tmp_path):
    bills = tmp_path / "bills.csv"
    bills.write_text("region,type,visit,tier,amount\n"
                     "武汉,居民,住院,3,1500000\n"
                     "武汉,居民,门诊,3,500\n", encoding="utf-8")
    rows = run.json("estimate", "--batch", str(bills))
    assert [r["bound"] for r in rows] == ["upper", None]
