"""The public policy-file format (schema 1), validated with pydantic.

Only imported when a policy file has not been validated before (see :mod:`medins_cli.regions`):
pydantic costs ~200 ms to import, so the everyday path reads a cached, normalised copy.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

Ratio = Annotated[Decimal, Field(ge=0, le=1)]
Amount = Annotated[Decimal, Field(ge=0, le=1_000_000_000, decimal_places=2)]
TierKey = Literal["community", "1", "2", "3"]
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

    @model_validator(mode="after")
    def _one_rule(self) -> "RepeatModel":
        if (self.factor is None) == (self.step is None):
            raise ValueError("repeat_admission 写 {step, floor} 或 {factor} 之一")
        if self.factor is not None and self.floor is not None:
            raise ValueError("floor 只和 step 一起使用")
        return self


class _Section(_Strict):
    source: str
    note: Optional[str] = None


def _tier_keys(tiers: Any) -> Any:
    """``3:`` written without quotes is the integer 3 in YAML; it means tier "3"."""
    return {str(k): v for k, v in tiers.items()} if isinstance(tiers, dict) else tiers


class InpatientModel(_Section):
    tiers: dict[TierKey, TierModel] = Field(min_length=1)

    _keys = field_validator("tiers", mode="before")(_tier_keys)
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

    @field_validator("tiers")
    @classmethod
    def _no_tier_deductible(cls, tiers: dict[str, TierModel]) -> dict[str, TierModel]:
        for key, tier in tiers.items():
            if tier.deductible is not None:
                raise ValueError(f"门诊统筹的起付线是年度的:请把 tiers.{key}.deductible 改为 annual_deductible")
        return tiers


class CriticalIllnessModel(_Section):
    threshold: Amount
    bands: list[BandModel]
    annual_cap: Optional[Amount] = None

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
    confidence: Literal["official", "secondary", "unverified"]
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
    sources: list[SourceModel] = Field(min_length=1)
    plans: dict[Literal["employee", "resident"], PlanModel] = {}
    notes: list[NoteModel] = []

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _sources_exist(self) -> "PolicyFile":
        ids = [s.id for s in self.sources]
        if len(ids) != len(set(ids)):
            raise ValueError("sources 里有重复的 id")
        known = set(ids)
        for plan_name, plan in self.plans.items():
            for section_name in ("inpatient", "outpatient", "critical_illness", "remote", "account"):
                section = getattr(plan, section_name)
                if section is not None and section.source not in known:
                    raise ValueError(
                        f"plans.{plan_name}.{section_name}.source「{section.source}」不在 sources 的 id 里"
                    )
        for i, note in enumerate(self.notes):
            if note.source not in known:
                raise ValueError(f"notes.{i}.source「{note.source}」不在 sources 的 id 里")
        return self


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


def _message(err: Any) -> str:
    template = _MESSAGES.get(err.get("type", ""))
    if template is not None:
        try:
            return template.format(**(err.get("ctx") or {}))
        except (KeyError, IndexError):
            pass
    return str(err.get("msg", "")).removeprefix("Value error, ")


def _where(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc if p not in ("function-after", "function-before")) or "(文件顶层)"


def validate_policy(raw: Any, origin: str) -> dict[str, Any]:
    """Validate a parsed policy document; return the normalised dict (decimals as strings).

    Raises ``ValueError`` with a one-line Chinese message naming ``origin`` and the field.
    """
    if not isinstance(raw, dict):
        raise ValueError(f"地区数据文件 {origin} 的顶层应是键值对(schema: 1, region: …):请对照 README 的格式说明")
    if raw.get("schema") != SCHEMA_VERSION:
        raise ValueError(
            f"地区数据文件 {origin}: schema 应为 {SCHEMA_VERSION}(收到 {raw.get('schema')!r}):请在文件第一行写 schema: 1"
        )
    try:
        model = PolicyFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        more = f"(另有 {exc.error_count() - 1} 处)" if exc.error_count() > 1 else ""
        msg = _message(first)
        raise ValueError(f"地区数据文件 {origin} 的字段 {_where(first['loc'])} 有误:{msg}{more}") from None
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)
