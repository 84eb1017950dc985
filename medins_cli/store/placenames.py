"""Place names that are not region names, resolved to the region whose insurance pools them.

Districts, county-level cities, counties and 新区 (顺德区 → 佛山, 昆山 → 苏州, 浦东新区 → 上海),
old and short names (思茅 → 普洱, 乌市 → 乌鲁木齐), 兵团 cities (石河子 → 新疆兵团), a place written
with its province or city first (广东佛山顺德区, 北京朝阳区), traditional and full-width forms
(廣州, ＷＵＨＡＮ) and pinyin with marks (xi'an); and province words for ``regions --province``
(guangdong, 新疆维吾尔自治区, 廣東).

:func:`medins_cli.store.regions.find_region` asks here only when its index does not know a name,
so a known region never loads the division table (:mod:`medins_cli.store.divisions`). Where a
unit pools on its own and medins has no file for it (海南's 琼海, a province), or a name is
several places (朝阳区: 北京 and 长春), it says so instead of choosing.
"""

from __future__ import annotations

from typing import Any

from medins_cli.store import divisions
from medins_cli.store.divisions import Division
from medins_cli.store.regions import (
    AmbiguousPlace,
    AmbiguousRegion,
    PlaceWithoutFile,
    _user_folder,
    file_rank,
    region_key,
)

#: Marks dropped from a folded name: pinyin's syllable marks (xi'an, Xi-An) and name dots.
_MARKS = str.maketrans("", "", "'’‘`-·・")
#: A name longer than this is not split into a province or city and the rest (广东佛山顺德区 has 7).
_SPLIT_CHARS = 16
#: The region that pools the 兵团's cities (data/regions/bingtuan.yaml: its sources name
#: 兵医保发〔2024〕18号 《…全团统筹住院支付细则》 for 第一师阿拉尔 … 第八师石河子 … 各师市参保人员).
XPCC_KEY = "兵团"


def folded(text: str) -> str:
    """``text`` as compared: full-width and traditional forms folded, no spaces, lower case,
    without pinyin marks (ＷＵＨＡＮ → wuhan, 廣州 → 广州, Xi'an → xian)."""
    return divisions.fold(text).translate(_MARKS)


def resolve(query: str, index: dict[str, Any], shadowed: int | None = None) -> tuple[int, dict[str, Any] | None] | None:
    """The index entry number of the region for ``query``, and what it was resolved from (for
    the note and JSON; None when only the spelling was folded: 廣州 is 广州); None when no
    division has that name. Raises :class:`AmbiguousRegion` (several places) or
    :class:`PlaceWithoutFile` (a place medins has no figures for).

    ``shadowed`` is the entry whose name ``query`` is with 区/县 added (朝阳区 and 辽宁's 朝阳): it
    stands when the division is in its city (铁岭县 and 铁岭, or a user's 顺德 file for 佛山's 顺德区)."""
    from medins_cli.store.regions import ambiguity_message

    key = region_key(folded(query))
    if key and key != region_key(query):
        several = index["ambiguous"].get(key)
        if several:
            raise AmbiguousRegion(ambiguity_message(query, [index["entries"][n] for n in several]))
        number = index["table"].get(key)
        if number is not None:
            return number, None
    hits = _named(query)
    if shadowed is not None:
        entry = index["entries"][shadowed]
        inside = [d for d in hits if d.city == entry.get("code")]
        if inside:  # 铁岭县 in 铁岭 (said in a note); a user's 顺德 file with 佛山's code for 顺德区 (theirs, as named)
            city = divisions.by_code(inside[0].city or "")
            named = city is not None and region_key(entry["name"]) in {region_key(n) for n in (city.name, city.short) if n}
            return shadowed, _resolved(query, inside[0], entry) if named else None
    return _pick(query, hits, index) if hits else None


def _named(query: str) -> list[Division]:
    hits = divisions.lookup(query)
    if hits:
        return hits
    key = folded(query)
    return _split(key) if len(key) <= _SPLIT_CHARS else []


def _split(key: str) -> list[Division]:
    """The divisions ``key`` names as a province or city followed by a place in it (广东佛山顺德区,
    北京朝阳区, 四川绵阳), the longest leading name first."""
    for cut in range(len(key) - 1, 1, -1):
        parents = [d for d in divisions.lookup(key[:cut]) if d.level != "county"]
        if not parents:
            continue
        rest = key[cut:]
        inside = [d for d in (divisions.lookup(rest) or _split(rest)) if any(_within(d, p) for p in parents)]
        if inside:
            return inside
    return []


def _within(d: Division, parent: Division) -> bool:
    if parent.level == "province":
        return d.province == parent.code and d.code != parent.code
    return d.parent == parent.code


