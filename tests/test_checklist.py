"""`medins checklist`: every scenario in every format, matching, region rules, --output."""

from __future__ import annotations

import json

import pytest

from medins_cli.render.guides import FORMS
from medins_cli.store import guides

SCENARIOS = [s["id"] for s in guides.scenarios()]
FORMATS = ["table", "markdown", "plain", "json"]
REQUIRED_NAMES = [
    "住院手工报销", "门诊手工报销", "异地就医备案", "医保关系转移接续", "生育医疗费与生育津贴",
    "门诊特定病种（门特/门慢）认定", "家庭共济绑定", "没带医保卡就医(医保电子凭证)",
]
CHECKLIST_KEYS = {
    "guide", "id", "name", "aliases", "summary", "region", "when", "items", "parts", "submit", "deadline",
    "payment_time", "steps", "notes", "examples", "warnings", "sources", "disclaimer",
}


def test_list_shows_every_required_scenario(run):
    result = run("checklist", "--list", "--format", "plain")
    assert result.exit_code == 0, result.stderr
    for name in REQUIRED_NAMES:
        assert name in result.stdout


def test_list_json_rows(run):
    rows = run.json("checklist", "--list")
    assert [r["name"] for r in rows] == [s["name"] for s in guides.scenarios()]
    assert set(rows[0]) == {"id", "name", "summary", "aliases", "regions"}
    assert all(r["summary"] for r in rows)


