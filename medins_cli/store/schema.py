"""The public policy-file format (schema 1), validated with pydantic.

Only imported when a policy file has not been validated before (see :mod:`medins_cli.store.regions`):
pydantic costs ~200 ms to import, so the everyday path reads a cached, normalised copy.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Callable, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from medins_cli.core.names import PROVINCE_CODES

Ratio = Annotated[Decimal, Field(ge=0, le=1)]
Amount = Annotated[Decimal, Field(ge=0, le=1_000_000_000, decimal_places=2)]
TierKey = Literal["community", "1", "2", "3", "3a"]  # 3a: 三级甲等, where it is paid apart from other 三级
SCHEMA_VERSION = 1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BandModel(_Strict):
    upto: Optional[Amount] = None
    ratio: Ratio


def _check_bands(bands: list[BandModel]) -> list[BandModel]:
    if not bands:
        raise ValueError("bands 不能为空")
    limits = [b.upto for b in bands[:-1]]
    if any(u is None for u in limits):
        raise ValueError("只有最后一段可以省略 upto(最高段)")
    if bands[-1].upto is not None:
        raise ValueError("最后一段应省略 upto,表示以上全部")
    if any(a >= b for a, b in zip(limits, limits[1:], strict=False)):  # type: ignore[operator]
        raise ValueError("各段 upto 必须从小到大")
    return bands


class TierModel(_Strict):
    deductible: Optional[Amount] = None
    ratio: Optional[Ratio] = None
    bands: Optional[list[BandModel]] = None
    retiree_bonus: Optional[Ratio] = None  # this tier's own retiree bonus (overrides the section's)
    visit_deductible: Optional[Amount] = None  # outpatient only: a per-visit 起付线
    # where (some of) this tier's figures come from, besides the section's source: `medins slip check
    # --learn` writes the figures read off the user's own settlement slip here, with an `observed` source
    source: Optional[str] = None

    @model_validator(mode="after")
    def _one_of(self) -> "TierModel":
        if (self.ratio is None) == (self.bands is None):
            raise ValueError("每个医院等级要有 ratio 或 bands 之一(不能都有,也不能都没有)")
        if self.bands is not None:
            _check_bands(self.bands)
        return self


class RepeatModel(_Strict):
    step: Optional[Amount] = None
    floor: Optional[Amount] = None
    factor: Optional[Ratio] = None
    factors: Optional[list[Ratio]] = Field(default=None, min_length=1)  # 2nd, 3rd, … (the last repeats)

    @model_validator(mode="after")
    def _one_rule(self) -> "RepeatModel":
        if sum(x is not None for x in (self.step, self.factor, self.factors)) != 1:
            raise ValueError("repeat_admission 写 {step, floor}、{factor} 或 {factors: [第二次, 第三次及以后]} 之一")
        if self.floor is not None and self.step is None:
            raise ValueError("floor 只和 step 一起使用")
        return self


class _Section(_Strict):
    source: str
    note: Optional[str] = None


def _tier_keys(tiers: Any) -> Any:
    """``3:`` written without quotes is the integer 3 in YAML; it means tier "3"."""
    return {str(k): v for k, v in tiers.items()} if isinstance(tiers, dict) else tiers


def _tiers_without(field: str, advice: str) -> Callable[[dict[str, TierModel]], dict[str, TierModel]]:
    """A check that no tier of a section sets ``field`` (``advice`` says where it belongs)."""

    def check(tiers: dict[str, TierModel]) -> dict[str, TierModel]:
        for key, tier in tiers.items():
            if getattr(tier, field) is not None:
                raise ValueError(advice.format(key=key))
        return tiers

    return check


class InpatientModel(_Section):
    tiers: dict[TierKey, TierModel] = Field(min_length=1)

    _keys = field_validator("tiers", mode="before")(_tier_keys)
    _per_visit = field_validator("tiers")(_tiers_without(
        "visit_deductible", "住院的起付线按次写在 deductible:tiers.{key}.visit_deductible 只用于门诊统筹"))
    retiree_bonus: Ratio = Decimal(0)
    repeat_admission: Optional[RepeatModel] = None
    annual_cap: Optional[Amount] = None
    retiree_annual_cap: Optional[Amount] = None


class OutpatientModel(_Section):
    tiers: dict[TierKey, TierModel] = Field(min_length=1)

    _keys = field_validator("tiers", mode="before")(_tier_keys)
    annual_deductible: Optional[Amount] = None
    retiree_annual_deductible: Optional[Amount] = None
    retiree_bonus: Ratio = Decimal(0)
    annual_cap: Optional[Amount] = None
    retiree_annual_cap: Optional[Amount] = None
    _annual = field_validator("tiers")(_tiers_without(
        "deductible", "门诊统筹的起付线是年度的:请把 tiers.{key}.deductible 改为 annual_deductible"
                      "(按次的写 visit_deductible)"))


class CriticalIllnessModel(_Section):
    # on_burden: bands on the year's policy-range personal burden above `threshold` (城乡居民大病保险);
    # above_cap: bands on the policy-range costs above the point where the basic fund reached its
    # annual cap (职工大额医疗补助 in many cities; `threshold` unused). Band limits are absolute.
    mode: Literal["on_burden", "above_cap"] = "on_burden"
    name: Optional[str] = Field(default=None, min_length=1)
    threshold: Optional[Amount] = None
    bands: list[BandModel]
    annual_cap: Optional[Amount] = None
    includes_partial_self_pay: bool = False  # on_burden: 乙类先行自付 counts toward the burden

    @model_validator(mode="after")
    def _mode_fields(self) -> "CriticalIllnessModel":
        if self.mode == "on_burden" and self.threshold is None:
            raise ValueError("mode: on_burden(默认)要写 threshold(年度累计起付线);按超过封顶线的费用支付请写 mode: above_cap")
        if self.mode == "above_cap" and self.threshold:
            raise ValueError("mode: above_cap 从基本统筹封顶线以上开始支付,不用 threshold:请删掉 threshold(或写 0)")
        if self.mode == "above_cap" and self.includes_partial_self_pay:
            raise ValueError("includes_partial_self_pay 只用于 mode: on_burden(按个人负担计)")
        return self

    @model_validator(mode="before")
    @classmethod
    def _one_ratio(cls, data: Any) -> Any:
        """``ratio: 0.6`` is short for ``bands: [{ratio: 0.6}]`` (one ratio above the threshold)."""
        if isinstance(data, dict) and "ratio" in data and "bands" not in data:
            data = {k: v for k, v in data.items() if k != "ratio"} | {"bands": [{"ratio": data["ratio"]}]}
        return data

    @field_validator("bands")
    @classmethod
    def _bands(cls, bands: list[BandModel]) -> list[BandModel]:
        return _check_bands(bands)


class RemoteRuleModel(_Strict):
    ratio_minus: Optional[Ratio] = None
    factor: Optional[Ratio] = None

    @model_validator(mode="after")
    def _one(self) -> "RemoteRuleModel":
        if (self.ratio_minus is None) == (self.factor is None):
            raise ValueError("异地规则写 {ratio_minus: 0.2} 或 {factor: 0.7} 之一")
        return self


class RemoteModel(_Section):
    filed: Optional[RemoteRuleModel] = None
    transfer: Optional[RemoteRuleModel] = None  # 异地转诊备案
    unfiled: Optional[RemoteRuleModel] = None
    emergency: Optional[RemoteRuleModel] = None


class AccountModel(_Section):
    contribution_rate: Optional[Ratio] = None
    retiree_monthly: Optional[Amount] = None


class PlanModel(_Strict):
    inpatient: Optional[InpatientModel] = None
    outpatient: Optional[OutpatientModel] = None
    critical_illness: Optional[CriticalIllnessModel] = None
    remote: Optional[RemoteModel] = None
    account: Optional[AccountModel] = None


class SourceModel(_Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9._-]+$")
    title: str = Field(min_length=1)
    url: Optional[str] = Field(default=None, pattern=r"^https?://\S+$")
    publisher: Optional[str] = None
    date: Optional[dt.date] = None
    effective: Optional[dt.date] = None
    # official: read from the authority's own document; observed: off the user's own settlement slip;
    # secondary: articles, Q&A, reprints; unverified: anything else (e.g. a public aggregator)
    confidence: Literal["official", "observed", "secondary", "unverified"]
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
    text: str = Field(min_length=1)
    source: str


class PolicyFile(_Strict):
    schema_: Literal[1] = Field(alias="schema")
    region: RegionModel
    year: int = Field(ge=1998, le=2100)
    sources: list[SourceModel] = []
    plans: dict[Literal["employee", "resident"], PlanModel] = {}
    notes: list[NoteModel] = []

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


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
    "list_type": "应是列表([…])",
    "literal_error": "应为 {expected} 之一",
    "string_pattern_mismatch": "格式不对(应匹配 {pattern})",
    "string_too_short": "不能为空",
    "too_short": "不能为空",
    "date_from_datetime_parsing": "应是日期,如 2024-01-01",
    "date_parsing": "应是日期,如 2024-01-01",
    "date_type": "应是日期,如 2024-01-01",
    "finite_number": "应是有限的数字",
}


_PATTERNS = {  # field name → what its pattern means, in words
    "url": "应是一个以 http:// 或 https:// 开头、不含空格的网址",
    "code": "应是 6 位数字的行政区划代码(写成字符串,加引号,如 \"510700\")",
    "id": "只能用字母、数字和 . _ -(如 seed-002)",
}


RATIO_FIELDS = {"ratio", "retiree_bonus", "ratio_minus", "factor", "factors", "contribution_rate"}
_RATIO_HINT = ":比例写 0–1 的小数,85% 写 0.85,加 5 个百分点写 0.05"
_AMOUNT_HINT = ":金额写纯数字(元),如 400000,不要写“万”、逗号或单位"


def _message(err: Any) -> str:
    loc = [p for p in err.get("loc") or () if not isinstance(p, int)]  # factors.1 is a ratio too
    kind, field = err.get("type", ""), str(loc[-1]) if loc else ""
    if kind == "string_pattern_mismatch" and field in _PATTERNS:
        return _PATTERNS[field]
    if field in RATIO_FIELDS and kind in ("less_than_equal", "decimal_parsing", "decimal_type", "greater_than_equal"):
        return _plain_message(err) + _RATIO_HINT
    if kind in ("decimal_parsing", "decimal_type"):
        return _plain_message(err) + _AMOUNT_HINT
    if kind == "literal_error":
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
    return ".".join(str(p) for p in _loc(loc)) or "(文件顶层)"


Problem = tuple[tuple[Any, ...], str]  # (field path, one-line Chinese message)


def _top_problem(raw: Any) -> str | None:
    if not isinstance(raw, dict):
        return "顶层应是键值对(schema: 1, region: …):请对照 README 的格式说明"
    if raw.get("schema") != SCHEMA_VERSION:
        return f"schema 应为 {SCHEMA_VERSION}(收到 {raw.get('schema')!r}):请在文件第一行写 schema: 1"
    return None


def schema_problems(raw: Any) -> tuple[Optional[PolicyFile], list[Problem]]:
    """The validated model (None if invalid) and every problem pydantic and the data rules find."""
    top = _top_problem(raw)
    if top is not None:
        return None, [((), top)]
    try:
        model: Optional[PolicyFile] = PolicyFile.model_validate(raw)
        problems: list[Problem] = []
    except ValidationError as exc:
        model = None
        problems = [(_loc(err["loc"]), _message(err)) for err in exc.errors()]
    rules = data_rules(raw)
    placeholders = {where for where, msg in rules if msg == _PLACEHOLDER_MESSAGE}
    placeholders |= {(*p[:-1], "bands") for p in placeholders if p[-2:-1] == ("critical_illness",) and p[-1] == "ratio"}
    problems = [(w, m) for w, m in problems if not any(w[:len(p)] == p for p in placeholders)]  # one line for it
    first = [r for r in rules if r[1] == _PLACEHOLDER_MESSAGE]  # an unfilled template says so first
    return model, first + problems + [r for r in rules if r[1] != _PLACEHOLDER_MESSAGE]


def validate_policy(raw: Any, origin: str) -> dict[str, Any]:
    """Validate a parsed policy document; return the normalised dict (decimals as strings).

    Raises ``ValueError`` with a one-line Chinese message naming ``origin`` and the field.
    """
    model, problems = schema_problems(raw)
    if problems:
        where, msg = problems[0]
        more = f"(另有 {len(problems) - 1} 处)" if len(problems) > 1 else ""
        field = f" 的字段 {_where(where)} 有误:" if where else ":"
        raise ValueError(f"地区数据文件 {origin}{field}{msg}{more}。可用 medins policy validate {origin} 列出全部问题")
    assert model is not None
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


# ---- data rules beyond the field types (each returns field paths, for line numbers) ---------

SECTIONS = ("inpatient", "outpatient", "critical_illness", "remote", "account")


def _d(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def _l(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


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


def _placeholders(value: Any, where: tuple[Any, ...] = ()) -> list[Problem]:
    """Every field still holding the template's placeholder (an uncommented, unfilled example)."""
    if isinstance(value, str):
        return [(where, _PLACEHOLDER_MESSAGE)] if PLACEHOLDER in value else []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    return [p for key, item in items for p in _placeholders(item, (*where, str(key) if isinstance(value, dict) else key))]


