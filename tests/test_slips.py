"""`medins slip check` (and `--learn`), worked by hand through the public face.

The region is 绵阳 as shipped (data/regions/mianyang.yaml): 职工 住院 三级 起付线 750, 84 %, 退休 +3
points, 第二次住院起付线减半, 封顶 500 000; 职工大额 on the year's burden above 12 000. 二级 450 / 88 %.
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from medins_cli.core.slip import field_of
from medins_cli.errors import ExitCode
from medins_cli.store.paths import shipped_data_dir
from medins_cli.store.regions import read_policy_dict

RULES = Path(__file__).parent / "policies" / "rules.yaml"
MIANYANG = ["-r", "绵阳", "-t", "职工", "--tier", "3"]

# 8000 − 全自费 500 − 先行自付 300 = 7200; (7200 − 750) × 84 % = 5418.00; 8000 − 5418 = 2582 = 1000 + 1582
MATCHING = {"医疗费总额": "8,000.00", "全自费金额": 500, "先行自付金额": 300, "符合政策范围金额": 7200,
            "起付标准": 750, "统筹基金支出": 5418, "个人账户支出": 1000, "个人现金支出": 1582,
            "结算日期": "2025-03-02", "医院": "绵阳市中心医院"}


def write(tmp_path: Path, data: dict, name: str = "slip.yaml") -> str:
    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def check(run, path: str, *args: str):
    result = run("slip", "check", path, *args, "-f", "json")
    return result, json.loads(result.stdout)


def lines(data: dict) -> dict:
    return {line["key"]: line for line in data["lines"]}


# ---- adds up and matches ------------------------------------------------------------------


def test_a_slip_that_adds_up_and_matches(run, tmp_path):
    result, data = check(run, write(tmp_path, MATCHING), *MIANYANG)
    assert result.exit_code == ExitCode.OK
    assert list(data) == ["adds_up", "problems", "lines", "implied", "region", "sources", "warnings"]
    assert data["adds_up"] is True and data["problems"] == []
    got = lines(data)
    assert {k: (v["slip"], v["estimate"], v["difference"]) for k, v in got.items()} == {
        "eligible": (7200, 7200, 0), "deductible": (750, 750, 0), "fund_pay": (5418, 5418, 0),
        "critical_illness_pay": (0, 0, 0), "out_of_pocket": (2582, 2582, 0)}
    assert all(v["reason"] is None for v in got.values())
    assert data["implied"] == {"deductible": 750, "ratio": 0.84}  # 5418 ÷ (7200 − 750)
    assert data["region"] == "绵阳" and data["sources"][0]["confidence"] == "unverified"


def test_table_and_plain_say_the_same(run, tmp_path):
    path = write(tmp_path, MATCHING)
    table = run("slip", "check", path, *MIANYANG, "-f", "table")
    assert table.exit_code == 0
    assert "加总正确" in table.stdout and "5,418.00" in table.stdout and "统筹比例 84%" in table.stdout
    plain = run("slip", "check", path, *MIANYANG, "-f", "plain").stdout.splitlines()
    assert "adds_up: true" in plain
    assert "line.fund_pay: slip=5418.00 estimate=5418.00 difference=0.00" in plain
    assert "implied_ratio: 0.84" in plain


def test_typed_as_options(run):
    result = run("slip", "check", "--amount", "8000", "--deductible", "750", "--fund-pay", "6090", "--cash-pay",
                 "1910", *MIANYANG, "-f", "json")  # (8000 − 750) × 84 % = 6090
    data = json.loads(result.stdout)
    assert result.exit_code == 0 and data["adds_up"] and lines(data)["fund_pay"]["difference"] == 0


def test_options_win_over_the_file(run, tmp_path):
    path = write(tmp_path, {**MATCHING, "医院等级": "二级"})
    _, data = check(run, path, "-r", "绵阳", "-t", "职工", "--tier", "3")
    assert lines(data)["fund_pay"]["difference"] == 0  # the option's 三级, not the slip's 二级


def test_context_from_the_slip_and_the_config(run, tmp_path):
    run("config", "set", "region", "绵阳")
    run("config", "set", "type", "职工")
    path = write(tmp_path, {**MATCHING, "医院等级": "三级", "就诊类型": "住院"})
    result, data = check(run, path)
    assert result.exit_code == 0 and data["region"] == "绵阳" and lines(data)["fund_pay"]["difference"] == 0


# ---- adds up, differs, and why ---------------------------------------------------------------


@pytest.mark.parametrize("slip, words", [
    # 第二次住院起付线减半: 375; (8000 − 375) × 84 % = 6405
    ({"total": 8000, "deductible": 375, "fund_pay": 6405, "cash_pay": 1595}, "本年第 2 次住院(--admission 2)"),
    # 退休 84 % + 3 = 87 %: (8000 − 750) × 87 % = 6307.50
    ({"total": 8000, "deductible": 750, "fund_pay": "6307.50", "cash_pay": "1692.50"}, "退休人员(--retired)"),
    # 二级 450 / 88 %: (8000 − 450) × 88 % = 6644
    ({"total": 8000, "deductible": 450, "fund_pay": 6644, "cash_pay": 1356}, "二级医院(--tier 2)"),
    # 异地未备案 × 0.7: 84 % × 0.7 = 58.8 %; (8000 − 750) × 58.8 % = 4263
    ({"total": 8000, "deductible": 750, "fund_pay": 4263, "cash_pay": 3737}, "异地未备案(--remote unfiled)"),
])
def test_differs_and_the_reason_is_another_reading_of_the_bill(run, tmp_path, slip, words):
    result, data = check(run, write(tmp_path, slip), *MIANYANG)
    assert result.exit_code == ExitCode.OK  # it adds up: a difference from the estimate is not an error
    fund = lines(data)["fund_pay"]
    assert fund["difference"] != 0
    assert fund["reason"] == f"按{words}计算就与结算单一致"


def test_differs_by_ratio_and_deductible_the_data_is_unverified(run, tmp_path):
    slip = {**MATCHING, "起付标准": 700, "统筹基金支出": 5525, "个人现金支出": 1475}  # (7200 − 700) × 85 % = 5525
    result, data = check(run, write(tmp_path, slip), *MIANYANG)
    got = lines(data)
    assert result.exit_code == 0
    assert got["deductible"]["difference"] == -50 and "未经核实" in got["deductible"]["reason"]
    assert got["fund_pay"]["difference"] == 107  # 5525 − 5418
    assert "相当于比例 85%,数据是 84%" in got["fund_pay"]["reason"]
    assert data["implied"] == {"deductible": 700, "ratio": 0.85}


def test_differs_because_the_cap_may_have_been_reached(run, tmp_path):
    # 3000 of (8000 − 750): no single ratio gives it; what is left of the 500 000 cap would
    slip = {"total": 8000, "deductible": 750, "fund_pay": 3000, "cash_pay": 5000}
    _, data = check(run, write(tmp_path, slip), *MIANYANG)
    reason = lines(data)["fund_pay"]["reason"]
    assert reason.startswith("可能已到年度封顶线:若本年此前统筹已付 497,000.00")
    assert data["implied"]["ratio"] is None


def test_other_funds_are_shown_not_estimated(run, tmp_path):
    slip = {**MATCHING, "医疗救助": 200, "个人现金支出": 1382}
    _, data = check(run, write(tmp_path, slip), *MIANYANG)
    other = lines(data)["other_funds"]
    assert (other["slip"], other["estimate"], other["difference"]) == (200, None, None)
    assert "不估算医疗救助" in other["reason"]


# ---- does not add up ---------------------------------------------------------------------------


def test_payers_do_not_add_up(run, tmp_path):
    result, data = check(run, write(tmp_path, {**MATCHING, "个人现金支出": 1500}), *MIANYANG)
    assert result.exit_code == ExitCode.ERROR
    assert data["adds_up"] is False
    [problem] = data["problems"]
    assert problem["check"] == "payers" and (problem["left"], problem["right"]) == (7918, 8000)
    assert "7,918.00 ≠ 医疗费总额 8,000.00(差 -82.00)" in problem["message"]  # 5418 + 1000 + 1500


def test_eligible_does_not_add_up(run, tmp_path):
    result, data = check(run, write(tmp_path, {**MATCHING, "符合政策范围金额": 7300}), *MIANYANG)
    assert result.exit_code == ExitCode.ERROR
    problem = next(p for p in data["problems"] if p["check"] == "eligible")
    assert (problem["left"], problem["right"]) == (7300, 7200)  # 8000 − 500 − 300
    assert "全自费 + 超限价自费 + 先行自付" not in problem["message"]  # only the parts the slip printed
    assert "医疗费总额 − 全自费 + 先行自付 = 7,200.00" in problem["message"]


def test_printed_sums_are_checked(run, tmp_path):
    slip = {**MATCHING, "基金支付总额": 5400, "个人负担总金额": 2582}
    result, data = check(run, write(tmp_path, slip), *MIANYANG)
    assert result.exit_code == 1
    [problem] = data["problems"]
    assert problem["check"] == "fund_total" and (problem["left"], problem["right"]) == (5400, 5418)


def test_two_spellings_that_disagree(run, tmp_path):
    result, data = check(run, write(tmp_path, {**MATCHING, "hifp_pay": 5400}), *MIANYANG)
    assert result.exit_code == 1
    assert any(p["check"] == "spellings" and "5,400.00" in p["message"] for p in data["problems"])


def test_table_names_both_sides(run, tmp_path):
    result = run("slip", "check", write(tmp_path, {**MATCHING, "个人现金支出": 1500}), *MIANYANG, "-f", "table")
    assert result.exit_code == 1 and "加总不对" in result.stdout and "7,918.00" in result.stdout


# ---- the three spellings ---------------------------------------------------------------------------

OURS = {"total": 10000, "self_pay": 600, "over_limit": 100, "partial_self_pay": 300, "eligible": 9000,
        "deductible": 750, "fund_pay": 6930, "critical_illness_pay": 0, "assistance_pay": 200, "other_fund_pay": 100,
        "hospital_pay": 50, "account_pay": 1000, "family_pay": 500, "cash_pay": 1220}
# (9000 − 750) × 84 % = 6930; 10000 − 6930 − 200 − 100 − 50 − 1000 − 500 = 1220
NATIONAL = {"medfee_sumamt": 10000, "fulamt_ownpay_amt": 600, "overlmt_selfpay": 100, "preselfpay_amt": 300,
            "inscp_scp_amt": 9000, "act_pay_dedc": 750, "hifp_pay": 6930, "hifob_pay": 0, "maf_pay": 200,
            "cvlserv_pay": 100, "hosp_part_amt": 50, "acct_pay": 1000, "acct_mulaid_pay": 500, "psn_cash_pay": 1220,
            "fund_pay_sumamt": 7230, "psn_part_amt": 2720, "psn_name": "张三", "setl_id": "123"}
CHINESE = {"医疗费总额(元)": "10,000.00", "全自费金额": 600, "超限价自费费用": 100, "先行自付金额": 300,
           "符合政策范围金额": 9000, "实际支付起付线": 750, "统筹基金支出": 6930, "大额医疗补助": 0,
           "医疗救助基金支出": 200, "公务员医疗补助": 100, "医院负担金额": 50, "个人账户支出": 1000,
           "共济账户支付": 500, "个人现金支出:": 1220, "基金支付总额": 7230, "个人负担总金额": 2720}


def test_the_three_spellings_check_alike(run, tmp_path):
    results = [check(run, write(tmp_path, doc, f"{i}.json"), *MIANYANG)[1] for i, doc in
               enumerate((OURS, NATIONAL, CHINESE))]
    assert results[0]["adds_up"] and results[0]["implied"] == {"deductible": 750, "ratio": 0.84}
    for other in results[1:]:
        assert other["lines"] == results[0]["lines"] and other["implied"] == results[0]["implied"]
        assert other["adds_up"]
    assert not any("不认识" in w for r in results for w in r["warnings"])
    assert any("psn_name、setl_id" in w for w in results[1]["warnings"])  # skipped, and said so


@pytest.mark.parametrize("spelling, key", [
    *[(k, k) for k in OURS], ("self-pay", "self_pay"),
    ("medfee_sumamt", "total"), ("med_fee_sumamt", "total"), ("fulamt_ownpay_amt", "self_pay"),
    ("overlmt_selfpay", "over_limit"), ("preselfpay_amt", "partial_self_pay"), ("inscp_scp_amt", "eligible"),
    ("act_pay_dedc", "deductible"), ("hifp_pay", "fund_pay"), ("hifmi_pay", "critical_illness_pay"),
    ("hifob_pay", "critical_illness_pay"), ("maf_pay", "assistance_pay"), ("cvlserv_pay", "other_fund_pay"),
    ("hifes_pay", "other_fund_pay"), ("oth_pay", "other_fund_pay"), ("hosp_part_amt", "hospital_pay"),
    ("acct_pay", "account_pay"), ("acct_mulaid_pay", "family_pay"), ("psn_cash_pay", "cash_pay"),
    ("fund_pay_sumamt", "fund_total"), ("psn_part_amt", "personal_total"), ("setl_time", "date"),
    ("医疗费总额", "total"), ("医疗费用总额", "total"), ("费用总额", "total"), ("全自费", "self_pay"),
    ("自费金额", "self_pay"), ("超限价自费", "over_limit"), ("先行自付", "partial_self_pay"),
    ("乙类先行自付", "partial_self_pay"), ("符合范围金额", "eligible"), ("政策范围内费用", "eligible"),
    ("起付线", "deductible"), ("起付标准", "deductible"), ("统筹基金支付", "fund_pay"), ("统筹支付", "fund_pay"),
    ("大病保险", "critical_illness_pay"), ("大病保险支付", "critical_illness_pay"),
    ("大额医疗", "critical_illness_pay"), ("医疗救助", "assistance_pay"), ("个人账户支付", "account_pay"),
    ("家庭共济支付", "family_pay"), ("个人现金支付", "cash_pay"), ("现金支付", "cash_pay"),
    ("医疗费总额(元)", "total"), ("统筹基金支出:", "fund_pay"), (" 个人账户 支出 ", "account_pay"),
])
def test_every_spelling_names_its_field(spelling, key):
    assert field_of(spelling)[0] == key


def test_separate_funds_add_up_into_one_line(run, tmp_path):
    doc = {"medfee_sumamt": 8000, "act_pay_dedc": 750, "hifp_pay": 6090, "hifmi_pay": 100, "hifob_pay": 50,
           "psn_cash_pay": 1760}
    _, data = check(run, write(tmp_path, doc, "x.json"), *MIANYANG)
    assert data["adds_up"] and lines(data)["critical_illness_pay"]["slip"] == 150


def test_unknown_fields_are_reported_with_a_suggestion(run, tmp_path):
    result, data = check(run, write(tmp_path, {**MATCHING, "medfee_sumamnt": 1, "心情": "好"}), *MIANYANG)
    assert result.exit_code == 0
    assert "结算单里不认识的字段「medfee_sumamnt」没有使用:是不是「medfee_sumamt」?" in data["warnings"]
    assert any("「心情」" in w for w in data["warnings"])


def test_the_national_message_is_unwrapped(run, tmp_path):
    message = {"infcode": 0, "output": {"setlinfo": {"medfee_sumamt": 8000, "act_pay_dedc": 750, "hifp_pay": 6090,
                                                     "psn_cash_pay": 1910, "acct_pay": 0, "med_type": "21",
                                                     "insutype": "310", "setl_time": "2025-03-02 10:20:30"}},
               "setldetail": []}
    result = run("slip", "check", "-", "-r", "绵阳", "--tier", "3", "-f", "json",
                 input=json.dumps(message, ensure_ascii=False))
    data = json.loads(result.stdout)
    assert result.exit_code == 0 and data["adds_up"] and lines(data)["fund_pay"]["difference"] == 0
    assert any("setlinfo" in w for w in data["warnings"])
    assert not any("参保类型" in w for w in data["warnings"])  # insutype 310 said 职工


def test_family_account_inside_the_personal_account(run, tmp_path):
    # some systems count 共济 inside 个人账户支出: 5418 + 1000 (incl. 300 共济) + 1582 = 8000
    doc = {**MATCHING, "共济账户支付": 300, "个人负担总金额": 2582}
    result, data = check(run, write(tmp_path, doc), *MIANYANG)
    assert result.exit_code == 0 and data["adds_up"]
    assert any("已含共济账户支付 300.00" in w for w in data["warnings"])


def test_without_a_region_only_the_sums_are_checked(run, tmp_path):
    result, data = check(run, write(tmp_path, MATCHING))
    assert result.exit_code == 0 and data["adds_up"] and data["region"] is None
    assert lines(data)["fund_pay"]["estimate"] is None
    assert data["implied"] == {"deductible": 750, "ratio": 0.84}
    assert any("只检查了加总" in w for w in data["warnings"])


def test_an_outpatient_slip(run, tmp_path):
    # 职工门诊 三级 50 %, annual deductible 200: (600 − 200) × 50 % = 200
    doc = {"total": 600, "deductible": 200, "fund_pay": 200, "account_pay": 400, "visit": "门诊"}
    result, data = check(run, write(tmp_path, doc), *MIANYANG)
    assert result.exit_code == 0 and lines(data)["fund_pay"]["difference"] == 0
    assert data["implied"]["ratio"] == 0.5


# ---- bad input: one Chinese line, exit 2 ----------------------------------------------------------


@pytest.mark.parametrize("doc, words", [
    ({**MATCHING, "统筹基金支出": "很多"}, "结算单的「统筹基金支出」「很多」不是数字"),
    ({**MATCHING, "个人现金支出": -5}, "不能为负数"),
    ({"统筹基金支出": 100}, "结算单缺少医疗费总额"),
    ({"医疗费总额": 100}, "结算单缺少统筹基金支付"),
    ({**MATCHING, "结算日期": "昨天"}, "不是日期"),
    ({**MATCHING, "医院等级": "五级"}, "不认识的医院等级"),
    ({**MATCHING, "统筹基金支出": True}, "不是金额"),
])
def test_bad_values_are_usage_errors(run, tmp_path, doc, words):
    result = run("slip", "check", write(tmp_path, doc), *MIANYANG)
    assert result.exit_code == ExitCode.USAGE, result.stderr
    assert words in result.stderr and result.stderr.count("\n") == 1 and result.stdout == ""


@pytest.mark.parametrize("text, name, words", [
    ("a: &x 1\nb: *x\n", "s.yaml", "锚点"),
    ('{"total": 1,', "s.json", "不是有效的 JSON"),
    ('{"total": 1, "total": 2}', "s.json", "写了两次"),
    ("total,fund_pay,total\n99999,6000,8000\n", "s.csv", "列「total」写了两次(第 1、3 列)"),
    ("total: 1\ntotal: 2\n", "s.yaml", "重复的键"),
    ("- 1\n- 2\n", "s.yaml", "不是「字段: 值」的键值对"),
    ("", "s.yaml", "是空的"),
    ("total：8000\n", "s.yaml", "中文冒号"),
    ("[" * 100 + "]" * 100, "s.json", "嵌套"),
    ("x: " + "[" * 100 + "]" * 100 + "\n", "s.yaml", "嵌套"),
    ('{"total": "\\ud800"}', "s.json", "无效字符"),
])
def test_bad_files_are_usage_errors(run, tmp_path, text, name, words):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = run("slip", "check", str(path))
    assert result.exit_code == ExitCode.USAGE and words in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


def test_a_yaml_bomb_is_refused_at_its_first_anchor(run, tmp_path):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("slip", "add", str(path))
    assert result.exit_code == ExitCode.USAGE and "锚点「&a0」" in result.stderr
    assert not (tmp_path / "ledger.sqlite3").exists()


def test_missing_and_oversized_files(run, tmp_path):
    result = run("slip", "check", str(tmp_path / "nope.yaml"))
    assert result.exit_code == ExitCode.USAGE and "找不到结算单文件" in result.stderr
    big = tmp_path / "big.yaml"
    big.write_text("total: 1\n" + "#" * (1 << 20), encoding="utf-8")
    result = run("slip", "check", str(big))
    assert result.exit_code == ExitCode.USAGE and "文件太大" in result.stderr
    result = run("slip", "check")
    assert result.exit_code == ExitCode.USAGE and "没有结算单" in result.stderr


def test_one_slip_at_a_time(run, tmp_path):
    path = tmp_path / "two.json"
    path.write_text(json.dumps([{"total": 1, "fund_pay": 0}, {"total": 2, "fund_pay": 0}]), encoding="utf-8")
    result = run("slip", "check", str(path))
    assert result.exit_code == ExitCode.USAGE and "2 张结算单" in result.stderr


# ---- --learn ---------------------------------------------------------------------------------------

SHIPPED = shipped_data_dir() / "regions" / "mianyang.yaml"
EIGHTY_FIVE = {**MATCHING, "起付标准": 700, "统筹基金支出": 5525, "个人现金支出": 1475}  # (7200 − 700) × 85 %


def _differences(a, b, where=()):
    """Field paths where two documents differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b), key=str):
            out += _differences(a.get(key), b.get(key), (*where, str(key)))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in _differences(x, y, (*where, str(i)))]
    return [".".join(where)] if _value(a) != _value(b) else []