def _codes(index: dict[str, Any]) -> dict[str, int]:
    """Division code → an index entry in use with that code (a user file before a shipped one).
    天津's file has its 市辖区 code (120100): it answers for 120000 too."""
    entries = index["entries"]
    folder = _user_folder()
    codes: dict[str, int] = {}
    for number in sorted(set(index["table"].values()), key=lambda n: file_rank(entries[n], folder)):
        code = str(entries[number].get("code") or "")
        if code:
            codes.setdefault(code, number)
            province = divisions.by_code(code[:2] + "0000") if code.endswith("0100") else None
            if province is not None and province.flag == "municipality":  # a 直辖市's 市辖区 code
                codes.setdefault(code[:2] + "0000", number)
    return codes


def _region_for(code: str, index: dict[str, Any], codes: dict[str, int]) -> int | None:
    """The entry for the division ``code``: the region named as the division is (so a user's file
    for 佛山 overrides the shipped one) when its code agrees or it has none; else one with that code."""
    pooled = divisions.by_code(code)
    for name in (pooled.short, pooled.name) if pooled else ():
        number = index["table"].get(region_key(name)) if name else None
        if number is None:
            continue
        own = str(index["entries"][number].get("code") or "")
        if not own or own == code or codes.get(code) == number:  # no code, the same, or 天津's 120100
            return number
    return codes.get(code)


def _number(d: Division, index: dict[str, Any], codes: dict[str, int]) -> int | None:
    """The entry of the region that pools ``d``: a file for the unit itself (仙桃, 杨凌), the
    兵团's for its cities, else its city's."""
    own = _region_for(d.code, index, codes)
    if own is not None:
        return own
    if d.flag == "xpcc":
        return index["table"].get(XPCC_KEY)
    return _region_for(d.city, index, codes) if d.city is not None else None


def _province(d: Division) -> str:
    """The short name of the province of ``d`` (广东, 新疆)."""
    prov = divisions.by_code(d.province)
    return (prov.short or prov.name) if prov else ""


