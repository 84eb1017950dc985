"""The format of data/rules/*.yaml (national and provincial rules, each figure with its sources),
validated with pydantic like the guides (:mod:`medins_cli.store.guide_schema`).

Imported only when a rules file has not been validated before; the everyday path reads the cached,
normalised JSON copy (:func:`medins_cli.store.cache.load_validated`). Each ``validate_*`` takes the
parsed YAML and the file name and returns plain JSON data, or raises ``ValueError`` in Chinese.

Checked here, beyond the shape (unknown keys are refused everywhere):

* every source has a quote of at most 200 characters; ``official`` only with a URL on an authority's
  own domain (``gov.cn`` and its subdomains);
* every ``sources`` list anywhere names ids of this file's ``sources``, and a figure's ``confidence``
  is no surer than the surest of its sources;
* a ``since`` is a real year, month or day (``2025``, ``2021-11``, ``2022-02-10``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Callable, Literal, Optional
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from medins_cli.store.schema_check import validated, validator

SCHEMA_VERSION = 1
RANK = ("unverified", "secondary", "official")  # a rules file has no `observed` (that is a user's slip)
AUTHORITY_SUFFIXES = ("gov.cn",)  # gov.cn itself and every *.gov.cn host (nhsa, npc, chinatax, provinces)
SourceIds = Field(min_length=1)
Confidence = Literal["official", "secondary", "unverified"]
Basis = Literal["stated", "reported"]
_ID = r"^[A-Za-z0-9._-]+$"
_SINCE = r"^\d{4}(-\d{2}(-\d{2})?)?$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def is_authority(url: str | None) -> bool:
    """Whether ``url`` is on an authority's own domain (gov.cn or a subdomain of it)."""
    if not url:
        return False
    host = (urlparse(url).hostname or "").lower()
    return any(host == s or host.endswith("." + s) for s in AUTHORITY_SUFFIXES)


class RuleSourceModel(_Strict):
    id: str = Field(pattern=_ID)
    title: Optional[str] = Field(default=None, min_length=1)
    url: Optional[str] = Field(default=None, pattern=r"^https?://\S+$")
    date: Optional[str] = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    kind: Literal["official", "news", "reprint", "qa", "portal", "content_farm"]
    confidence: Confidence
    doc_number: Optional[str] = Field(default=None, min_length=1)
    quote: str = Field(min_length=1, max_length=200)
    note: Optional[str] = None

    @model_validator(mode="after")
    def _official_needs_authority(self) -> "RuleSourceModel":
        if self.confidence == "official" and not is_authority(self.url):
            raise ValueError(f"来源 {self.id} 标为 official,但网址不在发文机关自己的网站(gov.cn)上:"
                             "转载和新闻只能是 secondary,其他为 unverified")
        return self


class FigureModel(_Strict):
    """A figure and its sources."""

    value: Decimal = Field(ge=0)
    sources: list[str] = SourceIds
    confidence: Confidence
    note: Optional[str] = None
    total: Optional[int] = Field(default=None, gt=0)  # days: the reported total the value is worked out from


class RatioModel(FigureModel):
    value: Decimal = Field(gt=0, lt=1)


class TextModel(_Strict):
    text: str = Field(min_length=1)
    sources: list[str] = SourceIds
    confidence: Confidence
    note: Optional[str] = None


class _File(_Strict):
    schema_: int = Field(alias="schema")
    searched: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    sources: list[RuleSourceModel] = Field(min_length=1)

    @field_validator("schema_")
    @classmethod
    def _version(cls, value: int) -> int:
        if value != SCHEMA_VERSION:
            raise ValueError(f"schema 应为 {SCHEMA_VERSION}")
        return value

    @field_validator("sources")
    @classmethod
    def _unique(cls, sources: list[RuleSourceModel]) -> list[RuleSourceModel]:
        seen: set[str] = set()
        for s in sources:
            if s.id in seen:
                raise ValueError(f"来源 id「{s.id}」重复")
            seen.add(s.id)
        return sources