def _value(x):
    """"0.70" and "0.7" are one figure (the writer prints numbers without trailing zeros)."""
    try:
        return Decimal(x) if isinstance(x, str) else x
    except ArithmeticError:
        return x


def _user_file(isolated_dirs) -> Path:
    return isolated_dirs["data"] / "regions" / "绵阳.yaml"


def _learned_version(shipped, learned, plan="employee", kind="inpatient"):
    """The version --learn added (every version there was stays as it was) and the one it copied."""
    assert learned["sections"][:-1] == shipped["sections"]
    added = learned["sections"][-1]
    base = next(x for x in shipped["sections"] if (x["plan"], x["kind"]) == (plan, kind))
    return added, base


def test_learn_writes_exactly_the_determined_figures(run, tmp_path, isolated_dirs):
    # the slip is dated 2025-03-02; the shipped figures are in force from 2026-01-01: a 2025 version is
    # added with the slip's figures, and the 2026 figures are not touched
    result = run("slip", "check", write(tmp_path, EIGHTY_FIVE), *MIANYANG, "--learn", "--yes", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert "84%" in result.stderr and "→ 85%" in result.stderr and "750.00 元" in result.stderr
    assert "新建 2025-01-01 至 2025-12-31 的一版" in result.stderr
    learned = read_policy_dict(_user_file(isolated_dirs))
    shipped = read_policy_dict(SHIPPED)
    added, base = _learned_version(shipped, learned)
    assert (added["effective"], added["until"]) == ("2025-01-01", "2025-12-31")
    assert _differences(base, added) == [
        "effective", "figures",  # from 2025-01-01; the figures' own source: the slip
        "tiers.3.deductible",  # 750 → 700
        "tiers.3.ratio",  # 0.84 → 0.85
        "until",  # to 2025-12-31
    ]
    tier = added["tiers"]["3"]
    assert (Decimal(tier["deductible"]), Decimal(tier["ratio"])) == (700, Decimal("0.85"))
    assert {path: fig["source"] for path, fig in added["figures"].items()} == {
        "tiers.3.deductible": "slip-2025-03-02", "tiers.3.ratio": "slip-2025-03-02"}
    assert "此前为 750" in added["figures"]["tiers.3.deductible"]["note"]
    assert learned["sources"][:-1] == shipped["sources"]
    src = learned["sources"][-1]
    assert src["confidence"] == "observed" and src["title"] == "本人结算单 2025-03-02 绵阳市中心医院"
    assert src["date"] == "2025-03-02" and "起付线 700.00 元、比例 85%" in src["note"]
    # a bill of that day uses them, and says where they came from
    est = run.json("estimate", *MIANYANG, "--amount", "8000", "--date", "2025-03-02")
    assert (est["deductible"], est["fund_pay"]) == (700, 6205)  # (8000 − 700) × 85 %
    assert {"id": "slip-2025-03-02", "confidence": "observed"}.items() <= est["sources"][-1].items()
    assert any("本人结算单 2025-03-02" in n for n in est["notes"])
    assert est["data_file"]["origin"] == "user"
    # a bill of today still uses the 2026 figures: a 2025 slip never teaches 2026
    assert run.json("estimate", *MIANYANG, "--amount", "8000")["fund_pay"] == 6090
    # the slip now matches
    assert check(run, write(tmp_path, EIGHTY_FIVE), *MIANYANG)[1]["lines"][2]["difference"] == 0


def test_learn_a_slip_of_a_year_the_data_covers_writes_into_that_version(run, tmp_path, isolated_dirs):
    slip = {**EIGHTY_FIVE, "结算日期": "2026-03-02"}
    result = run("slip", "check", write(tmp_path, slip), *MIANYANG, "--learn", "--yes")
    assert result.exit_code == 0, result.stderr
    learned = read_policy_dict(_user_file(isolated_dirs))
    shipped = read_policy_dict(SHIPPED)
    assert len(learned["sections"]) == len(shipped["sections"])  # no new version: the 2026 one covers the day
    assert _differences(shipped["sections"], learned["sections"]) == [
        "0.figures", "0.tiers.3.deductible", "0.tiers.3.ratio"]
    assert run.json("estimate", *MIANYANG, "--amount", "8000")["fund_pay"] == 6205


def test_a_slip_is_checked_against_the_version_in_force_on_its_date(run, tmp_path):
    policy = tmp_path / "dated.yaml"
    policy.write_text(
        "schema: 2\nregion: {name: 版本市, province: 四川}\nsources:\n  - {id: n, title: 通知, confidence: secondary}\n"
        "sections:\n"
        "  - {plan: employee, kind: inpatient, effective: 2019-01-01, until: 2019-12-31, source: n,\n"
        "     tiers: {\"3\": {deductible: 800, ratio: 0.8}}, annual_cap: 100000}\n"
        "  - {plan: employee, kind: inpatient, effective: 2026-01-01, source: n,\n"
        "     tiers: {\"3\": {deductible: 750, ratio: 0.84}}, annual_cap: 500000}\n", encoding="utf-8")
    # (8000 − 800) × 80 % = 5760: the 2019 version's figures
    slip = {"total": 8000, "deductible": 800, "fund_pay": 5760, "cash_pay": 2240, "date": "2019-03-02"}
    result, data = check(run, write(tmp_path, slip), "--policy-file", str(policy), "-t", "职工", "--tier", "3")
    assert result.exit_code == 0, result.stderr
    assert [line["difference"] for line in data["lines"]][:3] == [0, 0, 0]
    # a date no version covers: said, and the nearest version used
    slip = {**slip, "date": "2022-06-01"}
    result, data = check(run, write(tmp_path, slip), "--policy-file", str(policy), "-t", "职工", "--tier", "3")
    assert any("不包括 2022-06-01" in w for w in data["warnings"])


def test_learn_a_retirees_slip_writes_the_tiers_own_bonus(run, tmp_path, isolated_dirs):
    # 退休 88 %: (7200 − 750) × 88 % = 5676; in service 84 % stays, the tier's own bonus is 4 points
    slip = {**MATCHING, "统筹基金支出": 5676, "个人现金支出": 1324, "退休": "退休", "结算日期": "2026-03-02"}
    result = run("slip", "check", write(tmp_path, slip), *MIANYANG, "--learn", "--yes")
    assert result.exit_code == 0, result.stderr
    learned = read_policy_dict(_user_file(isolated_dirs))
    assert _differences(read_policy_dict(SHIPPED), learned) == [
        "sections.0.figures", "sections.0.tiers.3.retiree_bonus", "sources"]
    assert Decimal(learned["sections"][0]["tiers"]["3"]["retiree_bonus"]) == Decimal("0.04")
    assert run.json("estimate", *MIANYANG, "--amount", "8000", "--retired")["fund_pay"] == 6380  # 7250 × 88 %
    assert run.json("estimate", *MIANYANG, "--amount", "8000")["fund_pay"] == 6090  # 7250 × 84 %: untouched
    # 二级 keeps the section's bonus: (8000 − 450) × (88 % + 3 %) = 6870.50
    assert run.json("estimate", "-r", "绵阳", "--tier", "2", "--amount", "8000", "--retired")["fund_pay"] == 6870.5


def test_learn_a_second_admission_writes_the_ratio_only(run, tmp_path, isolated_dirs):
    # 第 2 次住院 起付线 375 (halved); (8000 − 375) × 85 % = 6481.25
    slip = {"total": 8000, "deductible": 375, "fund_pay": "6481.25", "cash_pay": "1518.75", "date": "2026-05-01"}
    result = run("slip", "check", write(tmp_path, slip), *MIANYANG, "--admission", "2", "--learn", "--yes")
    assert result.exit_code == 0, result.stderr
    assert "没有写入起付线" in result.stderr
    assert _differences(read_policy_dict(SHIPPED), read_policy_dict(_user_file(isolated_dirs))) == [
        "sections.0.figures", "sections.0.tiers.3.ratio", "sources"]


def test_learn_a_band_of_a_banded_tier(run, tmp_path):
    # 规则市 职工 三级: 1000, 80 % to 20 000 then 90 %. 10 000 lies in the first band: (10000 − 1000) × 82 % = 7380
    policy = tmp_path / "rules.yaml"
    policy.write_text("# yaml-language-server: $schema=./policy.schema.json\n" + RULES.read_text(encoding="utf-8"),
                      encoding="utf-8")
    slip = {"total": 10000, "deductible": 1000, "fund_pay": 7380, "cash_pay": 2620, "date": "2026-06-01"}
    result = run("slip", "check", write(tmp_path, slip), "--policy-file", str(policy), "-t", "职工", "--tier", "3",
                 "--learn", "--yes")
    assert result.exit_code == 0, result.stderr
    learned = read_policy_dict(policy)
    assert _differences(read_policy_dict(RULES), learned) == [
        "sections.0.figures", "sections.0.tiers.3.bands.0.ratio", "sources"]
    assert learned["sections"][0]["figures"]["tiers.3.bands"]["source"] == "slip-2026-06-01"  # the band's figure
    assert list(tmp_path.glob("rules.yaml.bak-*"))  # the user's own file was backed up first
    head = policy.read_text(encoding="utf-8").splitlines()[:3]
    assert head == ["# yaml-language-server: $schema=./policy.schema.json",  # its own leading comment is kept
                    "# 由 medins slip check --learn 改写:写入本人结算单的数字(来源 confidence: observed)",
                    "schema: 2"]  # a schema 1 file is written back as schema 2


def test_learn_a_3a_slip_where_the_data_has_no_3a(run, tmp_path, isolated_dirs):
    # 居民 三级 650 / 65 %, no 三甲 in the data. A 三甲 slip: 800, 62 %: (9000 − 800) × 62 % = 5084
    slip = {"total": 9000, "deductible": 800, "fund_pay": 5084, "cash_pay": 3916, "date": "2026-02-01"}
    result = run("slip", "check", write(tmp_path, slip), "-r", "绵阳", "-t", "居民", "--tier", "三甲", "--learn",
                 "--yes")
    assert result.exit_code == 0, result.stderr
    learned = read_policy_dict(_user_file(isolated_dirs))
    index = next(i for i, x in enumerate(learned["sections"]) if (x["plan"], x["kind"]) == ("resident", "inpatient"))
    assert _differences(read_policy_dict(SHIPPED), learned) == [
        f"sections.{index}.figures", f"sections.{index}.tiers.3a", "sources"]
    new = learned["sections"][index]["tiers"]["3a"]
    assert (Decimal(new["deductible"]), Decimal(new["ratio"])) == (800, Decimal("0.62"))
    assert run.json("estimate", "-r", "绵阳", "-t", "居民", "--tier", "3", "--amount", "9000")["deductible"] == 650


@pytest.mark.parametrize("slip, args, words", [
    ({**MATCHING, "个人现金支出": 1500}, [], "加总不对"),
    ({"total": 8000, "deductible": 750, "fund_pay": 3000, "cash_pay": 5000}, ["--ytd-fund", "497000"], "封顶线"),
    ({"total": 8000, "fund_pay": 5525, "cash_pay": 2475}, [], "没有打印起付线"),
    ({"total": 8000, "deductible": 750, "fund_pay": 4263, "cash_pay": 3737}, ["--remote", "unfiled"], "异地就医"),
    ({"total": 8000, "deductible": 750, "fund_pay": "5437.51", "cash_pay": "2562.49"}, [], "不是按一个比例"),
    # a retiree at 80 % (5800 ÷ 7250) is below the data's 84 % in service: the data itself is suspect
    ({"total": 8000, "deductible": 750, "fund_pay": 5800, "cash_pay": 2200, "退休": True}, [], "低于数据里在职"),
])
def test_learn_refuses_what_the_slip_does_not_determine(run, tmp_path, isolated_dirs, slip, args, words):
    result = run("slip", "check", write(tmp_path, slip), *MIANYANG, *args, "--learn", "--yes")
    assert result.exit_code == ExitCode.ERROR, result.stderr
    assert words in result.stderr.splitlines()[-1]
    assert not _user_file(isolated_dirs).exists()


def test_learn_refuses_bands_that_make_the_ratio_ambiguous(run, tmp_path):
    policy = tmp_path / "rules.yaml"
    shutil.copy(RULES, policy)
    before = policy.read_bytes()
    # 30 000 crosses the 20 000 band limit: (20000 − 1000) × 80 % + 10000 × 90 % = 24200
    slip = {"total": 30000, "deductible": 1000, "fund_pay": 24200, "cash_pay": 5800}
    result = run("slip", "check", write(tmp_path, slip), "--policy-file", str(policy), "-t", "职工", "--tier", "3",
                 "--learn", "--yes")
    assert result.exit_code == ExitCode.ERROR and "分段比例的分界" in result.stderr
    assert policy.read_bytes() == before


def test_learn_asks_first_and_a_no_writes_nothing(run, tmp_path, isolated_dirs):
    path = write(tmp_path, EIGHTY_FIVE)
    result = run("slip", "check", path, *MIANYANG, "--learn", input="n\n")
    assert result.exit_code == ExitCode.ERROR and "写入吗" in result.stderr and "没有写入" in result.stderr
    assert not _user_file(isolated_dirs).exists()
    result = run("slip", "check", path, *MIANYANG, "--learn", input="y\n")
    assert result.exit_code == 0 and _user_file(isolated_dirs).exists()
    again = run("slip", "check", path, *MIANYANG, "--learn", "--yes")  # nothing left to change
    assert again.exit_code == 0 and "没有要写入的" in again.stderr


def test_learn_from_stdin_needs_yes(run):
    result = run("slip", "check", "-", *MIANYANG, "--learn", input=json.dumps(EIGHTY_FIVE, ensure_ascii=False))
    assert result.exit_code == ExitCode.USAGE and "--yes" in result.stderr


def test_a_tiers_source_must_be_listed(run, tmp_path):
    text = RULES.read_text(encoding="utf-8").replace('"2": {deductible: 500, ratio: 0.85}',
                                                     '"2": {deductible: 500, ratio: 0.85, source: nope}')
    # (schema 1: a tier's source is read as the source of each of its figures; the path is the file's)
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("policy", "validate", str(path))
    assert result.exit_code == ExitCode.ERROR
    assert "plans.employee.inpatient.tiers.2.source" in result.stdout and "「nope」不在 sources" in result.stdout


# ---- --learn loses nothing: backups, concurrent writers, symlinks ------------------------------------

SECOND_TIER = {"total": 10000, "deductible": 500, "fund_pay": 8265, "cash_pay": 1735,  # 规则市 二级 87 %
               "date": "2025-03-02"}
THIRD_TIER = {"total": 10000, "deductible": 1000, "fund_pay": 7380, "cash_pay": 2620,  # 规则市 三级 first band 82 %
              "date": "2025-03-02"}
RULES_ARGS = ["-t", "职工", "--learn", "--yes"]


def _version(path: Path, plan: str, day: str = "2025-03-02") -> dict:
    """The inpatient section of ``plan`` in force on ``day`` (the slips here are of 2025-03-02: --learn
    adds a 2025 version beside the data's 2026 one)."""
    sections = [s for s in read_policy_dict(path)["sections"] if (s["plan"], s["kind"]) == (plan, "inpatient")
                and s["effective"] <= day and (s.get("until") is None or day <= s["until"])]
    return max(sections, key=lambda s: s["effective"])


def _tier(path: Path, plan: str, key: str) -> dict:
    return _version(path, plan)["tiers"][key]


def _tier_source(path: Path, plan: str, key: str) -> str:
    figures = _version(path, plan).get("figures", {})
    return next(meta["source"] for name, meta in figures.items() if name.startswith(f"tiers.{key}."))


def test_two_learns_in_the_same_second_keep_two_backups(run, tmp_path, monkeypatch):
    import time

    monkeypatch.setattr(time, "strftime", lambda fmt, *a: "20260101-120000")  # a `for` loop does four a second
    policy = tmp_path / "rules.yaml"
    shutil.copy(RULES, policy)
    original = policy.read_bytes()
    first = run("slip", "check", write(tmp_path, THIRD_TIER, "a.yaml"), "--policy-file", str(policy), "--tier", "3",
                *RULES_ARGS)
    assert first.exit_code == 0, first.stderr
    after_first = policy.read_bytes()
    second = run("slip", "check", write(tmp_path, SECOND_TIER, "b.yaml"), "--policy-file", str(policy), "--tier", "2",
                 *RULES_ARGS)
    assert second.exit_code == 0, second.stderr
    backups = sorted(tmp_path.glob("rules.yaml.bak-*"))
    assert [b.name for b in backups] == ["rules.yaml.bak-20260101-120000", "rules.yaml.bak-20260101-120000-2"]
    assert [b.read_bytes() for b in backups] == [original, after_first]  # the user's own figures are kept
    assert f"原来的文件备份为 {backups[1]}" in second.stderr
    assert _tier(policy, "employee", "2")["ratio"] == "0.87"
    assert _tier(policy, "employee", "3")["bands"][0]["ratio"] == "0.82"


def _learn_env(tmp_path: Path, name: str) -> dict:
    import os

    env = dict(os.environ, MEDINS_CONFIG_DIR=str(tmp_path / name / "c"), MEDINS_DATA_DIR=str(tmp_path / name / "d"),
               MEDINS_CACHE_DIR=str(tmp_path / "cache"))  # shared: only the first round validates the data
    env.pop("MEDINS_DEBUG", None)
    return env


def _learn_together(env: dict, runs: list[list[str]]) -> None:
    import subprocess
    import sys

    procs = [subprocess.Popen([sys.executable, "-m", "medins_cli", "slip", "check", *args, "--learn", "--yes", "-q"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for args in runs]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * len(runs), errors


def test_two_learns_at_the_same_moment_both_land(tmp_path):
    """Real processes. Before the lock one slip's figures and source vanished in most runs."""
    second = {"total": 8000, "deductible": 400, "fund_pay": 6840, "cash_pay": 1160,  # 绵阳 二级 400 / 90 %
              "date": "2025-03-02"}
    a, b = write(tmp_path, EIGHTY_FIVE, "a.yaml"), write(tmp_path, second, "b.yaml")
    for round_ in range(1):  # from the shipped data: both make the user's copy at once
        env = _learn_env(tmp_path, f"shipped{round_}")
        _learn_together(env, [[a, "-r", "绵阳", "-t", "职工", "--tier", "3"], [b, "-r", "绵阳", "-t", "职工", "--tier", "2"]])
        user = Path(env["MEDINS_DATA_DIR"]) / "regions" / "绵阳.yaml"
        assert (_tier(user, "employee", "3")["deductible"], _tier(user, "employee", "3")["ratio"]) == ("700", "0.85")
        assert (_tier(user, "employee", "2")["deductible"], _tier(user, "employee", "2")["ratio"]) == ("400", "0.9")
        ids = [s["id"] for s in read_policy_dict(user)["sources"]]
        assert sorted(ids[-2:]) == ["slip-2025-03-02", "slip-2025-03-02-2"]  # same date: both sources kept
        assert {_tier_source(user, "employee", k) for k in ("2", "3")} == set(ids[-2:])
    for round_ in range(1):  # the user's own file: both write it, each after a backup
        policy = tmp_path / f"rules{round_}.yaml"
        shutil.copy(RULES, policy)
        env = _learn_env(tmp_path, f"own{round_}")
        _learn_together(env, [[write(tmp_path, THIRD_TIER, "c.yaml"), "--policy-file", str(policy), "-t", "职工",
                               "--tier", "3"],
                              [write(tmp_path, SECOND_TIER, "d.yaml"), "--policy-file", str(policy), "-t", "职工",
                               "--tier", "2"]])
        assert _tier(policy, "employee", "2")["ratio"] == "0.87"
        assert _tier(policy, "employee", "3")["bands"][0]["ratio"] == "0.82"
        backups = sorted(tmp_path.glob(f"rules{round_}.yaml.bak-*"))
        assert len(backups) == 2 and RULES.read_bytes() in {b.read_bytes() for b in backups}
        assert not list(tmp_path.glob(f"*rules{round_}.yaml.*lock")) and not list(tmp_path.glob(".*.tmp"))


def test_a_symlinked_region_file_keeps_its_link_and_changes_its_target(run, tmp_path, isolated_dirs):
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    target = dotfiles / "mianyang.yaml"
    shutil.copy(SHIPPED, target)
    target.chmod(0o640)
    link = _user_file(isolated_dirs)
    link.parent.mkdir(parents=True)
    link.symlink_to(target)
    result = run("slip", "check", write(tmp_path, EIGHTY_FIVE), *MIANYANG, "--learn", "--yes")
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and link.resolve() == target
    assert (_tier(target, "employee", "3")["deductible"], _tier(target, "employee", "3")["ratio"]) == ("700", "0.85")
    assert target.stat().st_mode & 0o777 == 0o640
    [backup] = dotfiles.glob("mianyang.yaml.bak-*")  # the backup goes beside the target
    assert backup.read_bytes() == SHIPPED.read_bytes()
    assert sorted(p.name for p in link.parent.iterdir()) == ["绵阳.yaml"]
    # (8000 − 700) × 85 %, for a bill of the slip's day (the 2026 figures are not touched)
    assert run.json("estimate", *MIANYANG, "--amount", "8000", "--date", "2025-03-02")["fund_pay"] == 6205


@pytest.mark.parametrize("failing", ["write", "fsync"])
def test_a_backup_that_fails_leaves_no_half_made_file_and_the_original(run, tmp_path, monkeypatch, failing):
    import os

    policy = tmp_path / "rules.yaml"
    shutil.copy(RULES, policy)

    def no_links(src, dst, *a, **k):  # a file system without hard links …
        raise OSError(1, "Operation not permitted")

    def full(*a, **k):  # … and full
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "link", no_links)
    monkeypatch.setattr(os, failing, full)
    result = run("slip", "check", write(tmp_path, THIRD_TIER), "--policy-file", str(policy), "--tier", "3", *RULES_ARGS)
    assert result.exit_code == ExitCode.ERROR
    assert result.stderr.splitlines()[-1] == (f"错误:没能备份 {policy}(磁盘空间不足),没有写入,原文件没有改动:"
                                              f"请检查 {tmp_path} 的空间和权限后再试")
    assert policy.read_bytes() == RULES.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rules.yaml", "slip.yaml"]  # no 0-byte .bak, no lock


def test_a_write_that_fails_after_the_backup_leaves_the_file_as_it_was(run, tmp_path, monkeypatch):
    import os

    policy = tmp_path / "rules.yaml"
    shutil.copy(RULES, policy)

    def full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    result = run("slip", "check", write(tmp_path, THIRD_TIER), "--policy-file", str(policy), "--tier", "3", *RULES_ARGS)
    assert result.exit_code == ExitCode.ERROR and "磁盘空间不足" in result.stderr.splitlines()[-1]
    assert policy.read_bytes() == RULES.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rules.yaml", "slip.yaml"]  # no temp file, lock or backup
