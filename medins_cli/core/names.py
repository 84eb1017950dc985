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

#: Every word accepted for a plan, a visit, a hospital tier and an out-of-area kind, by the key it
#: means: the one table the normalisers below read, printed by ``--help`` (commands/options.py) and
#: README "可用的写法", tested both ways in tests/test_words.py. Besides these words, each key itself
#: and each label medins prints (PLANS, VISITS, TIERS, REMOTES) is accepted, in any case, with
#: full-width letters and digits (``３``, ``ＩＮ``), spaces anywhere, and an ending of ENDINGS left on
#: (``三级医院``, ``城镇职工基本医疗保险``).
#:
#: A 三级 hospital that is not 甲等 (三乙, 三级乙等) is tier ``3``; 三甲 is ``3a``, which falls back to
#: ``3`` where the data has no 三甲 figures. 社区卫生服务中心 and 乡镇卫生院 are the 基层 tier
#: (``community``): the aggregator's own tier names say so (e.g. 基层=「基层社区及乡镇卫生院」, 乌鲁木齐).
#: The old plan names are today's 城乡居民医保 (城镇居民, 新农合) or 职工医保 (城镇职工); 灵活就业 reads as
#: 职工医保 with a note that such people may be in 城乡居民医保 instead (PLAN_WORD_NOTES).
ACCEPTED: dict[str, dict[str, tuple[str, ...]]] = {
    "plan": {
        "employee": ("职工", "城镇职工", "灵活就业", "灵活就业人员", "zhigong", "worker"),
        "resident": ("居民", "城乡居民", "城镇居民", "新农合", "新型农村合作医疗", "jumin"),
    },
    "visit": {
        "inpatient": ("zhuyuan",),
        "outpatient": ("门诊", "普通门诊", "menzhen"),
    },
    "tier": {
        "community": ("社区", "基层", "社区卫生服务中心", "社区卫生服务站", "乡镇卫生院", "卫生院", "c", "0",
                      "shequ", "jiceng"),
        "1": ("一", "一甲", "一级甲等", "一乙", "一级乙等"),
        "2": ("二", "二甲", "二级甲等", "二乙", "二级乙等"),
        "3": ("三", "三乙", "三级乙等"),
        "3a": ("三甲", "三级甲", "sanjia"),
    },
    "remote": {
        "filed": ("已备案", "备案"),
        "transfer": ("转诊", "转诊备案", "异地转诊", "referral"),
        "unfiled": ("未备案",),
        "emergency": ("急诊", "急诊抢救", "急诊抢救(未备案)"),
    },
}
#: Endings a word may carry: 三级医院, 职工医保, 城乡居民基本医疗保险.
ENDINGS = {"plan": ("基本医疗保险", "医疗保险", "医保"), "tier": ("医院",), "visit": (), "remote": ()}
LABELS = {"plan": PLANS, "visit": VISITS, "tier": TIERS, "remote": REMOTES}
#: What a word means beyond its key, said once when it is read.
#: (灵活就业: seed article 001 《医保卡里面个人账户余额是干嘛的》, 2025-04-19, its 相关推荐 on 无业人员参保.)
_FLEXIBLE = ("灵活就业人员可以个人身份参加职工医保(个人全额缴费,待遇与职工医保相同),也可以参加城乡居民医保:"
             "这里按职工医保计算,参加的是居民医保请用 --type 居民(据《医保卡里面个人账户余额是干嘛的》,"
             "2025-04-19,转述文章)")
PLAN_WORD_NOTES = {"灵活就业": _FLEXIBLE, "灵活就业人员": _FLEXIBLE}


#: Full-width ASCII (U+FF01–FF5E) and the ideographic space → their half-width forms.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def half_width(text: str) -> str:
    """Full-width letters, digits and punctuation as typed by a Chinese input method made half-width:
    ``３`` → ``3``, ``８０００．５`` → ``8000.5``, ``ＩＮ`` → ``IN``. Nothing else changes (not NFKC:
    ``8000²`` must stay an error, not become 80002)."""
    return str(text).translate(_HALF_WIDTH)


