"""``medins regions``: which regions medins knows, what figures each has, how sure, from which file."""

from typing import Annotated, Any, Optional

import typer

from medins_cli.commands import options as o
from medins_cli.commands.completion import complete_province, complete_regions_confidence
from medins_cli.errors import guard

HELP = """列出已知地区,以及每个地区有哪些数据、可信到什么程度。

每行:省份、政策年度、已有哪些数据(职工/居民 × 住院/门诊/大病)、来源中最弱的可信度,以及用的是内置数据还是你自己的文件(用户文件覆盖同名的内置地区)。

示例:

  medins regions

  medins regions --province 四川

  medins regions --province 广东 --confidence secondary

  medins regions --format csv > regions.csv

  medins regions --quality --province 云南      (每个城市:证据、占位的表、有另一说法的数字)
"""

@guard
def regions(
    province: Annotated[Optional[str], typer.Option(
        "--province", "-p", help="只列这个省份的地区,如 四川", autocompletion=complete_province,
        show_default=False)] = None,
    confidence: Annotated[Optional[str], typer.Option(
        "--confidence", "-c", help="只列来源最弱可信度为这一级的地区:official|observed|secondary|unverified|placeholder|none(无数据)",
        autocompletion=complete_regions_confidence, show_default=False)] = None,
    quality: Annotated[bool, typer.Option(
        "--quality", help="每个导入的城市:证据核查找到的最好网页、与外省或省内城市相同的表、有另一说法的数字")] = False,
    fmt: Annotated[Optional[str], o.format_option("table|json|plain|csv")] = None,
    raw_csv: o.RawCsv = False,
) -> None:
    from medins_cli.commands.env import Env
    from medins_cli.render.output import console, emit_json, emit_rows, resolve_format

    env = Env(raw_csv=raw_csv)
    form = resolve_format(fmt)
    if quality:
        _quality(env, province, confidence, form)
        return
    rows = region_rows(province)
    if confidence is not None:
        wanted = _confidence(confidence)
        rows = [r for r in rows if r["confidence"] == wanted]
    for r in rows:
        if r["problem"] and form != "json":
            env.note(r["problem"])
    if not rows:
        where = f"{province}的" if province else ""
        env.note(f"没有{where}{'符合条件的' if confidence else ''}地区数据:可用 medins policy init 添加")
    if form == "json":
        emit_json(rows)
    elif form in ("plain", "csv"):
        emit_rows([_flat(r) for r in rows], form)
    else:
        from medins_cli.render.regions import render_regions

        render_regions(console(), rows, province)


def _quality(env: Any, province: str | None, confidence: str | None, form: str) -> None:
    from medins_cli.errors import UsageError
    from medins_cli.render import regions as view
    from medins_cli.render.output import console, emit_json, emit_rows
    from medins_cli.store.quality import quality

    if confidence is not None:
        raise UsageError("--quality 列出全部导入的城市,不能和 --confidence 一起用")
    rows = quality()
    if province:
        from medins_cli.store.regions import region_key

        want = province_key(province)
        rows = [r for r in rows if region_key(r.province) == want]
    if not rows:
        env.note(f"没有{province or ''}的导入城市")
    if form == "json":
        emit_json([view.quality_payload(r) for r in rows])
    elif form in ("plain", "csv"):
        emit_rows([view.flat_quality(view.quality_payload(r)) for r in rows], form)
    else:
        view.render_quality(console(), rows, province)


def _confidence(text: str) -> str | None:
    """A confidence level (official/observed/secondary/unverified/placeholder, 官方/转述/未核实/占位 …) or None for
    regions without any source (none/无数据)."""
    from medins_cli.core.errors import ClaimError
    from medins_cli.core.names import normalize_confidence
    from medins_cli.errors import UsageError

    if text.strip().lower() in ("none", "无", "无数据", "无来源"):
        return None
    try:
        return normalize_confidence(text)
    except ClaimError as exc:
        raise UsageError(f"{exc}|none(无数据)") from None


def region_rows(province: str | None = None) -> list[dict[str, Any]]:
    """One row per region name: the file in use (a user file overrides a shipped one)."""
    from medins_cli.core.names import PROVINCE_CODES
    from medins_cli.render.output import note
    from medins_cli.store.regions import origin, region_key, regions_in_use, twin_warning

    in_use: dict[str, dict[str, Any]] = {}
    overridden: dict[str, str] = {}
    for group in regions_in_use():  # one region's files, the one an estimate uses first (a user file overrides)
        name = group[0]["name"]
        in_use[name] = group[0]
        shipped = [e["path"] for e in group[1:] if origin(e["path"]) == "shipped"]
        if shipped and origin(group[0]["path"]) == "user":
            overridden[name] = shipped[0]
        twins = [e["path"] for e in group[1:] if origin(e["path"]) == "user"]
        warning = twin_warning({**group[0], "others": twins})
        if warning:
            note(warning)
    entries = sorted(in_use.values(), key=lambda e: (PROVINCE_CODES.get(e.get("province", ""), "99"),
                                                      e.get("level") != "province", e.get("code") or "", e["name"]))
    if province is not None:
        want = province_key(province, {region_key(e.get("province", "")) for e in entries})
        entries = [e for e in entries if region_key(e.get("province", "")) == want or e.get("broken")]  # say it
    import datetime as dt

    this_year = dt.date.today().year
    rows = []
    for e in entries:
        problem = _problem(e["path"])
        sections = e.get("sections") or []
        rows.append({
            "name": e["name"], "province": e.get("province", ""), "level": e.get("level", ""),
            "code": e.get("code"), "year": e.get("year") if e.get("confidence") else None,  # no sources: no year
            "stale": bool(e.get("confidence") and isinstance(e.get("year"), int) and e["year"] < this_year),
            "employee": [s.split(".")[1] for s in sections if s.startswith("employee.")],
            "resident": [s.split(".")[1] for s in sections if s.startswith("resident.")],
            "notes": e.get("notes", 0), "confidence": e.get("confidence"), "origin": origin(e["path"]), "path": e["path"],
            "overrides": overridden.get(e["name"]), "broken": problem is not None, "problem": problem or "",
        })
    return rows


def province_key(word: str, others: Any = ()) -> str:
    """The province ``--province`` names, as :func:`~medins_cli.store.regions.region_key` makes it:
    the words ``--region`` takes for a province (广东, 广东省, guangdong, 廣東, ＧＵＡＮＧＤＯＮＧ,
    新疆维吾尔自治区, 广西壮族自治区), or a province only a user's file names (``others``, as keys)."""
    from medins_cli.errors import UsageError
    from medins_cli.store.regions import check_name_length, region_key

    check_name_length(word)
    if region_key(word) in others:
        return region_key(word)
    from medins_cli.store.placenames import province_of_place, province_word

    found = province_word(word)
    if found is None:
        inside = province_of_place(word)
        where = f"「{word}」不是省份,它在{inside}:请写 --province {inside}" if inside else f"不认识的省份「{word}」"
        raise UsageError(f"{where}(省份可写 四川、广东省、guangdong、新疆维吾尔自治区)")
    return region_key(found)


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "employee": ",".join(row["employee"]), "resident": ",".join(row["resident"])}


def _problem(path: str) -> str | None:
    """Why a region file cannot be used (validated like an estimate would), or None."""
    from pathlib import Path

    from medins_cli.errors import MedinsError
    from medins_cli.store.regions import known_valid, read_policy_dict

    if known_valid(Path(path)):  # shipped and unchanged: validated when it was built
        return None
    try:
        read_policy_dict(Path(path))
    except MedinsError as exc:
        return str(exc)
    return None