def test_no_scenario_lists_them(run):
    result = run("checklist", "--format", "plain")
    assert result.exit_code == 0
    assert "住院手工报销" in result.stdout and "门诊手工报销" in result.stdout


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_scenario_renders_in_every_format(run, scenario, fmt):
    result = run("checklist", scenario, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    name = next(s["name"] for s in guides.scenarios() if s["id"] == scenario)
    if fmt == "json":
        data = json.loads(out)
        assert set(data) == CHECKLIST_KEYS
        assert data["id"] == scenario
    else:
        assert name in out
        assert "来源" in out
    if fmt == "markdown":
        assert out.startswith(f"# {name}")
        assert "\n- [ ] **" in out and "\n## 来源\n" in out
    if fmt == "plain":
        assert "\n- [ ] " in out and "**" not in out and "\n#" not in out
    if fmt == "table":
        assert "☐" in out


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_item_and_note_shows_a_known_source(run, scenario):
    data = run.json("checklist", scenario)
    listed = {s["id"] for s in data["sources"]}
    for item in data["items"]:
        assert item["source"] in listed
        assert set(item) == {"name", "required", "form", "note", "source", "region"}
        assert item["form"] in FORMS
    for entry in data["when"] + data["steps"] + data["notes"]:
        assert entry["source"] in listed
    for part in data["parts"]:
        assert set(part) == {"id", "title", "items", "notes"} and part["items"]
        for item in part["items"]:
            assert item["source"] in listed and item["form"] in FORMS
            assert set(item) == {"name", "required", "form", "note", "source", "region"}
        assert all(n["source"] in listed for n in part["notes"])
    for key in ("submit", "deadline", "payment_time"):
        assert data[key] is None or data[key]["source"] in listed
    for src in data["sources"]:
        assert src["title"] and src["confidence"] in ("official", "secondary", "unverified")


def test_inpatient_manual_claim_has_what_a_person_needs(run):
    data = run.json("checklist", "住院手工报销")
    items = {i["name"]: i for i in data["items"]}
    names = " ".join(items)
    for word in ("医保卡", "医保电子凭证", "身份证", "发票", "费用明细清单", "住院费用总清单", "出院小结", "诊断证明", "银行卡"):
        assert word in names, word
    assert items["医院开具的发票"]["form"] == "original" and "盖" in items["医院开具的发票"]["note"]
    assert items["医保卡(社保卡)"]["form"] == "original+copy"
    assert items["住院费用总清单"]["required"] is True
    assert items["银行卡或银行账户信息"]["required"] is False
    assert "6个月至1年" in data["deadline"]["text"]
    assert "15~30个工作日" in data["payment_time"]["text"]
    assert "医保局" in data["submit"]["text"]


def test_outpatient_claim_has_no_inpatient_only_items(run):
    names = [i["name"] for i in run.json("checklist", "门诊手工报销")["items"]]
    assert "出院小结" not in names and "住院费用总清单" not in names
    assert "医院开具的发票" in names and "费用明细清单" in names


@pytest.mark.parametrize("query, expected", [
    ("住院手工报销", "inpatient-manual"),
    ("住院报销", "inpatient-manual"),
    ("ZhuYuan", "inpatient-manual"),
    ("zhuyuan baoxiao", "inpatient-manual"),
    ("inpatient-manual", "inpatient-manual"),
    ("门特", "chronic"),
    ("门诊特定病种(门特/门慢)认定", "chronic"),
    ("MENMAN", "chronic"),
    ("家庭共济", "family-binding"),
    ("没带医保卡就医 (医保电子凭证)", "no-card"),
    ("医保电子凭证", "no-card"),
    ("yidibeian", "remote-filing"),
    ("生孩子报销", "maternity"),
    ("转移接续", "transfer"),
])
def test_scenario_matching(run, query, expected):
    assert run.json("checklist", query)["id"] == expected


def test_unknown_scenario_suggests_and_exits_2(run):
    result = run("checklist", "住院报", "--format", "json")
    assert result.exit_code == 0  # a unique partial match is accepted
    result = run("checklist", "报销")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "你是不是要找" in result.stderr and "住院手工报销" in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    result = run("checklist", "火星签证")
    assert result.exit_code == 2 and "--list" in result.stderr


def _items(data, region=None):
    return [i["name"] for i in data["items"] if i["region"] == region]


def test_region_items_appear_only_for_their_region(run):
    plain = run.json("checklist", "异地就医备案")
    assert all(i["region"] is None for i in plain["items"])
    assert all(n["region"] is None for n in plain["notes"])
    assert plain["region"] is None

    mianyang = run.json("checklist", "异地就医备案", "--region", "绵阳")  # a city of 四川
    assert mianyang["region"] == {"name": "绵阳", "province": "四川"}
    assert _items(mianyang, "四川") == ["个人承诺"]
    assert any("四川医保APP" in n["text"] for n in mianyang["notes"] if n["region"] == "四川")
    assert "转诊证明" not in [i["name"] for i in mianyang["items"]]

    nanjing = run.json("checklist", "异地就医备案", "--region", "南京")  # a city of 江苏
    assert _items(nanjing, "江苏") == ["转诊证明"]
    assert any("有效期一年" in n["text"] for n in nanjing["notes"] if n["region"] == "江苏")
    assert "个人承诺" not in [i["name"] for i in nanjing["items"]]

    guangzhou = run.json("checklist", "异地就医备案", "--region", "广州")
    assert all(i["region"] is None for i in guangzhou["items"])
    assert guangzhou["warnings"] and "广州" in guangzhou["warnings"][0]


def test_region_rule_for_a_city_without_a_region_file(run):
    data = run.json("checklist", "家庭共济绑定", "--region", "重庆")
    assert any("重庆医保" in n["text"] for n in data["notes"] if n["region"] == "重庆")
    other = run.json("checklist", "家庭共济绑定", "--region", "绵阳")
    assert not any("重庆" in n["text"] for n in other["notes"])
    xiamen = run.json("checklist", "家庭共济绑定", "--region", "厦门")  # only in places.yaml
    assert any(n["region"] == "厦门" for n in xiamen["notes"])


def test_region_from_config(run):
    assert run("config", "set", "region", "云南").exit_code == 0
    data = run.json("checklist", "异地就医备案")
    assert data["region"]["name"] == "云南"
    assert _items(data, "云南") == ["个人承诺"]


def test_unknown_region_exits_2_with_suggestion(run):
    result = run("checklist", "异地就医备案", "--region", "绵羊")
    assert result.exit_code == 2
    assert "绵阳" in result.stderr and result.stdout == ""


def test_output_writes_and_refuses_to_overwrite(run, tmp_path):
    target = tmp_path / "住院.md"
    result = run("checklist", "住院手工报销", "--output", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# 住院手工报销") and "- [ ] **医院开具的发票**" in text  # markdown from the suffix

    again = run("checklist", "门诊手工报销", "--output", str(target))
    assert again.exit_code == 2
    assert "已存在" in again.stderr and "--force" in again.stderr
    assert target.read_text(encoding="utf-8") == text  # untouched

    forced = run("checklist", "门诊手工报销", "--output", str(target), "--force")
    assert forced.exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("# 门诊手工报销")


def test_output_formats_by_suffix_and_flag(run, tmp_path):
    as_json = tmp_path / "c.json"
    assert run("checklist", "门特", "-o", str(as_json)).exit_code == 0
    assert json.loads(as_json.read_text(encoding="utf-8"))["id"] == "chronic"
    as_txt = tmp_path / "c.txt"
    assert run("checklist", "门特", "-o", str(as_txt)).exit_code == 0
    assert as_txt.read_text(encoding="utf-8").startswith("门诊特定病种")
    forced_md = tmp_path / "c.out"
    assert run("checklist", "门特", "-o", str(forced_md), "--format", "markdown").exit_code == 0
    assert forced_md.read_text(encoding="utf-8").startswith("# ")


def test_table_cannot_go_to_a_file(run, tmp_path):
    result = run("checklist", "门特", "-o", str(tmp_path / "x.txt"), "--format", "table")
    assert result.exit_code == 2 and not (tmp_path / "x.txt").exists()


def test_output_into_a_directory_is_refused(run, tmp_path):
    result = run("checklist", "门特", "-o", str(tmp_path))
    assert result.exit_code == 2 and "目录" in result.stderr


def test_bad_format(run):
    result = run("checklist", "门特", "--format", "csv")
    assert result.exit_code == 2 and "csv" in result.stderr


def test_json_is_one_document_and_nothing_else(run):
    result = run("checklist", "住院手工报销", "--format", "json", "--region", "绵阳")
    json.loads(result.stdout)
    assert result.stderr == ""


def test_help_is_chinese_with_examples(run):
    result = run("checklist", "--help")
    assert result.exit_code == 0
    assert "示例" in result.stdout and "medins checklist 住院手工报销" in result.stdout


# ---- 生育: childbirth and the 人工流产 case apart; one article's requirements labelled ----------


def _all_text(data):
    return json.dumps({k: v for k, v in data.items() if k != "sources"}, ensure_ascii=False)


def test_childbirth_checklist_is_not_built_on_an_abortion_example(run):
    data = run.json("checklist", "生育医疗费与生育津贴")
    assert "新农合" not in _all_text(data)  # merged into 城乡居民医保 years ago
    own = json.dumps([data["items"], data["when"], data["steps"], data["submit"]], ensure_ascii=False)
    assert "流产" not in own
    assert [n["text"] for n in data["notes"] if "流产" in n["text"]] == ["人工流产等计划生育手术另见「人工流产与计划生育手术」清单"]
    assert any("分娩" in w["text"] for w in data["when"])
    required = [i["name"] for i in data["items"] if i["required"]]
    assert "结婚证" not in required
    for entry in data["items"] + data["notes"]:
        line = entry.get("text") or f"{entry['name']} {entry.get('note') or ''}"
        if "结婚证" in line or "满1年" in line:
            assert "一篇" in line and "各地要求不同" in line, line


def test_abortion_case_has_its_own_checklist(run):
    for query in ("人工流产", "人流", "计划生育手术", "人流报销"):
        assert run.json("checklist", query)["id"] == "family-planning", query
    data = run.json("checklist", "人工流产")
    items = {i["name"]: i for i in data["items"]}
    assert any("流产" in (i["note"] or "") or "流产" in name for name, i in items.items())
    assert items["结婚证"]["required"] is False and "各地要求不同" in items["结婚证"]["note"]
    assert "新农合" not in _all_text(data)
    conditions = [n["text"] for n in data["notes"] if "满1年" in n["text"]]
    assert conditions and all("一篇" in c and "各地要求不同" in c for c in conditions)
    assert run.json("checklist", "生育")["id"] == "maternity"


# ---- the outpatient limit: it varies; the region's own figure when we have it -------------------


def test_outpatient_limit_is_not_overstated(run):
    data = run.json("checklist", "门诊手工报销")
    notes = " ".join(n["text"] for n in data["notes"])
    assert "2万" not in notes and "封顶线常见" not in notes
    assert "各地" in notes and "限额" in notes


def test_outpatient_limit_shows_the_regions_own_figure(run):
    data = run.json("checklist", "门诊手工报销", "--region", "绵阳")
    mine = [n for n in data["notes"] if n["region"] == "绵阳"]
    assert len(mine) == 1
    text = mine[0]["text"]
    # mianyang.yaml: 职工 annual_cap 2000, retiree 2500; 居民 200 (aggregator, unverified)
    assert "2,000" in text and "2,500" in text and "200" in text and "绵阳" in text
    assert mine[0]["source"] == "aggregator-mianyang"
    assert {s["id"]: s["confidence"] for s in data["sources"]}["aggregator-mianyang"] == "unverified"
    plain = run("checklist", "门诊手工报销", "--region", "绵阳", "-f", "plain").stdout
    assert "2,000" in plain
    # a region without figures adds nothing (and says it has no rule of its own)
    xuyi = run.json("checklist", "门诊手工报销", "--region", "盱眙")  # notes only
    assert not any(n["region"] for n in xuyi["notes"]) and xuyi["warnings"]


def test_family_binding_shares_the_personal_account_only(run):
    data = run.json("checklist", "家庭共济绑定")
    texts = [x["text"] for x in data["notes"] + data["when"] + data["steps"]]
    texts += [i["note"] or "" for i in data["items"]]
    assert not any("统筹" in t and "共济" in t and "不" not in t for t in texts)
    assert not any("能否共济" in t or "看当地政策" in t for t in texts)
    assert any("只共享个人账户" in t and "统筹" in t for t in texts)
    for args in (["balance"], ["balance", "-r", "重庆"]):
        info = run.json(*args)
        shared = [o["text"] for o in info["options"] if o["title"] == "家庭共济"]
        assert shared and "个人账户" in shared[0]


def test_filing_checklist_speaks_of_the_account_as_an_employee_thing(run):
    data = run.json("checklist", "异地就医备案")
    for entry in data["steps"] + data["notes"]:
        if "个人账户" in entry["text"]:
            assert "职工" in entry["text"], entry["text"]  # 城乡居民医保 has no personal account


# ---- the parts people need in one situation: a referral, a child's claim, an agent, care elsewhere --------


def _part(data, pid):
    return next(p for p in data["parts"] if p["id"] == pid)


def _source(data, sid):
    return next(s for s in data["sources"] if s["id"] == sid)


def test_filing_lists_the_referral_letter_and_who_issues_it(run):
    data = run.json("checklist", "异地就医备案")
    referral = _part(data, "referral")
    assert "转诊" in referral["title"]
    letter = next(i for i in referral["items"] if i["name"].startswith("转诊证明"))
    assert letter["required"] is True and "医院开具" in letter["note"]
    assert _source(data, letter["source"])["title"] == "医保个人账户门诊怎么用"  # seed 004: 转诊转院需医院开具证明
    # who issues it, as one unnamed place's Q&A says (labelled as such, unverified)
    said = next(n for n in referral["notes"] if "首诊" in n["text"])
    assert said["text"].startswith("一篇未注明城市的问答称") and _source(data, said["source"])["confidence"] == "unverified"
    # 江苏's own rule (三级医院, 半年) only as a labelled example elsewhere
    assert any(e["text"].startswith("以江苏省内转诊为例:") and "三级医院" in e["text"] for e in data["examples"])
    assert not any("三级医院" in i["note"] for i in referral["items"])


def test_inpatient_claim_has_a_childs_an_agents_and_an_out_of_area_part(run):
    data = run.json("checklist", "住院手工报销")
    assert [p["id"] for p in data["parts"]] == ["minor", "agent", "remote-claim"]
    minor = [i["name"] for i in _part(data, "minor")["items"]]
    assert minor[0] == "监护人身份证" and any("户口" in n for n in minor) and "出生医学证明" in minor
    agent = {i["name"]: i for i in _part(data, "agent")["items"]}
    assert agent["代办人身份证"]["required"] is True and agent["授权委托书"]["required"] is False
    assert "委托书" in agent["授权委托书"]["note"] and "以当地窗口为准" in agent["授权委托书"]["note"]
    remote = [i["name"] for i in _part(data, "remote-claim")["items"]]
    assert "异地就医备案凭证" in remote and any(n.startswith("转诊证明") for n in remote)
    # the web pages cited are listed with their URL and as unverified
    pages = [s for s in data["sources"] if s.get("url")]
    assert pages and all(s["confidence"] == "unverified" and s["url"].startswith("http") for s in pages)
    # the main list is unchanged: the conditional documents are not "required" for everyone
    assert "监护人身份证" not in [i["name"] for i in data["items"]]


def test_one_citys_newborn_rule_is_only_an_example_except_there(run):
    anywhere = run.json("checklist", "住院手工报销")
    assert any(e["text"].startswith("以三明新生儿为例:") for e in anywhere["examples"])
    assert all(i["region"] is None for i in anywhere["items"])
    sanming = run.json("checklist", "住院手工报销", "--region", "三明")
    assert "父母身份证" in _items(sanming, "三明")
    assert not any(e["example"] == "三明新生儿" for e in sanming["examples"])


@pytest.mark.parametrize("fmt", ["markdown", "plain", "table"])
def test_parts_show_in_every_text_format(run, fmt):
    out = run("checklist", "住院手工报销", "--format", fmt).stdout
    for words in ("为未成年人报销", "监护人身份证", "由他人代办时另带", "授权委托书", "异地就医备案凭证", "转诊证明(转诊单)"):
        assert words in out, words
    filing = run("checklist", "异地就医备案", "--format", fmt).stdout
    assert "转诊证明(转诊转院证明)" in filing and "由医院开具" in filing
    if fmt == "markdown":
        assert "## 由他人代办时另带\n\n- [ ] **代办人身份证**" in out
        assert "\n- 一篇问答称:参保人因年老" in out  # a part's note is a bullet, not a box
    if fmt == "plain":
        assert "【由他人代办时另带】\n- [ ] 代办人身份证" in out


def test_outpatient_claim_and_maternity_carry_the_parts_that_fit(run):
    assert [p["id"] for p in run.json("checklist", "门诊手工报销")["parts"]] == ["minor", "agent", "remote-claim"]
    assert [p["id"] for p in run.json("checklist", "生育")["parts"]] == ["agent"]
    assert run.json("checklist", "家庭共济")["parts"] == []
