"""The guide-file format (data/guides/*.yaml, schema 1), validated with pydantic.

Imported only when a guide file has not been validated before (see :mod:`medins_cli.store.guides`,
which goes through :func:`medins_cli.store.cache.load_validated`); the everyday path reads a
cached, normalised JSON copy. Each ``validate_*`` function takes the parsed YAML and the
file name and returns plain JSON data, or raises ``ValueError`` with a Chinese message.

Whether every ``source`` names an id in sources.yaml is checked by :mod:`medins_cli.store.guides`
(it needs two files), not here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from medins_cli.store.schema_check import validated, validator

SCHEMA_VERSION = 1
SourceId = Field(pattern=r"^[A-Za-z0-9._-]+$")
Form = Literal["original", "copy", "original+copy", "electronic", "any"]
Role = Literal["from", "to", "any"]
Actor = Literal["you", "from", "to"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TextModel(_Strict):
    """One sourced sentence."""

    text: str = Field(min_length=1)
    source: str = SourceId


class ItemModel(_Strict):
    """One document to bring."""

    name: str = Field(min_length=1)
    required: bool
    form: Form
    note: Optional[str] = None
    source: str = SourceId


class RegionRuleModel(_Strict):
    """Items and notes that apply only when the user's region (or its province) is listed.

    ``role`` says which region of a transfer it is about: the origin, the destination, or either.
    ``example`` (e.g. "广州转出") also shows the rule to everyone else, each line labelled
    「以广州转出为例:…;各地不同,以参保地医保局为准」: one place's practice is never shown as general.
    """

    regions: list[str] = Field(min_length=1)
    role: Role = "any"
    example: Optional[str] = Field(default=None, min_length=1)
    items: list[ItemModel] = []
    notes: list[TextModel] = []

    @model_validator(mode="after")
    def _not_empty(self) -> "RegionRuleModel":
        if not self.items and not self.notes:
            raise ValueError("地区规则至少要有一条 items 或 notes")
        return self


class _File(_Strict):
    schema_: int = Field(alias="schema")

    @field_validator("schema_")
    @classmethod
    def _version(cls, value: int) -> int:
        if value != SCHEMA_VERSION:
            raise ValueError(f"schema 应为 {SCHEMA_VERSION}")
        return value


# ---- sources.yaml ------------------------------------------------------------------------


class GuideSourceModel(_Strict):
    id: str = SourceId
    title: str = Field(min_length=1)
    date: Optional[str] = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    url: Optional[str] = Field(default=None, pattern=r"^https?://\S+$")
    publisher: Optional[str] = None
    confidence: Literal["official", "secondary", "unverified"]


class SourcesFile(_File):
    sources: list[GuideSourceModel] = Field(min_length=1)

    @field_validator("sources")
    @classmethod
    def _unique(cls, sources: list[GuideSourceModel]) -> list[GuideSourceModel]:
        _no_repeats([s.id for s in sources], "来源 id")
        return sources


# ---- places.yaml -------------------------------------------------------------------------


class PlaceModel(_Strict):
    name: str = Field(min_length=1)
    province: Optional[str] = None
    aliases: list[str] = []


class PlacesFile(_File):
    provinces: list[PlaceModel] = Field(min_length=1)
    cities: list[PlaceModel] = []


# ---- checklists.yaml ---------------------------------------------------------------------


class PartModel(_Strict):
    """Documents needed only in one situation (a child's claim, an agent, care out of the area), shared by
    the scenarios that name its ``id`` in their ``parts``; shown under its own heading (``title``)."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str = Field(min_length=1)
    items: list[ItemModel] = Field(min_length=1)
    notes: list[TextModel] = []


class ScenarioModel(_Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str = Field(min_length=1)
    aliases: list[str] = []
    summary: str = Field(min_length=1)
    when: list[TextModel] = []
    items: list[ItemModel] = Field(min_length=1)
    submit: Optional[TextModel] = None
    deadline: Optional[TextModel] = None
    payment_time: Optional[TextModel] = None
    steps: list[TextModel] = []
    notes: list[TextModel] = []
    region_figures: list[Literal["outpatient_cap", "inpatient_cap"]] = []  # from the region's own data file
    parts: list[str] = []  # ids of the file's ``parts`` that apply to this scenario, in order
    region_rules: list[RegionRuleModel] = []


class ChecklistsFile(_File):
    parts: list[PartModel] = []
    scenarios: list[ScenarioModel] = Field(min_length=1)

    @model_validator(mode="after")
    def _parts_known(self) -> "ChecklistsFile":
        _no_repeats([p.id for p in self.parts], "材料分组 id")
        known = {p.id for p in self.parts}
        for s in self.scenarios:
            _no_repeats(s.parts, f"场景 {s.id} 的材料分组")
            for pid in s.parts:
                if pid not in known:
                    raise ValueError(f"场景 {s.id} 引用了不存在的材料分组「{pid}」:请在 parts 里定义")
        return self

    @field_validator("scenarios")
    @classmethod
    def _unique(cls, scenarios: list[ScenarioModel]) -> list[ScenarioModel]:
        _no_repeats([s.id for s in scenarios], "场景 id")
        words: dict[str, str] = {}
        for s in scenarios:
            for word in {_fold(w) for w in (s.id, s.name, *s.aliases)}:
                if word in words and words[word] != s.id:
                    raise ValueError(f"名称或别名「{word}」同时属于 {words[word]} 和 {s.id}:别名不能重复")
                words[word] = s.id
        return scenarios


# ---- balance.yaml ------------------------------------------------------------------------


class ChannelModel(_Strict):
    channel: str = Field(min_length=1)
    path: str = Field(min_length=1)
    source: str = SourceId


class OptionModel(_Strict):
    title: str = Field(min_length=1)
    text: str = Field(min_length=1)
    steps: list[str] = []
    source: str = SourceId


class RateModel(_Strict):
    value: Decimal = Field(gt=0, lt=1)
    text: str = Field(min_length=1)
    source: str = SourceId


class BalanceFile(_File):
    default_contribution_rate: RateModel
    uses: list[TextModel] = Field(min_length=1)
    funding: list[TextModel] = Field(min_length=1)
    properties: list[TextModel] = Field(min_length=1)
    check: list[ChannelModel] = Field(min_length=1)
    shortfall: list[TextModel] = Field(min_length=1)
    options: list[OptionModel] = Field(min_length=1)
    remote: list[TextModel] = Field(min_length=1)
    resident: list[TextModel] = Field(min_length=1)
    suspension: list[TextModel] = []
    region_rules: list[RegionRuleModel] = []


# ---- transfer.yaml -----------------------------------------------------------------------


class TransferStepModel(_Strict):
    n: int = Field(ge=1)
    title: str = Field(min_length=1)
    actor: Actor
    text: str = Field(min_length=1)
    bring: list[str] = []
    channel: Optional[str] = None
    duration: Optional[str] = None
    source: str = SourceId


class TransferFile(_File):
    conditions: list[TextModel] = Field(min_length=1)
    steps: list[TransferStepModel] = Field(min_length=1)
    balance: list[TextModel] = Field(min_length=1)
    resident: list[TextModel] = []  # what a 城乡居民医保 member who moves does (there is no 职工 relation to move)
    notes: list[TextModel] = []
    region_rules: list[RegionRuleModel] = []

    @field_validator("steps")
    @classmethod
    def _numbered(cls, steps: list[TransferStepModel]) -> list[TransferStepModel]:
        _check_numbering([s.n for s in steps])
        return steps


# ---- filing.yaml -------------------------------------------------------------------------


class KindModel(_Strict):
    name: str = Field(min_length=1)
    note: Optional[str] = None
    source: str = SourceId


class FilingTypeModel(_Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str = Field(min_length=1)
    kinds: list[KindModel] = Field(min_length=1)
    note: Optional[str] = None
    source: str = SourceId


class NumberedTextModel(TextModel):
    n: int = Field(ge=1)


class FilingFile(_File):
    types: list[FilingTypeModel] = Field(min_length=1)
    channels: list[TextModel] = Field(min_length=1)
    steps: list[NumberedTextModel] = Field(min_length=1)
    unfiled: list[TextModel] = Field(min_length=1)
    account: list[TextModel] = []
    resident: list[TextModel] = []  # instead of ``account`` for 城乡居民医保, which has no personal account
    notes: list[TextModel] = []
    region_rules: list[RegionRuleModel] = []

    @field_validator("steps")
    @classmethod
    def _numbered(cls, steps: list[NumberedTextModel]) -> list[NumberedTextModel]:
        _check_numbering([s.n for s in steps])
        return steps


# ---- helpers -----------------------------------------------------------------------------


def _fold(word: str) -> str:
    from medins_cli.store.guides import fold

    return fold(word)


def _no_repeats(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for v in values:
        if v in seen:
            raise ValueError(f"{what}「{v}」重复")
        seen.add(v)


def _check_numbering(numbers: list[int]) -> None:
    if numbers != list(range(1, len(numbers) + 1)):
        raise ValueError(f"步骤编号 n 应为 1、2、3 … 依次排列(现在是 {numbers})")


def _validator(model: type[_File]) -> Callable[[Any, str], Any]:
    return validator(lambda raw, origin: validated(model, raw, origin, what="指南文件", doc="docs/guides.md"), model)


validate_sources = _validator(SourcesFile)
validate_places = _validator(PlacesFile)
validate_checklists = _validator(ChecklistsFile)
validate_balance = _validator(BalanceFile)
validate_transfer = _validator(TransferFile)
validate_filing = _validator(FilingFile)
