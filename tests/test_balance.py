"""`medins balance`: the info page, who pays what of a bill, and the split's invariants.

Worked examples use the shipped 绵阳 data (职工住院 三级: 起付 750, 84 %; 二级: 450, 88 %;
职工门诊: 年度起付 200, 二级 60 %; 居民住院 三级: 650, 65 %). Arithmetic beside each figure.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from medins_cli.app import app
from medins_cli.core import Bill, Claim, estimate
from medins_cli.core.account import split_payment
from medins_cli.core.errors import ClaimError
from medins_cli.store.paths import shipped_data_dir
from medins_cli.store.regions import load_policy

SPLIT_KEYS = ("fund_pay", "critical_illness_pay", "account_pay", "family_pay", "cash_pay", "total")
BASE = ["balance", "-r", "绵阳", "--tier", "3", "--amount", "8000"]

CASES = [
    # (id, options, expected subset of the JSON)
    ("short balance", ["-t", "职工", "--balance", "120"],
     {"fund_pay": 6090, "critical_illness_pay": 0, "account_pay": 120, "family_pay": 0, "cash_pay": 1790,
      "total": 8000, "out_of_pocket": 1910, "short": True, "balance_left": 0}),
    # fund (8000 − 750) × 0.84 = 6090; share 1910; account 120; cash 1910 − 120
    ("with family", ["-t", "职工", "--balance", "120", "--family", "300"],
     {"fund_pay": 6090, "account_pay": 120, "family_pay": 300, "cash_pay": 1490, "family_left": 0}),
    # 1910 − 120 − 300 = 1490
    ("balance covers", ["-t", "职工", "--balance", "5000", "--family", "300"],
     {"account_pay": 1910, "family_pay": 0, "cash_pay": 0, "balance_left": 3090, "family_left": 300, "short": False}),
    ("no balance given", ["-t", "职工"],
     {"account_pay": 0, "family_pay": 0, "cash_pay": 1910, "balance": 0}),
    ("resident has no account", ["-t", "居民", "--balance", "120", "--family", "300"],
     {"fund_pay": 4777.5, "account_pay": 0, "family_pay": 300, "cash_pay": 2922.5, "balance": 0,
      "account_allowed": False, "family_allowed": True, "account_reason": "城乡居民医保没有个人账户"}),
    # (8000 − 650) × 0.65 = 4777.50; share 3222.50; a bound employee relative's account (家庭共济) may pay 300
    ("fen", ["-t", "职工", "--balance", "100.55", "--family", "0.3"],
     {"account_pay": 100.55, "family_pay": 0.3, "cash_pay": 1809.15}),  # 1910 − 100.55 − 0.30
]


@pytest.mark.parametrize("case_id, options, expected", CASES, ids=[c[0] for c in CASES])
def test_worked_examples(run, case_id, options, expected):
    data = run.json(*BASE, *options)
    for key, value in expected.items():
        assert data[key] == value, (key, data[key], value)
    assert _sum(data) == data["total"]


def _sum(data):
    return round(sum(Decimal(str(data[k])) for k in SPLIT_KEYS if k != "total"), 2)


def test_the_account_never_pays_out_of_catalogue_costs(run):
    # eligible 8000 − 3000 = 5000; fund (5000 − 750) × 0.84 = 3570; share 8000 − 3570 = 4430,
    # of which 3000 is 全自费 (cash only) and 1430 the policy-range part the account may pay
    data = run.json(*BASE, "-t", "职工", "--self-pay", "3000", "--balance", "5000")
    assert data["fund_pay"] == 3570 and data["out_of_pocket"] == 4430
    assert data["account_payable"] == 1430 and data["self_pay"] == 3000
    assert data["account_pay"] == 1430 and data["cash_pay"] == 3000 and data["balance_left"] == 3570
    assert data["short"] is False  # the account was enough for what it may pay
    assert any("3,000.00" in a["text"] and "目录外" in a["text"] and a["source"] == "seed-004" for a in data["advice"])
    assert _sum(data) == 8000
    # 家庭共济 is the same account money: the same limit (1000 + 430 = 1430)
    fam = run.json(*BASE, "-t", "职工", "--self-pay", "3000", "--balance", "1000", "--family", "5000")
    assert fam["account_pay"] == 1000 and fam["family_pay"] == 430 and fam["cash_pay"] == 3000
    text = run(*BASE, "-t", "职工", "--self-pay", "3000", "--balance", "5000", "--format", "plain").stdout
    assert "个人账户支付:1,430.00" in text and "现金等自付:3,000.00" in text


def test_split_json_shape(run):
    data = run.json(*BASE, "-t", "职工", "--balance", "120", "--family", "300")
    assert data["mode"] == "split"
    for key in SPLIT_KEYS + ("balance", "family", "account_allowed", "account_reason", "out_of_pocket",
                             "balance_left", "family_left", "short", "advice", "options", "remote_notes",
                             "resident_notes", "region_notes", "projection", "estimate", "warnings", "sources",
                             "disclaimer"):
        assert key in data, key
    assert data["estimate"]["fund_pay"] == data["fund_pay"]
    assert data["estimate"]["region"] == "绵阳"
    assert "1,490.00" in data["advice"][0]["text"]
    assert {o["title"] for o in data["options"]} >= {"家庭共济", "临时救助", "选择基层医疗机构"}
    family = next(o for o in data["options"] if o["title"] == "家庭共济")
    assert family["steps"]
    listed = {s["id"] for s in data["sources"]}
    assert "aggregator-mianyang" in listed and "seed-000" in listed


def test_resident_split_says_no_account(run):
    data = run.json(*BASE, "-t", "居民", "--balance", "120")
    assert data["resident_notes"] and "没有个人账户" in data["resident_notes"][0]["text"]
    assert any("已忽略 --balance" in w for w in data["warnings"])
    text = run(*BASE, "-t", "居民", "--balance", "120", "--format", "plain").stdout
    assert "城乡居民医保没有个人账户" in text and "个人账户支付:0.00" in text


def test_resident_account_is_not_allowed_but_family_is(run):
    data = run.json(*BASE, "-t", "居民", "--family", "5000")
    assert data["account_allowed"] is False and data["account_reason"] == "城乡居民医保没有个人账户"
    assert data["family_allowed"] is True and data["family_pay"] == 3222.5 and data["cash_pay"] == 0
    text = run(*BASE, "-t", "居民", "--format", "plain").stdout
    assert "个人账户支付:0.00(城乡居民医保没有个人账户)" in text


def test_remote_inpatient_cannot_use_the_account(run):
    data = run.json("balance", "-r", "绵阳", "--tier", "2", "--amount", "3000", "-t", "职工", "--balance", "500",
                    "--family", "100", "--remote", "filed")
    assert data["account_allowed"] is False and "异地住院" in data["account_reason"]
    assert data["fund_pay"] == 2244  # (3000 − 450) × 0.88 × 1.0
    assert data["account_pay"] == 0 and data["family_pay"] == 0 and data["cash_pay"] == 756
    assert data["remote_notes"] and data["short"] is False


def test_remote_outpatient_filed_can(run):
    data = run.json("balance", "-r", "绵阳", "--tier", "2", "--visit", "门诊", "--amount", "300", "-t", "职工",
                    "--balance", "500", "--remote", "filed")
    assert data["fund_pay"] == 60  # (300 − 200) × 0.60
    assert data["account_pay"] == 240 and data["cash_pay"] == 0
    assert any("开通" in w for w in data["warnings"])


def test_remote_unfiled_cannot(run):
    data = run.json("balance", "-r", "绵阳", "--tier", "2", "--visit", "门诊", "--amount", "300", "-t", "职工",
                    "--balance", "500", "--remote", "unfiled")
    assert data["account_allowed"] is False and data["account_pay"] == 0


@pytest.mark.parametrize("fmt", ["table", "markdown", "plain", "json"])
@pytest.mark.parametrize("mode", ["info", "split"])
def test_every_format(run, fmt, mode):
    args = ["balance", "--format", fmt] + (BASE[1:] + ["-t", "职工", "--balance", "120"] if mode == "split" else [])
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    if fmt == "json":
        assert json.loads(result.stdout)["mode"] == mode
    elif mode == "split":
        assert "1,790.00" in result.stdout and "个人账户支付" in result.stdout and "来源" in result.stdout
    else:
        assert "12393" in result.stdout and "来源" in result.stdout


def test_info_page(run):
    data = run.json("balance")
    assert data["mode"] == "info" and data["has_account"] is True and data["region"] is None
    uses = " ".join(u["text"] for u in data["uses"])
    for word in ("门诊", "药店", "住院", "配偶"):
        assert word in uses
    props = " ".join(p["text"] for p in data["properties"])
    assert "不会年底清零" in props and "不能提取现金" in props and "不影响医保报销" in props
    assert "2%" in " ".join(f["text"] for f in data["funding"])
    channels = " ".join(c["channel"] + c["path"] for c in data["check"])
    for word in ("微信", "支付宝", "国家医保服务平台", "官网", "12393", "窗口", "消费凭证"):
        assert word in channels, word
    listed = {s["id"] for s in data["sources"]}
    for section in ("uses", "funding", "properties", "check", "shortfall", "options", "remote_notes"):
        assert all(x["source"] in listed for x in data[section]), section


def test_the_hotline_is_the_medical_insurance_one(run):
    data = run.json("balance")
    channels = [c["channel"] + c["path"] for c in data["check"]]
    assert not any("12333" in c for c in channels)  # 12333 is 人社's line
    hotline = [c for c in data["check"] if "12393" in c["channel"] + c["path"]]
    assert hotline and {s["id"]: s for s in data["sources"]}[hotline[0]["source"]]["confidence"] == "unverified"
    mianyang = run.json("balance", "-r", "绵阳")
    own = [c for c in mianyang["check"] if "0816-12393" in c["path"]]
    assert own and own[0]["source"] == "aggregator-mianyang"
    assert "aggregator-mianyang" in {s["id"] for s in mianyang["sources"]}


def test_one_articles_claim_is_labelled(run):
    props = [p["text"] for p in run.json("balance")["properties"]]
    june = [p for p in props if "6月30日" in p]
    assert june and all(p.startswith("有文章称") and "各地不同" in p for p in june)


def test_info_resident(run):
    data = run.json("balance", "--type", "resident")
    assert data["has_account"] is False
    text = run("balance", "--type", "resident", "--format", "plain").stdout
    assert text.index("【城乡居民医保没有个人账户】") < text.index("【能付什么】")


def test_info_remote_comes_first(run):
    text = run("balance", "--remote", "filed", "--format", "plain").stdout
    assert text.index("【在外地使用个人账户】") < text.index("【能付什么】")
    assert "异地住院不能直接用个人账户余额支付" in text


def test_region_notes_only_for_their_region(run):
    chongqing = run.json("balance", "--region", "重庆")
    assert any("解绑" in n["text"] for n in chongqing["region_notes"])
    mianyang = run.json("balance", "--region", "绵阳")
    assert mianyang["region_notes"] == []
    assert any("没有绵阳" in w and "特别规定" in w for w in mianyang["warnings"])  # said, as checklist does
    assert not any("特别规定" in w for w in chongqing["warnings"])


def test_salary_projection(run):
    data = run.json("balance", "-r", "绵阳", "--salary", "6000", "--months", "12")
    pr = data["projection"]
    assert pr["known"] is True and pr["kind"] == "in_service"
    assert pr["rate"] == 0.02 and pr["monthly"] == 120 and pr["total"] == 1440  # 6000 × 2 % × 12
    assert pr["source"] in {s["id"] for s in data["sources"]}


def test_salary_projection_says_when_the_regions_rate_is_the_generic_one(run):
    # mianyang.yaml's account.contribution_rate cites seed-001's 「通常为工资的2%」: not 绵阳's own rule
    pr = run.json("balance", "--salary", "8000", "-r", "绵阳")["projection"]
    assert pr["monthly"] == 160 and pr["rate"] == 0.02  # 8000 × 2 %
    assert "按通行比例计" in pr["text"] and "绵阳数据:在职职工按" not in pr["text"]
    assert "成都" not in pr["text"]
    chengdu = run.json("balance", "--salary", "8000", "-r", "成都")["projection"]
    assert "通行比例计" in chengdu["text"]


def test_salary_projection_without_region_uses_the_generic_rate(run):
    pr = run.json("balance", "--salary", "5000", "--months", "3")["projection"]
    assert pr["monthly"] == 100 and pr["total"] == 300 and "通行比例" in pr["text"]


def test_retiree_amount_unknown_is_not_guessed(run):
    pr = run.json("balance", "-r", "绵阳", "--retired", "--months", "12")["projection"]
    assert pr["known"] is False and pr["monthly"] is None and "无法估算" in pr["text"]


def test_retiree_amount_from_region_data(run, isolated_dirs):
    src = (shipped_data_dir() / "regions" / "mianyang.yaml").read_text(encoding="utf-8")
    src = src.replace("    contribution_rate: 0.02\n", "    contribution_rate: 0.02\n    retiree_monthly: 95.5\n")
    src = src.replace("name: 绵阳", "name: 测试市").replace("aliases: [绵阳市, mianyang, my]", "aliases: [ceshi]")
    (isolated_dirs["data"] / "regions").mkdir(parents=True)
    (isolated_dirs["data"] / "regions" / "ceshi.yaml").write_text(src, encoding="utf-8")
    pr = run.json("balance", "-r", "测试市", "--retired", "--months", "12")["projection"]
    assert pr["known"] is True and pr["monthly"] == 95.5 and pr["total"] == 1146  # 95.5 × 12


def test_resident_projection(run):
    pr = run.json("balance", "--type", "居民", "--salary", "5000")["projection"]
    assert pr["known"] is False and pr["kind"] == "none"


@pytest.mark.parametrize("args, word", [
    (["--balance", "-5"], "负数"),
    (["--balance", "abc"], "不是数字"),
    (["--family", "1.234"], "两位小数"),
    (["--months", "0"], "--months"),
    (["--months", "x"], "--months"),
])
def test_bad_input_exits_2(run, args, word):
    result = run(*BASE, "-t", "职工", *args)
    assert result.exit_code == 2, result.stdout
    assert word in result.stderr and result.stdout == "" and "Traceback" not in result.stderr


def test_balance_without_amount_is_told(run):
    data = run.json("balance", "--balance", "120")
    assert data["mode"] == "info" and "--amount" in data["warnings"][0]


def test_help(run):
    result = run("balance", "--help")
    assert result.exit_code == 0 and "示例" in result.stdout and "--balance" in result.stdout


# ---- invariants (hypothesis) -----------------------------------------------------------------

MIANYANG = load_policy(shipped_data_dir() / "regions" / "mianyang.yaml")
cents = st.decimals(min_value=0, max_value=1_000_000, places=2, allow_nan=False, allow_infinity=False)
bills = st.decimals(min_value=Decimal("0.01"), max_value=3_000_000, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def breakdowns(draw):
    plan = draw(st.sampled_from(["employee", "resident"]))
    visit = draw(st.sampled_from(["inpatient", "outpatient"]))
    tier = draw(st.sampled_from(["community", "1", "2", "3"]))
    total = draw(bills)
    self_pay = draw(st.decimals(min_value=0, max_value=total, places=2))
    claim = Claim(Bill(total, self_pay), tier=tier, plan=plan, visit=visit,
                  retired=draw(st.booleans()), remote=draw(st.sampled_from([None, "filed", "unfiled", "emergency"])))
    return estimate(MIANYANG, claim, explain=False)


@settings(max_examples=500, deadline=None)
@given(breakdowns(), cents, cents, st.booleans())
def test_split_invariants(bd, balance, family, allowed):
    p = split_payment(bd, balance, family, account_allowed=allowed)
    assert p.fund_pay + p.critical_illness_pay + p.account_pay + p.family_pay + p.cash_pay == p.total == bd.total
    for part in (p.fund_pay, p.critical_illness_pay, p.account_pay, p.family_pay, p.cash_pay):
        assert part >= 0
        assert part == part.quantize(Decimal("0.01"))
    assert p.account_pay <= balance and p.family_pay <= family
    assert p.account_pay + p.family_pay + p.cash_pay == bd.out_of_pocket
    assert p.cash_pay >= bd.self_pay  # 全自费 (outside the catalogue) is never paid from an account
    if not allowed:
        assert p.account_pay == 0 and p.family_pay == 0
    if allowed and p.cash_pay > bd.self_pay:  # cash for the policy-range part only once both balances are used up
        assert p.account_pay == balance and p.family_pay == family


def test_negative_balance_is_refused():
    bd = estimate(MIANYANG, Claim(Bill(Decimal(8000)), tier="3"), explain=False)
    with pytest.raises(ClaimError):
        split_payment(bd, Decimal(-1))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(total=bills, balance=cents, family=cents, plan=st.sampled_from(["职工", "居民"]),
       tier=st.sampled_from(["1", "2", "3"]))
def test_split_invariants_through_the_cli(total, balance, family, plan, tier):
    result = CliRunner().invoke(app, ["balance", "-r", "绵阳", "--tier", tier, "-t", plan, "--amount", str(total),
                                      "--balance", str(balance), "--family", str(family), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert _sum(data) == Decimal(str(data["total"])) == total
    assert Decimal(str(data["account_pay"])) <= (balance if plan == "职工" else 0)
    assert Decimal(str(data["family_pay"])) <= family
    assert Decimal(str(data["account_pay"])) + Decimal(str(data["family_pay"])) <= Decimal(str(data["account_payable"]))
    assert all(data[k] >= 0 for k in SPLIT_KEYS)
