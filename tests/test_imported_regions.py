"""The ~340 cities imported from the public aggregator (scripts/import_aggregator.py), through the
public face: worked examples by hand from the snapshot's numbers, finding a city among hundreds
(a pinyin two cities share never picks one), what the output says about the figures, the
regions filters, and the import itself (re-run against the snapshot when it is on this machine).
"""

from __future__ import annotations

import filecmp
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import DATA, REPO, section_of

from medins_cli.errors import ExitCode

SNAPSHOT = Path(os.environ.get("MEDINS_AGGREGATOR_SNAPSHOT") or REPO.parent / "shared" / "aggregator")


def _script():
    spec = importlib.util.spec_from_file_location("import_aggregator", REPO / "scripts" / "import_aggregator.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


# ---- worked examples: the snapshot's figures, by hand -----------------------------------------

CASES = [
    # 佛山 (src/data/guangdong/foshan.ts): 职工 tier3 起付 1000, 87 %, 退休 +2; 封顶 60万;
    # 职工大病 on the burden: 起付 15000, 15000–50000 70 %, 50000–100000 75 %, above 85 %, cap 40万
    (["-r", "佛山", "-t", "职工", "--tier", "3", "--amount", "8000"],
     {"deductible": 1000, "fund_pay": 6090, "critical_illness_pay": 0, "out_of_pocket": 1910, "effective_ratio": 0.7613}),
    # (8000 − 1000) × 87% = 6090; burden 1910 < 15000 → 0; 8000 − 6090 = 1910; 6090 ÷ 8000 = 0.7613
    (["-r", "佛山", "--tier", "3", "--amount", "8000"],  # as the issue writes it: no --type, so 职工 (and a warning)
     {"plan": "employee", "fund_pay": 6090, "out_of_pocket": 1910}),
    (["-r", "佛山", "-t", "职工", "--tier", "3", "--amount", "8000", "--retired"],
     {"fund_pay": 6230, "out_of_pocket": 1770}),  # 7000 × (87% + 2%) = 6230
    (["-r", "佛山", "-t", "职工", "--tier", "3", "--amount", "200000"],
     {"fund_pay": 173130, "critical_illness_pay": 8309, "out_of_pocket": 18561}),
    # 199000 × 87% = 173130; burden 26870: (26870 − 15000) × 70% = 8309; 200000 − 173130 − 8309 = 18561
    # 武汉 (src/data/hubei/wuhan.ts): 居民 tier3 起付 800, 60 %, 封顶 15万; 大病 起付 12000,
    # 12000–30000 60 %, 30000–100000 65 %, above 75 %, no cap
    (["-r", "武汉", "-t", "居民", "--tier", "3", "--amount", "50000"],
     {"deductible": 800, "fund_pay": 29520, "critical_illness_pay": 5088, "out_of_pocket": 15392}),
    # (50000 − 800) × 60% = 29520; burden 20480: (20480 − 12000) × 60% = 5088; 50000 − 29520 − 5088 = 15392
    (["-r", "武汉", "-t", "居民", "--tier", "3", "--amount", "100000"],
     {"fund_pay": 59520, "critical_illness_pay": 17612, "out_of_pocket": 22868}),
    # 99200 × 60% = 59520; burden 40480: 18000 × 60% + (40480 − 30000) × 65% = 10800 + 6812 = 17612
    # 乌鲁木齐 (src/data/xinjiang/urumqi.ts): 职工 tier2 起付 400, 88 %, 退休 +4 (tier1 +3: per tier);
    # 职工大额 not encoded (起付 0 and no above-cap text); 居民 tier3 起付 800, 60 %
    (["-r", "乌鲁木齐", "-t", "职工", "--tier", "2", "--amount", "20000", "--retired"],
     {"deductible": 400, "fund_pay": 18032, "critical_illness_pay": 0, "out_of_pocket": 1968}),
    # (20000 − 400) × (88% + 4%) = 18032
    (["-r", "乌鲁木齐", "-t", "职工", "--tier", "1", "--amount", "20000", "--retired"],
     {"deductible": 200, "fund_pay": 18810, "out_of_pocket": 1190}),  # (20000 − 200) × (92% + 3%) = 18810
    (["-r", "乌鲁木齐", "-t", "居民", "--tier", "3", "--amount", "8000"],
     {"fund_pay": 4320, "out_of_pocket": 3680}),  # (8000 − 800) × 60% = 4320
    # 重庆 (src/data/chongqing/index.ts): 职工 tier3 起付 880, 85 %, 封顶 4.7万; its comment says the
    # 大额 fund pays 100 % above that cap (to 50万): mode above_cap
    (["-r", "重庆", "-t", "职工", "--tier", "3", "--amount", "100000"],
     {"fund_pay": 47000, "critical_illness_pay": Decimal("43825.88"), "out_of_pocket": Decimal("9174.12")}),
    # X = 880 + 47000 ÷ 85% = 56174.1176…; base 100000 − X = 43825.88 × 100%; 100000 − 47000 − 43825.88
    # 天津: the aggregator's 35万 is 统筹 + 大额; the page gives 统筹 15万: split, 大额 80 % above it
    (["-r", "天津", "-t", "职工", "--tier", "3", "--amount", "200000"],
     {"deductible": 1700, "fund_pay": 150000, "critical_illness_pay": 8640, "out_of_pocket": 41360}),
    # X = 1700 + 150000 ÷ 80% = 189200; (200000 − 189200) × 80% = 8640; 200000 − 150000 − 8640 = 41360
    # 宿州 居民住院 from the page quoting the 埇桥区医保局 reply (市属三级 700 / 75 %, no cap given: an upper
    # bound); 大病 from the aggregator: 起付 15000 and bands written from 0 ("起付线以上"): 60 % to 15000 + 50000
    (["-r", "宿州", "-t", "居民", "--tier", "3", "--amount", "100000"],
     {"deductible": 700, "fund_pay": 74475, "critical_illness_pay": 6315, "out_of_pocket": 19210, "bound": "upper"}),
    # (100000 − 700) × 75% = 74475; burden 25525: (25525 − 15000) × 60% = 6315; 100000 − 74475 − 6315 = 19210
]


@pytest.mark.parametrize("args, expected", CASES, ids=[" ".join(c[0][1::2]) for c in CASES])
def test_worked_example(run, args, expected):
    data = run.json("estimate", *args)
    for key, value in expected.items():
        got = data[key]
        assert (Decimal(str(got)) == Decimal(str(value))) if not isinstance(value, str) else got == value, (key, got)
    assert data["fund_pay"] + data["critical_illness_pay"] + data["out_of_pocket"] == pytest.approx(data["total"])


def test_the_examples_read_the_snapshots_figures():
    """The figures above are the aggregator's (checked against the shipped files, which the re-import
    test ties to the snapshot byte for byte)."""
    from medins_cli.store.yamlio import load_yaml

    foshan = load_yaml(DATA / "regions" / "foshan.yaml")
    assert section_of(foshan, "employee", "inpatient")["tiers"]["3"] == {"deductible": 1000, "ratio": Decimal("0.87")}
    assert foshan["sources"][0]["url"].endswith("/src/data/guangdong/foshan.ts")
    wuhan = section_of(load_yaml(DATA / "regions" / "wuhan.yaml"), "resident", "critical_illness")
    assert wuhan["threshold"] == 12000 and [b.get("upto") for b in wuhan["bands"]] == [30000, 100000, None]


# ---- finding a city among hundreds ---------------------------------------------------------


@pytest.mark.parametrize("pinyin, choices", [
    ("suzhou", "你是指 苏州(江苏) 还是 宿州(安徽)?"),
    ("taizhou", "你是指 泰州(江苏) 还是 台州(浙江)?"),
    ("fuzhou", "你是指 福州(福建) 还是 抚州(江西)?"),
    ("yulin", "你是指 玉林(广西) 还是 榆林(陕西)?"),
    ("YiChun", "你是指 伊春(黑龙江) 还是 宜春(江西)?"),
])
def test_a_shared_pinyin_never_picks_one(run, pinyin, choices):
    for _ in range(2):  # the first run builds the index; the second reads its shard
        result = run("estimate", "-r", pinyin, "--tier", "3", "--amount", "8000")
        assert result.exit_code == ExitCode.USAGE and result.stdout == ""
        assert choices in result.stderr and result.stderr.count("\n") == 1


def test_every_command_asks_back_on_a_shared_pinyin(run):
    for args in (["config", "set", "region", "suzhou"], ["checklist", "异地就医备案", "-r", "fuzhou"],
                 ["transfer-guide", "--from", "taizhou", "--to", "绵阳"], ["policy", "show", "yulin"],
                 ["policy", "init", "yichun", "--template"]):
        result = run(*args)
        assert result.exit_code == ExitCode.USAGE and "你是指" in result.stderr and "不认识" not in result.stderr, args
    batch = run("estimate", "--batch", "-", "-t", "职工", input="region,tier,amount\nsuzhou,3,8000\n苏州,3,8000\n")
    assert "你是指 苏州(江苏) 还是 宿州(安徽)" in batch.stdout.splitlines()[1] and batch.stdout.splitlines()[2].startswith("苏州,3,8000,8000.00")


def test_the_chinese_name_and_the_file_name_still_find_it(run):
    assert run.json("estimate", "-r", "苏州", "--tier", "3", "--amount", "8000", "-t", "职工")["province"] == "江苏"
    assert run.json("estimate", "-r", "宿州市", "--tier", "3", "--amount", "8000", "-t", "职工")["province"] == "安徽"
    assert run.json("estimate", "-r", "suzhou-jiangsu", "--tier", "3", "--amount", "8000", "-t", "职工")["region"] == "苏州"
    for query, name in (("foshan", "佛山"), ("阿坝州", "阿坝"), ("大理白族自治州", "大理"), ("阿拉善盟", "阿拉善"),
                        ("兵团", "新疆兵团"), ("garze", "甘孜"), ("wulumuqi", "乌鲁木齐"), ("urumqi", "乌鲁木齐")):
        assert _show(run, query)["region"]["name"] == name, query


def _show(run, query):
    result = run("policy", "show", query, "-f", "json")
    assert result.exit_code == 0, (query, result.stderr)
    return json.loads(result.stdout)


def test_short_names_keep_apart_from_provinces(run):
    assert _show(run, "海南")["region"]["level"] == "province"  # not 海南藏族自治州 (海南州, 青海)
    assert _show(run, "海南州")["region"]["province"] == "青海"
    assert _show(run, "吉林")["region"]["name"] == "吉林"


def test_a_user_file_for_the_same_city_overrides_and_is_not_ambiguity(run, isolated_dirs):
    text = (DATA / "regions" / "suzhou-jiangsu.yaml").read_text(encoding="utf-8")
    folder = isolated_dirs["data"] / "regions"
    folder.mkdir(parents=True)
    (folder / "my-suzhou.yaml").write_text(text.replace("annual_cap: 350000", "annual_cap: 360000", 1), encoding="utf-8")
    data = run.json("estimate", "-r", "苏州", "--tier", "3", "--amount", "8000", "-t", "职工")
    assert data["data_file"]["origin"] == "user"
    result = run("estimate", "-r", "suzhou", "--tier", "3", "--amount", "8000")
    assert result.exit_code == ExitCode.USAGE and result.stderr.count("苏州(江苏)") == 1 and "宿州(安徽)" in result.stderr


def test_a_user_alias_that_another_city_has_makes_it_ask(run, isolated_dirs):
    folder = isolated_dirs["data"] / "regions"
    folder.mkdir(parents=True)
    example = (Path(__file__).parent / "policies" / "example.yaml").read_text(encoding="utf-8")
    (folder / "shili.yaml").write_text(example.replace("aliases: [示例, shili]", "aliases: [示例, foshan]"), encoding="utf-8")
    result = run("estimate", "-r", "foshan", "--tier", "2", "--amount", "8000")
    assert result.exit_code == ExitCode.USAGE and "佛山(广东)" in result.stderr and "示例市" in result.stderr
    assert run("policy", "validate", str(folder / "shili.yaml")).exit_code == ExitCode.OK  # shared pinyin: allowed


def test_completion_offers_the_cities_a_shared_pinyin_means():
    from medins_cli.commands import completion

    assert completion.complete_region("suzhou") == ["苏州", "宿州", "suzhou-anhui", "suzhou-jiangsu"]
    assert "佛山" in completion.complete_region("佛")
    assert completion.complete_province("广") == ["广东", "广西"]
    assert completion.complete_regions_confidence("n") == ["none"]


# ---- what the output says about the figures --------------------------------------------------


def test_table_opens_with_what_aggregator_figures_are(run):
    out = run("estimate", "-r", "佛山", "--tier", "3", "--amount", "8000", "-t", "职工", "-f", "table").stdout
    first = out.splitlines()[0]
    assert "公开聚合项目" in first and "未对照官方文件核实" in first and "196/270" in first and "31/92" in first
    assert "佛山 · 职工医保" in out.splitlines()[1]
    compare = run("estimate", "-r", "佛山", "--amount", "8000", "-t", "居民", "--compare", "tiers", "-f", "table")
    assert "公开聚合项目" in compare.stdout.splitlines()[0]


def test_no_caveat_when_a_figure_is_from_a_better_source(run):
    # 海南 居民 一级: a seed article (secondary); 宿州 居民 住院 from a page reprinting the 医保局's reply
    hainan = run("estimate", "-r", "海南", "-t", "居民", "--tier", "1", "--amount", "800", "-f", "table").stdout
    assert "公开聚合项目" not in hainan
    suzhou = run("estimate", "-r", "宿州", "-t", "居民", "--tier", "3", "--amount", "8000", "-f", "table").stdout
    assert "公开聚合项目,未对照" not in suzhou and "至多" in suzhou
    assert "公开聚合项目" not in run("estimate", "-r", "佛山", "--tier", "3", "--amount", "8000", "-f", "json").stdout.split(
        '"warnings"')[1].split("]")[0]  # table only: JSON carries the sources' confidence itself


def test_policy_show_lists_cited_documents_as_not_checked(run):
    out = "".join(run("policy", "show", "佛山", "-f", "table").stdout.split())  # the table may fold long titles
    assert "佛医保发〔2023〕15号《佛山市基本医疗保险住院与大病保险待遇保障办法》(聚合项目引用,未核对)[未核实]" in out
    doc = run.json("policy", "show", "佛山")
    cited = [s for s in doc["sources"] if s["id"].startswith("agg-") and s["id"] != "agg-file"
             and not s["id"].startswith(("agg-placeholder-", "agg-shared-"))]  # the aggregator's tables, not documents
    assert [s["title"] for s in cited][1] == "佛医保发〔2023〕15号《佛山市基本医疗保险住院与大病保险待遇保障办法》(聚合项目引用,未核对)"
    assert cited and all(s["confidence"] == "unverified" and "url" not in s for s in cited)  # never the aggregator's URLs
    assert doc["sources"][0]["url"].startswith("https://github.com/good9527/china-medical-insurance/blob/")


def test_min_confidence_secondary_refuses_aggregator_figures(run):
    result = run("estimate", "-r", "佛山", "--tier", "3", "--amount", "8000", "-t", "职工", "--min-confidence", "secondary")
    assert result.exit_code == ExitCode.ERROR and result.stdout == "" and "unverified" in result.stderr
    assert run("estimate", "-r", "佛山", "--tier", "3", "--amount", "8000", "-t", "职工", "--min-confidence",
               "unverified", "-f", "json").exit_code == 0


def test_accuracy_disagreements_are_in_the_notes_with_page_figure_and_date(run):
    xian = run.json("policy", "show", "西安")
    texts = [n["text"] for n in xian["notes"]]
    row = next(t for t in texts if "三级(首次)" in t)
    assert "网页 650" in row and "聚合表 1200" in row and "2022-08-16" in row
    assert "https://m.wendaifu.com/hospitals/xazynbyy/gonglue_11098.html" in row
    page = next(s for s in xian["sources"] if s.get("url") == "https://m.wendaifu.com/hospitals/xazynbyy/gonglue_11098.html")
    assert page["confidence"] == "secondary"
    dalian = run.json("policy", "show", "大连", "-t", "居民")
    section = section_of(dalian, "resident", "inpatient")
    assert section["tiers"]["3"] == {"deductible": 600, "ratio": 0.7} and "聚合表(未核实)的数字" in section["note"]
    source = next(s for s in dalian["sources"] if s["id"] == section["source"])
    assert source["confidence"] == "secondary" and source["url"] == "http://m.wybk.com/techan/62c5d2cd53329278c0b31150fa809df9.html"


# ---- regions: filters and counts ---------------------------------------------------------


def test_regions_lists_the_imported_cities_with_figures_for_both_plans(run):
    rows = run.json("regions")
    both = [r for r in rows if "inpatient" in r["employee"] and "inpatient" in r["resident"]]
    assert len(rows) >= 330 and len(both) >= 330
    guangdong = run.json("regions", "--province", "广东")
    assert len(guangdong) == 21 and {"广州", "深圳", "佛山"} <= {r["name"] for r in guangdong}


def test_regions_confidence_filter_and_counts(run):
    unverified = run.json("regions", "--confidence", "unverified")
    secondary = run.json("regions", "-c", "转述")
    assert unverified and all(r["confidence"] == "unverified" for r in unverified)
    assert {r["name"] for r in secondary} >= {"海南", "四川", "盱眙"}
    assert run.json("regions", "-c", "none") == []
    table = run("regions", "-p", "广东", "-f", "table").stdout
    assert "按可信度:疑似占位 21 个" in table  # every 广东 file has at least one table repeated in other provinces
    bad = run("regions", "--confidence", "maybe")
    assert bad.exit_code == ExitCode.USAGE and "none(无数据)" in bad.stderr


# ---- the import ----------------------------------------------------------------------------


def test_repeat_admission_text_is_encoded_only_where_it_reads_one_way():
    parse = _script().parse_repeat
    deductibles = {"1": Decimal(200), "2": Decimal(400), "3": Decimal(600)}
    assert parse("同自然年度内多次住院，起付线每次递减100元，最低降至200元。", deductibles)[0] == \
        {"step": Decimal(100), "floor": Decimal(200)}
    assert parse("参保人员自然年度内多次住院的，从第二次住院起，起付标准降低50%。", deductibles)[0] == {"factor": Decimal("0.5")}
    assert parse("当年第二次住院起付标准减半，第三次及以上免除", deductibles)[0] == {"factors": [Decimal("0.5"), Decimal(0)]}
    assert parse("年度内二次及以上住院起付线减半（一级100元、二级200元、三级300元）。", deductibles)[0] == {"factor": Decimal("0.5")}
    assert parse("同自然年度内多次住院按医疗机构级别扣除起付标准；市内转诊补足差额。", deductibles)[0] == {"factor": Decimal(1)}
    for vague in ("同自然年度内多次住院起付线按规定递减。",
                  "参保人员自然年度内多次住院的，起付标准递减100元。",  # no floor: not one reading
                  "同年度同级别医疗机构第二次及以上住院，起付标准减半。",  # only at the same level
                  "参保人员每次住院支付一次起付标准；恶性肿瘤放化疗等同年度内第二次起付线减半，第三次及以上免起付线。"):
        rule, why = parse(vague, deductibles)
        assert rule is None and "未编码" in why and vague.rstrip("。") in why


def test_short_names():
    short = _script().short_name
    assert [short(n) for n in ("佛山市", "阿坝藏族羌族自治州", "大理白族自治州", "阿拉善盟", "黔东南苗族侗族自治州",
                               "海南藏族自治州", "大兴安岭地区", "克孜勒苏柯尔克孜自治州", "兰州新区")] == \
        ["佛山", "阿坝", "大理", "阿拉善", "黔东南", "海南州", "大兴安岭", "克孜勒苏", "兰州新区"]


@pytest.mark.skipif(not (SNAPSHOT / "manifest").is_dir() or importlib.util.find_spec("json5") is None,
                    reason="needs the aggregator snapshot (../shared/aggregator) and json5; CI has neither")
def test_reimport_reproduces_data_regions_byte_for_byte(tmp_path):
    """With the evidence pass (data/evidence) re-applied: a re-import never loses it."""
    regions, summary = tmp_path / "regions", tmp_path / "summary"
    shutil.copytree(DATA / "regions", regions)
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "import_aggregator.py"), str(SNAPSHOT),
                             "--regions", str(regions), "--summary", str(summary), "--quiet"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in (DATA / "regions").iterdir())
    assert sorted(p.name for p in regions.iterdir()) == names
    match, mismatch, errors = filecmp.cmpfiles(DATA / "regions", regions, names, shallow=False)
    assert mismatch == [] and errors == [], mismatch[:5]
    for name in ("quality.json", "SUMMARY.md"):  # the per-city quality index is the import's too
        assert (summary / name).read_bytes() == (DATA / "evidence" / name).read_bytes(), name
    assert "ev-shbk-2024" in (regions / "kunming.yaml").read_text(encoding="utf-8")  # the evidence is in what we compared
