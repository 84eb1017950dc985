"""``medins coverage``: when benefits start, worked by hand for gaps of 0, 1 and 3 years inside and
outside the enrolment window; arrears, the long-gap floor, newborns, provincial numbers, the
大病 incentives, 职工医保 gaps; table, plain and JSON."""

from __future__ import annotations

import pytest

IN = ["--pay-date", "2028-11-10", "--in-window"]  # the window of coverage year 2029
OUT = ["--pay-date", "2029-03-10", "--outside-window"]  # paying during coverage year 2029


def _cov(run, *args):
    return run.json("coverage", "-t", "居民", *args)


# ---- the six worked examples ------------------------------------------------------------------------


def test_gap_0_inside_the_window_has_no_waiting(run):
    data = _cov(run, "--last-paid", "2028", *IN)
    assert data["coverage_year"] == 2029 and data["gap_years"] == 0  # 2029 − 2028 − 1
    assert data["waiting_months"] == 0 and data["start"] == "2029-01-01"  # 集中参保期内、连续参保:参保年度开始


def test_gap_0_outside_the_window_waits_the_fixed_3_months(run):
    data = _cov(run, "--last-paid", "2028", *OUT)
    assert data["gap_years"] == 0
    assert data["waiting_months"] == 3  # 固定 3 + 变动 0
    assert data["start"] == "2029-06-10"  # 缴费之日 2029-03-10 + 3 个月


def test_gap_1_inside_the_window(run):
    data = _cov(run, "--last-paid", "2027", *IN)
    assert data["gap_years"] == 1  # 2028 没有参保
    assert data["waiting_months"] == 3  # 3 + (1 − 1) × 1:断保的第 1 年不另加(青岛的算例)
    assert data["start"] == "2029-04-01"  # 2029-01-01 + 3 个月
    assert [a["years"] for a in data["arrears"]] == [0]  # no variable waiting: arrears change nothing


def test_gap_1_outside_the_window(run):
    data = _cov(run, "--last-paid", "2027", *OUT)
    assert data["waiting_months"] == 3 and data["start"] == "2029-06-10"  # 2029-03-10 + 3 个月


def test_gap_3_inside_the_window_and_what_arrears_change(run):
    data = _cov(run, "--last-paid", "2025", *IN)
    assert data["gap_years"] == 3  # 2026、2027、2028
    assert data["waiting_months"] == 5  # 3 + (3 − 1) × 1
    assert data["start"] == "2029-06-01"  # 2029-01-01 + 5 个月
    assert data["arrears"] == [  # 每多补缴 1 年减 1 个月变动等待期,固定的 3 个月不变
        {"years": 0, "waiting_months": 5, "start": "2029-06-01"},
        {"years": 1, "waiting_months": 4, "start": "2029-05-01"},
        {"years": 2, "waiting_months": 3, "start": "2029-04-01"},
    ]


def test_gap_3_outside_the_window_with_two_years_of_arrears(run):
    data = _cov(run, "--last-paid", "2025", *OUT)
    assert data["waiting_months"] == 5 and data["start"] == "2029-08-10"  # 2029-03-10 + 5 个月
    repaired = _cov(run, "--last-paid", "2025", *OUT, "--arrears", "2")
    assert repaired["waiting_months"] == 3 and repaired["start"] == "2029-06-10"  # 5 − 2 = 3(固定期不能再减)


def test_a_gap_of_4_years_or_more_keeps_at_least_6_months(run):
    data = _cov(run, "--gap", "5", *IN)
    assert data["waiting_months"] == 7  # 3 + (5 − 1) × 1
    assert [a["waiting_months"] for a in data["arrears"]] == [7, 6, 6, 6, 6]  # 补缴后合计不少于 6 个月
    assert _cov(run, "--gap", "5", *IN, "--arrears", "4")["start"] == "2029-07-01"  # 2029-01-01 + 6 个月


# ---- exempt groups and provincial numbers ---------------------------------------------------------


def test_a_newborn_has_no_waiting_and_fujian_covers_from_birth(run):
    data = _cov(run, "--newborn", "-r", "福州", "--birth-date", "2026-01-10", "--pay-date", "2026-03-01")
    assert data["waiting_months"] == 0
    assert data["start"] == "2026-01-10"  # 福建:出生后 90 天内(2026-04-10 前)参保缴费的,从出生之日起
    assert data["national_rule"] is False
    late = _cov(run, "--newborn", "-r", "福州", "--birth-date", "2026-01-10", "--pay-date", "2026-05-01")
    assert late["start"] == "2026-05-01"  # 超过 90 天:从缴费之日起
    anywhere = _cov(run, "--newborn", "--pay-date", "2026-03-01", "--outside-window")
    assert anywhere["start"] == "2026-03-01" and anywhere["national_rule"] is True
    assert any("当地规定" in n for n in anywhere["notes"])


def test_another_group_is_named_not_exempted(run):
    data = _cov(run, "--last-paid", "2027", *OUT, "--group", "退役军人")
    assert data["waiting_months"] == 3
    assert any("退役军人" in w and "当地" in w for w in data["warnings"])


def test_fujian_window_and_extension_come_from_data(run):
    window = _cov(run, "-r", "福州", "--last-paid", "2025", "--pay-date", "2025-10-01")
    assert window["in_window"] is True and window["window_from"] == "data"  # 福建集中参保期 9 月 1 日至 12 月 31 日
    assert window["coverage_year"] == 2026 and window["start"] == "2026-01-01"
    late = _cov(run, "-r", "福州", "--last-paid", "2025", "--pay-date", "2026-02-10")
    assert late["extension"] is True and late["start"] == "2026-02-10"  # 延长缴费期:从缴费之日起享受
    assert any(s["key"] == "extension" and "ilabmx-fujian-2025" in s["sources"] for s in late["steps"])