def _pick(query: str, hits: list[Division], index: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    codes = _codes(index)
    targets: dict[int, Division] = {}
    homeless: list[Division] = []
    for d in hits:
        number = _number(d, index, codes)
        if number is None:
            homeless.append(d)
        else:
            targets.setdefault(number, d)
    if targets:  # a province by the same name as a city does not make the city ambiguous (吉林)
        homeless = [d for d in homeless if d.level != "province"]
    if len(targets) == 1 and not homeless:
        [(number, d)] = targets.items()
        return number, _resolved(query, d, index["entries"][number])
    if len(targets) + len(homeless) > 1:
        raise AmbiguousPlace(_ambiguity(query, targets, homeless, index))
    raise _without_file(query, homeless[0], index)


def _shown(query: str) -> str:
    return "".join(str(query).split())


def _resolved(query: str, d: Division, entry: dict[str, Any]) -> dict[str, Any]:
    """What ``query`` was taken as: ``{"query", "division", "code", "note"}``; the note is the one
    line said on stderr (顺德区 属于 佛山,按佛山计算)."""
    region = entry["name"]
    if d.flag == "xpcc" and d.code != entry.get("code"):
        note = f"{d.name} 是新疆生产建设兵团的城市,按{region}计算"
    elif d.flag == "pooled" and d.code != entry.get("code"):  # 雄县: 保定's county, 雄安新区's insurance
        note = f"{d.name} 的医保归 {region},按{region}计算"
    elif d.level == "county" and d.code != entry.get("code"):
        note = f"{d.name} 属于 {region},按{region}计算"
    elif d.level == "county":  # the region's own file has this county's code (杨陵区: 杨凌示范区's file)
        note = f"{d.name} 即 {region},按{region}计算"
    else:
        # a city by another name: say the place it is today when that is one of its counties
        # (巢湖 is now 合肥's 巢湖市, 思茅 普洱's 思茅区); else that it is the city (乌市 即 乌鲁木齐市)
        county = [c for c in divisions.short_matches(query) if c.city == d.code and c.code != d.code]
        if county:
            d = county[0]
            note = f"{d.name} 属于 {region},按{region}计算"
        else:
            note = f"{_shown(query)} 即 {d.name},按{region}计算"
    return {"query": _shown(query), "division": d.name, "code": d.code, "note": note}


def _ambiguity(query: str, targets: dict[int, Division], homeless: list[Division], index: dict[str, Any]) -> str:
    entries = index["entries"]
    options = [_option(d, entries[n]["name"]) for n, d in targets.items()]
    options += [f"{_province(d)}的{d.name}" for d in homeless]
    choice = f"{'、'.join(options[:-1])} 还是 {options[-1]}"
    example = f",如 --region {entries[next(iter(targets))]['name']}" if targets else ""
    return f"「{_shown(query)}」不止一个地方,你是指 {choice}?请写它所在的城市{example}"


def _option(d: Division, region: str) -> str:
    if d.level == "county":
        return f"{region}的{d.name}"
    return region


def _without_file(query: str, d: Division, index: dict[str, Any]) -> PlaceWithoutFile:
    """Why no region answers for ``d``, and what to do."""
    province = _province(d)
    add = f"估算请用 --policy-file 提供该地数据,或用 medins policy init {d.short or d.name} 照当地医保局通知填写"
    if d.level == "province":
        cities = [e for n in set(index["table"].values())
                  if (e := index["entries"][n]).get("level") == "city" and region_key(e.get("province") or "") == province]
        names = [e["name"] for e in sorted(cities, key=lambda e: str(e.get("code") or "999999"))]  # 广州 first
        example = f",如 {'、'.join(names[:2])}" if names else ""
        return PlaceWithoutFile(f"「{_shown(query)}」是省级行政区:请写城市名(医保多按城市统筹){example}"
                                f"(medins regions -p {province} 列出该省的地区)", (province, province))
    if d.directly_administered:
        who = "新疆生产建设兵团管理的城市" if d.flag == "xpcc" else f"{province}直辖的县级行政区"
        return PlaceWithoutFile(f"{d.name} 是{who},不属于任何地级市:medins 还没有它的报销数据,也不替它选别的城市。{add}",
                                (d.short or d.name, province))
    pooled = divisions.by_code(d.city or "")
    if pooled is not None and pooled.code != d.code:
        city = pooled.short or pooled.name
        return PlaceWithoutFile(f"{d.name} 属于 {city},但 medins 还没有{city}的报销数据:"
                                f"估算请用 --policy-file 提供{city}的数据,或用 medins policy init {city} 照当地医保局通知填写",
                                (city, province))
    return PlaceWithoutFile(f"medins 还没有{d.name}的报销数据:{add}", (d.short or d.name, province))


# ---- suggestions -------------------------------------------------------------------------------


def suggestions(query: str, index: dict[str, Any], spelled: list[str]) -> list[str]:
    """Region names to suggest for a name nothing matched: first the regions that pool the
    divisions spelled most like it (顺得区 → 佛山, for 顺德区), within the province or city the
    name starts with if it does (四川绵羊 → 绵阳); then ``spelled`` (close region names), those
    in the same province first."""
    import difflib
    import os

    key = folded(query)
    if not key or len(key) > _SPLIT_CHARS or key.isascii():  # the table has no pinyin: nothing to compare
        return spelled[:4]
    pool = divisions.every()
    anchor = _anchor(key)
    if anchor is not None:
        parent, key = anchor
        pool = [d for d in pool if _within(d, parent)]
    names: dict[str, Division] = {}
    for d in pool:
        for name in (d.name, d.short, *d.alt):
            if name:
                names.setdefault(name, d)
    near = difflib.get_close_matches(key, list(names), n=12, cutoff=0.5 if anchor else 0.6)
    near.sort(key=lambda n: (-difflib.SequenceMatcher(None, key, n).ratio(), -len(os.path.commonprefix([key, n]))))
    close = [names[n] for n in near[:6]]  # equally close: the one that starts the same way first (绵羊 → 绵阳)
    codes = _codes(index)
    tree = [index["entries"][n]["name"] for d in close if (n := _number(d, index, codes)) is not None]
    provinces = {_province(d) for d in close} | ({_province(anchor[0])} if anchor else set())
    by_name = {e["name"]: region_key(e.get("province") or "") for e in index["entries"]}
    ranked = sorted(spelled, key=lambda name: by_name.get(name) not in provinces)
    return list(dict.fromkeys(tree + ranked))[:4]


def _anchor(key: str) -> tuple[Division, str] | None:
    """The province or city ``key`` starts with (the longest), and what follows it."""
    for cut in range(len(key) - 1, 1, -1):
        parents = [d for d in divisions.lookup(key[:cut]) if d.level != "county"]
        if len(parents) == 1:
            return parents[0], key[cut:]
    return None


# ---- provinces ---------------------------------------------------------------------------------


def province_word(text: str) -> str | None:
    """The province (its short name, 广东) a word names: 广东, 广东省, 广西壮族自治区, 廣東,
    ＧＵＡＮＧＤＯＮＧ, guangdong, Shaan Xi; None for anything else."""
    from medins_cli.core.names import province_name

    found = province_name(text)
    if found is not None:
        return found
    key = folded(text)
    found = province_name(key) or _province_pinyin().get(key)
    if found is not None:
        return found
    provinces = [d for d in divisions.lookup(text) if d.level == "province"]
    return province_name(provinces[0].short or provinces[0].name) if len(provinces) == 1 else None


def province_of_place(text: str) -> str | None:
    """The province of the one place ``text`` names, if it names one below a province (佛山 → 广东)."""
    hits = [d for d in divisions.lookup(text) if d.level != "province"]
    provinces = {_province(d) for d in hits}
    return provinces.pop() if len(provinces) == 1 else None


def _province_pinyin() -> dict[str, str]:
    """Pinyin → province, from data/guides/places.yaml (beijing, shaanxi, neimenggu …)."""
    from medins_cli.store import guides

    return {region_key(alias): p["name"] for p in guides.load("places")["provinces"] for alias in p["aliases"]}