def _since(value: str | None) -> str | None:
    if value is None:
        return None
    parts = [int(p) for p in value.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        raise ValueError(f"「{value}」不是有效的日期") from None
    return value


Since = Optional[str]


class _Dated(_Strict):
    since: Since = Field(default=None, pattern=_SINCE)
    since_basis: Optional[Basis] = None

    @field_validator("since")
    @classmethod
    def _real(cls, value: str | None) -> str | None:
        return _since(value)

    @model_validator(mode="after")
    def _basis(self) -> "_Dated":
        if self.since is not None and self.since_basis is None:
            raise ValueError("有 since 就要写 since_basis:stated(来源写明的施行日期)或 reported(报道的日期)")
        return self


# ---- contributions.yaml -----------------------------------------------------------------------


class NationalYearModel(_Strict):
    notice_year: int = Field(ge=2000, le=2100)
    notice: Optional[str] = None
    individual: Optional[FigureModel] = None
    subsidy: Optional[FigureModel] = None
    note: Optional[str] = None
    sources: list[str] = []

    @model_validator(mode="after")
    def _said(self) -> "NationalYearModel":
        if self.individual is None and not self.note:
            raise ValueError(f"{self.notice_year} 年没有个人缴费数字时要写 note(为什么没有)")
        return self


class ResidentLocalModel(_Strict):
    place: str = Field(min_length=1)
    coverage_year: int = Field(ge=2000, le=2100)
    individual: FigureModel
    subsidy: Optional[FigureModel] = None
    note: Optional[str] = None


class FlexibleLocalModel(_Dated):
    place: str = Field(min_length=1)
    rate: RatioModel
    base_monthly_min: Optional[FigureModel] = None
    base_monthly_max: Optional[FigureModel] = None
    base_note: Optional[str] = None


class ContributionsFile(_File):
    resident_national: list[NationalYearModel] = Field(min_length=1)
    collection_lag: FigureModel
    resident_local: list[ResidentLocalModel] = []
    flexible_local: list[FlexibleLocalModel] = []
    notes: list[TextModel] = []

    @field_validator("resident_national")
    @classmethod
    def _years(cls, items: list[NationalYearModel]) -> list[NationalYearModel]:
        years = [i.notice_year for i in items]
        if years != sorted(set(years)):
            raise ValueError("notice_year 应从早到晚排列,不重复")
        return items


# ---- waiting.yaml -----------------------------------------------------------------------------


class ExemptModel(_Strict):
    group: str = Field(min_length=1)
    words: list[str] = Field(min_length=1)
    text: str = Field(min_length=1)
    sources: list[str] = SourceIds
    confidence: Confidence


class LocalExemptModel(_Strict):
    place: str = Field(min_length=1)
    groups: list[str] = Field(min_length=1)
    sources: list[str] = SourceIds
    confidence: Confidence
    note: Optional[str] = None


class IncentivesModel(_Strict):
    continuous_after_years: FigureModel
    continuous_min_per_year: FigureModel
    zero_claim_min: FigureModel
    total_cap_share: RatioModel
    resets: TextModel


class ResidentWaitingModel(_Dated):
    document: str = Field(min_length=1)
    doc_number: TextModel
    applies: TextModel
    fixed_months: FigureModel
    variable_months_per_gap_year: FigureModel
    free_gap_years: FigureModel
    repair_months_per_year: FigureModel
    long_gap_years: FigureModel
    long_gap_minimum_months: FigureModel
    waiting_costs: TextModel
    exempt: list[ExemptModel] = Field(min_length=1)
    local_exempt_examples: list[LocalExemptModel] = []
    incentives: IncentivesModel


class EmployeeGapModel(_Dated):
    document: str = Field(min_length=1)
    arrears_months: FigureModel
    max_waiting_months: FigureModel
    local_examples: list[TextModel] = []


class WindowModel(_Strict):
    from_: str = Field(alias="from", pattern=r"^\d{2}-\d{2}$")
    to: str = Field(pattern=r"^\d{2}-(\d{2}|末)$")
    sources: list[str] = SourceIds
    confidence: Confidence
    note: Optional[str] = None


class PlaceRuleModel(_Dated):
    place: str = Field(min_length=1)
    draft: bool = False
    window: Optional[WindowModel] = None
    extension: Optional[WindowModel] = None
    newborn_days: Optional[FigureModel] = None
    incentive_amount: Optional[FigureModel] = None


class DisputesModel(_Strict):
    resident: list[TextModel] = []
    employee: list[TextModel] = []


class WaitingFile(_File):
    resident: list[ResidentWaitingModel] = Field(min_length=1)
    employee: list[EmployeeGapModel] = Field(min_length=1)
    places: list[PlaceRuleModel] = []
    disputes: DisputesModel = DisputesModel()


# ---- tax.yaml ---------------------------------------------------------------------------------

SlipKey = Literal["partial_self_pay", "deductible", "co_pay", "self_pay", "over_limit"]


class TaxRuleModel(_Dated):
    document: str = Field(min_length=1)
    doc_number: TextModel
    threshold: FigureModel
    limit: FigureModel
    base: TextModel
    who: TextModel
    separately: TextModel
    when: TextModel
    record: TextModel
    no_inpatient_needed: Optional[TextModel] = None


class SlipFieldsModel(_Strict):
    basis: Literal["inference", "sourced"]
    counted: list[SlipKey] = Field(min_length=1)
    not_counted: list[SlipKey] = Field(min_length=1)
    text: str = Field(min_length=1)
    sources: list[str] = SourceIds
    confidence: Confidence


class TaxFile(_File):
    serious_illness: list[TaxRuleModel] = Field(min_length=1)
    slip_fields: SlipFieldsModel
    notes: list[TextModel] = []


# ---- maternity.yaml ---------------------------------------------------------------------------

#: The 31 province-level regions of the mainland (maternity.yaml names each once).
MAINLAND = ("北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建",
            "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏",
            "陕西", "甘肃", "青海", "宁夏", "新疆")


class MaternityNationalModel(_Strict):
    regulation: str = Field(min_length=1)
    base_days: FigureModel
    difficult_extra: FigureModel
    per_extra_baby: FigureModel
    miscarriage_months: FigureModel
    miscarriage_under: FigureModel
    miscarriage_from: FigureModel
    allowance_basis: TextModel
    payer: TextModel
    overview: TextModel
    local_bands: TextModel


class DailyRateModel(_Strict):
    key: str = Field(pattern=r"^[0-9]+$")
    text: str = Field(min_length=1)
    months: int = Field(ge=1, le=12)
    divisor: int = Field(ge=1, le=366)
    sources: list[str] = SourceIds
    confidence: Confidence
    note: Optional[str] = None


class MaternityVersionModel(_Dated):
    regulation: Optional[str] = None
    extra_days: Optional[FigureModel] = None
    extra_days_by_child: Optional[dict[Literal["1", "2", "3"], FigureModel]] = None
    insurance_days: Optional[FigureModel] = None
    pay_words: Optional[TextModel] = None
    disputes: list[TextModel] = []
    alternatives: list[TextModel] = []
    note: Optional[str] = None
    note_sources: list[str] = []
    current: bool = True
    current_note: Optional[str] = None
    current_sources: list[str] = []

    @model_validator(mode="after")
    def _one_figure(self) -> "MaternityVersionModel":
        if self.extra_days is not None and self.extra_days_by_child is not None:
            raise ValueError("extra_days 和 extra_days_by_child 只写一个")
        if self.extra_days is None and self.extra_days_by_child is None and not (self.note and self.note_sources):
            raise ValueError("没有天数的版本要写 note 和 note_sources(为什么没有)")
        if not self.current and not self.current_note:
            raise ValueError("current: false 时要写 current_note(为什么不是现行的)")
        return self


class MaternityProvinceModel(_Strict):
    province: Literal[MAINLAND]  # type: ignore[valid-type]
    versions: list[MaternityVersionModel] = []
    unknown: Optional[str] = Field(default=None, min_length=1)
    unknown_sources: list[str] = []

    @model_validator(mode="after")
    def _either(self) -> "MaternityProvinceModel":
        if bool(self.versions) == bool(self.unknown):
            raise ValueError(f"{self.province}:写 versions(有来源的版本)或 unknown(为什么没有),只写一个")
        return self


class MaternityFile(_File):
    national: MaternityNationalModel
    daily_rate: list[DailyRateModel] = Field(min_length=1)
    disputes: list[TextModel] = []
    provinces: list[MaternityProvinceModel]

    @field_validator("provinces")
    @classmethod
    def _all_31(cls, items: list[MaternityProvinceModel]) -> list[MaternityProvinceModel]:
        names = [p.province for p in items]
        missing = [n for n in MAINLAND if n not in names]
        repeated = {n for n in names if names.count(n) > 1}
        if missing or repeated:
            raise ValueError(f"31 个省区市各写一次:缺 {'、'.join(missing) or '无'},重复 {'、'.join(repeated) or '无'}"
                             "(没有来源的写 unknown)")
        return items


# ---- the file-level checks --------------------------------------------------------------------


def _walk(data: Any, path: str = "") -> Any:
    """(path, mapping) for every mapping in ``data``."""
    if isinstance(data, dict):
        yield path, data
        for key, value in data.items():
            yield from _walk(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _walk(value, f"{path}.{i}")


_ID_LISTS = ("sources", "note_sources", "current_sources", "unknown_sources")


def check_sources(data: dict[str, Any]) -> None:
    """Every id list names a source of this file; no figure is surer than its surest source."""
    known = {s["id"]: s["confidence"] for s in data["sources"]}
    for path, item in _walk({k: v for k, v in data.items() if k != "sources"}):
        for key in _ID_LISTS:
            for sid in item.get(key) or ():
                if sid not in known:
                    raise ValueError(f"{path}.{key}:来源「{sid}」不在这个文件的 sources 里")
        if item.get("sources") and item.get("confidence") in RANK:
            best = max((known[s] for s in item["sources"]), key=RANK.index)
            if RANK.index(item["confidence"]) > RANK.index(best):
                raise ValueError(f"{path}:可信度 {item['confidence']} 高于它最可信的来源({best})")


def _validate(model: type[_File], raw: Any, origin: str) -> Any:
    data = validated(model, raw, origin, what="规则文件", doc="data/rules/README.md")
    try:
        check_sources(data)
    except ValueError as exc:
        raise ValueError(f"规则文件 {origin} 有误:{exc}。请对照 data/rules/README.md 修正") from None
    return data


def _validator(model: type[_File]) -> Callable[[Any, str], Any]:
    return validator(lambda raw, origin: _validate(model, raw, origin), model)


validate_contributions = _validator(ContributionsFile)
validate_waiting = _validator(WaitingFile)
validate_tax = _validator(TaxFile)
validate_maternity = _validator(MaternityFile)
