"""The 个税 大病医疗 deduction in ``slip year`` (JSON ``tax_deduction``) and ``slip year --family``:
a ledger whose slips cross 15,000 and 95,000, a couple and a child, worked by hand.

base = 乙类先行自付 + (符合政策范围金额 − 各项基金支付 − 医院负担);全自费和超限价不算。
deductible = min(max(base − 15000, 0), 80000),每人分别计算。
"""

from __future__ import annotations

import json

import pytest


def _add(run, person, date, **amounts):
    args = ["slip", "add", "--person", person, "--date", date, "-r", "佛山", "-t", "职工", "--tier", "3", "-q",
            "-f", "json"]
    for key, value in amounts.items():
        args += [f"--{key.replace('_', '-')}", str(value)]
    result = run(*args)
    assert result.exit_code == 0, result.stderr


@pytest.fixture
def family(run):
    # 爸爸 ① 60000 − 全自费 5000 − 乙类 3000 = 政策内 52000;统筹 36000,大病 2000,现金 22000
    #        目录内自付 = 3000 + (52000 − 36000 − 2000) = 17000 —— 过了 15000
    _add(run, "爸爸", "2026-02-01", amount=60000, self_pay=5000, partial_self_pay=3000, eligible=52000,
         fund_pay=36000, critical_illness_pay=2000, cash_pay=22000)
    # 爸爸 ② 200000 − 10000 − 8000 = 182000;统筹 90000,大病 10000,现金 100000
    #        目录内自付 = 8000 + (182000 − 90000 − 10000) = 90000;全年 17000 + 90000 = 107000 —— 过了 95000
    _add(run, "爸爸", "2026-07-01", amount=200000, self_pay=10000, partial_self_pay=8000, eligible=182000,
         fund_pay=90000, critical_illness_pay=10000, cash_pay=100000)
    # 妈妈:10000 − 1000 − 500 = 8500;统筹 6000,现金 4000;目录内自付 = 500 + (8500 − 6000) = 3000
    _add(run, "妈妈", "2026-04-01", amount=10000, self_pay=1000, partial_self_pay=500, eligible=8500,
         fund_pay=6000, cash_pay=4000)
    # 小明:30000 − 2000 − 1000 = 27000;统筹 9000,现金 21000;目录内自付 = 1000 + (27000 − 9000) = 19000
    _add(run, "小明", "2026-05-01", amount=30000, self_pay=2000, partial_self_pay=1000, eligible=27000,
         fund_pay=9000, cash_pay=21000)