def data_rules(raw: Any) -> list[Problem]:
    """Rules the field types cannot say: no template placeholders left, every ``source`` names a
    listed source, source ids are unique, urls are single bare links, the code belongs to the
    province. Reads ``raw`` defensively, so it reports even when other fields are wrong."""
    doc = _d(raw)
    problems: list[Problem] = _placeholders(doc)
    ids: dict[str, int] = {}
    for i, src in enumerate(_l(doc.get("sources"))):
        sid = _d(src).get("id")
        if isinstance(sid, str):
            if sid in ids:
                problems.append((("sources", i, "id"), f"id「{sid}」与 sources.{ids[sid]} 重复:每个来源的 id 要不同"))
            ids.setdefault(sid, i)
        url = _d(src).get("url")
        if isinstance(url, str) and (why := url_problem(url)):
            problems.append((("sources", i, "url"), why))

    def ref(where: tuple[Any, ...], value: Any) -> None:
        if isinstance(value, str) and value not in ids:
            known = "、".join(ids) or "(sources 为空)"
            problems.append((where, f"来源「{value}」不在 sources 的 id 里(已有:{known}):先在 sources 里列出它"))

    for plan_name, plan in _d(doc.get("plans")).items():
        for section_name in SECTIONS:
            section = _d(_d(plan).get(section_name))
            if section:
                ref(("plans", plan_name, section_name, "source"), section.get("source"))
                for tier_key, tier in _d(section.get("tiers")).items():
                    if isinstance(tier, dict) and "source" in tier:
                        ref(("plans", plan_name, section_name, "tiers", str(tier_key), "source"), tier.get("source"))
    for i, note in enumerate(_l(doc.get("notes"))):
        ref(("notes", i, "source"), _d(note).get("source"))
    for plan_name, plan in _d(doc.get("plans")).items():
        problems += _sanity_errors(("plans", plan_name), _d(plan))
    region = _d(doc.get("region"))
    code, province = region.get("code"), region.get("province") or region.get("name")
    prefix = PROVINCE_CODES.get(str(province)) if province else None
    if isinstance(code, str) and code.isdigit() and prefix and not code.startswith(prefix):
        problems.append((("region", "code"),
                         f"行政区划代码 {code} 不属于{province}(应以 {prefix} 开头):请核对民政部公布的代码,不确定就省略 code"))
    return problems


