"""The settlement rules of 0.3, worked by hand through the public face (`medins estimate --policy-file`).

The policy is tests/policies/rules.yaml. 职工 住院: 一级 200 / 90 % (退休 +5, the tier's own), 二级
500 / 85 %, 三级 1000 / 80 % to 20 000 then 90 %, 三甲 1200 / 80 %; section retiree bonus +2; 再次住院
起付线 × 0.5 then × 0; 年度封顶 50 000; 大额 above the cap: 90 % of the base to 100 000, 95 % above,
cap 300 000. 职工门诊: 年度起付 300, 一级 60 % + 10 元 per visit, 三级 50 %, 限额 2000. 居民 住院: 社区
0 / 0 %, 一级 200 / 80 %, 二级 500 / 70 %, 三级 1000 / 60 %, cap 200 000; 大病 on the year's burden
(incl. 乙类先行自付) above 20 000: 60 % to 50 000, 70 % above, cap 100 000. 转诊: 职工 × 0.9, 居民 −10 points.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from medins_cli.errors import ExitCode

RULES = str(Path(__file__).parent / "policies" / "rules.yaml")
EMP = ["-t", "职工"]
RES = ["-t", "居民"]

CASES = [
    # ---- 大额 above the cap (mode above_cap) ----
    ("above_cap not reached", [*EMP, "--tier", "2", "--amount", "50000"],
     {"fund_pay": 42075, "critical_illness_pay": 0, "out_of_pocket": 7925}),  # (50000 − 500) × 85% = 42075 < 50000
    ("above_cap exactly reached", [*EMP, "--tier", "2", "--amount", "20500", "--ytd-fund", "33000"],
     {"fund_pay": 17000, "critical_illness_pay": 0, "out_of_pocket": 3500}),
    # cap left 50000 − 33000 = 17000 = (20500 − 500) × 85%: X = 500 + 17000 ÷ 0.85 = 20500 = the bill, base 0
    ("above_cap exceeded, bands", [*EMP, "--tier", "3", "--amount", "100000"],
     {"fund_pay": 50000, "critical_illness_pay": 37200, "out_of_pocket": 12800}),
    # fund: (20000 − 1000) × 80% = 15200, then 90%: X = 20000 + (50000 − 15200) ÷ 0.9 = 58666.666…;
    # base 100000 − 58666.666… = 41333.333…; × 90% = 37200.00
    ("above_cap with ytd_fund", [*EMP, "--tier", "3", "--amount", "100000", "--ytd-fund", "10000"],
     {"fund_pay": 40000, "critical_illness_pay": 47200, "out_of_pocket": 12800, "cap_left": 40000}),
    # cap left 40000: X = 20000 + 24800 ÷ 0.9 = 47555.555…; base 52444.444… × 90% = 47200.00
    ("above_cap across its own bands, exact X", [*EMP, "--tier", "3", "--amount", "200000"],
     {"fund_pay": 50000, "critical_illness_pay": 129266.67, "out_of_pocket": 20733.33}),
    # base 200000 − 58666.666… = 141333.333…: 100000 × 90% + 41333.333… × 95% = 90000 + 39266.666… → 129266.67
    # (X rounded to 58666.67 first would give 41333.33 × 95% = 39266.6635 → 129266.66: X is never rounded)
    ("above_cap near its own cap", [*EMP, "--tier", "3", "--amount", "200000", "--ytd-critical", "250000"],
     {"fund_pay": 50000, "critical_illness_pay": 50000, "out_of_pocket": 100000}),  # 300000 − 250000 left
    ("above_cap with a retiree's tier bonus", [*EMP, "--tier", "1", "--amount", "60000", "--retired"],
     {"fund_pay": 50000, "critical_illness_pay": 6451.58, "out_of_pocket": 3548.42}),
    # 90% + 5% (the tier's bonus) = 95%: X = 200 + 50000 ÷ 0.95 = 52831.578947…; base 7168.421052… × 90% = 6451.578… → 6451.58
    ("above_cap cap already used up", [*EMP, "--tier", "2", "--amount", "1000", "--ytd-fund", "50000"],
     {"fund_pay": 0, "critical_illness_pay": 450, "out_of_pocket": 550}),
    # cap left 0: the deductible is still the person's, so the cap point is the deductible (X = 500);
    # base 1000 − 500 = 500 × 90% = 450; the person pays 500 + 50. (0.3 put X at 0 and paid 900: a jump of
    # the whole deductible between --ytd-fund 49999.99 and 50000.)
    # ---- 大病 over the year (mode on_burden) ----
    ("on_burden below the threshold", [*RES, "--tier", "3", "--amount", "30000"],
     {"fund_pay": 17400, "critical_illness_pay": 0, "out_of_pocket": 12600}),  # (30000 − 1000) × 60%; burden 12600
    ("on_burden straddling the threshold", [*RES, "--tier", "3", "--amount", "30000", "--ytd-burden", "10000"],
     {"fund_pay": 17400, "critical_illness_pay": 1560, "out_of_pocket": 11040}),  # [10000, 22600]: 2600 × 60%
    ("on_burden above the threshold", [*RES, "--tier", "3", "--amount", "30000", "--ytd-burden", "25000"],
     {"critical_illness_pay": 7560}),  # [25000, 37600]: 12600 × 60%
    ("on_burden across its bands", [*RES, "--tier", "3", "--amount", "30000", "--ytd-burden", "45000"],
     {"critical_illness_pay": 8320}),  # [45000, 57600]: 5000 × 60% + 7600 × 70% = 3000 + 5320
    ("on_burden near its cap", [*RES, "--tier", "3", "--amount", "30000", "--ytd-burden", "45000",
                                "--ytd-critical", "95000"],
     {"critical_illness_pay": 5000, "out_of_pocket": 7600}),  # 100000 − 95000 left of 8320
    ("on_burden includes 乙类先行自付", [*RES, "--tier", "3", "--amount", "31000", "--partial-self-pay", "1000",
                                     "--ytd-burden", "10000"],
     {"eligible": 30000, "fund_pay": 17400, "critical_illness_pay": 2160, "out_of_pocket": 11440}),
    # burden 12600 + 1000 = 13600: [10000, 23600] → 3600 × 60% = 2160
    # ---- 转诊 ----
    ("transfer factor", [*EMP, "--tier", "2", "--amount", "8000", "--remote", "转诊"],
     {"fund_pay": 5737.5, "remote_applied": "异地转诊备案:比例 × 0.9"}),  # 7500 × (0.85 × 0.9 = 0.765)
    ("transfer ratio_minus", [*RES, "--tier", "2", "--amount", "8000", "--remote", "transfer"],
     {"fund_pay": 4500, "remote_applied": "异地转诊备案:比例减 10%"}),  # 7500 × (0.7 − 0.1)
    # ---- 三甲 ----
    ("3a present", [*EMP, "--tier", "三甲", "--amount", "8000"],
     {"tier": "3a", "tier_used": "3a", "deductible": 1200, "fund_pay": 5440}),  # 6800 × 80%
    ("3a absent falls back to 3", [*RES, "--tier", "三级甲等", "--amount", "8000"],
     {"tier": "3a", "tier_used": "3", "deductible": 1000, "fund_pay": 4200}),  # 7000 × 60%
    ("二甲 is 二级", [*EMP, "--tier", "二甲", "--amount", "8000"], {"tier": "2", "fund_pay": 6375}),  # 7500 × 85%
    ("一级甲等 is 一级", [*EMP, "--tier", "一级甲等", "--amount", "1200"], {"tier": "1", "fund_pay": 900}),  # 1000 × 90%
    # ---- per-tier retiree bonus ----
    ("tier bonus overrides the section's", [*EMP, "--tier", "1", "--amount", "10000", "--retired"],
     {"fund_pay": 9310, "ratio": "95%"}),  # 9800 × (90% + 5%), not + 2%
    ("section bonus where the tier has none", [*EMP, "--tier", "2", "--amount", "10000", "--retired"],
     {"fund_pay": 8265, "ratio": "87%"}),  # 9500 × (85% + 2%)
    # ---- per-visit deductible ----
    ("visit deductible with the annual one left", [*EMP, "--visit", "门诊", "--tier", "1", "--amount", "1000"],
     {"deductible": 310, "fund_pay": 414}),  # 300 + 10; (1000 − 310) × 60%
    ("visit deductible, annual one partly met", [*EMP, "--visit", "门诊", "--tier", "1", "--amount", "1000",
                                                  "--ytd-outpatient", "250"],
     {"deductible": 60, "fund_pay": 564}),  # 50 + 10; 940 × 60%
    ("visit deductible, annual one met", [*EMP, "--visit", "门诊", "--tier", "1", "--amount", "1000",
                                          "--ytd-outpatient", "400"],
     {"deductible": 10, "fund_pay": 594}),  # 0 + 10; 990 × 60%
    ("no visit deductible in that tier", [*EMP, "--visit", "门诊", "--tier", "3", "--amount", "1000"],
     {"deductible": 300, "fund_pay": 350}),  # 700 × 50%
    ("visit deductible above the bill", [*EMP, "--visit", "门诊", "--tier", "1", "--amount", "8",
                                         "--ytd-outpatient", "400"],
     {"deductible": 10, "fund_pay": 0, "out_of_pocket": 8}),  # 8 − 10 → not below 0
    # ---- repeat admissions by factors ----
    ("second admission × 0.5", [*EMP, "--tier", "2", "--amount", "8000", "--admission", "2"],
     {"deductible": 250, "fund_pay": 6587.5}),  # 7750 × 85%
    ("third admission × 0", [*EMP, "--tier", "2", "--amount", "8000", "--admission", "3"],
     {"deductible": 0, "fund_pay": 6800}),
    ("the last factor repeats", [*EMP, "--tier", "2", "--amount", "8000", "--admission", "5"],
     {"deductible": 0, "fund_pay": 6800}),
]


@pytest.mark.parametrize("options, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_worked_example(run, options, expected):
    data = run.json("estimate", "--policy-file", RULES, *options)
    for key, value in expected.items():
        assert data[key] == value, (key, data[key], value)
    assert round(data["fund_pay"] + data["critical_illness_pay"] + data["out_of_pocket"], 2) == data["total"]


def test_employee_row_uses_the_section_name(run):
    result = run("estimate", "--policy-file", RULES, *EMP, "--tier", "3", "--amount", "100000", "-f", "table")
    assert result.exit_code == 0
    assert "职工大额医疗互助" in result.stdout and "37,200.00" in result.stdout
    assert run.json("estimate", "--policy-file", RULES, *EMP, "--tier", "3", "--amount", "100000")[
        "critical_illness_name"] == "职工大额医疗互助"


def test_resident_row_is_called_da_bing(run, tmp_path):
    data = run.json("estimate", "--policy-file", RULES, *RES, "--tier", "3", "--amount", "30000")
    assert data["critical_illness_name"] == "大病保险"
    table = run("estimate", "--policy-file", RULES, *RES, "--tier", "3", "--amount", "30000", "-f", "table").stdout
    assert "大病保险" in table


def test_explain_shows_the_cap_point_base_and_pay(run):
    data = run.json("estimate", "--policy-file", RULES, *EMP, "--tier", "3", "--amount", "100000", "--explain")
    steps = {s["key"]: s for s in data["steps"]}
    assert steps["cap_point"]["value"] == 58666.67  # shown to the fen; computed exactly
    assert steps["critical_illness_base"]["value"] == 41333.33
    assert steps["critical_illness_pay"]["value"] == 37200
    assert "(41333.33 − 0.00) × 90%" in steps["critical_illness_pay"]["formula"]


def test_explain_shows_the_burden_over_the_year(run):
    data = run.json("estimate", "--policy-file", RULES, *RES, "--tier", "3", "--amount", "30000",
                    "--ytd-burden", "10000", "--explain")
    step = next(s for s in data["steps"] if s["key"] == "critical_illness_pay")
    assert "本年累计 10000.00 → 22600.00" in step["formula"] and step["value"] == 1560


def test_missing_transfer_rule_is_an_upper_bound(run):
    data = run.json("estimate", "--policy-file", str(Path(__file__).parent / "policies" / "example.yaml"),
                    *EMP, "--tier", "2", "--amount", "8000", "--remote", "转诊")
    assert data["bound"] == "upper" and data["remote_applied"] is None
    assert "异地转诊备案" in data["warnings"][0]
    assert data["fund_pay"] == 6600  # the local ratio: at most


def test_3a_fallback_warns(run):
    data = run.json("estimate", "--policy-file", RULES, *RES, "--tier", "三甲", "--amount", "8000")
    assert any("没有单列三级甲等" in w for w in data["warnings"])
    table = run("estimate", "--policy-file", RULES, *RES, "--tier", "三甲", "--amount", "8000", "-f", "table").stdout
    assert "三级甲等医院(按三级计)" in table


def test_compare_shows_3a_only_where_the_data_has_it(run):
    emp = run.json("estimate", "--policy-file", RULES, *EMP, "--amount", "8000", "--compare", "tiers")
    assert [r["tier"] for r in emp["rows"]] == ["1", "2", "3", "3a"]
    res = run.json("estimate", "--policy-file", RULES, *RES, "--amount", "8000", "--compare", "tiers")
    assert "3a" not in [r["tier"] for r in res["rows"]]


# ---- upper bounds in every format ---------------------------------------------------------------

UNBOUNDED = ["estimate", "--policy-file", RULES, *RES, "--visit", "门诊", "--tier", "1", "--amount", "10000"]


def test_upper_bound_json(run):
    data = run.json(*UNBOUNDED)
    assert data["bound"] == "upper" and data["fund_pay"] == 5000  # 10000 × 50%, no deductible, no cap in the data
    assert "起付线" in data["warnings"][0] and "上限" in data["warnings"][0]  # the reason comes first
    assert "封顶线" in data["warnings"][1]


def test_upper_bound_plain(run):
    lines = run(*UNBOUNDED, "-f", "plain").stdout.splitlines()
    assert "bound: upper" in lines


def test_upper_bound_table(run):
    out = run(*UNBOUNDED, "-f", "table").stdout
    assert "至多 5,000.00" in out and "至少 5,000.00" in out
    assert out.index("⚠ 数据没有门诊统筹起付线") < out.index("⚠ 数据没有门诊统筹年度封顶线")


def test_bounded_answer_says_null(run):
    data = run.json("estimate", "--policy-file", RULES, *EMP, "--tier", "2", "--amount", "8000")
    assert data["bound"] is None
    assert "bound: " in run("estimate", "--policy-file", RULES, *EMP, "--tier", "2", "--amount", "8000",
                            "-f", "plain").stdout  # empty value: the key is always there


def test_upper_bound_in_batch_csv_and_jsonl(run, tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("type,visit,tier,amount\n居民,门诊,1,10000\n职工,住院,2,8000\n", encoding="utf-8")
    rows = run("estimate", "--batch", str(path), "--policy-file", RULES).stdout.splitlines()
    header = rows[0].split(",")
    first = dict(zip(header, rows[1].split(",", len(header) - 1), strict=True))
    assert first["bound"] == "upper" and first["warnings"].startswith('"数据没有门诊统筹起付线')
    second = dict(zip(header, rows[2].split(",", len(header) - 1), strict=True))
    assert second["bound"] == ""
    jsonl = run("estimate", "--batch", str(path), "--policy-file", RULES, "-f", "jsonl").stdout.splitlines()
    records = [json.loads(line) for line in jsonl]
    assert records[0]["bound"] == "upper" and records[0]["warnings"][0].startswith("数据没有门诊统筹起付线")
    assert records[1]["bound"] is None


def test_compare_rows_carry_the_bound(run):
    data = run.json("estimate", "--policy-file", RULES, *RES, "--visit", "门诊", "--amount", "1000",
                    "--compare", "tiers")
    assert [r["bound"] for r in data["rows"]] == ["upper"]


# ---- the whole-bill assumption -----------------------------------------------------------------


def test_whole_bill_assumption_is_said_first_among_notes(run):
    data = run.json("estimate", "--policy-file", RULES, *EMP, "--tier", "2", "--amount", "8000")
    assert data["notes"][0].startswith("这张账单按全部属于政策范围内计算")
    plain = run("estimate", "--policy-file", RULES, *EMP, "--tier", "2", "--amount", "8000", "-f", "plain").stdout
    assert "notes: 这张账单按全部属于政策范围内计算" in plain
    table = run("estimate", "--policy-file", RULES, *EMP, "--tier", "2", "--amount", "8000", "-f", "table").stdout
    assert "这张账单按全部属于政策范围内计算" in table


@pytest.mark.parametrize("given", [["--self-pay", "0"], ["--partial-self-pay", "500"]])
def test_no_assumption_when_the_parts_are_given(run, given):
    data = run.json("estimate", "--policy-file", RULES, *EMP, "--tier", "2", "--amount", "8000", *given)
    assert not any("这张账单按全部" in n for n in data["notes"])


def test_batch_says_the_assumption_once(run, tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("tier,amount,self_pay\n2,8000,\n2,9000,\n3,8000,100\n", encoding="utf-8")
    result = run("estimate", "--batch", str(path), "--policy-file", RULES, *EMP)
    assert result.exit_code == 0
    assert result.stderr.count("按整张账单属于政策范围内计算") == 1


def test_section_notes_reach_the_estimate(run):
    data = run.json("estimate", "--policy-file", RULES, *EMP, "--tier", "3", "--amount", "100000")
    assert "超过基本统筹封顶线的部分由大额互助支付" in data["notes"]


# ---- --min-confidence ---------------------------------------------------------------------------


def test_min_confidence_refuses_a_weaker_source(run):
    result = run("estimate", "--policy-file", RULES, *EMP, "--tier", "2", "--amount", "8000",
                 "--min-confidence", "official", "-f", "json")
    assert result.exit_code == ExitCode.ERROR and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "规则示例通知" in lines[0] and "secondary" in lines[0]


def test_min_confidence_at_or_below_the_source_passes(run):
    for level in ("secondary", "unverified"):
        data = run.json("estimate", "--policy-file", RULES, *EMP, "--tier", "2", "--amount", "8000",
                        "--min-confidence", level)
        assert data["fund_pay"] == 6375


def test_min_confidence_observed_ranks_above_secondary(run):
    result = run("estimate", "--policy-file", RULES, *EMP, "--tier", "2", "--amount", "8000",
                 "--min-confidence", "observed")
    assert result.exit_code == ExitCode.ERROR


def test_min_confidence_from_the_config_and_in_batch(run, tmp_path):
    assert run("config", "set", "min_confidence", "official").exit_code == 0
    single = run("estimate", "--policy-file", RULES, *EMP, "--tier", "2", "--amount", "8000")
    assert single.exit_code == ExitCode.ERROR
    path = tmp_path / "b.csv"
    path.write_text("tier,amount\n2,8000\n", encoding="utf-8")
    batch = run("estimate", "--batch", str(path), "--policy-file", RULES, *EMP)
    assert batch.exit_code == ExitCode.ERROR and "规则示例通知" in batch.stdout


def test_min_confidence_word_is_checked(run):
    result = run("estimate", "--policy-file", RULES, *EMP, "--tier", "2", "--amount", "8000",
                 "--min-confidence", "very")
    assert result.exit_code == ExitCode.USAGE and "可信度" in result.stderr


def test_year_to_date_batch_carries_burden_and_critical(run, tmp_path):
    path = tmp_path / "y.csv"
    path.write_text("person,tier,amount\nA,3,30000\nA,3,30000\nA,3,30000\n", encoding="utf-8")
    rows = run("estimate", "--batch", str(path), "--policy-file", RULES, *RES, "--year-to-date", "-q").stdout
    got = [line.split(",")[6] for line in rows.splitlines()[1:]]  # critical_illness_pay
    # burdens 12600 each: [0, 12600] below 20000 → 0; [12600, 25200] → 5200 × 60% = 3120;
    # [25200, 37800] → 12600 × 60% = 7560
    assert got == ["0.00", "3120.00", "7560.00"]


def test_ytd_options_are_checked(run):
    result = run("estimate", "--policy-file", RULES, *RES, "--tier", "3", "--amount", "30000", "--ytd-burden", "-5")
    assert result.exit_code == ExitCode.USAGE and "负数" in result.stderr


def test_new_keys_are_validated_with_a_path_and_line(run, tmp_path):
    text = Path(RULES).read_text(encoding="utf-8").replace("mode: above_cap", "mode: above_cap\n      threshold: 5000")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    result = run("policy", "validate", str(bad))
    assert result.exit_code == ExitCode.ERROR
    assert "plans.employee.critical_illness" in result.stdout and "threshold" in result.stdout
    line = int(result.stdout.split(":")[1])
    assert "critical_illness" in text.splitlines()[line - 1]


@pytest.mark.parametrize("old, new, words", [
    ('"1": {ratio: 0.6, visit_deductible: 10}', '"1": {ratio: 0.6, visit_deductible: -1}', ["visit_deductible"]),
    ('"2": {deductible: 500, ratio: 0.85}', '"2": {deductible: 500, ratio: 0.85, visit_deductible: 5}',
     ["visit_deductible", "门诊"]),
    ("repeat_admission: {factors: [0.5, 0]}", "repeat_admission: {factors: [0.5, 1.5]}", ["factors", "0.85"]),
    ("repeat_admission: {factors: [0.5, 0]}", "repeat_admission: {factors: [0.5], factor: 0.5}", ["repeat_admission"]),
    ("transfer: {factor: 0.9}", "transfer: {factor: 9}", ["transfer", "0.85"]),
    ('"3a": {deductible: 1200, ratio: 0.80}', '"3b": {deductible: 1200, ratio: 0.80}', ["3b"]),
    ("includes_partial_self_pay: true", "includes_partial_self_pay: maybe", ["includes_partial_self_pay"]),
])
def test_new_key_mistakes(run, tmp_path, old, new, words):
    text = Path(RULES).read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace(old, new), encoding="utf-8")
    result = run("policy", "validate", str(bad))
    assert result.exit_code == ExitCode.ERROR, result.stdout
    for word in words:
        assert word in result.stdout, result.stdout


def test_policy_show_lists_the_new_rules(run):
    out = run("policy", "show", RULES, "-f", "table").stdout
    for words in ("三级甲等医院", "退休加 5%", "每次起付 10.00 元", "第二次 × 0.5、第三次 × 0", "异地转诊备案",
                  "职工大额医疗互助", "基本统筹基金达到年度封顶线以后", "(含乙类先行自付)"):
        assert words in out, words


def test_policy_show_yaml_round_trips_the_new_keys(run, tmp_path):
    text = run("policy", "show", RULES, "-f", "yaml").stdout
    copy = tmp_path / "copy.yaml"
    copy.write_text(text, encoding="utf-8")
    assert run("policy", "validate", str(copy)).exit_code == 0
    a = run.json("estimate", "--policy-file", RULES, *EMP, "--tier", "3", "--amount", "200000")
    b = run.json("estimate", "--policy-file", str(copy), *EMP, "--tier", "3", "--amount", "200000")
    assert a["critical_illness_pay"] == b["critical_illness_pay"] == 129266.67


def test_schema_describes_the_new_keys(run):
    schema = json.loads(run("policy", "schema").stdout)
    text = json.dumps(schema, ensure_ascii=False)
    for key in ("above_cap", "includes_partial_self_pay", "visit_deductible", "factors", "transfer", "3a", "observed"):
        assert key in text, key


def test_decimal_everywhere():
    from medins_cli.core import Claim, estimate
    from medins_cli.store.regions import load_policy

    policy = load_policy(Path(RULES))
    bd = estimate(policy, Claim(total=Decimal("200000"), tier="3", plan="employee"))
    assert isinstance(bd.critical_illness_pay, Decimal) and bd.critical_illness_pay == Decimal("129266.67")


def test_cap_reached_without_critical_illness_data_says_more_may_be_paid(run, tmp_path):
    policy = tmp_path / "nocritical.yaml"
    policy.write_text(
        "schema: 1\nregion: {name: 无大病市, province: 示例省}\nyear: 2026\n"
        "sources: [{id: s, title: 示例, confidence: secondary}]\n"
        "plans:\n  employee:\n    inpatient:\n      tiers: {\"3\": {deductible: 1000, ratio: 0.8}}\n"
        "      annual_cap: 10000\n      source: s\n", encoding="utf-8")
    below = run.json("estimate", "--policy-file", str(policy), *EMP, "--tier", "3", "--amount", "5000")
    assert not any("可能还有" in w for w in below["warnings"])  # (5000 − 1000) × 80% = 3200 < 10000
    above = run.json("estimate", "--policy-file", str(policy), *EMP, "--tier", "3", "--amount", "50000")
    assert above["fund_pay"] == 10000 and above["critical_illness_pay"] == 0  # 39200 capped at 10000
    assert any("数据没有大额医疗补助的规则" in w and "可能付得更多" in w for w in above["warnings"])


def test_outpatient_table_names_only_the_fund_and_says_why_a_tier_pays_nothing(run):
    # issue 12, item 18: 居民门诊 at 二级 (ratio 0 in the 绵阳 data) said 0 % with no reason, and the
    # outpatient table explained the effective ratio as (统筹 + 大病) ÷ 总额 although 大病 never pays there
    args = ["estimate", "-r", "绵阳", "-t", "居民", "--visit", "门诊", "--tier", "2", "--amount", "300"]
    data = run.json(*args)
    assert data["fund_pay"] == 0
    assert any("二级医院的门诊统筹报销比例为 0" in w and "不纳入统筹" in w for w in data["warnings"])
    table = run(*args, "-f", "table").stdout
    assert "统筹 ÷ 总额" in table and "(统筹 +" not in table and "大病保险" not in table.split("└")[0]
    inpatient = run("estimate", "-r", "绵阳", "-t", "居民", "--tier", "2", "--amount", "300", "-f", "table").stdout
    assert "(统筹 + 大病保险) ÷ 总额" in inpatient


@pytest.mark.parametrize("word, key", [("三甲", "3a"), ("三级甲等", "3a"), ("二甲", "2"), ("一级甲等", "1")])
def test_tier_words_agree_in_the_config_and_in_batch(run, tmp_path, word, key):
    assert run("config", "set", "tier", word).exit_code == 0
    assert run("config", "get", "tier").stdout.strip() == key
    batch = tmp_path / "b.csv"
    batch.write_text(f"tier,amount\n{word},8000\n", encoding="utf-8")
    result = run("estimate", "--batch", str(batch), "--policy-file", RULES, *EMP, "-f", "jsonl")
    single = run.json("estimate", "--policy-file", RULES, *EMP, "--tier", word, "--amount", "8000")
    assert json.loads(result.stdout)["fund_pay"] == single["fund_pay"]
