"""The words people type for a plan, a visit, a hospital tier and an out-of-area kind (issue 20, item 4).

One table (``core.names.ACCEPTED``) is read by every normaliser, printed at the end of ``--help``
and in README "可用的写法". Tested both ways: each word of the table is accepted through the command
line (and a batch cell, and a slip field); each label medins prints is accepted back as input.

Worked figures are 绵阳 as shipped (职工 住院: 社区/一级 200 / 92 %, 二级 450 / 88 %, 三级 750 / 84 %,
no 三甲 figures; 居民 住院 三级 650 / 65 %).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import yaml

from medins_cli.core.names import ACCEPTED, ENDINGS, LABELS, PLANS, REMOTES, TIERS, VISITS
from medins_cli.errors import ExitCode

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
MIANYANG = ["estimate", "-r", "绵阳", "--amount", "8000"]
OPTION = {"plan": "--type", "visit": "--visit", "tier": "--tier", "remote": "--remote"}
JSON_FIELD = {"plan": "plan", "visit": "visit", "tier": "tier", "remote": "remote"}
DEFAULTS = {"plan": ["-t", "职工"], "visit": [], "tier": ["--tier", "3"], "remote": []}

# (8000 − 200) × 92 % = 7176; (8000 − 450) × 88 % = 6644; (8000 − 750) × 84 % = 6090
FUND = {"community": 7176, "1": 7176, "2": 6644, "3": 6090, "3a": 6090}


def _estimate(run, kind: str, word: str, *more: str) -> dict:
    args = [*MIANYANG, *(a for k, v in DEFAULTS.items() if k != kind for a in v), OPTION[kind], word, *more]
    result = run(*args, "-f", "json")
    assert result.exit_code == 0, (word, result.stderr)
    return json.loads(result.stdout)


WORDS = [(kind, key, word) for kind, table in ACCEPTED.items() for key, words in table.items() for word in words]


@pytest.mark.parametrize("kind, key, word", WORDS, ids=[f"{k}-{w}" for k, _, w in WORDS])
def test_every_word_of_the_table_is_accepted(run, kind, key, word):
    data = _estimate(run, kind, word)
    assert data[JSON_FIELD[kind]] == key
    if kind == "tier":
        assert data["fund_pay"] == FUND[key]  # 三甲 without its own figures: 三级's (tier_used 3)


LABEL_WORDS = [(kind, key, label) for kind, labels in LABELS.items() for key, label in labels.items()]


@pytest.mark.parametrize("kind, key, label", LABEL_WORDS, ids=[f"{k}-{w}" for k, _, w in LABEL_WORDS])
def test_every_printed_label_is_accepted_back(run, kind, key, label):
    assert _estimate(run, kind, label)[JSON_FIELD[kind]] == key
    if kind == "tier":  # printed as 三级医院, 社区/基层医院 …
        assert _estimate(run, kind, f"{label}医院")[JSON_FIELD[kind]] == key


def test_the_words_of_an_estimate_table_go_back_in(run):
    # the table's title names region · plan · visit · tier as medins prints them; each goes back in as is
    table = run("estimate", "-r", "绵阳", "-t", "居民", "--tier", "3", "--amount", "8000", "-f", "table").stdout
    plan, visit, tier = re.search(r"^绵阳 · (\S+) · (\S+) · (\S+?医院)", table, re.M).groups()
    assert (plan, visit, tier) == ("城乡居民医保", "住院", "三级医院")
    again = run.json("estimate", "-r", "绵阳", "-t", plan, "--visit", visit, "--tier", tier, "--amount", "8000")
    assert (again["plan"], again["visit"], again["tier"]) == ("resident", "inpatient", "3")
    assert again["fund_pay"] == 4777.5  # (8000 − 650) × 65 %


def test_the_ways_transfer_guide_prints_go_back_into_remote(run):
    plain = run("transfer-guide", "--filing", "--from", "绵阳", "-t", "职工", "--tier", "3", "--amount", "8000",
                "-f", "plain").stdout
    printed = {m.group(1) for m in re.finditer(r"^(.+?):个人负担:", plain, re.M)}
    assert printed == {"已备案", "转诊备案", "未备案", "急诊抢救(未备案)"}
    keys = {run.json("estimate", "-r", "绵阳", "-t", "职工", "--tier", "3", "--amount", "8000", "--remote", label)
            ["remote"] for label in printed}
    assert keys == {"filed", "transfer", "unfiled", "emergency"}


@pytest.mark.parametrize("word, key, tier_used, fund", [
    ("三乙", "3", "3", 6090), ("三级乙等", "3", "3", 6090), ("三级医院", "3", "3", 6090),
    ("三甲", "3a", "3", 6090), ("三级甲等医院", "3a", "3", 6090),  # 绵阳 has no 三甲 figures: 三级's
    ("二乙", "2", "2", 6644), ("二级乙等", "2", "2", 6644), ("二级医院", "2", "2", 6644),
    ("社区卫生服务中心", "community", "community", 7176), ("乡镇卫生院", "community", "community", 7176),
    ("卫生院", "community", "community", 7176), ("社区医院", "community", "community", 7176),
    ("３", "3", "3", 6090), ("３ａ", "3a", "3", 6090), ("３Ａ", "3a", "3", 6090), (" 三级 医院 ", "3", "3", 6090),
])
def test_tier_words_people_use(run, word, key, tier_used, fund):
    data = run.json("estimate", "-r", "绵阳", "-t", "职工", "--tier", word, "--amount", "8000")
    assert (data["tier"], data["tier_used"], data["fund_pay"]) == (key, tier_used, fund)


def test_san_yi_is_the_sanji_tier_and_san_jia_the_3a_tier_where_the_data_has_it(run, tmp_path):
    policy = tmp_path / "sanjia.yaml"
    policy.write_text(
        "schema: 1\nregion: {name: 三甲市, province: 示例省}\nyear: 2026\n"
        "sources: [{id: s, title: 示例, confidence: secondary}]\n"
        "plans:\n  employee:\n    inpatient:\n"
        "      tiers: {\"3\": {deductible: 800, ratio: 0.85}, \"3a\": {deductible: 1000, ratio: 0.8}}\n"
        "      source: s\n", encoding="utf-8")
    on = ["estimate", "--policy-file", str(policy), "-t", "职工", "--amount", "10000"]
    assert run.json(*on, "--tier", "三乙")["fund_pay"] == 7820  # (10000 − 800) × 85 %
    assert run.json(*on, "--tier", "三级乙等")["fund_pay"] == 7820
    assert run.json(*on, "--tier", "三甲")["fund_pay"] == 7200  # (10000 − 1000) × 80 %
    assert run.json(*on, "--tier", "三级甲等")["fund_pay"] == 7200


@pytest.mark.parametrize("word, plan", [
    ("城镇居民", "resident"), ("新农合", "resident"), ("新型农村合作医疗", "resident"), ("城乡居民", "resident"),
    ("城乡居民基本医疗保险", "resident"), ("城镇居民医保", "resident"), ("居民医保", "resident"),
    ("城镇职工", "employee"), ("城镇职工基本医疗保险", "employee"), ("职工医疗保险", "employee"),
    ("灵活就业", "employee"), ("灵活就业人员", "employee"), ("ＥＭＰＬＯＹＥＥ", "employee"),
])
def test_plan_words_people_use(run, word, plan):
    data = run.json("estimate", "-r", "绵阳", "-t", word, "--tier", "3", "--amount", "8000")
    assert data["plan"] == plan
    # (8000 − 750) × 84 % = 6090 for 职工; (8000 − 650) × 65 % = 4777.50 for 居民
    assert data["fund_pay"] == (6090 if plan == "employee" else 4777.5)
    flexible = [n for n in data["notes"] if n.startswith("灵活就业人员")]
    assert bool(flexible) == word.startswith("灵活就业")


def test_flexible_employment_says_what_it_was_read_as_and_where_that_comes_from(run):
    data = run.json("estimate", "-r", "佛山", "-t", "灵活就业", "--tier", "3", "--amount", "8000")
    note = next(n for n in data["notes"] if n.startswith("灵活就业人员"))
    # seed article 001 says both ways are open (以灵活就业身份参保 或 参加城乡居民医保) and who pays
    assert "职工医保" in note and "城乡居民医保" in note and "--type 居民" in note
    assert "医保卡里面个人账户余额是干嘛的" in note and "转述文章" in note
    assert "\n" not in note
    text = run("estimate", "-r", "佛山", "-t", "灵活就业", "--tier", "3", "--amount", "8000", "-f", "table").stdout
    assert "灵活就业人员可以个人身份参加职工医保" in text.replace("\n", "").replace(" ", "")


@pytest.mark.parametrize("amount, total, fund", [
    ("８０００．５", 8000.5, 6090.42),  # (8000.50 − 750) × 84 % = 6090.42
    ("８，０００．５元", 8000.5, 6090.42),
    ("０．８万", 8000, 6090),
    ("８０００", 8000, 6090),
])
def test_full_width_amounts(run, amount, total, fund):
    data = run.json("estimate", "-r", "绵阳", "-t", "职工", "--tier", "3", "--amount", amount)
    assert (data["total"], data["fund_pay"]) == (total, fund)
    assert round(data["total"] - data["fund_pay"] - data["critical_illness_pay"], 2) == data["out_of_pocket"]


@pytest.mark.parametrize("amount", ["8000²", "８０００．５．５", "８,０００,０"])
def test_full_width_forms_of_bad_amounts_are_still_refused(run, amount):
    result = run("estimate", "-r", "绵阳", "-t", "职工", "--tier", "3", "--amount", amount)
    assert result.exit_code == ExitCode.USAGE and result.stderr.startswith("错误:") and "--amount" in result.stderr


@pytest.mark.parametrize("option, word, what", [
    ("--tier", "四级", "医院等级"), ("--tier", "三丁", "医院等级"), ("--tier", "医院", "医院等级"),
    ("--type", "农合险", "参保类型"), ("--type", "医保", "参保类型"), ("--visit", "急诊室", "就诊类型"),
])
def test_other_words_are_still_refused_with_the_choices(run, option, word, what):
    args = {"--tier": "3", "--type": "职工", "--visit": "住院"}
    args[option] = word
    result = run("estimate", "-r", "绵阳", *(a for kv in args.items() for a in kv), "--amount", "8000")
    assert result.exit_code == ExitCode.USAGE
    assert f"不认识的{what}「{word}」" in result.stderr and "可选" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# ---- the same words in a batch cell and on a slip --------------------------------------------


def test_batch_cells_read_the_same_words(run, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text("id,region,type,tier,amount\n"
                    "a,绵阳,城镇职工,三乙,８０００．５\n"  # (8000.50 − 750) × 84 % = 6090.42
                    "b,绵阳,新农合,三级医院,8000\n"  # (8000 − 650) × 65 % = 4777.50
                    "c,绵阳,灵活就业,社区卫生服务中心,8000\n"  # (8000 − 200) × 92 % = 7176
                    "d,绵阳,城镇居民,３,8000\n", encoding="utf-8")
    result = run("estimate", "--batch", str(path), "-f", "csv", "-q")
    assert result.exit_code == 0, result.stderr
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert {k: (r["fund_pay"], r["error"]) for k, r in rows.items()} == {
        "a": ("6090.42", ""), "b": ("4777.50", ""), "c": ("7176.00", ""), "d": ("4777.50", "")}


def test_slip_fields_read_the_same_words(run, tmp_path):
    # 8000 − 全自费 500 − 先行自付 300 = 7200; (7200 − 750) × 84 % = 5418 (as tests/test_slips.py)
    slip = {"医疗费总额": "８，０００．００", "全自费金额": 500, "先行自付金额": 300, "起付标准": 750,
            "统筹基金支出": 5418, "个人现金支出": 2582, "结算日期": "2025-03-02",
            "参保类型": "城镇职工基本医疗保险", "医院等级": "三级乙等", "就诊类型": "住院"}
    path = tmp_path / "slip.yaml"
    path.write_text(yaml.safe_dump(slip, allow_unicode=True), encoding="utf-8")
    result = run("slip", "check", str(path), "-r", "绵阳", "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["adds_up"] and {line["key"]: line["difference"] for line in data["lines"]}["fund_pay"] == 0


def test_config_takes_the_same_words(run):
    assert run("config", "set", "tier", "三乙").exit_code == 0
    assert run("config", "set", "type", "新农合").exit_code == 0
    assert run.json("config", "show")["tier"] == "3"
    data = run.json("estimate", "-r", "绵阳", "--amount", "8000")
    assert (data["plan"], data["tier"], data["fund_pay"]) == ("resident", "3", 4777.5)


# ---- the one table, printed -----------------------------------------------------------------

_FLAT = re.compile(r"[\s│╭╮╰╯─]")


@pytest.mark.parametrize("path", [["estimate"], ["balance"], ["transfer-guide"], ["slip", "check"], ["slip", "add"],
                                  ["plans"], ["coverage"], ["policy", "init"]])
def test_help_ends_with_every_accepted_word(run, monkeypatch, path):
    monkeypatch.setenv("COLUMNS", "80")
    flat = _FLAT.sub("", run(*path, "--help").stdout)
    tail = flat[flat.index("可用的写法"):]
    for kind, table in ACCEPTED.items():
        for key, words in table.items():
            assert f"{LABELS[kind][key]}({key}):{'、'.join(words)}" in tail, (kind, key)
        for ending in ENDINGS[kind]:
            assert f"「{ending}」" in tail


def test_readme_lists_every_accepted_word():
    part = README[README.index("### 可用的写法"):]
    part = part[:part.index("\n## ")]
    for kind, table in ACCEPTED.items():
        for key, words in table.items():
            row = next((line for line in part.splitlines() if f"| `{key}` | {LABELS[kind][key]} |" in line), None)
            assert row is not None, (kind, key)
            assert re.findall(r"`([^`]+)`", row.split("|")[4]) == list(words), (kind, key)  # no more, no fewer


def test_the_labels_are_the_ones_medins_prints():
    # the labels accepted back are the very tables render/ and core/ print from (not copies)
    assert LABELS == {"plan": PLANS, "visit": VISITS, "tier": TIERS, "remote": REMOTES}
