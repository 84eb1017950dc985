"""Normalising the words people use for plans, visits, tiers and out-of-area kinds."""

from __future__ import annotations

from medins_cli.core.errors import ClaimError

PLANS = {"employee": "职工医保", "resident": "城乡居民医保"}
VISITS = {"inpatient": "住院", "outpatient": "门诊统筹"}
TIERS = {"community": "社区/基层", "1": "一级", "2": "二级", "3": "三级", "3a": "三级甲等"}
#: First two digits of the 6-digit administrative division code (GB/T 2260) of each province-level region.
PROVINCE_CODES = {
    "北京": "11", "天津": "12", "河北": "13", "山西": "14", "内蒙古": "15", "辽宁": "21", "吉林": "22",
    "黑龙江": "23", "上海": "31", "江苏": "32", "浙江": "33", "安徽": "34", "福建": "35", "江西": "36",
    "山东": "37", "河南": "41", "湖北": "42", "湖南": "43", "广东": "44", "广西": "45", "海南": "46",
    "重庆": "50", "四川": "51", "贵州": "52", "云南": "53", "西藏": "54", "陕西": "61", "甘肃": "62",
    "青海": "63", "宁夏": "64", "新疆": "65", "台湾": "71", "香港": "81", "澳门": "82",
}

_PROVINCE_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")


def province_name(text: str) -> str | None:
    """四川省 / 四川 → 四川; 广西壮族自治区 → 广西; None when it is not a province-level region."""
    word = "".join(str(text).split())
    for suffix in _PROVINCE_SUFFIXES:
        if word.endswith(suffix) and word[: -len(suffix)] in PROVINCE_CODES:
            return word[: -len(suffix)]
    return word if word in PROVINCE_CODES else None


REMOTES = {"filed": "异地已备案", "transfer": "异地转诊备案", "unfiled": "异地未备案", "emergency": "异地急诊抢救"}
#: Source confidence, weakest first: figures read from the authority's own document (official),
#: off the user's own settlement slip (observed), from articles (secondary), anything else
#: (unverified), and tables the aggregator repeats word for word for cities in other provinces
#: (placeholder: almost surely not the city's own figures).
CONFIDENCE_RANK = ("placeholder", "unverified", "secondary", "observed", "official")
CONFIDENCE_CHOICES = "official|observed|secondary|unverified|placeholder"

_PLAN_WORDS = {
    "employee": "employee", "职工": "employee", "职工医保": "employee", "zhigong": "employee",
    "城镇职工": "employee", "worker": "employee",
    "resident": "resident", "居民": "resident", "居民医保": "resident", "城乡居民": "resident",
    "城乡居民医保": "resident", "jumin": "resident",
}
_VISIT_WORDS = {
    "inpatient": "inpatient", "住院": "inpatient", "zhuyuan": "inpatient",
    "outpatient": "outpatient", "门诊": "outpatient", "门诊统筹": "outpatient",
    "普通门诊": "outpatient", "menzhen": "outpatient",
}
_TIER_WORDS = {
    "community": "community", "社区": "community", "基层": "community", "c": "community",
    "0": "community", "shequ": "community", "jiceng": "community",
    "1": "1", "一级": "1", "一": "1",
    "2": "2", "二级": "2", "二": "2",
    "3": "3", "三级": "3", "三": "3",
    "3a": "3a", "三甲": "3a", "三级甲等": "3a", "三级甲": "3a", "sanjia": "3a",
    "二甲": "2", "二级甲等": "2", "一甲": "1", "一级甲等": "1",
}
_REMOTE_WORDS = {
    "filed": "filed", "已备案": "filed", "备案": "filed",
    "unfiled": "unfiled", "未备案": "unfiled",
    "emergency": "emergency", "急诊": "emergency", "急诊抢救": "emergency",
    "transfer": "transfer", "转诊": "transfer", "转诊备案": "transfer", "referral": "transfer",
}


_YES = frozenset({"1", "true", "yes", "y", "on", "是", "退休", "retired", "退休人员", "职工退休", "离退休"})
_NO = frozenset({"0", "false", "no", "n", "off", "否", "在职", "在职人员", "职工在职", "active"})


def yes_no(text: str) -> bool | None:
    """true/yes/是/退休 … → True, false/no/否/在职 … → False, anything else → None (the caller says why)."""
    key = str(text).strip().lower()
    return True if key in _YES else False if key in _NO else None


def _lookup(table: dict[str, str], text: str, what: str, choices: str) -> str:
    key = str(text).strip().lower()
    try:
        return table[key]
    except KeyError:
        raise ClaimError(f"不认识的{what}「{text}」:可选 {choices}") from None


def normalize_plan(text: str) -> str:
    """职工/居民/employee/resident → ``employee`` | ``resident``."""
    return _lookup(_PLAN_WORDS, text, "参保类型", "职工|居民|employee|resident")


def normalize_visit(text: str) -> str:
    """住院/门诊/inpatient/outpatient → ``inpatient`` | ``outpatient``."""
    return _lookup(_VISIT_WORDS, text, "就诊类型", "住院|门诊|inpatient|outpatient")


TIER_CHOICES = "1|2|3|3a|community(或 一级/二级/三级/三甲/社区/基层)"


def normalize_tier(text: str) -> str:
    """1/一级/一甲, 2/二级/二甲, 3/三级, 3a/三甲/三级甲等, community/社区/基层 → ``community`` | ``1`` |
    ``2`` | ``3`` | ``3a``."""
    return _lookup(_TIER_WORDS, text, "医院等级", TIER_CHOICES)


REMOTE_CHOICES = "filed|transfer|unfiled|emergency(已备案/转诊/未备案/急诊)"


def normalize_remote(text: str) -> str:
    """filed/transfer/unfiled/emergency (已备案/转诊/未备案/急诊) → ``filed`` | ``transfer`` |
    ``unfiled`` | ``emergency``."""
    return _lookup(_REMOTE_WORDS, text, "异地就医类型", REMOTE_CHOICES)


def normalize_confidence(text: str) -> str:
    """official/observed/secondary/unverified/placeholder (官方/结算单/转述/未核实/占位) → the key."""
    return _lookup(_CONFIDENCE_WORDS, text, "可信度", CONFIDENCE_CHOICES)


_CONFIDENCE_WORDS = {
    "official": "official", "官方": "official", "官方原文": "official",
    "observed": "observed", "结算单": "observed", "本人结算单": "observed",
    "secondary": "secondary", "转述": "secondary", "转述文章": "secondary",
    "unverified": "unverified", "未核实": "unverified",
    "placeholder": "placeholder", "占位": "placeholder", "疑似占位": "placeholder",
}