def fold(text: str) -> str:
    """The form words are looked up in: half-width (:func:`half_width`), lower case, no spaces anywhere."""
    return "".join(half_width(text).lower().split())


_TABLES: dict[str, dict[str, str]] = {}


def _table(kind: str) -> dict[str, str]:
    """Folded word → key for one kind of ACCEPTED, with its keys and printed labels (built on first use)."""
    table = _TABLES.get(kind)
    if table is None:
        table = {fold(label): key for key, label in LABELS[kind].items()}
        table.update({fold(key): key for key in ACCEPTED[kind]})
        table.update({fold(w): key for key, words in ACCEPTED[kind].items() for w in words})
        _TABLES[kind] = table
    return table


def plan_note(text: str) -> str | None:
    """What a plan word means beyond its key (灵活就业 → 按职工医保计算 …), or None."""
    key = fold(text)
    for word in (key, *(key[: -len(e)] for e in ENDINGS["plan"] if key.endswith(e))):
        if word in PLAN_WORD_NOTES:
            return PLAN_WORD_NOTES[word]
    return None


_YES = frozenset({"1", "true", "yes", "y", "on", "是", "退休", "retired", "退休人员", "职工退休", "离退休"})
_NO = frozenset({"0", "false", "no", "n", "off", "否", "在职", "在职人员", "职工在职", "active"})


def yes_no(text: str) -> bool | None:
    """true/yes/是/退休 … → True, false/no/否/在职 … → False, anything else → None (the caller says why)."""
    key = fold(text)
    return True if key in _YES else False if key in _NO else None


def _lookup(kind: str, text: str, what: str, choices: str) -> str:
    table = _CONFIDENCE_WORDS if kind == "confidence" else _table(kind)
    key = fold(text)
    if key in table:
        return table[key]
    for ending in ENDINGS.get(kind, ()):
        if key.endswith(ending) and key[: -len(ending)] in table:
            return table[key[: -len(ending)]]
    raise ClaimError(f"不认识的{what}「{text}」:可选 {choices}")


def normalize_plan(text: str) -> str:
    """职工/居民/employee/resident → ``employee`` | ``resident``."""
    return _lookup("plan", text, "参保类型", "职工|居民|employee|resident")


def normalize_visit(text: str) -> str:
    """住院/门诊/inpatient/outpatient → ``inpatient`` | ``outpatient``."""
    return _lookup("visit", text, "就诊类型", "住院|门诊|inpatient|outpatient")


TIER_CHOICES = "1|2|3|3a|community(或 一级/二级/三级/三甲/社区/基层)"


def normalize_tier(text: str) -> str:
    """1/一级/一甲, 2/二级/二甲, 3/三级, 3a/三甲/三级甲等, community/社区/基层 → ``community`` | ``1`` |
    ``2`` | ``3`` | ``3a``."""
    return _lookup("tier", text, "医院等级", TIER_CHOICES)


REMOTE_CHOICES = "filed|transfer|unfiled|emergency(已备案/转诊/未备案/急诊)"


def normalize_remote(text: str) -> str:
    """filed/transfer/unfiled/emergency (已备案/转诊/未备案/急诊) → ``filed`` | ``transfer`` |
    ``unfiled`` | ``emergency``."""
    return _lookup("remote", text, "异地就医类型", REMOTE_CHOICES)


def normalize_confidence(text: str) -> str:
    """official/observed/secondary/unverified/placeholder (官方/结算单/转述/未核实/占位) → the key."""
    return _lookup("confidence", text, "可信度", CONFIDENCE_CHOICES)


_CONFIDENCE_WORDS = {
    "official": "official", "官方": "official", "官方原文": "official",
    "observed": "observed", "结算单": "observed", "本人结算单": "observed",
    "secondary": "secondary", "转述": "secondary", "转述文章": "secondary",
    "unverified": "unverified", "未核实": "unverified",
    "placeholder": "placeholder", "占位": "placeholder", "疑似占位": "placeholder",
}
