"""``medins maternity``: worked examples computed by hand (the arithmetic beside each figure), in
table, plain and JSON; the provinces' dated versions; unknown provinces; usage errors."""

from __future__ import annotations

import json

import pytest

BIRTH = "2026-03-01"


def _json(run, *args):
    result = run("maternity", *args, "--date", BIRTH, "-f", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# ---- the worked examples: a normal birth, a difficult twin birth and a miscarriage in two provinces ----


def test_normal_birth_guangdong(run):
    data = _json(run, "--province", "广东", "--wage", "9000")
    assert data["days"] == {"national": 98, "provincial": 80, "total": 178,  # 98 + 广东 2021 年的 80 天奖励假
                            "provincial_status": "found", "insured_provincial": None}
    a = data["allowance"]
    assert a["daily"] == 300  # 9000 ÷ 30
    assert a["national"] == 29400  # 9000 ÷ 30 × 98
    assert a["provincial"] == 24000  # 9000 ÷ 30 × 80
    assert a["total"] == 53400  # 29400 + 24000
    assert a["provincial_payer_unknown"] == 24000  # no source says who pays the 80 days
    assert data["version"]["since"] == "2021-12-01" and data["version"]["since_basis"] == "reported"
    assert any("惠州" in d["text"] and "128" in d["text"] for d in data["disputes"])  # 惠州 128 vs 广东 178


def test_difficult_twin_birth_guangdong(run):
    data = _json(run, "--province", "广东", "--wage", "9000", "--difficult", "--babies", "2")
    assert data["days"]["national"] == 128  # 98 + 难产 15 + 多 1 个婴儿 15
    assert data["days"]["total"] == 208  # 128 + 80
    assert data["allowance"]["national"] == 38400  # 9000 ÷ 30 × 128
    assert data["allowance"]["total"] == 62400  # 38400 + 24000


def test_miscarriage_guangdong_gets_no_provincial_days(run):
    data = _json(run, "--province", "广东", "--wage", "9000", "--miscarriage-weeks", "10")
    assert data["days"]["national"] == 15  # 未满 4 个月:15 天
    assert data["days"]["provincial"] == 0 and data["days"]["provincial_status"] == "not_for_miscarriage"
    assert data["allowance"]["total"] == 4500  # 9000 ÷ 30 × 15
    assert data["bound"] is None


def test_normal_birth_beijing_rounds_half_up_to_the_fen(run):
    data = _json(run, "--province", "北京", "--wage", "8888.88")
    assert data["days"]["total"] == 158  # 98 + 北京 2021 年的 60 天延长生育假
    a = data["allowance"]
    assert a["national"] == 29037.01  # 8888.88 × 98 ÷ 30 = 29037.008 → 29037.01
    assert a["provincial"] == 17777.76  # 8888.88 × 60 ÷ 30 = 17777.76
    assert a["total"] == 46814.77  # 29037.01 + 17777.76: the parts add up
    assert a["daily"] == 296.3  # 8888.88 ÷ 30 = 296.296 → 296.30 (shown; the amounts use the exact rate)


def test_difficult_twin_birth_beijing(run):
    data = _json(run, "--province", "北京", "--wage", "9000", "--difficult", "--babies", "2")
    assert data["days"]["total"] == 188  # 98 + 15 + 15 + 60
    assert data["allowance"]["total"] == 56400  # 9000 ÷ 30 × 188


def test_miscarriage_beijing_from_four_months(run):
    data = _json(run, "--province", "北京", "--wage", "9000", "--miscarriage-weeks", "20")
    assert data["days"]["total"] == 42  # 20 周 ≥ 18 周:无论怎么算月份都已满 4 个月 → 42 天
    assert data["allowance"]["total"] == 12600  # 9000 ÷ 30 × 42


def test_miscarriage_at_17_weeks_is_a_lower_bound(run):
    data = _json(run, "--province", "北京", "--wage", "9000", "--miscarriage-weeks", "17")
    assert data["days"]["total"] == 15 and data["bound"] == "lower"  # 17 周是否“满 4 个月”说不准:15 天,可能 42 天
    assert any("42 天" in w for w in data["warnings"])


def test_the_daily_rate_is_local_practice_and_can_be_365(run):
    data = _json(run, "--province", "北京", "--wage", "9000", "--daily", "365")
    assert data["allowance"]["national"] == 28997.26  # 9000 × 12 ÷ 365 × 98 = 28997.260… → 28997.26
    assert data["allowance"]["local_practice"] is True
    daily = next(s for s in data["steps"] if s["key"] == "daily")
    assert daily["confidence"] == "unverified" and daily["sources"] == ["nat-formula-365"]
    assert any("不是全国法律" in n for n in data["notes"])


# ---- provinces: who pays, dated versions, unknown -------------------------------------------------


def test_qinghai_says_insurance_pays_60_of_its_90_extra_days(run):
    data = _json(run, "--province", "青海", "--wage", "9000")
    assert data["days"]["provincial"] == 90 and data["days"]["insured_provincial"] == 60
    assert data["allowance"]["provincial_insured"] == 18000  # 9000 ÷ 30 × 60
    assert data["allowance"]["provincial_payer_unknown"] == 9000  # 9000 ÷ 30 × 30: payer not stated
    assert any("60 天" in p and "30 天" in p for p in data["paid_by"])


def test_zhejiang_depends_on_which_child(run):
    first = _json(run, "--province", "浙江", "--child", "1")
    second = _json(run, "--province", "浙江", "--child", "2")
    assert first["days"]["total"] == 158 and second["days"]["total"] == 188  # 98 + 60;98 + 90
    unsure = _json(run, "--province", "浙江")
    assert unsure["days"]["provincial"] is None and unsure["days"]["provincial_status"] == "needs_child"
    assert any("--child" in w for w in unsure["warnings"])


@pytest.mark.parametrize("province", ["陕西", "甘肃", "重庆"])
def test_a_province_without_a_source_is_unknown_not_guessed(run, province):
    data = _json(run, "--province", province, "--wage", "9000")
    assert data["days"]["provincial"] is None and data["days"]["total"] is None
    assert data["days"]["national"] == 98
    assert data["allowance"]["total"] == 29400  # only the national 98 days: 9000 ÷ 30 × 98
    assert any("不明" in w for w in data["warnings"])


def test_the_version_in_force_on_the_day_is_used(run):
    old = run.json("maternity", "--province", "江苏", "--date", "2021-06-01")
    new = run.json("maternity", "--province", "江苏", "--date", "2022-03-01")
    assert old["days"]["provincial"] == 30 and any("日期来源没有写" in w for w in old["warnings"])  # undated 128-day page
    assert new["days"]["provincial"] == 60  # births from 2022-02-10
    henan = run.json("maternity", "--province", "河南", "--date", "2021-12-01")
    assert henan["days"]["provincial"] is None  # the only figure is reported from 2022-07-23 on
    sichuan = run.json("maternity", "--province", "四川", "--date", BIRTH)
    assert sichuan["version"]["current"] is False and any("不是现行" in w for w in sichuan["warnings"])


def test_a_city_gives_its_province(run):
    assert run.json("maternity", "--province", "佛山", "--date", BIRTH)["province"] == "广东"


# ---- the three formats, --explain and usage errors -------------------------------------------------


def test_table_and_explain_cite_every_rule(run):
    out = run("maternity", "--province", "广东", "--wage", "9000", "--date", BIRTH, "-f", "table", "--explain").stdout
    assert "178" in out and "53,400.00" in out and "24,000.00" in out
    assert "惠州" in out  # the disagreement is shown
    assert "计算过程" in out and "来源:" in out
    assert "女职工生育享受98天产假" in out  # the quote of the national rule
    assert "由谁支付,来源没有说明" in out


def test_plain_is_key_value_lines(run):
    result = run("maternity", "--province", "广东", "--wage", "9000", "--date", BIRTH, "-f", "plain", "--explain")
    lines = dict(line.split(": ", 1) for line in result.stdout.splitlines() if not line.startswith("step."))
    assert lines["days_total"] == "178" and lines["allowance_total"] == "53400.00"
    assert any(line.startswith("step.") and "[" in line for line in result.stdout.splitlines())


@pytest.mark.parametrize("args, words", [
    (["--province", "广东", "--miscarriage-weeks", "10", "--difficult"], "--miscarriage-weeks"),
    (["--province", "火星"], "不认识的省份"),
    (["--province", "广东", "--daily", "31"], "--daily"),
    (["--province", "广东", "--wage", "abc"], "不是数字"),
    ([], "没有指定省份"),
])
def test_usage_errors_are_one_chinese_line(run, args, words):
    result = run("maternity", *args)
    assert result.exit_code == 2
    assert words in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args", [["--babies", "0"], ["--miscarriage-weeks", "50"], ["--child", "0"]])
def test_out_of_range_numbers_are_chinese_usage_errors(run, args):
    result = run("maternity", "--province", "广东", *args)
    assert result.exit_code == 2 and "应在" in result.stderr