def test_without_the_window_and_no_data_it_asks(run):
    result = run("coverage", "-t", "居民", "-r", "佛山", "--last-paid", "2025", "--pay-date", "2026-03-01")
    assert result.exit_code == 2
    assert "--in-window" in result.stderr and "佛山" in result.stderr


# ---- the 大病 incentives ------------------------------------------------------------------------------


def test_incentives_at_the_national_minimum_within_20_percent_of_the_cap(run):
    data = _cov(run, "-r", "佛山", "--last-paid", "2028", *IN, "--continuous-years", "6", "--claim-free-years", "2")
    inc = data["incentive"]
    assert inc["per_year_basis"] == "national_minimum" and inc["per_year"] == 1000  # 佛山没有自己的数字:至少 1000 元
    assert inc["continuous"] == 2000  # (6 − 4) × 1000
    assert inc["zero_claim"] == 2000  # 2 × 1000
    assert inc["total"] == 4000
    assert inc["limit"] == 152507.6  # 佛山居民大病封顶线 762538 × 20%
    assert data["national_rule"] is True and "按全国规定" in data["rule_basis"]


def test_a_city_that_published_its_amount_uses_it(run):
    data = _cov(run, "-r", "上饶", "--last-paid", "2028", *IN, "--continuous-years", "6", "--claim-free-years", "2")
    inc = data["incentive"]
    assert inc["per_year_basis"] == "local" and inc["per_year"] == 3000  # 上饶市医保局:3000 元
    assert inc["total"] == 12000  # (6 − 4) × 3000 + 2 × 3000


def test_a_draft_is_shown_but_not_used(run):
    data = _cov(run, "-r", "绵阳", "--last-paid", "2028", *IN, "--continuous-years", "5")
    assert data["incentive"]["per_year"] == 1000 and data["incentive"]["continuous"] == 1000  # (5 − 4) × 1000
    assert any(s["key"] == "draft" and s["value"] == 4000 for s in data["steps"])  # 四川的征求意见稿


def test_after_a_gap_the_continuous_count_restarts(run):
    data = _cov(run, "--last-paid", "2025", *IN, "--continuous-years", "9")
    assert data["incentive"]["continuous"] == 0  # 断保后重新计算:第 1 年
    assert data["incentive"]["limit"] is None  # no region: the 20% limit was not checked


# ---- 职工医保 -------------------------------------------------------------------------------------------


def test_employee_gap_of_3_months_is_paid_back_and_retroactive(run):
    data = run.json("coverage", "-t", "职工", "--last-paid", "2025-06", "--pay-date", "2025-10-15")
    assert data["start"] == "2025-10-01" and data["retroactive"] is True  # 7、8、9 月,3 个月(含)以内
    assert data["incentive"] is None


def test_employee_longer_gap_is_a_range_set_locally(run):
    data = run.json("coverage", "-t", "职工", "--last-paid", "2025-06", "--pay-date", "2025-12-15")
    assert data["start"] == "2025-12-15" and data["latest"] == "2026-06-15"  # 中断 5 个月:当地设,最长 6 个月
    assert data["waiting_months"] is None
    assert any("当地" in w for w in data["warnings"])
    assert all(d["text"] for d in data["disputes"]) and any("职工医保" in d["text"] for d in data["disputes"])


def test_employee_without_a_gap(run):
    data = run.json("coverage", "-t", "职工", "--last-paid", "2025-09", "--pay-date", "2025-10-03")
    assert data["start"] == "2025-10-01" and data["waiting_months"] == 0


# ---- formats and errors -----------------------------------------------------------------------------


def test_table_and_explain(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # long lines unwrapped, so the words can be found whole
    out = run("coverage", "-t", "居民", "--last-paid", "2025", *IN, "-f", "table", "--explain").stdout
    assert "待遇开始:2029-06-01(等待期 5 个月)" in out
    assert "补缴(修复)能改变什么" in out and "2029-04-01" in out
    assert "国办发〔2024〕38号" in out and "按全国规定计算" in out
    assert "来源说法不一" in out  # disagreements are listed with --explain
    assert "設置參保后固定待遇等待期3個月" in out  # a quote under its source


def test_plain(run):
    result = run("coverage", "-t", "居民", "--last-paid", "2025", *IN, "-f", "plain", "--explain")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "start: 2029-06-01" in lines and "waiting_months: 5" in lines
    assert "arrears.2: 3 个月 2029-04-01" in lines
    assert any(line.startswith("step.") and "[kaiping-qa-69525" in line for line in lines)


@pytest.mark.parametrize("args, words", [
    (["-t", "职工", "--gap", "1"], "--gap"),
    (["-t", "职工", "--last-paid", "2025"], "不是月份"),
    (["-t", "居民", "--pay-date", "2026-03-01", "--outside-window"], "--last-paid"),
    (["-t", "居民", "--last-paid", "2026", "--pay-date", "2026-03-01", "--outside-window"], "已经参保"),
    (["--last-paid", "2025"], "--type"),
])
def test_usage_errors(run, args, words):
    result = run("coverage", *args)
    assert result.exit_code == 2, result.stdout
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_for_year_must_be_the_year_paid_or_the_next(run):
    ok = _cov(run, "--last-paid", "2027", *OUT, "--for-year", "2030")
    assert ok["coverage_year"] == 2030 and ok["gap_years"] == 2  # 2028、2029
    assert ok["start"] == "2030-05-01"  # 不早于参保年度开始:2030-01-01 + (3 + 1) 个月
    result = run("coverage", "-t", "居民", "--last-paid", "2020", *OUT, "--for-year", "2025")
    assert result.exit_code == 2 and "--for-year" in result.stderr
