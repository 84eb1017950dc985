"""The public policy-file format, validated: schema 2 (a list of dated sections), and schema 1 read as
schema 2 (each section in force from ``<year>-01-01``).

The validator is *derived* from the benefit kinds' specs (:mod:`medins_cli.core.benefits.spec`): one
pydantic model per kind, built on first use. Only imported when a policy file has not been validated
before (see :mod:`medins_cli.store.regions`): pydantic costs ~200 ms to import, so the everyday path
reads a cached, normalised copy.

The normalised form (what the cache holds and :func:`medins_cli.core.policy.policy_from_dict` builds
from): amounts and ratios as decimal strings; a figure written as ``{value, source, note,
alternatives}`` becomes its bare value, and its provenance goes under the section's ``figures``
(``"tiers.3.ratio": {source, note, alternatives: [{value, source, note}]}``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any, Callable, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, create_model, model_validator

from medins_cli.core.benefits import Kind, kind, kinds
from medins_cli.core.benefits.spec import TIER_KEYS
from medins_cli.core.benefits.spec import Field as SpecField
from medins_cli.core.names import CONFIDENCE_RANK, PROVINCE_CODES, TIERS

Ratio = Annotated[Decimal, Field(ge=0, le=1)]
Amount = Annotated[Decimal, Field(ge=0, le=1_000_000_000, decimal_places=2)]
SCHEMA_VERSION = 2
SCHEMAS = (1, 2)
PLAN_KEYS = ("employee", "resident")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BandModel(_Strict):
    upto: Optional[Amount] = None
    ratio: Ratio


class SourceModel(_Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9._-]+$")
    title: str = Field(min_length=1)
    url: Optional[str] = Field(default=None, pattern=r"^https?://\S+$")
    publisher: Optional[str] = None
    date: Optional[dt.date] = None
    effective: Optional[dt.date] = None
    # official: read from the authority's own document; observed: off the user's own settlement slip;
    # secondary: articles, Q&A, reprints; unverified: anything else (e.g. a public aggregator);
    # placeholder: a table the aggregator repeats for cities in other provinces
    confidence: Literal[tuple(reversed(CONFIDENCE_RANK))]  # type: ignore[valid-type]
    note: Optional[str] = None

    @model_validator(mode="after")
    def _official_needs_url(self) -> "SourceModel":
        if self.confidence == "official" and not self.url:
            raise ValueError("confidence: official 只用于从主管部门原文读出的数字,须给出该文件的 url")
        return self


class RegionModel(_Strict):
    name: str = Field(min_length=1)
    level: Literal["city", "province"] = "city"
    province: Optional[str] = None
    code: Optional[str] = Field(default=None, pattern=r"^\d{6}$")
    aliases: list[str] = []
    hotline: Optional[str] = None


class NoteModel(_Strict):
    """A fact worth knowing that is not a figure. ``plan`` and ``kind`` (a benefit kind) say what it is
    about, when it is about one: an estimate shows it only when it uses that plan and kind; every
    note is always shown by ``medins policy show``."""

    text: str = Field(min_length=1)
    source: str
    plan: Optional[Literal["employee", "resident"]] = None
    kind: Optional[str] = None

    @model_validator(mode="after")
    def _known_kind(self) -> "NoteModel":
        if self.kind is not None and kind(self.kind) is None:
            known = "、".join(k.key for k in kinds())
            raise ValueError(f"kind「{self.kind}」不是已知的报销规则种类(可选:{known})")
        return self


class PolicyTop(_Strict):
    """Everything of a schema 2 file but the sections (each is validated by its kind's model)."""

    schema_: Literal[2] = Field(alias="schema")
    region: RegionModel
    year: Optional[int] = Field(default=None, ge=1998, le=2100)
    #: what ``year`` is (see medins_cli.core.model.YEAR_WORDS); the policy year when not written
    year_basis: Optional[Literal["policy", "updated", "cited"]] = None
    sources: list[SourceModel] = []
    sections: list[Any] = []
    notes: list[NoteModel] = []

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# ---- models derived from the kinds' specs ------------------------------------------------------------


def _type(field: SpecField, prefix: str) -> Any:
    """The pydantic type of one spec field (its plain value, without provenance)."""
    t = field.type
    if t == "amount":
        return Amount
    if t == "ratio":
        return Ratio
    if t == "ratios":
        return Annotated[list[Ratio], Field(min_length=1)]
    if t == "bands":
        return list[BandModel]
    if t == "text":
        return Annotated[str, Field(min_length=1)]
    if t == "bool":
        return bool
    if t == "choice":
        return Literal[field.choices]  # type: ignore[valid-type]
    if t == "record":
        return _record_model(field.fields, f"{prefix}_{field.name}")
    if t == "tiers":
        tier = _record_model(field.fields, f"{prefix}_tier")
        return Annotated[dict[Literal[TIER_KEYS], tier], Field(min_length=1)]  # type: ignore[valid-type]
    raise ValueError(f"unknown field type {t}")


def _record_model(fields: tuple[SpecField, ...], name: str) -> type[BaseModel]:
    spec: dict[str, Any] = {}
    for f in fields:
        if f.not_here:
            continue  # refused by a check with its own advice
        spec[f.name] = (Optional[_type(f, name)], None if f.default is None or f.type != "bool" else f.default)
    return create_model(name, __base__=_Strict, **spec)


@lru_cache(maxsize=None)
def section_model(key: str) -> type[BaseModel]:
    """The model of a section of kind ``key`` (plain values: provenance already split off)."""
    k = kind(key)
    assert k is not None
    spec: dict[str, Any] = {
        "plan": (Literal[PLAN_KEYS], ...),  # type: ignore[valid-type]
        "kind": (Literal[(key,)], ...),  # type: ignore[valid-type]
        "effective": (dt.date, ...),
        "until": (Optional[dt.date], None),
        "source": (str, ...),
        "note": (Optional[str], None),
    }
    for f in k.spec.fields:
        typ = _type(f, f"S_{key}")
        if f.required:
            spec[f.name] = (typ, ...)
        else:
            spec[f.name] = (Optional[typ], None)
    return create_model(f"Section_{key}", __base__=_Strict, **spec)


@lru_cache(maxsize=None)
def _adapter(key: str, path: str) -> TypeAdapter[Any]:
    """Validates one figure's value (an alternative's) by the type of the field at ``path``."""
    k = kind(key)
    assert k is not None
    field = _field_at(k, path.split("."))
    assert field is not None
    return TypeAdapter(_type(field, f"A_{key}_{path.replace('.', '_')}"))


def _field_at(k: Kind, parts: list[str]) -> SpecField | None:
    fields = k.spec.fields
    while parts:
        f = next((x for x in fields if x.name == parts[0]), None)
        if f is None:
            return None
        if f.type == "tiers" and len(parts) > 2:
            fields, parts = f.fields, parts[2:]
            continue
        if len(parts) == 1 or f.type == "tiers":
            return f
        return None
    return None


# ---- schema 1 → schema 2 ---------------------------------------------------------------------------------

Path_ = tuple[Any, ...]


class Upgraded:
    """A schema 1 document read as schema 2, and the way back for field paths (line numbers)."""

    def __init__(self, doc: dict[str, Any], prefixes: list[tuple[Path_, Path_]]) -> None:
        self.doc = doc
        self.prefixes = prefixes  # (schema 2 path prefix, schema 1 path prefix), longest first

    def back(self, where: Path_) -> Path_:
        for new, old in self.prefixes:
            if where[:len(new)] == new:
                return (*old, *where[len(new):])
        return where


def upgrade_v1(raw: dict[str, Any]) -> Upgraded:
    """Schema 1 (``plans: {employee: {inpatient: …}}``, one ``year``) as schema 2: one section per
    plan and kind, in force from ``<year>-01-01``; a tier's ``source`` becomes the source of each of
    that tier's figures."""
    year = raw.get("year")
    effective = f"{year}-01-01" if isinstance(year, int) and not isinstance(year, bool) else None
    sections: list[Any] = []
    prefixes: list[tuple[Path_, Path_]] = []
    plans = raw.get("plans")
    for plan, body in (plans.items() if isinstance(plans, dict) else ()):
        for key, section in (body.items() if isinstance(body, dict) else ()):
            i = len(sections)
            if not isinstance(section, dict):
                sections.append(section)
                prefixes.append((("sections", i), ("plans", plan, key)))
                continue
            new = {"plan": plan, "kind": key, **({"effective": effective} if effective else {}), **section}
            tiers = section.get("tiers")
            if isinstance(tiers, dict):
                new_tiers = {}
                for tier_key, tier in tiers.items():
                    if isinstance(tier, dict) and isinstance(tier.get("source"), str):
                        sid = tier["source"]
                        tier = {k: ({"value": v, "source": sid} if k != "source" else v)
                                for k, v in tier.items() if k != "source"}
                        for field in tier:
                            base = ("sections", i, "tiers", tier_key, field)
                            old = ("plans", plan, key, "tiers", tier_key, field)
                            prefixes.append(((*base, "value"), old))
                            prefixes.append(((*base, "source"), (*old[:-1], "source")))
                    new_tiers[tier_key] = tier
                new["tiers"] = new_tiers
            sections.append(new)
            prefixes.append((("sections", i, "effective"), ("year",)))
            prefixes.append((("sections", i, "plan"), ("plans", plan)))
            prefixes.append((("sections", i, "kind"), ("plans", plan, key)))
            prefixes.append((("sections", i), ("plans", plan, key)))
    doc = {"schema": 2, **{k: v for k, v in raw.items() if k not in ("schema", "plans")}, "sections": sections}
    prefixes.sort(key=lambda p: -len(p[0]))
    return Upgraded(doc, prefixes)


# ---- validation ------------------------------------------------------------------------------------------


_MESSAGES = {  # pydantic error type → Chinese, with the context pydantic gives
    "less_than_equal": "应不大于 {le}",
    "greater_than_equal": "应不小于 {ge}",
    "decimal_max_places": "最多 {decimal_places} 位小数(金额精确到分)",
    "missing": "缺少这个必填字段",
    "extra_forbidden": "不认识的字段(拼写对吗?见 README 的格式说明)",
    "decimal_parsing": "应是数字",
    "decimal_type": "应是数字",
    "int_parsing": "应是整数",
    "int_type": "应是整数",
    "string_type": "应是文字",
    "dict_type": "应是键值对(key: value)",
    "model_type": "应是键值对(key: value)",
    "list_type": "应是列表([…])",
    "literal_error": "应为 {expected} 之一",
    "string_pattern_mismatch": "格式不对(应匹配 {pattern})",
    "string_too_short": "不能为空",
    "too_short": "不能为空",
    "date_from_datetime_parsing": "应是日期,如 2024-01-01",
    "date_from_datetime_inexact": "应是日期,如 2024-01-01",
    "date_parsing": "应是日期,如 2024-01-01",
    "date_type": "应是日期,如 2024-01-01",
    "finite_number": "应是有限的数字",
    "bool_parsing": "应是 true 或 false",
    "bool_type": "应是 true 或 false",
}

_PATTERNS = {  # field name → what its pattern means, in words
    "url": "应是一个以 http:// 或 https:// 开头、不含空格的网址",
    "code": "应是 6 位数字的行政区划代码(写成字符串,加引号,如 \"510700\")",
    "id": "只能用字母、数字和 . _ -(如 seed-002)",
}


def _ratio_fields() -> set[str]:
    names = {"ratio", "factors"}
    for k in kinds():
        for f in _all_fields(k.spec.fields):
            if f.type in ("ratio", "ratios"):
                names.add(f.name)
    return names


def _all_fields(fields: tuple[SpecField, ...]) -> list[SpecField]:
    out = []
    for f in fields:
        out.append(f)
        out += _all_fields(f.fields)
    return out


_RATIO_HINT = ":比例写 0–1 的小数,85% 写 0.85,加 5 个百分点写 0.05"
_AMOUNT_HINT = ":金额写纯数字(元),如 400000,不要写“万”、逗号或单位"


def _message(err: Any) -> str:
    loc = [p for p in err.get("loc") or () if not isinstance(p, int)]  # factors.1 is a ratio too
    kind_, field = err.get("type", ""), str(loc[-1]) if loc else ""
    if kind_ == "string_pattern_mismatch" and field in _PATTERNS:
        return _PATTERNS[field]
    if field in _ratio_fields() and kind_ in ("less_than_equal", "decimal_parsing", "decimal_type",
                                              "greater_than_equal"):
        return _plain_message(err) + _RATIO_HINT
    if kind_ in ("decimal_parsing", "decimal_type"):
        return _plain_message(err) + _AMOUNT_HINT
    if kind_ == "literal_error":
        expected = str((err.get("ctx") or {}).get("expected", "")).replace(" or ", ", ").replace(", ", "、")
        return f"应为 {expected} 之一"
    return _plain_message(err)


def _plain_message(err: Any) -> str:
    template = _MESSAGES.get(err.get("type", ""))
    if template is not None:
        try:
            return template.format(**(err.get("ctx") or {}))
        except (KeyError, IndexError):
            pass
    return str(err.get("msg", "")).removeprefix("Value error, ")


def _where(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(文件顶层)"


Problem = tuple[Path_, str]  # (field path, one-line Chinese message)


def _loc(loc: tuple[Any, ...]) -> Path_:
    return tuple(p for p in loc if p not in ("function-after", "function-before", "constrained-str"))


def _pydantic_problems(exc: ValidationError, prefix: Path_ = ()) -> list[Problem]:
    return [((*prefix, *_loc(err["loc"])), _message(err)) for err in exc.errors()]


class _Figures:
    """A section body with its figures' provenance split off."""

    def __init__(self) -> None:
        self.meta: dict[str, dict[str, Any]] = {}  # dotted path → {source, note, alternatives (raw)}
        self.long: set[Path_] = set()  # body paths written in the long form


def _is_long(value: Any) -> bool:
    return isinstance(value, dict) and "value" in value


def split_figures(k: Kind, body: dict[str, Any]) -> tuple[dict[str, Any], _Figures]:
    """``body`` with every long-form figure replaced by its value, and the provenance split off."""
    figs = _Figures()
    plain = dict(body)

    def take(container: dict[str, Any], key: str, path: tuple[str, ...]) -> None:
        value: Any = container.get(key)
        if isinstance(value, dict) and "value" in value:
            container[key] = value.get("value")
            figs.meta[".".join(path)] = {m: value[m] for m in ("source", "note", "alternatives", "value")
                                         if m in value} | {"_extra": [m for m in value if m not in
                                                                      ("value", "source", "note", "alternatives")]}
            figs.long.add(path)

    for f in k.spec.fields:
        if f.type == "tiers" and isinstance(plain.get(f.name), dict):
            tiers = {}
            for tier_key, tier in plain[f.name].items():
                if isinstance(tier, dict):
                    tier = dict(tier)
                    for sub in f.fields:
                        if sub.figure:
                            take(tier, sub.name, (f.name, str(tier_key), sub.name))
                tiers[tier_key] = tier
            plain[f.name] = tiers
        elif f.figure:
            take(plain, f.name, (f.name,))
    return plain, figs


def _tier_keys(body: dict[str, Any]) -> dict[str, Any]:
    """``3:`` written without quotes is the integer 3 in YAML; it means tier "3"."""
    tiers = body.get("tiers")
    if isinstance(tiers, dict):
        body = {**body, "tiers": {str(k): v for k, v in tiers.items()}}
    return body


def _short_ratio(k: Kind, body: dict[str, Any]) -> dict[str, Any]:
    """A 大病 section's ``ratio: 0.6`` is short for ``bands: [{ratio: 0.6}]``."""
    if k.spec.field("bands") is not None and k.spec.field("ratio") is None and "ratio" in body and "bands" not in body:
        value = body["ratio"]
        bands: Any = [{"ratio": value}]
        if _is_long(value):
            bands = {**value, "value": [{"ratio": value["value"]}]}
        body = {key: v for key, v in body.items() if key != "ratio"} | {"bands": bands}
    return body


def _refused_fields(k: Kind, body: dict[str, Any], where: Path_) -> list[Problem]:
    """Fields a kind refuses with advice (a per-visit deductible in inpatient tiers …)."""
    problems: list[Problem] = []
    for f in k.spec.fields:
        if f.type != "tiers" or not isinstance(body.get(f.name), dict):
            continue
        for sub in f.fields:
            if not sub.not_here:
                continue
            for tier_key, tier in body[f.name].items():
                if isinstance(tier, dict) and sub.name in tier:
                    problems.append(((*where, f.name, str(tier_key)), sub.not_here.format(key=tier_key)))
    return problems


def _without_refused(k: Kind, body: dict[str, Any]) -> dict[str, Any]:
    for f in k.spec.fields:
        refused = {sub.name for sub in f.fields if sub.not_here}
        if f.type == "tiers" and refused and isinstance(body.get(f.name), dict):
            body = {**body, f.name: {tk: ({n: v for n, v in t.items() if n not in refused} if isinstance(t, dict)
                                          else t) for tk, t in body[f.name].items()}}
    return body


class _FigureMeta(_Strict):
    source: Optional[str] = None
    note: Optional[str] = None
    alternatives: list[dict[str, Any]] = []


class _AltMeta(_Strict):
    value: Any
    source: str
    note: Optional[str] = None


def _section(raw: Any, i: int) -> tuple[dict[str, Any] | None, list[Problem]]:
    """One section, validated by its kind's model: the normalised dict, or the problems."""
    where: Path_ = ("sections", i)
    if not isinstance(raw, dict):
        return None, [(where, "应是键值对(plan: …, kind: …, effective: …)")]
    key = raw.get("kind")
    k = kind(key) if isinstance(key, str) else None
    if k is None:
        known = "、".join(x.key for x in kinds())
        return None, [((*where, "kind"), f"应为 {known} 之一" if key is not None else "缺少这个必填字段")]
    body = _short_ratio(k, _tier_keys(raw))
    problems = _refused_fields(k, body, where)
    plain, figs = split_figures(k, _without_refused(k, body))
    try:
        model = section_model(k.key).model_validate(plain)
    except ValidationError as exc:
        for err_where, msg in _pydantic_problems(exc, where):
            rest = err_where[2:]
            named = tuple(str(x) for x in rest)
            long = next((p for p in figs.long if named[:len(p)] == p), None)
            if long is not None:  # a long-form figure: the problem is in its value
                err_where = (*err_where[:2], *rest[:len(long)], "value", *rest[len(long):])
            problems.append((err_where, msg))
        return None, problems
    normalised = model.model_dump(mode="json", exclude_none=True)
    for f in k.spec.fields:  # a bool left at its default is not written back
        if f.type == "bool" and normalised.get(f.name) is False and f.name not in plain:
            normalised.pop(f.name, None)
    for check in k.spec.checks:
        problems += [((*where, *p), msg) for p, msg in check(normalised)]
    figures: dict[str, Any] = {}
    for path, meta in figs.meta.items():
        at = (*where, *path.split("."))
        extra = meta.pop("_extra")
        if extra:
            problems.append(((*at, extra[0]), "不认识的字段:一个数字的长写法只有 value、source、note、alternatives"))
            continue
        meta.pop("value", None)
        try:
            m = _FigureMeta.model_validate(meta)
        except ValidationError as exc:
            problems += _pydantic_problems(exc, at)
            continue
        alternatives = []
        for j, alt in enumerate(m.alternatives):
            here = (*at, "alternatives", j)
            try:
                a = _AltMeta.model_validate(alt)
            except ValidationError as exc:
                problems += _pydantic_problems(exc, here)
                continue
            try:
                value = _adapter(k.key, path).validate_python(a.value)
            except ValidationError as exc:
                problems += _pydantic_problems(exc, (*here, "value"))
                continue
            alternatives.append({"value": _jsonable(value), "source": a.source, **({"note": a.note} if a.note else {})})
        figures[path] = {k2: v for k2, v in (("source", m.source), ("note", m.note),
                                             ("alternatives", alternatives or None)) if v is not None}
    if problems:
        return None, problems
    if figures:
        normalised["figures"] = figures
    return normalised, []


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return str(value)
    return value


def _top_problem(raw: Any) -> str | None:
    if not isinstance(raw, dict):
        return "顶层应是键值对(schema: 2, region: …):请对照 README 的格式说明"
    if raw.get("schema") not in SCHEMAS or isinstance(raw.get("schema"), bool):
        return f"schema 应为 2(或旧格式 1)(收到 {raw.get('schema')!r}):请在文件第一行写 schema: 2"
    return None


def as_schema2(raw: Any) -> tuple[Any, Callable[[Path_], Path_]]:
    """A parsed document as schema 2, and how to map its field paths back to the file's."""
    if isinstance(raw, dict) and raw.get("schema") == 1:
        up = upgrade_v1(raw)
        return up.doc, up.back
    return raw, lambda where: where


def schema_problems(raw: Any) -> tuple[Optional[dict[str, Any]], list[Problem]]:
    """The normalised schema 2 document (None if invalid) and every problem the types, the kinds'
    checks and the data rules find, with paths as the file writes them."""
    top = _top_problem(raw)
    if top is not None:
        return None, [((), top)]
    doc, back = as_schema2(raw)
    problems: list[Problem] = []
    if raw.get("schema") == 1:
        problems += _v1_top(raw)
    try:
        top_model = PolicyTop.model_validate({**doc, "sections": []})
    except ValidationError as exc:
        top_model = None
        problems += [p for p in _pydantic_problems(exc) if p[0][:1] != ("sections",)]
    sections = []
    raw_sections = doc.get("sections")
    if not isinstance(raw_sections, list):
        problems.append((("sections",), "应是列表(每个元素是一节:plan、kind、effective …)"))
        raw_sections = []
    for i, section in enumerate(raw_sections):
        normalised, found = _section(section, i)
        problems += found
        if normalised is not None:
            sections.append(normalised)
    placeholders = [p for p in _placeholders(raw)]  # in the file's own terms
    problems = [(back(w), m) for w, m in problems]
    held = {w for w, _ in placeholders}
    held |= {(*p[:-1], "bands") for p in held if p[-1:] == ("ratio",)}
    problems = [(w, m) for w, m in problems if not any(w[:len(p)] == p for p in held)]
    result: Optional[dict[str, Any]] = None
    if top_model is not None and not problems and len(sections) == len(raw_sections):
        result = top_model.model_dump(mode="json", by_alias=True, exclude_none=True)
        result["schema"] = SCHEMA_VERSION
        result["sections"] = sections
        problems += [(back(w), m) for w, m in data_rules(result)]
        if problems:
            result = None
    else:
        problems += [(back(w), m) for w, m in _raw_rules(doc)]
    return result, placeholders + problems


def _v1_top(raw: dict[str, Any]) -> list[Problem]:
    out: list[Problem] = []
    year = raw.get("year")
    if "year" not in raw:
        out.append((("year",), "缺少这个必填字段"))
    elif not isinstance(year, int) or isinstance(year, bool):
        out.append((("year",), "应是整数"))
    elif not 1998 <= year <= 2100:
        out.append((("year",), "应不小于 1998" if year < 1998 else "应不大于 2100"))
    plans = raw.get("plans")
    if plans is not None and not isinstance(plans, dict):
        out.append((("plans",), "应是键值对(key: value)"))
    for plan, body in (plans.items() if isinstance(plans, dict) else ()):
        if plan not in PLAN_KEYS:
            out.append((("plans", plan), "不认识的字段(拼写对吗?见 README 的格式说明)"))
        elif not isinstance(body, dict):
            out.append((("plans", plan), "应是键值对(key: value)"))
    return out


def validate_policy(raw: Any, origin: str) -> dict[str, Any]:
    """Validate a parsed policy document; return the normalised schema 2 dict (decimals as strings).

    Raises ``ValueError`` with a one-line Chinese message naming ``origin`` and the field.
    """
    model, problems = schema_problems(raw)
    if problems:
        where, msg = problems[0]
        more = f"(另有 {len(problems) - 1} 处)" if len(problems) > 1 else ""
        field = f" 的字段 {_where(where)} 有误:" if where else ":"
        raise ValueError(f"地区数据文件 {origin}{field}{msg}{more}。可用 medins policy validate {origin} 列出全部问题")
    assert model is not None
    return model


# ---- data rules beyond the field types (on the normalised document; each returns field paths) ---------


def url_problem(url: str) -> str | None:
    """Why ``url`` is not one bare link (pydantic checks the scheme and that it has no spaces)."""
    if url.count("://") > 1:
        return "只能写一个网址:多个来源请分成多条 sources"
    if any(ch in url for ch in "<>[]\"\'()()“”,,;;。、"):
        return "应是一个裸网址(不要带括号、引号、标点或 Markdown 链接格式)"
    return None


#: What ``medins policy init``'s template writes where a figure from the local notice belongs.
PLACEHOLDER = "待填写"
_PLACEHOLDER_MESSAGE = f"还是模板里的占位「{PLACEHOLDER}」:换成当地通知里的内容,不知道就删掉这一行"


def _placeholders(value: Any, where: Path_ = ()) -> list[Problem]:
    """Every field still holding the template's placeholder (an uncommented, unfilled example)."""
    if isinstance(value, str):
        return [(where, _PLACEHOLDER_MESSAGE)] if PLACEHOLDER in value else []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    return [p for key, item in items for p in _placeholders(item, (*where, str(key) if isinstance(value, dict) else key))]


def _d(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def _l(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _raw_rules(doc: Any) -> list[Problem]:
    """The rules that can still be checked when the types are wrong: source ids, urls, the code."""
    problems: list[Problem] = []
    ids: dict[str, int] = {}
    for i, src in enumerate(_l(_d(doc).get("sources"))):
        sid = _d(src).get("id")
        if isinstance(sid, str):
            if sid in ids:
                problems.append((("sources", i, "id"), f"id「{sid}」与 sources.{ids[sid]} 重复:每个来源的 id 要不同"))
            ids.setdefault(sid, i)
        url = _d(src).get("url")
        if isinstance(url, str) and (why := url_problem(url)):
            problems.append((("sources", i, "url"), why))
    for i, section in enumerate(_l(_d(doc).get("sections"))):
        problems += _refs(("sections", i, "source"), _d(section).get("source"), ids)
    for i, note in enumerate(_l(_d(doc).get("notes"))):
        problems += _refs(("notes", i, "source"), _d(note).get("source"), ids)
    return problems + _code_rule(doc)


def _refs(where: Path_, value: Any, ids: dict[str, int]) -> list[Problem]:
    if isinstance(value, str) and value not in ids:
        known = "、".join(ids) or "(sources 为空)"
        return [(where, f"来源「{value}」不在 sources 的 id 里(已有:{known}):先在 sources 里列出它")]
    return []


def _code_rule(doc: Any) -> list[Problem]:
    region = _d(_d(doc).get("region"))
    code, province = region.get("code"), region.get("province") or region.get("name")
    prefix = PROVINCE_CODES.get(str(province)) if province else None
    if isinstance(code, str) and code.isdigit() and prefix and not code.startswith(prefix):
        return [(("region", "code"),
                 f"行政区划代码 {code} 不属于{province}(应以 {prefix} 开头):请核对民政部公布的代码,不确定就省略 code")]
    return []


def data_rules(doc: dict[str, Any]) -> list[Problem]:
    """Rules the field types cannot say, on a document whose types are valid: every ``source``
    (a section's, a figure's, an alternative's, a note's) names a listed source; source ids are
    unique; urls are single bare links; the code belongs to the province; versions of one
    section do not start on the same day or overlap; figures that contradict each other."""
    problems = _raw_rules(doc)
    ids = {s["id"]: i for i, s in enumerate(doc.get("sources") or ())}
    spans: dict[tuple[str, str], list[tuple[str, str | None, int]]] = {}
    for i, section in enumerate(doc.get("sections") or ()):
        where = ("sections", i)
        for path, meta in (section.get("figures") or {}).items():
            at = (*where, *path.split("."))
            if meta.get("source") is not None:
                problems += _refs((*at, "source"), meta["source"], ids)
            for j, alt in enumerate(meta.get("alternatives") or ()):
                problems += _refs((*at, "alternatives", j, "source"), alt.get("source"), ids)
        spans.setdefault((section["plan"], section["kind"]), []).append(
            (str(section["effective"]), section.get("until"), i))
        problems += _sanity_errors(where, section)
        if section.get("until") is not None and str(section["until"]) < str(section["effective"]):
            problems.append(((*where, "until"), f"until {section['until']} 早于 effective {section['effective']}:"
                                                "请核对这一版的起止日期"))
    for (plan, kind_key), versions in spans.items():
        versions.sort(key=lambda v: (v[0], v[2]))
        for (start, until, i), (start2, _, j) in zip(versions, versions[1:], strict=False):
            if start == start2:
                problems.append((("sections", j, "effective"),
                                 f"与 sections.{i} 是同一节({plan} {kind_key})、同一天生效:一个日期只能有一版,请删掉一个或改日期"))
            elif until is not None and str(until) >= start2:
                problems.append((("sections", i, "until"),
                                 f"与 sections.{j}({start2} 起)重叠:前一版的 until 应早于后一版的 effective"))
    return problems


def _amount(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return number if number.is_finite() and number >= 0 else None


def _yuan(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _ordered_tiers(section: dict[Any, Any]) -> list[tuple[str, dict[Any, Any]]]:
    tiers = {str(k): _d(v) for k, v in _d(section.get("tiers")).items()}
    return [(key, tiers[key]) for key in TIER_KEYS if key in tiers]


def _sanity_errors(where: Path_, section: dict[str, Any]) -> list[Problem]:
    """Figures that contradict each other: a 起付线 that falls as the hospital tier rises
    (community → 1 → 2 → 3 → 3a), and a yearly cap that does not exceed the 起付线."""
    problems: list[Problem] = []
    field = {"inpatient": "deductible", "outpatient": "visit_deductible"}.get(section.get("kind", ""))
    if field is None:
        return problems
    previous: tuple[str, Decimal] | None = None
    for key, tier in _ordered_tiers(section):
        value = _amount(tier.get(field))
        if value is None:
            continue
        if previous is not None and value < previous[1]:
            problems.append(((*where, "tiers", key, field),
                             f"起付线 {_yuan(value)} 低于{TIERS[previous[0]]}医院的 {_yuan(previous[1])}:"
                             "起付线应随医院等级(社区 → 一级 → 二级 → 三级 → 三甲)不减少,请核对"))
        previous = (key, value)
    if section.get("kind") == "inpatient":
        deductibles = [(v, key) for key, t in _ordered_tiers(section) if (v := _amount(t.get("deductible"))) is not None]
        highest = max(deductibles, default=None, key=lambda x: x[0])
        if highest is not None:
            for cap_field in ("annual_cap", "retiree_annual_cap"):
                cap = _amount(section.get(cap_field))
                if cap is not None and cap <= highest[0]:
                    problems.append(((*where, cap_field),
                                     f"年度封顶线 {_yuan(cap)} 不高于{TIERS[highest[1]]}医院的起付线 {_yuan(highest[0])}:"
                                     "封顶线应高于起付线(金额以元为单位,如 400000),请核对"))
    return problems


def _first_ratio(tier: dict[Any, Any]) -> Decimal | None:
    if "ratio" in tier:
        return _amount(tier.get("ratio"))
    bands = _l(tier.get("bands"))
    return _amount(_d(bands[0]).get("ratio")) if bands else None


def data_hints(raw: Any) -> list[Problem]:
    """Figures that are possible but unusual, worth a second look (``policy validate`` shows them
    as hints, not errors): a ratio that rises with the hospital tier, a ratio the retiree bonus
    takes above 100 %, a 大病 band that ends below its threshold, a 大病 threshold of 0, an
    outpatient yearly limit below its 起付线. Paths as the file writes them."""
    if not isinstance(raw, dict) or raw.get("schema") not in SCHEMAS:
        return []
    doc, back = as_schema2(raw)
    hints: list[Problem] = []
    for i, section in enumerate(_l(doc.get("sections"))):
        section = _d(section)
        plan, key = section.get("plan"), section.get("kind")
        where: Path_ = ("sections", i)
        plain = _unwrap(section)
        if key in ("inpatient", "outpatient"):
            previous: tuple[str, Decimal] | None = None
            section_bonus = _amount(plain.get("retiree_bonus")) or Decimal(0)
            for tier_key, tier in _ordered_tiers(plain):
                ratio = _first_ratio(tier)
                if ratio is None or ratio == 0:  # 0: not covered at this tier
                    continue
                if previous is not None and ratio > previous[1]:
                    hints.append(((*where, "tiers", tier_key),
                                  f"比例 {_yuan(ratio * 100)}% 高于{TIERS[previous[0]]}医院的 {_yuan(previous[1] * 100)}%:"
                                  "通常医院等级越高比例越低,请核对来源(若原文如此,可忽略本提示)"))
                previous = (tier_key, ratio)
                bonus = _amount(tier.get("retiree_bonus"))
                bonus = section_bonus if bonus is None else bonus
                if plan == "employee" and bonus and ratio + bonus > 1:
                    hints.append(((*where, "tiers", tier_key),
                                  f"比例 {_yuan(ratio * 100)}% 加退休加点 {_yuan(bonus * 100)}% 超过 100%:估算按 100% 计,请核对"))
        if key == "outpatient":
            cap, deductible = _amount(plain.get("annual_cap")), _amount(plain.get("annual_deductible"))
            if cap is not None and deductible is not None and 0 < cap < deductible:
                hints.append(((*where, "annual_cap"),
                              f"门诊年度限额 {_yuan(cap)} 低于年度起付线 {_yuan(deductible)}:请核对两者是否写反"))
        if key == "critical_illness" and plain.get("mode", "on_burden") == "on_burden":
            threshold = _amount(plain.get("threshold"))
            bands = _l(plain.get("bands")) or ([{"ratio": plain["ratio"]}] if "ratio" in plain else [])
            first = _amount(_d(bands[0]).get("upto")) if bands else None
            if threshold is not None and threshold == 0:
                hints.append(((*where, "threshold"),
                              "大病起付线为 0:从个人负担的第一元起支付,少见;若是职工大额医疗补助(超过封顶线后支付),"
                              "请写 mode: above_cap"))
            if threshold is not None and first is not None and first <= threshold:
                hints.append(((*where, "bands", 0, "upto"),
                              f"第一段 upto {_yuan(first)} 不高于起付线 {_yuan(threshold)}:这一段不会支付"
                              "(upto 是个人负担的绝对金额,不是起付线以上的金额)"))
    return [(back(w), m) for w, m in hints]


def _unwrap(value: Any) -> Any:
    """A section with every long-form figure replaced by its value (for the hints)."""
    if _is_long(value):
        return _unwrap(value["value"])
    if isinstance(value, dict):
        return {k: _unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    return value


# ---- back to the file format ---------------------------------------------------------------------------

ORIGINAL_ORDER = ("schema", "region", "year", "year_basis", "sources", "sections", "notes")
_SECTION_HEAD = ("plan", "kind", "effective", "until", "source", "note")


def _number(value: Any, type_: str) -> Any:
    if value is None:
        return None
    if type_ in ("amount", "ratio"):
        d = Decimal(str(value))
        return int(d) if d == d.to_integral_value() else float(d)
    if type_ == "ratios":
        return [_number(v, "ratio") for v in value]
    if type_ == "bands":
        return [{**({"upto": _number(b["upto"], "amount")} if b.get("upto") is not None else {}),
                 "ratio": _number(b["ratio"], "ratio")} for b in value]
    return value


def _plain_section(k: Kind, section: dict[str, Any], figures: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in _SECTION_HEAD:
        if section.get(name) is not None:
            out[name] = section[name]

    def wrap(value: Any, type_: str, path: str) -> Any:
        shown = _number(value, type_)
        meta = figures.get(path)
        if not meta:
            return shown
        long: dict[str, Any] = {"value": shown}
        for m in ("source", "note"):
            if meta.get(m) is not None:
                long[m] = meta[m]
        if meta.get("alternatives"):
            long["alternatives"] = [{"value": _number(a["value"], type_), "source": a["source"],
                                     **({"note": a["note"]} if a.get("note") else {})} for a in meta["alternatives"]]
        return long

    for f in k.spec.fields:
        if f.name not in section:
            continue
        value = section[f.name]
        if f.type == "tiers":
            out[f.name] = {tk: {sub.name: wrap(t[sub.name], sub.type, f"{f.name}.{tk}.{sub.name}")
                                for sub in f.fields if sub.name in t}
                           for tk, t in value.items()}
        elif f.type == "record":
            shown = {sub.name: _number(value[sub.name], sub.type) for sub in f.fields if sub.name in value}
            meta = figures.get(f.name)
            out[f.name] = ({"value": shown, **{m: meta[m] for m in ("source", "note") if meta.get(m)}}
                           if meta else shown)
        else:
            out[f.name] = wrap(value, f.type, f.name)
    return out


def file_document(normalised: dict[str, Any], plan: str | None = None, *, dates_as_text: bool = False
                  ) -> dict[str, Any]:
    """The policy document in the file format (schema 2, numbers as numbers), optionally one plan
    only: the inverse of :func:`validate_policy`, for ``policy show -f yaml|json`` and ``--learn``."""
    import copy

    from medins_cli.store.yamlio import plain_data

    doc: dict[str, Any] = {"schema": SCHEMA_VERSION}
    for key in ("region", "year", "year_basis", "sources"):
        if normalised.get(key) is not None:
            doc[key] = copy.deepcopy(normalised[key])
    sections = []
    for section in normalised.get("sections") or ():
        if plan is not None and section["plan"] != plan:
            continue
        k = kind(section["kind"])
        assert k is not None
        sections.append(_plain_section(k, section, section.get("figures") or {}))
    doc["sections"] = sections
    if normalised.get("notes"):
        doc["notes"] = normalised["notes"]
    if not dates_as_text:  # dates as YAML dates (written unquoted), as people write them
        for item in [*doc.get("sources", ()), *sections]:
            for key in ("date", "effective", "until"):
                if isinstance(item.get(key), str):
                    item[key] = dt.date.fromisoformat(item[key])
    doc = plain_data(doc, dates_as_text)
    return {key: doc[key] for key in ORIGINAL_ORDER if key in doc}


# ---- JSON Schema for editors (from the same specs) -------------------------------------------------------


def _file_type(field: SpecField, prefix: str) -> Any:
    """The type as a file may write it: a figure may also be the long form."""
    if field.type == "tiers":
        fields: dict[str, Any] = {
            f.name: (Optional[_file_type(f, f"{prefix}_{f.name}")], None) for f in field.fields if not f.not_here}
        tier = create_model(f"{prefix}_tier", __base__=_Strict, **fields)
        return dict[Literal[TIER_KEYS], tier]  # type: ignore[valid-type]
    plain = _type(field, prefix)
    if not field.figure:
        return plain
    alt_fields: dict[str, Any] = {"value": (plain, ...), "source": (str, ...), "note": (Optional[str], None)}
    alt = create_model(f"{prefix}_alt", __base__=_Strict, **alt_fields)
    long_fields: dict[str, Any] = {"value": (plain, ...), "source": (Optional[str], None), "note": (Optional[str], None),
                                   "alternatives": (list[alt], [])}  # type: ignore[valid-type]
    long = create_model(f"{prefix}_figure", __base__=_Strict, **long_fields)
    return Union[plain, long]


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the policy-file format (schema 2), for editors (``medins policy schema``)."""
    models = []
    for k in kinds():
        spec: dict[str, Any] = {
            "plan": (Literal[PLAN_KEYS], ...), "kind": (Literal[(k.key,)], ...),  # type: ignore[valid-type]
            "effective": (dt.date, ...), "until": (Optional[dt.date], None),
            "source": (str, ...), "note": (Optional[str], None),
        }
        for f in k.spec.fields:
            t = _file_type(f, f"F_{k.key}_{f.name}")
            spec[f.name] = (t, ...) if f.required else (Optional[t], None)
        models.append(create_model(f"Section_{k.key}", __base__=_Strict, **spec))
    top: dict[str, Any] = {"sections": (list[Union[tuple(models)]], [])}  # type: ignore[misc]
    file_model = create_model("PolicyFile", __base__=PolicyTop, **top)
    schema = file_model.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "medins 地区政策文件(schema 2)",
            "description": "medins 的地区医保政策数据。sections 是有生效日期的各节;比例为 0–1 的小数,金额单位为元;"
                           "每个节和每条说明都要有 source,一个数字也可以写成 {value, source, note, alternatives}。",
            **{k: v for k, v in schema.items() if k != "title"}}