# ---- sanity: figures that cannot all be right (errors) or that are unusual (hints) ------

TIER_ORDER = ("community", "1", "2", "3", "3a")  # from 基层 up to 三级甲等
_TIER_WORDS = {"community": "社区/基层", "1": "一级", "2": "二级", "3": "三级", "3a": "三级甲等"}


def _amount(value: Any) -> Decimal | None:
    """A figure as a Decimal when it is a plain, non-negative number (wrong types and negative
    figures are pydantic's to report, once)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    number = Decimal(str(value))
    return number if number.is_finite() and number >= 0 else None


def _yuan(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _ordered_tiers(section: dict[Any, Any]) -> list[tuple[str, dict[Any, Any]]]:
    tiers = {str(k): _d(v) for k, v in _d(section.get("tiers")).items()}
    return [(key, tiers[key]) for key in TIER_ORDER if key in tiers]


def _sanity_errors(where: tuple[Any, ...], plan: dict[Any, Any]) -> list[Problem]:
    """Figures that contradict each other: a 起付线 that falls as the hospital tier rises
    (community → 1 → 2 → 3 → 3a), and a yearly cap that does not exceed the 起付线."""
    problems: list[Problem] = []
    for section_name, field in (("inpatient", "deductible"), ("outpatient", "visit_deductible")):
        section = _d(plan.get(section_name))
        previous: tuple[str, Decimal] | None = None
        for key, tier in _ordered_tiers(section):
            value = _amount(tier.get(field))
            if value is None:
                continue
            if previous is not None and value < previous[1]:
                problems.append(((*where, section_name, "tiers", key, field),
                                 f"起付线 {_yuan(value)} 低于{_TIER_WORDS[previous[0]]}医院的 {_yuan(previous[1])}:"
                                 "起付线应随医院等级(社区 → 一级 → 二级 → 三级 → 三甲)不减少,请核对"))
            previous = (key, value)
    inpatient = _d(plan.get("inpatient"))
    deductibles = [(value, key) for key, t in _ordered_tiers(inpatient) if (value := _amount(t.get("deductible"))) is not None]
    highest = max(deductibles, default=None, key=lambda x: x[0])
    if highest is not None:
        for cap_field in ("annual_cap", "retiree_annual_cap"):
            cap = _amount(inpatient.get(cap_field))
            if cap is not None and cap <= highest[0]:
                problems.append(((*where, "inpatient", cap_field),
                                 f"年度封顶线 {_yuan(cap)} 不高于{_TIER_WORDS[highest[1]]}医院的起付线 {_yuan(highest[0])}:"
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
    outpatient yearly limit below its 起付线."""
    hints: list[Problem] = []
    for plan_name, plan in _d(_d(raw).get("plans")).items():
        for section_name in ("inpatient", "outpatient"):
            section = _d(_d(plan).get(section_name))
            where = ("plans", plan_name, section_name)
            previous: tuple[str, Decimal] | None = None
            section_bonus = _amount(section.get("retiree_bonus")) or Decimal(0)
            for key, tier in _ordered_tiers(section):
                ratio = _first_ratio(tier)
                if ratio is None or ratio == 0:  # 0: not covered at this tier
                    continue
                if previous is not None and ratio > previous[1]:
                    hints.append(((*where, "tiers", key),
                                  f"比例 {_yuan(ratio * 100)}% 高于{_TIER_WORDS[previous[0]]}医院的 {_yuan(previous[1] * 100)}%:"
                                  "通常医院等级越高比例越低,请核对来源(若原文如此,可忽略本提示)"))
                previous = (key, ratio)
                bonus = _amount(tier.get("retiree_bonus"))
                bonus = section_bonus if bonus is None else bonus
                if plan_name == "employee" and bonus and ratio + bonus > 1:
                    hints.append(((*where, "tiers", key),
                                  f"比例 {_yuan(ratio * 100)}% 加退休加点 {_yuan(bonus * 100)}% 超过 100%:估算按 100% 计,请核对"))
        outpatient = _d(_d(plan).get("outpatient"))
        cap, deductible = _amount(outpatient.get("annual_cap")), _amount(outpatient.get("annual_deductible"))
        if cap is not None and deductible is not None and 0 < cap < deductible:
            hints.append((("plans", plan_name, "outpatient", "annual_cap"),
                          f"门诊年度限额 {_yuan(cap)} 低于年度起付线 {_yuan(deductible)}:请核对两者是否写反"))
        ci = _d(_d(plan).get("critical_illness"))
        if ci and ci.get("mode", "on_burden") == "on_burden":
            threshold = _amount(ci.get("threshold"))
            bands = _l(ci.get("bands"))
            first = _amount(_d(bands[0]).get("upto")) if bands else None
            if threshold is not None and threshold == 0:
                hints.append((("plans", plan_name, "critical_illness", "threshold"),
                              "大病起付线为 0:从个人负担的第一元起支付,少见;若是职工大额医疗补助(超过封顶线后支付),"
                              "请写 mode: above_cap"))
            if threshold is not None and first is not None and first <= threshold:
                hints.append((("plans", plan_name, "critical_illness", "bands", 0, "upto"),
                              f"第一段 upto {_yuan(first)} 不高于起付线 {_yuan(threshold)}:这一段不会支付"
                              "(upto 是个人负担的绝对金额,不是起付线以上的金额)"))
    return hints


def _loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(p for p in loc if p not in ("function-after", "function-before"))


ORIGINAL_ORDER = ("schema", "region", "year", "sources", "plans", "notes")


def file_document(normalised: dict[str, Any], plan: str | None = None, *, dates_as_text: bool = False) -> dict[str, Any]:
    """The policy document in the file format (numbers as numbers), optionally one plan only:
    the inverse of :func:`validate_policy`, for ``policy show -f yaml|json``."""
    from medins_cli.store.yamlio import plain_data

    model = PolicyFile.model_validate(normalised)
    dumped = model.model_dump(mode="python", by_alias=True, exclude_none=True, exclude_defaults=True)
    dumped["schema"] = model.schema_
    doc = plain_data(dumped, dates_as_text)
    if plan is not None:
        doc["plans"] = {k: v for k, v in doc.get("plans", {}).items() if k == plan}
    return {key: doc[key] for key in ORIGINAL_ORDER if key in doc}


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the policy-file format, for editors (``medins policy schema``)."""
    schema = PolicyFile.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "medins 地区政策文件(schema 1)",
            "description": "medins 的地区医保政策数据。比例为 0–1 的小数,金额单位为元;每个节和每条说明都要有 source。",
            **{k: v for k, v in schema.items() if k != "title"}}
