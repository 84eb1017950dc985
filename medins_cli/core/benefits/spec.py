"""The one declaration of what a section of each benefit kind holds.

Each kind (:mod:`medins_cli.core.benefits`) declares its fields here once; everything else is
derived from it: the store's validator and JSON Schema (pydantic models built on a cache miss),
``policy show``'s rows, ``policy init``'s template and questions, and the paths ``slip check
--learn`` writes. The checks a field type cannot say (a ratio *or* bands, bands in order …) are
pure functions here, run by the store after the types are validated.

Field types: ``amount`` (yuan, ≥ 0, to the fen), ``ratio`` (0–1), ``ratios`` (a list of ratios),
``bands`` (``[{upto, ratio}, …, {ratio}]``), ``text``, ``bool``, ``choice`` (one of ``choices``),
``tiers`` (hospital tier → a record of ``fields``) and ``record`` (a nested record of ``fields``).
A field with ``figure=True`` may be written as a bare value or as ``{value, source, note,
alternatives: [{value, source, note}]}``: a source of its own, and what other sources say.
"""


from decimal import Decimal
from typing import Any, Callable, Mapping, NamedTuple

from medins_cli.core.names import TIERS

Problem = tuple[tuple[Any, ...], str]  # (path inside the section body, one-line Chinese message)


class Field(NamedTuple):
    name: str
    type: str
    label: str  # what the figure is, in words (policy show, policy init, --learn)
    required: bool = False
    figure: bool = True  # may carry its own source and alternatives
    default: Any = None
    choices: tuple[str, ...] = ()
    fields: "tuple[Field, ...]" = ()  # tiers / record: the fields of each entry
    doc: str = ""  # the template's comment for this field
    example: str = ""  # the template's example value (YAML)
    question: str = ""  # policy init's question ("" = not asked)
    employee_only: bool = False  # 退休 fields: residents have none
    not_here: str = ""  # refuse this field here, with this advice (e.g. visit_deductible in inpatient tiers)


Check = Callable[[Mapping[str, Any]], "list[Problem]"]


class Spec(NamedTuple):
    """What a section of one kind holds: its fields, and the checks across them."""

    fields: tuple[Field, ...]
    checks: tuple[Check, ...] = ()

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


TIER_KEYS = tuple(TIERS)  # from 基层 up to 三级甲等
ONE = Decimal(1)


def _d(value: Any) -> Any:
    return value if isinstance(value, dict) else {}


def _dec(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def check_bands(bands: Any, where: tuple[Any, ...]) -> list[Problem]:
    """Only the last band may leave out ``upto``; the limits rise."""
    if not isinstance(bands, list):
        return []
    if not bands:
        return [(where, "bands 不能为空")]
    limits = [_dec(_d(b).get("upto")) for b in bands[:-1]]
    if any(u is None for u in limits):
        return [(where, "只有最后一段可以省略 upto(最高段)")]
    if _d(bands[-1]).get("upto") is not None:
        return [(where, "最后一段应省略 upto,表示以上全部")]
    if any(a >= b for a, b in zip(limits, limits[1:], strict=False)):  # type: ignore[operator]
        return [(where, "各段 upto 必须从小到大")]
    return []


def check_tiers(body: Mapping[str, Any]) -> list[Problem]:
    """Each tier has a ratio or bands (one of them), and its bands are in order."""
    problems: list[Problem] = []
    for key, tier in _d(body.get("tiers")).items():
        tier = _d(tier)
        if ("ratio" in tier) == ("bands" in tier):
            problems.append((("tiers", key), "每个医院等级要有 ratio 或 bands 之一(不能都有,也不能都没有)"))
        problems += check_bands(tier.get("bands"), ("tiers", key))
    return problems


def check_repeat(body: Mapping[str, Any]) -> list[Problem]:
    rule = body.get("repeat_admission")
    if not isinstance(rule, dict):
        return []
    where = ("repeat_admission",)
    if sum(rule.get(k) is not None for k in ("step", "factor", "factors")) != 1:
        return [(where, "repeat_admission 写 {step, floor}、{factor} 或 {factors: [第二次, 第三次及以后]} 之一")]
    if rule.get("floor") is not None and rule.get("step") is None:
        return [(where, "floor 只和 step 一起使用")]
    if rule.get("factors") == []:
        return [((*where, "factors"), "不能为空")]
    return []


def check_one_of(names: tuple[str, ...], message: str, inside: tuple[str, ...] = ()) -> Check:
    """Each record under ``inside`` (or the body itself) gives exactly one of ``names``."""

    def check(body: Mapping[str, Any]) -> list[Problem]:
        records = [((), body)] if not inside else [((key,), _d(body.get(key))) for key in inside if key in body]
        return [(where, message) for where, record in records
                if sum(record.get(n) is not None for n in names) != 1]

    return check


# ---- fields shared by kinds ----------------------------------------------------------------------

TIER_RATIO = Field("ratio", "ratio", "报销比例", example="待填写", doc="如 0.90")
TIER_BANDS = Field("bands", "bands", "分段比例",
                   doc='分段比例的写法:"3": {…, bands: [{upto: 30000, ratio: 0.80}, {ratio: 0.85}]}(代替 ratio)')
TIER_RETIREE_BONUS = Field("retiree_bonus", "ratio", "这一级的退休加点", employee_only=True,
                           doc='某一级退休加点不同:"1": {deductible: 200, ratio: 0.90, retiree_bonus: 0.05}(覆盖这一节的)')
SECTION_RETIREE_BONUS = Field("retiree_bonus", "ratio", "退休加点", default=Decimal(0), employee_only=True,
                              doc="退休人员各比例加几个百分点:加 5 个百分点写 0.05",
                              question="退休人员比例加几个百分点(如 5%;没有就回车)")
ANNUAL_CAP = Field("annual_cap", "amount", "年度封顶线")
RETIREE_ANNUAL_CAP = Field("retiree_annual_cap", "amount", "退休人员年度封顶线", employee_only=True)