def _tax(run, person, *extra):
    result = run("slip", "year", "--person", person, "--year", "2026", *extra, "-f", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["tax_deduction"]


def test_crossing_15000_then_95000(run):
    _add(run, "爸爸", "2026-02-01", amount=60000, self_pay=5000, partial_self_pay=3000, eligible=52000,
         fund_pay=36000, critical_illness_pay=2000, cash_pay=22000)
    first = _tax(run, "爸爸")
    assert first["base"] == 17000 and first["deductible"] == 2000  # 17000 − 15000
    _add(run, "爸爸", "2026-07-01", amount=200000, self_pay=10000, partial_self_pay=8000, eligible=182000,
         fund_pay=90000, critical_illness_pay=10000, cash_pay=100000)
    both = _tax(run, "爸爸")
    assert both["base"] == 107000  # 17000 + 90000
    assert both["deductible"] == 80000  # 107000 − 15000 = 92000,限额 80000
    assert both["threshold"] == 15000 and both["limit"] == 80000
    assert both["bound"] is None  # every slip printed its 全自费 and 乙类
    assert both["counted"] == {"partial_self_pay": 11000, "deductible_and_co_pay": 96000}  # 3000 + 8000;14000 + 82000
    assert both["not_counted"] == {"self_pay_and_over_limit": 15000}  # 5000 + 10000
    src = both["source"]
    assert src["doc_number"] == "国发〔2018〕41号" and src["confidence"] == "secondary"
    assert "jscc-41-and-2022-7" in {s["id"] for s in src["sources"]}
    assert both["fields"] == {"counted": ["partial_self_pay", "deductible", "co_pay"],
                              "not_counted": ["self_pay", "over_limit"], "basis": "inference"}


def test_below_the_threshold_nothing_is_deductible(run, family):
    mum = _tax(run, "妈妈")
    assert mum["base"] == 3000 and mum["deductible"] == 0


def test_a_slip_without_its_parts_makes_the_base_a_bound(run):
    # 爷爷:只有总额、统筹、现金 → 按整张账单都在目录内:40000 − 20000 = 20000,是上限
    _add(run, "爷爷", "2026-03-01", amount=40000, fund_pay=20000, cash_pay=20000)
    upper = _tax(run, "爷爷")
    assert upper["base"] == 20000 and upper["deductible"] == 5000 and upper["bound"] == "upper"
    assert any("没有写全自费" in r for r in upper["reasons"])
    # 奶奶:印了政策内 18000 但没有分列乙类 → 全自费 2000 里可能有乙类:18000 − 10000 = 8000,是下限
    _add(run, "奶奶", "2026-03-01", amount=20000, eligible=18000, fund_pay=10000, cash_pay=10000)
    lower = _tax(run, "奶奶")
    assert lower["base"] == 8000 and lower["deductible"] == 0 and lower["bound"] == "lower"
    assert any("乙类先行自付" in r for r in lower["reasons"])


def test_year_shows_the_deduction_in_table_and_plain(run, family, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    out = run("slip", "year", "--person", "爸爸", "--year", "2026", "-f", "table", "--explain").stdout
    assert "个税大病医疗专项附加扣除" in out and "107,000.00" in out and "80,000.00" in out
    assert "乙类先行自付" in out and "全自费" in out and "推断" in out
    assert "国发〔2018〕41号" in out and "累计超过15000元的部分" in out  # the rule and its quote
    lines = run("slip", "year", "--person", "爸爸", "--year", "2026", "-f", "plain").stdout.splitlines()
    assert "tax_deduction.base: 107000.00" in lines and "tax_deduction.deductible: 80000.00" in lines
    assert "tax_deduction.limit: 80000" in lines


def test_family_each_person_separately_and_the_allocation(run, family):
    result = run("slip", "year", "--family", "爸爸,妈妈", "--child", "小明", "--year", "2026", "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    by = {p["person"]: p for p in data["family"]}
    assert by["爸爸"]["tax_deduction"]["deductible"] == 80000
    assert by["妈妈"]["tax_deduction"]["deductible"] == 0  # 3000 < 15000: not pooled with anyone's
    assert by["小明"]["tax_deduction"]["deductible"] == 4000  # 19000 − 15000
    assert by["小明"]["role"] == "child" and by["小明"]["may_claim"] == ["爸爸", "妈妈"]
    # 每人分别计算:妈妈和小明加在一起是 22000(可扣 7000),分别算只有 0 + 4000
    assert data["total_deductible"] == 84000  # 80000 + 0 + 4000
    assert data["allocation"]["by_claimant"] == {"爸爸": 84000, "妈妈": 0}  # all on one parent: the default
    chosen = json.loads(run("slip", "year", "--family", "爸爸,妈妈", "--child", "小明", "--year", "2026",
                            "--claimant", "妈妈", "-f", "json").stdout)
    assert chosen["allocation"]["by_claimant"] == {"爸爸": 0, "妈妈": 84000}  # the same total, either way
    assert {s["key"] for s in data["allocation"]["steps"]} >= {"separately", "who", "best"}


def test_family_table_and_plain(run, family, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    out = run("slip", "year", "--family", "爸爸,妈妈", "--child", "小明", "--year", "2026", "-f", "table").stdout
    assert "未成年子女" in out and "84,000.00" in out and "父母一方" in out
    assert "不能把几个人的费用加在一起" in out
    lines = run("slip", "year", "--family", "爸爸,妈妈", "--child", "小明", "--year", "2026",
                "-f", "plain").stdout.splitlines()
    assert "小明.deductible: 4000.00" in lines and "total_deductible: 84000.00" in lines


@pytest.mark.parametrize("args, words", [
    (["--family", "爸爸,妈妈", "--person", "爸爸"], "--family"),
    (["--child", "小明"], "--family"),
    (["--family", "爸爸,妈妈", "--claimant", "小明"], "--claimant"),
    (["--family", "甲,乙,丙"], "一人或两人"),
])
def test_family_usage_errors(run, args, words):
    result = run("slip", "year", *args)
    assert result.exit_code == 2 and words in result.stderr
