"""Place names people use (issue 20, item 1), through the command line: districts, county-level
cities, counties, 新区, old and short names, traditional, full-width and pinyin forms resolve to the
region that pools them, with a one-line note on stderr; units that pool on their own and have no
file are said so; a name of several places is asked back; `regions --province` takes the same words.
The division table is read only for a name the region index does not know."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import DATA
from test_divisions import SAMPLE, _expected_city

from medins_cli.store.divisions import cities

BILL = ("--tier", "3", "--amount", "8000", "--type", "职工")
SEED = json.loads((DATA / "regions" / "index.json").read_text(encoding="utf-8"))["files"]
#: Division code → the shipped region with that code (天津's file has its 市辖区 code, 120100).
REGION_OF_CODE = {("120000" if e["code"] == "120100" else e["code"]): e["name"]
                  for f in SEED.values() if (e := f["entry"]).get("code")}


def _estimate(run, region: str, *more: str) -> dict:
    return run.json("estimate", "-r", region, *BILL, *more)


# ---- the issue's names -------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "region"), [
    ("顺德区", "佛山"), ("浦东新区", "上海"), ("昆山", "苏州"), ("义乌", "金华"), ("思茅", "普洱"), ("乌市", "乌鲁木齐"),
    ("呼市", "呼和浩特"), ("巢湖", "合肥"), ("石河子", "新疆兵团"), ("廣州", "广州"), ("ＷＵＨＡＮ", "武汉"), ("xi'an", "西安"),
    ("Xi An", "西安"), ("xian", "西安"), ("順德區", "佛山"), ("莱芜", "济南"), ("两江新区", "重庆"), ("滨海新区", "天津"),
    ("朝阳县", "朝阳"), ("海南区", "乌海"), ("广东佛山顺德区", "佛山"), ("北京朝阳区", "北京"), ("江苏昆山", "苏州"),
    ("容城县", "雄安新区"), ("安新", "雄安新区"), ("清苑区", "保定"), ("杨陵区", "杨凌"),
])
def test_issue_names_resolve_to_the_region_that_pools_them(run, name, region):
    data = _estimate(run, name)
    assert data["region"] == region


def test_a_district_is_estimated_exactly_as_its_city(run):
    district, city = _estimate(run, "顺德区"), _estimate(run, "佛山")
    assert district.pop("resolved_from") == {"query": "顺德区", "division": "顺德区", "code": "440606"}
    assert city.pop("resolved_from") is None
    assert district == city


def test_folding_alone_is_not_a_resolution(run):
    assert _estimate(run, "廣州")["resolved_from"] is None  # 广州 itself, written in traditional characters
    result = run("estimate", "-r", "ＷＵＨＡＮ", *BILL, "-f", "plain")
    assert result.exit_code == 0 and "按" not in result.stderr.split("以上为")[0]


# ---- the note ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "note"), [
    ("顺德区", "顺德区 属于 佛山,按佛山计算"),
    ("顺德", "顺德区 属于 佛山,按佛山计算"),  # the division's full name, whatever was typed
    ("昆山", "昆山市 属于 苏州,按苏州计算"),
    ("浦东新区", "浦东新区 属于 上海,按上海计算"),
    ("乌市", "乌市 即 乌鲁木齐市,按乌鲁木齐计算"),
    ("巢湖", "巢湖市 属于 合肥,按合肥计算"),  # the old prefecture's name is 合肥's 巢湖市 today
    ("思茅", "思茅区 属于 普洱,按普洱计算"),
    ("石河子", "石河子市 是新疆生产建设兵团的城市,按新疆兵团计算"),
    ("雄县", "雄县 的医保归 雄安新区,按雄安新区计算"),
    ("杨陵区", "杨陵区 即 杨凌,按杨凌计算"),  # data/regions/yangling.yaml has 杨陵区's code  # 保定's county, 托管 by 雄安 (data/division_aliases.yaml)
])
def test_the_note_says_whose_figures(run, name, note):
    result = run("estimate", "-r", name, *BILL, "-f", "json")
    assert result.exit_code == 0
    json.loads(result.stdout)  # stdout: the data only
    assert result.stderr.splitlines().count(note) == 1


def test_the_note_is_not_said_when_quiet_or_for_a_region_name(run):
    assert run("estimate", "-r", "顺德区", *BILL, "-f", "json", "-q").stderr == ""
    assert "属于" not in run("estimate", "-r", "佛山", *BILL, "-f", "json").stderr


def test_every_command_that_takes_a_place_says_it_once(run):
    note = "义乌市 属于 金华,按金华计算"
    for args in (("checklist", "异地就医备案", "-r", "义乌", "-f", "plain"),
                 ("transfer-guide", "--from", "义乌", "--to", "北京", "-f", "plain"),
                 ("transfer-guide", "--filing", "--from", "义乌", *BILL, "-f", "json"),
                 ("balance", "-r", "义乌", "-f", "plain"),
                 ("policy", "show", "义乌", "-f", "json"),
                 ("estimate", "-r", "义乌", *BILL, "--compare", "tiers", "-f", "json")):
        result = run(*args)
        assert result.exit_code == 0, (args, result.stderr)
        assert result.stderr.splitlines().count(note) == 1, args


def test_policy_show_of_a_district_is_its_city(run):
    assert run.json("policy", "show", "思茅")["region"]["name"] == "普洱"


def test_config_stores_the_city(run):
    result = run("config", "set", "region", "顺德区")
    assert result.exit_code == 0 and "顺德区 属于 佛山,按佛山计算" in result.stderr
    assert run.json("config", "get", "region") == {"region": "佛山"}


def test_batch_says_each_name_once_and_computes_as_the_city(run, tmp_path):
    claims = tmp_path / "c.csv"
    claims.write_text("region,tier,amount\n顺德区,3,8000\n佛山,3,8000\n顺德区,3,8000\n", encoding="utf-8")
    result = run("estimate", "--batch", str(claims), "-f", "jsonl")
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len({r["fund_pay"] for r in rows}) == 1
    assert result.stderr.splitlines().count("顺德区 属于 佛山,按佛山计算") == 1


# ---- a sample from every province ----------------------------------------------------------------

@pytest.mark.parametrize(("code", "name"), SAMPLE, ids=[name for _, name in SAMPLE])
def test_two_places_of_every_province_resolve_through_the_cli(run, code, name):
    region = REGION_OF_CODE[_expected_city(code)]
    for asked in (name, f"{region}{name}"):  # 和平区 alone is 天津's or 沈阳's: asked back, naming both
        result = run("config", "set", "region", asked)
        if len(cities(name)) > 1 and asked == name:
            assert result.exit_code == 2 and f"{region}的{name}" in result.stderr
            continue
        assert result.exit_code == 0, result.stderr
        assert run.json("config", "get", "region") == {"region": region}
        assert f"{name} 属于 {region},按{region}计算" in result.stderr


# ---- places that pool on their own -----------------------------------------------------------------

@pytest.mark.parametrize("name", ["仙桃", "潜江", "天门", "济源", "神农架", "杨凌", "定州"])
def test_units_with_their_own_file_use_it(run, name):
    data = _estimate(run, name)
    assert data["region"] == name and data["resolved_from"] is None


@pytest.mark.parametrize(("name", "who"), [("琼海", "海南直辖"), ("五指山", "海南直辖"), ("陵水", "海南直辖")])
def test_units_pooled_on_their_own_without_a_file_are_said_so(run, name, who):
    result = run("estimate", "-r", name, *BILL)
    assert result.exit_code == 2 and result.stdout == ""
    assert who in result.stderr and "不属于任何地级市" in result.stderr and "没有它的报销数据" in result.stderr
    assert "--policy-file" in result.stderr and "不认识" not in result.stderr


def test_a_unit_without_a_file_is_still_a_place_for_the_guides(run):
    result = run("checklist", "异地就医备案", "-r", "琼海", "-f", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["region"]["province"] == "海南"


def test_a_province_is_not_a_city(run):
    result = run("estimate", "-r", "广东", *BILL)
    assert result.exit_code == 2 and "省级行政区" in result.stderr and "medins regions -p 广东" in result.stderr


# ---- several places by one name: asked, never guessed ------------------------------------------

@pytest.mark.parametrize(("name", "choices"), [
    ("朝阳区", ("北京的朝阳区", "长春的朝阳区")),  # not 辽宁's 朝阳, whose bare name it shares
    ("西安区", ("辽源的西安区", "牡丹江的西安区")),
    ("江北区", ("重庆", "宁波的江北区")),
    ("安宁", ("昆明的安宁市", "兰州的安宁区")),
    ("suzhou", ("苏州(江苏)", "宿州(安徽)")),
])
def test_ambiguous_names_are_asked_back(run, name, choices):
    result = run("estimate", "-r", name, *BILL)
    assert result.exit_code == 2 and result.stdout == ""
    assert all(choice in result.stderr for choice in choices), result.stderr


def test_a_city_before_the_district_settles_it(run):
    assert _estimate(run, "长春朝阳区")["region"] == "长春"


# ---- suggestions -------------------------------------------------------------------------------

@pytest.mark.parametrize(("typo", "first"), [("顺得区", "佛山"), ("四川绵羊", "绵阳")])
def test_suggestions_rank_the_division_tree_first(run, typo, first):
    result = run("estimate", "-r", typo, *BILL)
    assert result.exit_code == 2
    assert result.stderr.split("你是不是要找:")[1].startswith(first), result.stderr


# ---- regions --province ------------------------------------------------------------------------

@pytest.mark.parametrize("word", ["guangdong", "广东省", "廣東", "ＧＵＡＮＧＤＯＮＧ", "Guang Dong"])
def test_regions_province_takes_the_words_region_takes(run, word):
    for extra in ((), ("--quality",)):
        assert run.json("regions", *extra, "-p", word) == run.json("regions", *extra, "-p", "广东")


@pytest.mark.parametrize(("word", "short"), [("新疆维吾尔自治区", "新疆"), ("广西壮族自治区", "广西"), ("neimenggu", "内蒙古"),
                                             ("shaanxi", "陕西"), ("shanxi", "山西")])
def test_regions_province_full_names_and_pinyin(run, word, short):
    rows = run.json("regions", "-p", word)
    assert rows and {r["province"] for r in rows} == {short}


def test_regions_province_refuses_a_city_saying_its_province(run):
    result = run("regions", "-p", "佛山")
    assert result.exit_code == 2 and "它在广东" in result.stderr and "--province 广东" in result.stderr
    assert "不认识的省份" in run("regions", "--quality", "-p", "火星").stderr


# ---- speed: the division table only on a miss ------------------------------------------------------

def _imports(tmp_path, region: str) -> str:
    env = {**os.environ, **{f"MEDINS_{k.upper()}_DIR": str(tmp_path / k) for k in ("config", "data", "cache")}}
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "medins_cli", "estimate", "-r", region, *BILL,
                           "-f", "json"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-400:]
    return done.stderr


def test_the_division_table_is_read_only_for_an_unknown_name(tmp_path):
    assert "medins_cli.store.divisions" not in _imports(tmp_path, "绵阳")
    assert "medins_cli.store.divisions" not in _imports(tmp_path, "mianyang")
    assert "medins_cli.store.divisions" in _imports(tmp_path, "顺德区")  # the first time: read
    assert "medins_cli.store.divisions" not in _imports(tmp_path, "顺德区")  # then remembered in the index


def test_a_remembered_name_gives_way_to_a_new_region_file(run, isolated_dirs):
    assert _estimate(run, "顺德区")["region"] == "佛山"
    mine = isolated_dirs["data"] / "regions"
    mine.mkdir(parents=True)
    text = (DATA / "regions" / "foshan.yaml").read_text(encoding="utf-8")
    text = text.replace("name: 佛山", "name: 顺德", 1).replace('code: "440600"', 'code: "440606"', 1)
    (mine / "shunde.yaml").write_text(text, encoding="utf-8")
    data = _estimate(run, "顺德区")
    assert data["region"] == "顺德" and data["resolved_from"] is None
    shutil.rmtree(mine)
    assert _estimate(run, "顺德区")["region"] == "佛山"


def test_a_users_file_named_like_the_district_is_theirs_even_with_the_citys_code(run, isolated_dirs):
    mine = isolated_dirs["data"] / "regions"
    mine.mkdir(parents=True)
    text = (DATA / "regions" / "foshan.yaml").read_text(encoding="utf-8")  # copied and renamed, 佛山's code kept
    text = text.replace("name: 佛山", "name: 顺德", 1).replace("aliases: [佛山市, foshan]", "aliases: [shunde]", 1)
    (mine / "shunde.yaml").write_text(text, encoding="utf-8")
    assert _estimate(run, "顺德区")["region"] == "顺德"
    assert _estimate(run, "南海区")["region"] == "佛山"  # 佛山's other districts: the file named 佛山


def test_a_county_named_after_its_city_stays_on_the_everyday_path(tmp_path):
    _imports(tmp_path, "铁岭县")  # 铁岭's own county: asked of the table once …
    assert "medins_cli.store.divisions" not in _imports(tmp_path, "铁岭县")  # … then remembered
