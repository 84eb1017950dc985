"""`medins transfer-guide`: moving insurance (转移接续) and `--filing` (异地就医备案)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

TRANSFER_KEYS = {"guide", "plan", "from", "to", "conditions", "steps", "balance", "resident_notes", "notes",
                 "region_notes", "examples", "warnings",
                 "sources", "disclaimer"}
FILING_KEYS = {"guide", "plan", "region", "to", "scope", "types", "channels", "steps", "unfiled", "account", "notes",
               "region_notes", "examples", "cost", "warnings", "sources", "disclaimer"}
FORMATS = ["table", "markdown", "plain", "json"]


def test_guangzhou_to_nanjing_json_shape(run):
    data = run.json("transfer-guide", "--from", "广州", "--to", "南京")
    assert set(data) == TRANSFER_KEYS
    assert data["guide"] == "transfer"
    assert data["from"] == {"name": "广州", "province": "广东"}
    assert data["to"] == {"name": "南京", "province": "江苏"}
    assert [s["n"] for s in data["steps"]] == list(range(1, len(data["steps"]) + 1))
    for step in data["steps"]:
        assert set(step) == {"n", "title", "actor", "actor_label", "text", "bring", "channel", "duration", "source"}
        assert step["actor"] in ("you", "from", "to")
    actors = {s["actor"] for s in data["steps"]}
    assert actors == {"you", "from", "to"}
    bring = " ".join(b for s in data["steps"] for b in s["bring"])
    for word in ("身份证", "参保凭证"):
        assert word in bring, word
    # what only the 广州 article says (社保卡, 变更信息表, 银行账户, 15 个工作日) is 广州's own rule,
    # shown here because the move starts in 广州 (and to anyone else only labelled as an example)
    guangzhou = " ".join(n["text"] for n in data["region_notes"] if n["region"] == "广州")
    for word in ("社保卡", "变更信息表", "银行账户", "15个工作日"):
        assert word in guangzhou, word
    assert any(s["channel"] and "线上" in s["channel"] for s in data["steps"])
    conditions = " ".join(c["text"] for c in data["conditions"])
    assert "参保状态都正常" in conditions and "3个月" in conditions
    assert "城乡居民" not in conditions  # one Q&A's rule (安徽→南京), not a condition for everyone
    assert any("余额" in b["text"] for b in data["balance"])
    listed = {s["id"] for s in data["sources"]}
    assert all(x["source"] in listed for x in data["conditions"] + data["steps"] + data["balance"] + data["notes"])


def test_region_notes_follow_the_role(run):
    forward = run.json("transfer-guide", "--from", "广州", "--to", "南京")
    roles = {(n["region"], n["role"]) for n in forward["region_notes"]}
    assert roles == {("广州", "from"), ("南京", "to")}
    backward = run.json("transfer-guide", "--from", "南京", "--to", "广州")
    assert backward["region_notes"] == []  # 广州's rules are about moving out, 南京's about moving in
    anhui = run.json("transfer-guide", "--from", "安徽", "--to", "南京")
    assert {n["region"] for n in anhui["region_notes"]} == {"安徽", "南京"}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("filing", [False, True])
def test_every_format(run, fmt, filing):
    args = ["transfer-guide", "--from", "广州", "--to", "南京", "--format", fmt] + (["--filing"] if filing else [])
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    if fmt == "json":
        assert set(json.loads(result.stdout)) == (FILING_KEYS if filing else TRANSFER_KEYS)
        return
    title = "异地就医备案" if filing else "医保关系转移接续"
    assert title in result.stdout and "来源" in result.stdout
    if fmt == "markdown":
        assert result.stdout.startswith(f"# {title}") and "\n1. " in result.stdout
    if not filing and fmt != "json":
        assert "【你】" in result.stdout and "【转出地】" in result.stdout and "【转入地】" in result.stdout


def test_from_defaults_to_config_region(run):
    run("config", "set", "region", "广州")
    data = run.json("transfer-guide", "--to", "南京")
    assert data["from"]["name"] == "广州"
    assert any(n["region"] == "广州" for n in data["region_notes"])


def test_without_places_warns_but_works(run):
    data = run.json("transfer-guide")
    assert data["from"] is None and data["to"] is None
    assert len(data["warnings"]) == 2 and data["region_notes"] == []


def test_resident_is_pointed_to_the_residents_section(run):
    data = run.json("transfer-guide", "--from", "广州", "--to", "南京", "--type", "居民")
    assert "城乡居民" in data["warnings"][0] and data["resident_notes"]


def test_unknown_place_suggests_and_exits_2(run):
    result = run("transfer-guide", "--from", "广州", "--to", "南景")
    assert result.exit_code == 2 and result.stdout == ""
    assert "南京" in result.stderr and "Traceback" not in result.stderr


def test_amount_needs_filing(run):
    result = run("transfer-guide", "--from", "绵阳", "--amount", "8000", "--tier", "3")
    assert result.exit_code == 2 and "--filing" in result.stderr


def test_output_refuses_to_overwrite(run, tmp_path):
    target = tmp_path / "转移.md"
    assert run("transfer-guide", "--from", "广州", "--to", "南京", "-o", str(target)).exit_code == 0
    before = target.read_text(encoding="utf-8")
    assert before.startswith("# 医保关系转移接续:广州 → 南京")
    again = run("transfer-guide", "--filing", "-o", str(target))
    assert again.exit_code == 2 and target.read_text(encoding="utf-8") == before
    assert run("transfer-guide", "--filing", "-o", str(target), "--force").exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("# 异地就医备案")


# ---- --filing ------------------------------------------------------------------------------


def test_filing_types_and_channels(run):
    data = run.json("transfer-guide", "--filing")
    kinds = {t["id"]: [k["name"] for k in t["kinds"]] for t in data["types"]}
    assert kinds["long-term"] == ["异地安置退休", "异地长期居住", "常驻异地工作"]
    assert kinds["temporary"] == ["异地转诊", "急诊抢救", "其他临时外出"]
    assert any("国家医保服务平台" in c["text"] for c in data["channels"])
    assert data["cost"] is None and data["region"] is None and data["scope"] is None


def test_filing_province_rules_only_for_that_province(run):
    mianyang = run.json("transfer-guide", "--filing", "--from", "绵阳", "--to", "成都")
    assert mianyang["scope"] == "in_province"
    assert {n["region"] for n in mianyang["region_notes"]} == {"四川"}
    assert any("省内" in n["text"] for n in mianyang["region_notes"])
    kunming = run.json("transfer-guide", "--filing", "--region", "云南")
    assert {n["region"] for n in kunming["region_notes"]} == {"云南"}
    suqian = run.json("transfer-guide", "--filing", "--from", "宿迁", "--to", "南京")
    assert {n["region"] for n in suqian["region_notes"]} == {"江苏"}
    assert any("急诊抢救不用备案" in n["text"] for n in suqian["region_notes"])
    guangzhou = run.json("transfer-guide", "--filing", "--from", "广州", "--to", "南京")
    assert guangzhou["region_notes"] == [] and guangzhou["scope"] == "cross_province"
    assert "广州" in guangzhou["warnings"][0]


def test_filing_same_region(run):
    data = run.json("transfer-guide", "--filing", "--from", "绵阳", "--to", "绵阳市")
    assert data["scope"] == "same_region"
    assert any("不需要备案" in w for w in data["warnings"])


def test_filing_cost_is_estimate_remote_unfiled(run):
    data = run.json("transfer-guide", "--filing", "--from", "绵阳", "--tier", "3", "--amount", "8000", "-t", "职工")
    cost = data["cost"]
    assert cost["known"] is True
    assert cost["filed"]["fund_pay"] == 6090  # (8000 − 750) × 0.84 × 1.0
    assert cost["filed"]["out_of_pocket"] == 1910
    assert cost["unfiled"]["fund_pay"] == 4263  # (8000 − 750) × (0.84 × 0.7 = 0.588)
    assert cost["unfiled"]["out_of_pocket"] == 3737
    assert cost["emergency"]["fund_pay"] == 5481  # 7250 × (0.84 × 0.9 = 0.756)
    assert cost["extra_cost"] == 1827  # 3737 − 1910
    assert {s["id"] for s in cost["sources"]} == {"aggregator-mianyang", "aggregator-mianyang-9f157b25"}  # 住院, 异地
    # the same figure `estimate --remote unfiled` prints
    unfiled = run.json("estimate", "-r", "绵阳", "--tier", "3", "--amount", "8000", "-t", "职工", "--remote", "unfiled")
    assert unfiled["out_of_pocket"] == cost["unfiled"]["out_of_pocket"]


def test_filing_cost_shown_in_text(run):
    result = run("transfer-guide", "--filing", "--from", "绵阳", "--tier", "3", "--amount", "8000", "-t", "职工",
                 "--format", "plain")
    assert "不备案多付:1,827.00" in result.stdout


def test_filing_cost_unknown_without_remote_data(run):
    data = run.json("transfer-guide", "--filing", "--from", "盱眙", "--tier", "3", "--amount", "8000", "-t", "职工")
    assert data["cost"]["known"] is False and "盱眙" in data["cost"]["reason"]
    place = run.json("transfer-guide", "--filing", "--from", "安宁", "--tier", "3", "--amount", "8000", "-t", "职工")
    assert place["cost"]["known"] is False


# ---- referrals (issue 20, item 3) ----------------------------------------------------------------
# 乌鲁木齐 居民 住院 三级 (data/regions/wulumuqi.yaml): 起付 800, 60 %; 异地 × 1 已备案, × 0.85 转诊和急诊,
# × 0.6 未备案; 大病保险 on the year's burden above 12 000 at 60 % (up to 50 000). A bill of 80 000:
#   已备案 79 200 × 60 % = 47 520; burden 32 480 → 大病 (32 480 − 12 000) × 60 % = 12 288; 个人 20 192
#   转诊   79 200 × 51 % = 40 392; burden 39 608 → 大病 27 608 × 60 % = 16 564.80; 个人 23 043.20
#   未备案 79 200 × 36 % = 28 512; burden 51 488 → 大病 38 000 × 60 % + 1 488 × 65 % = 23 767.20;
#          个人 80 000 − 28 512 − 23 767.20 = 27 720.80
URUMQI = ["transfer-guide", "--filing", "--from", "乌鲁木齐", "--to", "北京", "-t", "居民", "--tier", "3",
          "--amount", "80000"]


def test_filing_cost_has_the_referral_row_a_referred_patient_reads_in_estimate(run):
    cost = run.json(*URUMQI)["cost"]
    assert cost["yours"] is None and list(k for k in ("filed", "transfer", "unfiled", "emergency") if k in cost) == [
        "filed", "transfer", "unfiled", "emergency"]
    assert (cost["filed"]["fund_pay"], cost["filed"]["critical_illness_pay"], cost["filed"]["out_of_pocket"]) == (
        47520, 12288, 20192)
    assert (cost["transfer"]["fund_pay"], cost["transfer"]["critical_illness_pay"]) == (40392, 16564.8)
    assert cost["transfer"]["out_of_pocket"] == 23043.2 and cost["transfer"]["remote_applied"] == "异地转诊备案:比例 × 0.85"
    referred = run.json("estimate", "-r", "乌鲁木齐", "-t", "居民", "--tier", "3", "--amount", "80000", "--remote", "转诊")
    assert referred["fund_pay"] + referred["critical_illness_pay"] == 56956.8  # 40 392 + 16 564.80
    assert (referred["fund_pay"], referred["critical_illness_pay"], referred["out_of_pocket"]) == (
        cost["transfer"]["fund_pay"], cost["transfer"]["critical_illness_pay"], cost["transfer"]["out_of_pocket"])
    # without --remote, 不备案多付 is against 已备案, as before: 27 720.80 − 20 192 = 7 528.80
    assert (cost["extra_cost"], cost["extra_cost_basis"]) == (7528.8, "filed")
    plain = run(*URUMQI, "-f", "plain").stdout
    assert "转诊备案:医保支付:56,956.80" in plain and "转诊备案:个人负担:23,043.20" in plain


def test_remote_puts_the_persons_own_way_first_and_counts_not_filing_against_it(run):
    cost = run.json(*URUMQI, "--remote", "转诊")["cost"]
    assert cost["yours"] == "transfer"
    # 未备案 27 720.80 − 转诊 23 043.20 = 4 677.60
    assert (cost["unfiled"]["fund_pay"], cost["unfiled"]["critical_illness_pay"], cost["unfiled"]["out_of_pocket"]) == (
        28512, 23767.2, 27720.8)
    assert (cost["extra_cost"], cost["extra_cost_basis"]) == (4677.6, "transfer")
    plain = run(*URUMQI, "--remote", "转诊", "-f", "plain").stdout
    table = plain[plain.index("【不备案的代价"):]
    rows = [line for line in table.splitlines()[1:] if ":" in line and not line.startswith("-")]
    assert rows[0].startswith("转诊备案(你的情况):医保支付:56,956.80")
    assert rows[1].startswith("转诊备案(你的情况):个人负担:23,043.20")
    assert "不备案多付:4,677.60(未备案个人负担 − 转诊备案个人负担)" in table
    markdown = run(*URUMQI, "--remote", "转诊", "-f", "markdown").stdout
    assert "| **转诊备案(你的情况):医保支付** | **56,956.80** |" in markdown
    # an unfiled person: their row first, 不备案多付 still against 已备案
    unfiled = run.json(*URUMQI, "--remote", "unfiled")["cost"]
    assert unfiled["yours"] == "unfiled" and (unfiled["extra_cost"], unfiled["extra_cost_basis"]) == (7528.8, "filed")
    assert run(*URUMQI, "--remote", "未备案", "-f", "plain").stdout.count("未备案(你的情况):") == 2


def test_remote_without_a_rule_for_it_is_estimated_as_estimate_does(run):
    # tests/policies/example.yaml 职工 has no 转诊 rule: estimate uses the local ratio and says it is a bound;
    # 二级 500 / 88 %: (10 000 − 500) × 88 % = 8 360; 未备案 − 20 points: 9 500 × 68 % = 6 460 → 3 540 − 1 640 = 1 900
    on = ["--policy-file", str(Path(__file__).parent / "policies" / "example.yaml"), "-t", "职工", "--tier", "2",
          "--amount", "10000", "--remote", "transfer"]
    cost = run.json("transfer-guide", "--filing", *on)["cost"]
    assert (cost["transfer"]["fund_pay"], cost["transfer"]["bound"]) == (8360, "upper")
    assert (cost["extra_cost"], cost["extra_cost_basis"]) == (1900, "transfer")
    assert any("异地转诊备案" in w and "上限" in w for w in cost["warnings"])
    estimate = run.json("estimate", *on)
    assert (estimate["fund_pay"], estimate["bound"]) == (8360, "upper")
    plain = run("transfer-guide", "--filing", *on, "-f", "plain").stdout
    assert "转诊备案(你的情况):医保支付:至多 8,360.00" in plain and "不备案多付:至多 1,900.00" in plain


def test_remote_needs_filing_and_an_amount(run):
    for args in (["--from", "绵阳", "--remote", "转诊"], ["--filing", "--from", "绵阳", "--remote", "转诊"]):
        result = run("transfer-guide", *args)
        assert result.exit_code == 2 and "--remote" in result.stderr and result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1
    result = run(*URUMQI, "--remote", "月球")
    assert result.exit_code == 2 and "异地就医类型" in result.stderr


def test_filing_cost_needs_tier(run):
    result = run("transfer-guide", "--filing", "--from", "绵阳", "--amount", "8000")
    assert result.exit_code == 2 and "--tier" in result.stderr


def test_help(run):
    result = run("transfer-guide", "--help")
    assert result.exit_code == 0 and "示例" in result.stdout and "--filing" in result.stdout


def test_filing_for_residents_says_nothing_about_using_a_personal_account(run):
    data = run.json("transfer-guide", "--filing", "--from", "成都", "--to", "北京", "-t", "居民")
    assert data["plan"] == "resident" and data["account"] == []
    shown = data["steps"] + data["unfiled"] + data["notes"] + data["region_notes"]
    assert not any("个人账户" in x["text"] and "没有个人账户" not in x["text"] for x in shown)
    assert any("没有个人账户" in n["text"] for n in data["notes"])
    assert [s["n"] for s in data["steps"]] == list(range(1, len(data["steps"]) + 1))
    text = run("transfer-guide", "--filing", "--from", "成都", "--to", "北京", "-t", "居民", "-f", "plain").stdout
    assert "使用个人账户支付" not in text and "在外地用个人账户" not in text
    employee = run.json("transfer-guide", "--filing", "--from", "成都", "--to", "北京", "-t", "职工")
    assert employee["plan"] == "employee" and employee["account"]
    assert run.json("transfer-guide", "--filing")["plan"] is None


# ---- a place's rule is shown only for that place, or labelled as an example ---------------

CAVEAT = "各地不同,以参保地医保局为准"


def _general_texts(data, keys):
    out = []
    for key in keys:
        for entry in data[key]:
            out.append(" ".join(str(v) for v in entry.values() if isinstance(v, str))
                       + " ".join(entry.get("bring") or []))
    return out


def test_transfer_from_mianyang_to_shenzhen_shows_no_other_place_as_general(run):
    data = run.json("transfer-guide", "--from", "绵阳", "--to", "深圳")
    general = _general_texts(data, ("conditions", "steps", "balance", "notes"))
    for place in ("广州", "安徽", "南京", "呼和浩特", "新疆"):
        assert not any(place in t for t in general), place
    assert data["region_notes"] == []
    assert any("没有" in w and "绵阳" in w and "深圳" in w and "特别规定" in w for w in data["warnings"])
    examples = {e["example"] for e in data["examples"]}
    assert any("广州" in e for e in examples) and any("安徽转南京" in e for e in examples)
    for e in data["examples"]:
        assert e["text"].startswith(f"以{e['example']}为例:") and e["text"].endswith(CAVEAT)
    assert any("15个工作日" in e["text"] for e in data["examples"])
    text = run("transfer-guide", "--from", "绵阳", "--to", "深圳", "-f", "plain").stdout
    for line in text.splitlines():
        if "广州" in line or "安徽" in line:
            assert "为例" in line and CAVEAT in line, line


def test_a_place_rule_that_applies_is_not_repeated_as_an_example(run):
    data = run.json("transfer-guide", "--from", "广州", "--to", "南京")
    assert data["examples"] == []  # both examples are this user's own places
    assert any("15个工作日" in n["text"] for n in data["region_notes"])


def test_resident_transfer_is_not_told_to_convert_first(run):
    data = run.json("transfer-guide", "--from", "成都", "--to", "北京", "--type", "居民")
    assert not any("先转为职工医保" in c["text"] for c in data["conditions"])
    assert not any("先转为职工医保" in w for w in data["warnings"])
    assert "城乡居民" in data["warnings"][0]
    notes = " ".join(n["text"] for n in data["resident_notes"])
    assert "新居住地" in notes and "居民医保" in notes and "咨询" in notes
    convert = [e for e in data["examples"] if "先转为职工医保" in e["text"]]
    assert convert and all(e["text"].startswith("以安徽转南京") for e in convert)  # that one Q&A, named
    text = run("transfer-guide", "--from", "成都", "--to", "北京", "-t", "居民", "-f", "plain").stdout
    assert text.index("【城乡居民医保换城市】") < text.index("【先确认条件】")


def test_filing_chengdu_to_beijing_labels_the_anhui_example(run):
    data = run.json("transfer-guide", "--filing", "--from", "成都", "--to", "北京")
    general = _general_texts(data, ("unfiled", "steps", "notes", "channels", "account"))
    general += [t["note"] or "" for t in data["types"]]
    for place in ("安徽", "南京", "江苏", "宿迁"):
        assert not any(place in t for t in general), place
    anhui = [e for e in data["examples"] if "安徽" in e["text"]]
    assert anhui and all(e["text"].startswith("以安徽") and e["text"].endswith(CAVEAT) for e in anhui)
    own = run.json("transfer-guide", "--filing", "--from", "安徽", "--to", "南京")
    assert own["examples"] == [] and any("70%~80%" in n["text"] for n in own["region_notes"])
    text = run("transfer-guide", "--filing", "--from", "成都", "--to", "北京", "-f", "plain").stdout
    for line in text.splitlines():
        if "安徽" in line:
            assert "为例" in line and CAVEAT in line, line
