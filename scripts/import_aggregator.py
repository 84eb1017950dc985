"""Import the public aggregator's per-city figures into data/regions/, labelled for what they are.

    python scripts/import_aggregator.py SNAPSHOT_DIR            # write data/regions/*.yaml, print a summary
    python scripts/import_aggregator.py SNAPSHOT_DIR --check    # write nothing; exit 1 if a file would change
    python scripts/import_aggregator.py SNAPSHOT_DIR --regions DIR   # another regions folder (tests)

SNAPSHOT_DIR is a verbatim copy of the data files of the web calculator china-medical-insurance
(GitHub good9527/china-medical-insurance, MIT): ``src/data/<province>/<city>.ts`` (the four
municipalities in ``index.ts``), ``src/data/types.ts``, ``manifest/*.tsv`` (path, commit, lengths,
lastUpdated) and ``ACCURACY.md`` (its figures compared with independent public pages).

Every figure it yields is ``unverified`` (``placeholder`` where the aggregator repeats the table for
cities in other provinces); the documents the aggregator cites become sources "cited by the
aggregator, not checked", without the aggregator's URLs (they reuse page ids across cities). Where
the aggregator's own quoted text or an ambiguous reading gives another figure, that figure is an
alternative. Last, the evidence pass (data/evidence/*.yaml) is re-applied by the rules in
data/evidence/README.md, and data/evidence/quality.json and SUMMARY.md are written. How each field maps, and how the import treats files we already had, is in
data/regions/README.md ("导入聚合数据"). Same input → byte-identical output: the import reads
the curated part of a file it merged into back from the file itself (what belongs to the
import is marked by source ids starting ``agg-``, ``page-`` or ``ev-``), so re-running is a fixed point.

A script, not part of the package: it may import rich and json5 (``pip install json5``);
medins itself never imports it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from medins_cli.core.names import province_name  # noqa: E402
from medins_cli.store.regions import region_key  # noqa: E402

REPO_URL = "https://github.com/good9527/china-medical-insurance"
PROJECT = "china-medical-insurance"
GENERATED = "# medins-import: generated"
MERGED = "# medins-import: merged"
OWNED_PREFIXES = ("agg-", "page-", "ev-")  # source ids the import writes (and rewrites on every run)
#: Files the import never rewrites, with the reason (said in its summary).
UNTOUCHED = {
    "mianyang.yaml": "绵阳由维护者从同一聚合项目较新的文件(提交 9f157b25)手工整理并更正,导入不改动它",
}
SENTINEL_CAP = 9_999_999  # the aggregator writes 9999999 (or more) for "no limit"
#: Both samples, said wherever the aggregator's figures are (ACCURACY.md; ACCURACY-FRESH.md, the less biased one).
MEASURED = ("与其他公开网页对照过两次:首次 29 个城市的 270 个数字中 196 个一致(ACCURACY.md);新近另取 40 个城市,"
            "92 次比较只有 31 次一致(34 %,ACCURACY-FRESH.md),其中没有一个是医保局的网页")
#: What a placeholder table is, in the same words everywhere.
PLACEHOLDER_WORDS = ("来源 id 以 agg-placeholder- 开头的节是疑似占位的表:聚合项目给外省城市写了一模一样的数字,几乎肯定不是本市自己的"
                     "(可信度 placeholder)")

AGG_TIERS = (("community", "community"), ("tier1", "1"), ("tier2", "2"), ("tier3", "3"), ("tier3_top", "3a"))
TIER_WORDS = {"community": "基层", "1": "一级", "2": "二级", "3": "三级", "3a": "三甲"}
PLAN_WORDS = {"employee": "职工", "resident": "居民"}
SECTION_WORDS = {"inpatient": "住院", "outpatient": "门诊统筹", "critical_illness": "大病/大额", "remote": "异地就医",
                 "account": "个人账户"}
GENERIC_TIER_NAMES = {"一级定点医疗机构", "二级定点医疗机构", "三级定点医疗机构"}

#: Hanyu pinyin where the aggregator's file name is another romanisation (or not a name at all).
PINYIN = {
    "garze": "ganzi", "altay": "aletai", "ngari": "ali", "golog": "guoluo", "kashgar": "kashi", "hotan": "hetian",
    "alxa": "alashan", "hinggan": "xingan", "xilingol": "xilinguole", "bayingolin": "bayinguoleng",
    "bortala": "boertala", "ili": "yili", "kizilsu": "kezilesu", "urumqi": "wulumuqi", "hohhot": "huhehaote",
    "ulanqab": "wulanchabu", "hulunbuir": "hulunbeier", "bayannur": "bayannaoer", "ordos": "eerduosi",
    "lhasa": "lasa", "shigatse": "rikaze", "nyingchi": "linzhi", "qamdo": "changdu", "nagqu": "naqu",
    "turpan": "tulufan", "karamay": "kelamayi", "harbin": "haerbin", "qiqihar": "qiqihaer", "aksu": "akesu",
    "hainan_tibetan": "hainanzhou", "lanzhou_new_area": "lanzhouxinqu", "xpcc": "bingtuan",
}
#: Short names the general rule (drop 市/地区/盟/自治州 and the peoples' names) would get wrong.
SHORT_NAMES = {"新疆生产建设兵团": "新疆兵团", "海南藏族自治州": "海南州", "兰州新区": "兰州新区", "雄安新区": "雄安新区"}
EXTRA_ALIASES = {"新疆生产建设兵团": ["兵团", "xpcc"], "雄安新区": ["雄安"]}
PEOPLES = ("藏族", "羌族", "回族", "苗族", "侗族", "布依族", "土家族", "朝鲜族", "蒙古族", "蒙古", "彝族", "白族", "傣族",
           "景颇族", "傈僳族", "哈尼族", "壮族", "哈萨克", "柯尔克孜")


# ---- reading the snapshot -----------------------------------------------------------------

_TOKEN = re.compile(r"""
 (?P<ws>\s+)
|(?P<line>//[^\n]*)
|(?P<block>/\*.*?\*/)
|(?P<str>'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`)
|(?P<num>-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
|(?P<ident>[A-Za-z_$][\w$]*)
|(?P<punct>[{}\[\]:,;=<>()?.|&*+\-/!])
""", re.S | re.X)


@dataclass
class Comment:
    path: tuple[str, ...]  # object keys around the comment (employee, inpatient, …)
    key: str | None  # the key written on the comment's line, if any
    text: str


@dataclass
class SourceFile:
    path: str  # src/data/<province>/<city>.ts
    commit: str
    data: dict[str, Any]
    comments: list[Comment]
    header: list[str]  # the lines of the comment block before the exported object


def _tokens(text: str) -> Iterable[tuple[str, str, int]]:
    pos, line = 0, 1
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ValueError(f"第 {line} 行有读不懂的字符 {text[pos]!r}")
        kind, value = m.lastgroup or "", m.group()
        yield kind, value, line
        line += value.count("\n")
        pos = m.end()


def read_ts(path: Path) -> tuple[dict[str, Any], list[Comment], list[str]]:
    """The exported object literal of one data file (parsed with json5), its comments, and the
    comment block above it. TypeScript's ``undefined`` becomes ``null``."""
    import json5

    text = path.read_text(encoding="utf-8")
    start = re.search(r"export const \w+\s*:\s*CityInsuranceData\s*=\s*", text)
    if start is None:
        raise ValueError(f"{path}: 没有找到 export const …: CityInsuranceData = {{…}}")
    header = [ln.strip(" */") for kind, value, _ in _tokens(text[:start.start()]) if kind == "block"
              for ln in value.splitlines() if ln.strip(" */")]
    body = text[start.end():].rstrip().rstrip(";")
    parts: list[str] = []
    comments: list[Comment] = []
    stack: list[list[Any]] = []  # [kind, current key or index]
    line_keys: dict[int, str] = {}
    for kind, value, line in _tokens(body):
        if kind in ("line", "block"):
            path_keys = tuple(str(f[1]) for f in stack if f[0] == "obj" and f[1] is not None)
            comments.append(Comment(path_keys, line_keys.get(line), value.lstrip("/*").rstrip("*/").strip()))
            parts.append(" ")
            continue
        if kind == "ident" and value == "undefined":
            value = "null"
        parts.append(value)
        if kind == "punct" and value in "{[":
            stack.append(["obj" if value == "{" else "arr", None])
        elif kind == "punct" and value in "}]":
            stack.pop()
            if stack and stack[-1][0] == "obj":
                stack[-1][1] = None
        elif kind == "punct" and value == "," and stack and stack[-1][0] == "obj":
            stack[-1][1] = None
        elif kind in ("ident", "str") and stack and stack[-1][0] == "obj" and stack[-1][1] is None:
            stack[-1][1] = value.strip("'\"")
            line_keys[line] = stack[-1][1]
    data = json5.loads("".join(parts))
    return data, comments, header


def read_manifest(snapshot: Path) -> dict[str, tuple[str, str]]:
    """path → (commit, lastUpdated) from manifest/*.tsv."""
    out: dict[str, tuple[str, str]] = {}
    for tsv in sorted((snapshot / "manifest").glob("*.tsv")):
        for row in tsv.read_text(encoding="utf-8").splitlines():
            cells = row.split("\t")
            if len(cells) >= 5 and cells[0].endswith(".ts"):
                out[cells[0]] = (cells[1], cells[4])
    return out


def read_snapshot(snapshot: Path, progress: Callable[[str], None] = lambda _: None) -> list[SourceFile]:
    manifest = read_manifest(snapshot)
    files = []
    for rel in sorted(p for p in manifest if p.startswith("src/data/") and not p.endswith("/types.ts")):
        progress(rel)
        data, comments, header = read_ts(snapshot / rel)
        files.append(SourceFile(rel, manifest[rel][0], data, comments, header))
    return files


# ---- ACCURACY.md ---------------------------------------------------------------------------

ACC_COLUMNS = ("n", "city", "plan", "item", "page_value", "agg_value", "verdict", "url", "gov", "page_date", "note",
               "n_compared", "n_agree", "n_partial", "n_not_comparable", "source_kind")
KIND_WORDS = {"gov": "政府网站", "reprint of official notice/reply": "转载医保部门通知或答复",
              "Q&A/portal": "问答或门户网站", "content-farm/AI-style": "内容农场或疑似 AI 生成的页面"}
VERDICT_WORDS = (("not comparable", "不可比"), ("partial", "部分一致(聚合表的单一比例只等于分段中的一段)"),
                 ("disagree", "不一致"), ("agree", "一致"))


def read_accuracy(snapshot: Path) -> list[dict[str, str]]:
    """The rows of ACCURACY.md's full table (each figure compared with an independent page)."""
    path = snapshot / "ACCURACY.md"
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8")
    rows = []
    for line in text.split("## Full table", 1)[-1].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == len(ACC_COLUMNS) and cells[0].isdigit():
            rows.append(dict(zip(ACC_COLUMNS, cells, strict=True)))
    return rows


def accuracy_city(name: str) -> str:
    """深圳市 → 深圳; 海口市(海南省统筹) → 海口."""
    return re.sub(r"[((].*$", "", name).removesuffix("市")


# ---- names ---------------------------------------------------------------------------------


def short_name(full: str) -> str:
    if full in SHORT_NAMES:
        return SHORT_NAMES[full]
    for suffix in ("自治州", "地区", "盟", "林区", "示范区", "市"):
        if full.endswith(suffix) and len(full) > len(suffix) + 1:
            base = full[: -len(suffix)]
            if suffix == "自治州":
                stripped = True
                while stripped:
                    stripped = False
                    for people in PEOPLES:
                        if base.endswith(people) and len(base) > len(people) + 1:
                            base, stripped = base[: -len(people)], True
            return base
    return full


def pinyin(source: SourceFile) -> str:
    province_dir, stem = source.path.split("/")[-2], Path(source.path).stem
    return province_dir if stem == "index" else PINYIN.get(stem, stem)


# ---- figures --------------------------------------------------------------------------------


def num(value: Any) -> Decimal:
    """A figure as an exact Decimal (json5 gives floats such as 0.9)."""
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def yuan(value: Any) -> str:
    return f"{num(value).normalize():f}"


def pct(value: Any) -> str:
    return f"{(num(value) * 100).normalize():f}%"


def quote(text: str) -> str:
    return f"「{text.strip().rstrip('。')}」"


@dataclass
class Report:
    written: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    untouched: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    dropped: list[tuple[str, str, str]] = field(default_factory=list)  # (region, section, why)
    not_encoded: list[tuple[str, str, str]] = field(default_factory=list)
    conflicts: list[tuple[str, str]] = field(default_factory=list)
    readings: dict[str, int] = field(default_factory=dict)
    repeat: dict[str, int] = field(default_factory=dict)
    page_sections: list[str] = field(default_factory=list)
    cap_splits: list[str] = field(default_factory=list)
    contradictions: list[str] = field(default_factory=list)
    shared: dict[str, int] = field(default_factory=dict)
    evidence_changes: list[str] = field(default_factory=list)
    evidence_alternatives: dict[str, int] = field(default_factory=dict)
    summary_files: dict[str, str] = field(default_factory=dict)
    accuracy_notes: int = 0
    hints: int = 0

    def count(self, table: dict[str, int], key: str) -> None:
        table[key] = table.get(key, 0) + 1


# ---- repeat admissions (free text → a rule only where it reads one way) ---------------------

_YEAR = r"(?:参保(?:人员|人|职工|居民)?)?(?:在)?(?:同一?|一个|本|当)?(?:自然|统筹|医保|参保)?(?:年度|年)?内?"
_DED = r"起付(?:线|标准)"
_SCOPE = (r"(?:(?:从|自)第?二次住院起的?|第?(?:二|2)次及(?:以上|以后)(?:住院)?(?:的)?|(?:住院)?(?:2|二)次及以上(?:的)?"
          r"|多次住院(?:的)?)")
_HALF = r"(?:降低50%|递减50%|减半|按50%计算)(?:（50%）)?"
_FREE = r"(?:免除|免收|取消|免)(?:" + _DED + r")?"
_REPEAT_RULES: list[tuple[str, Callable[[re.Match[str]], dict[str, Any]]]] = [
    (_YEAR + r"多次住院(?:的)?，?(?:每次(?:住院)?)?" + _DED + r"(?:每次)?(?:依次)?递减(\d+)元，(?:但)?最低(?:降至|不低于|不得低于)(\d+)元",
     lambda m: {"step": num(m[1]), "floor": num(m[2])}),
    (_YEAR + r"多次住院(?:的)?，?" + _DED + r"依次递减(\d+)元，直至降为0",
     lambda m: {"step": num(m[1]), "floor": Decimal(0)}),
    (_YEAR + r"(?:多次住院(?:的)?，)?" + _SCOPE + r"，?" + _DED + _HALF, lambda m: {"factor": Decimal("0.5")}),
    (_YEAR + r"第?二次住院" + _DED + _HALF + r"，第三次及以上(?:住院)?" + _FREE,
     lambda m: {"factors": [Decimal("0.5"), Decimal(0)]}),
    (_YEAR + r"第二次住院" + _DED + r"按50%计算，第三次及以上按25%计算", lambda m: {"factors": [Decimal("0.5"), Decimal("0.25")]}),
    (_YEAR + r"第二次住院" + _DED + r"降低(\d+)%，第三次及以上住院" + _DED + r"降低(\d+)%",
     lambda m: {"factors": [1 - num(m[1]) / 100, 1 - num(m[2]) / 100]}),
    (_YEAR + r"第二次住院" + _DED + r"降低(\d+)%，多次住院执行第二次住院" + _DED, lambda m: {"factor": 1 - num(m[1]) / 100}),
    (_YEAR + r"第二次及以上住院不再设" + _DED, lambda m: {"factor": Decimal(0)}),
    (_YEAR + r"第一、二次住院设" + _DED + r"，第三次住院起免除" + _DED, lambda m: {"factors": [Decimal(1), Decimal(0)]}),
    (_YEAR + r"多次住院(?:的)?，?(?:起付(?:线|标准))?(?:每次)?(?:均)?按(?:定点)?(?:医疗机构|医院|对应机构)级别(?:扣除|分别计算|分别执行)(?:"
     + _DED + ")?", lambda m: {"factor": Decimal(1)}),
    (_YEAR + r"多次住院，?每次均按(?:定点)?(?:医院|医疗机构)级别扣除" + _DED, lambda m: {"factor": Decimal(1)}),
    (_YEAR + r"住院按次收取" + _DED, lambda m: {"factor": Decimal(1)}),
]
#: Clauses beside a rule that say nothing about a normal later admission (referrals pay the difference).
_NEUTRAL = [r"(?:市内|跨院|市内跨院)?转诊(?:住院)?(?:补足|扣除|只补)差额"]


def _clauses(text: str) -> list[str]:
    flat = text.replace(" ", "").replace(",", "，").replace(";", "；").strip().rstrip("。")
    return [c for c in re.split(r"[；。]", flat) if c]


def parse_repeat(text: str, deductibles: dict[str, Decimal]) -> tuple[dict[str, Any] | None, str]:
    """The repeat-admission rule a sentence states without doubt, and how it was read."""
    found: list[dict[str, Any]] = []
    for clause in _clauses(text):
        beijing = re.fullmatch(r"本年度第一次住院" + _DED + r"(\d+)元，第二次及以后住院" + _DED + r"减半为(\d+)元", clause)
        if beijing and set(deductibles.values()) == {num(beijing[1])} and num(beijing[2]) * 2 == num(beijing[1]):
            found.append({"factor": Decimal("0.5")})
            continue
        listed = re.fullmatch(r"(.*?)（一级(\d+)元、二级(\d+)元、三级(\d+)元）", clause)
        if listed and [num(listed[i]) * 2 for i in (2, 3, 4)] == [deductibles.get(k) for k in ("1", "2", "3")]:
            clause = listed[1]
        if any(re.fullmatch(p, clause) for p in _NEUTRAL):
            continue
        rule = next((build(m) for pattern, build in _REPEAT_RULES if (m := re.fullmatch(pattern, clause))), None)
        if rule is None:
            return None, f"多次住院(聚合表原文):{quote(text)},读不出唯一的规则,未编码:第二次及以后住院按首次起付线估算"
        found.append(rule)
    if len(found) != 1:
        return None, f"多次住院(聚合表原文):{quote(text)},未编码"
    return found[0], f"多次住院(聚合表原文):{quote(text)},编码为 {_repeat_words(found[0])}"


def _repeat_words(rule: dict[str, Any]) -> str:
    if "step" in rule:
        return f"每次降低 {yuan(rule['step'])} 元、最低 {yuan(rule['floor'])} 元"
    if "factors" in rule:
        second, third = rule["factors"]
        return f"第二次 × {yuan(second)}、第三次及以后 × {yuan(third)}"
    return "每次都按首次起付线" if rule["factor"] == 1 else f"第二次起 × {yuan(rule['factor'])}"


# ---- 大病 / 大额: which reading ---------------------------------------------------------------

_ABOVE_CAP = [
    r"(?:超过|超出)[^。；，,]{0,20}(?:最高支付限额|封顶线|统筹限额|最高限额|限额)",
    r"(?:最高支付限额|封顶线|统筹限额)[^。；，,]{0,12}以上部分",
    r"封顶线[^。；]{0,12}[（(]超过由[^）)]*(?:大额|附加|互助)",
    # 武汉、宜昌:「统筹基金年最高支付限额24万元，超过部分进入大额医保继续报销」
    r"(?:最高支付限额|封顶线|统筹限额)[^。；]{0,16}(?:超过|超出)部分(?:进入|由)",
]


def above_cap_evidence(source: SourceFile, plan: str, basic_cap: Any) -> str | None:
    """The aggregator's own words, for this city, that its 大额 fund pays the costs above the
    basic fund's cap (超过…最高支付限额 / 封顶线以上 …): quoted document text, this plan's section
    notes, or a comment in its inpatient or 大额 section. Employees only (城乡居民大病保险 pays on
    the burden)."""
    if plan != "employee":
        return None
    texts = [doc.get("summaryQuote") or "" for doc in source.data.get("sourceDocs") or ()]
    texts += [source.data[plan][section].get("note") or "" for section in ("inpatient", "outpatient")]
    texts += [c.text for c in source.comments if c.path[:1] == (plan,) and c.path[1:2] in (("inpatient",), ("catastrophic",))]
    patterns = list(_ABOVE_CAP)
    if basic_cap:
        wan = num(basic_cap) / 10000
        # 西安's comment on its 大额 band: 「超过40万部分由大额补助支付90%」
        patterns.append(r"(?:超过|超出)" + re.escape(f"{wan.normalize():f}") + r"万(?:元)?(?:以上)?(?:的)?部分")
    for text in texts:
        for sentence in re.split(r"[。；]", text):
            if any(re.search(p, sentence) for p in patterns) and re.search("大额|大病|互助|附加|补助|补充", sentence + text):
                return sentence.strip()
    return None


# ---- the aggregator against itself: figures its quoted notices give ----------------------------

_Q_TIERS = {"基层": "community", "社区": "community", "一级": "1", "二级": "2", "三级": "3"}
_Q_QUALIFIED_BEFORE = ("市属", "省属", "区属", "省级", "市级", "县级", "部属", "州级", "县域", "区级")
_Q_QUALIFIED_AFTER = ("甲", "乙", "特", "及以上", "以上")
#: Words after which a clause speaks of other people (retirees, students …): read only what comes before.
_Q_TRUNCATE = ("退休", "学生", "儿童", "未成年", "特困", "低保", "少儿", "大学生")
#: Clauses about other cases (referrals, out of area, contribution grades, later stays, age): skipped.
_Q_SKIP = ("转诊", "异地", "市外", "省外", "县外", "域外", "档", "第二次", "二次", "多次", "周岁", "岁", "门诊")
_Q_TOKEN = re.compile(r"(?P<tier>基层|社区|一级|二级|三级)|(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>万元|万|元|%)")
_Q_CHAIN = re.compile(r"(?:医疗机构|医院|定点医疗机构|定点医院)?(?:/|及|和|、)")
_Q_RANGE = re.compile(r"[-—~～至到]")
_Q_OTHER_FUNDS = "大病|大额|互助|救助|补充|补助"
_Q_CAP = re.compile(r"(?:最高支付限额|最高限额|限额|封顶线|封顶)(?:为|是|统一为)?(\d+(?:\.\d+)?)万元?")

QuoteKey = tuple[str, str, "str | None"]  # (plan, deductible | ratio | annual_cap, tier or None)


def _q_plain(text: str) -> str:
    text = re.sub(r"（[^（）]*）|\([^()]*\)", "", text)  # asides: retirees, students, examples
    # 「由800元下调至600元」: the figure in force is the second
    text = re.sub(r"由\d+(?:\.\d+)?(?:元|%)(?:下调|上调|调整|提高|降低|调低|调高)?(?:至|为|到)", "", text)
    return text.replace(",", "，").replace(";", "；").replace(" ", "")


def _q_tokens(part: str) -> list[tuple[str, Any, int, int]]:
    out: list[tuple[str, Any, int, int]] = []
    for m in _Q_TOKEN.finditer(part):
        if m.group("tier"):
            before, after = part[max(0, m.start() - 2):m.start()], part[m.end():m.end() + 3]
            qualified = before in _Q_QUALIFIED_BEFORE or after.startswith(_Q_QUALIFIED_AFTER)
            out.append(("tier", None if qualified else _Q_TIERS[m.group("tier")], m.start(), m.end()))
        elif m.group("unit") in ("元", "%"):
            field_ = "deductible" if m.group("unit") == "元" else "ratio"
            out.append(("num", (field_, num(m.group("num")) / (100 if field_ == "ratio" else 1)), m.start(), m.end()))
    return out


def quoted_figures(quote: str, plan: str | None = None) -> dict[QuoteKey, tuple[Decimal, str]]:
    """The inpatient figures a quoted notice states — 起付线 and 比例 per tier (基层/社区/一级/二级/三级),
    the basic fund's cap — read only where the words read one way: (plan, field, tier) → (value, the
    sentence). ``plan`` is the plan of a quote that names none (职工/在职/居民); a quote that names both
    is read only in sentences that name theirs. Lists are read
    in order (「一级200元、二级400元、三级600元，在职报销94%、92%、90%」); qualified tiers (省属三级,
    三级甲等), ranges (75%-78%), retirees, students, referrals and later stays are left out; a figure
    the quote gives two ways is left out."""
    found: dict[QuoteKey, tuple[Decimal, str]] = {}
    bad: set[QuoteKey] = set()

    def put(key: QuoteKey, value: Decimal, sentence: str) -> None:
        if key in found and found[key][0] != value:
            bad.add(key)
        found.setdefault(key, (value, sentence))

    def named(text: str) -> set[str]:
        return {p for p, words in (("employee", ("职工", "在职")), ("resident", ("居民",))) if any(w in text for w in words)}

    # A quote about one plan speaks of it throughout; one about both must name the plan in each sentence.
    in_quote = named(quote)
    default = next(iter(in_quote)) if len(in_quote) == 1 else None if in_quote else plan
    section = None
    for sentence in re.split(r"[。；]", _q_plain(quote)):
        order: list[str | None] = []  # the sentence's tiers so far, in order
        in_sentence = named(sentence)
        plan = next(iter(in_sentence)) if len(in_sentence) == 1 else None if in_sentence else default
        for clause in sentence.split("，"):
            in_clause = named(clause)
            if len(in_sentence) > 1 and len(in_clause) == 1:
                plan = next(iter(in_clause))
            elif len(in_sentence) > 1 and in_clause:
                plan = None
            if "住院" in clause:
                section = "inpatient"
            elif "门诊" in clause:
                section = "outpatient"
            elif re.search(_Q_OTHER_FUNDS, clause):
                section = "other"
            if plan is None or section != "inpatient" or any(w in clause for w in _Q_SKIP):
                continue
            part = clause[:min((clause.index(w) for w in _Q_TRUNCATE if w in clause), default=len(clause))]
            cap = _Q_CAP.search(part)
            if (cap and not re.search(_Q_OTHER_FUNDS + "|合计|合并|约|倍|加", part)
                    and not _Q_RANGE.match(part[cap.end():cap.end() + 1] or "x")):
                put((plan, "annual_cap", None), num(cap[1]) * 10000, sentence)
            tokens = _q_tokens(part)
            current: list[str | None] = []
            i = 0
            while i < len(tokens):
                kind_, data, start, _ = tokens[i]
                if kind_ == "tier":
                    chained = i and tokens[i - 1][0] == "tier" and _Q_CHAIN.fullmatch(part[tokens[i - 1][3]:start])
                    current = current + [data] if chained else [data]
                    order.append(data)
                    i += 1
                    continue
                run, ranged, j = [data], False, i + 1
                while j < len(tokens) and tokens[j][0] == "num" and tokens[j][1][0] == data[0]:
                    gap = part[tokens[j - 1][3]:tokens[j][2]]
                    if _Q_RANGE.fullmatch(gap):
                        ranged = True
                    elif gap not in ("、", "/"):
                        break
                    run.append(tokens[j][1])
                    j += 1
                if _Q_RANGE.match(part[tokens[j - 1][3]:tokens[j - 1][3] + 1] or "x"):
                    ranged = True
                field_ = data[0]
                if ranged or (field_ == "deductible" and "起付" not in sentence):
                    pass
                elif len(run) == 1:
                    for tier in current:
                        if tier is not None:
                            put((plan, field_, tier), run[0][1], sentence)
                else:  # a list: the sentence's tiers so far, in order, take the figures in order
                    tiers = list(dict.fromkeys(order))
                    if len(tiers) == len(run) and None not in tiers:
                        for tier, (_, value) in zip(tiers, run, strict=True):
                            put((plan, field_, tier), value, sentence)
                i = j
    return {k: v for k, v in found.items() if k not in bad}


def city_quotes(source: SourceFile) -> dict[QuoteKey, list[tuple[Decimal, str, str]]]:
    """(plan, field, tier) → [(value, docId, sentence)] over every document the aggregator quotes for
    this city (one entry per distinct value). A quote that names no plan is read for the plan of the
    sections citing it, when that is one plan."""
    plans_of: dict[str, set[str]] = {}
    for plan in ("employee", "resident"):
        for part in ("inpatient", "outpatient", "catastrophic", "remoteMedical"):
            doc_id = (source.data[plan].get(part) or {}).get("sourceDocId")
            if doc_id:
                plans_of.setdefault(doc_id, set()).add(plan)
    out: dict[QuoteKey, list[tuple[Decimal, str, str]]] = {}
    for doc in source.data.get("sourceDocs") or ():
        plans = plans_of.get(doc["docId"], set())
        read = quoted_figures(doc.get("summaryQuote") or "", next(iter(plans)) if len(plans) == 1 else None)
        for key, (value, sentence) in read.items():
            entries = out.setdefault(key, [])
            if all(v != value for v, _, _ in entries):
                entries.append((value, doc["docId"], sentence))
    return out


def _quote_words(field_: str, value: Decimal) -> str:
    if field_ == "ratio":
        return pct(value)
    if field_ == "annual_cap" and value % 10000 == 0:
        return f"{yuan(value / 10000)} 万元"
    return f"{yuan(value)} 元"


def plain(value: Any) -> Any:
    """A figure's value, whether written bare or as ``{value, source, note, alternatives}``."""
    return value["value"] if isinstance(value, dict) and "value" in value else value


def with_quoted(city: City, plan: str, body: dict[str, Any], report: Report) -> None:
    """Where the aggregator's quoted notice gives another 起付线, 比例 or cap than its own table, the
    quoted figure becomes an alternative of that figure (sourced to the cited document)."""
    docs = {d["docId"]: d for d in city.source.data.get("sourceDocs") or ()}
    for (q_plan, field_, tier), entries in sorted(city.quotes.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or "")):
        if q_plan != plan:
            continue
        holder = body if tier is None else body["tiers"].get(tier)
        if holder is None or field_ not in holder:
            continue
        ours = plain(holder[field_])
        others = [(v, d, s) for v, d, s in entries if v != ours]
        if not others:
            continue
        long = holder[field_] if isinstance(holder[field_], dict) else {"value": ours}
        for value, doc_id, sentence in others:
            doc = docs[doc_id]
            said = sentence if len(sentence) <= 120 else sentence[:119] + "…"
            long.setdefault("alternatives", []).append({
                "value": value, "source": f"agg-{doc_id}",
                "note": (f"聚合表引用的通知原文写作 {_quote_words(field_, value)},聚合表自己的表格写 "
                         f"{_quote_words(field_, ours)}:{doc.get('docNumber') or '(无文号)'}《{doc.get('title')}》"
                         f"的摘录「{said}」")})
            report.contradictions.append(f"{city.name} {PLAN_WORDS[plan]}住院 {TIER_WORDS.get(tier or '', '')}"
                                         f"{ {'deductible': '起付线', 'ratio': '比例', 'annual_cap': '封顶线'}[field_]}:"
                                         f"表 {_quote_words(field_, ours)},引文 {_quote_words(field_, value)}")
        holder[field_] = long


# ---- one city → one policy document --------------------------------------------------------


@dataclass
class City:
    source: SourceFile
    name: str
    full: str
    province: str
    pinyin: str
    file: str = ""  # file name in data/regions
    quotes: dict[Any, Any] = field(default_factory=dict)  # city_quotes(source), read once


def _tier_names(tiers: dict[str, Any]) -> str:
    named = [f"{TIER_WORDS[key]}=「{tiers[agg]['tierName']}」" for agg, key in AGG_TIERS
             if agg in tiers and tiers[agg].get("tierName") and tiers[agg]["tierName"] not in GENERIC_TIER_NAMES]
    return f"聚合表的等级名称:{'、'.join(named)}" if named else ""


def _comments(source: SourceFile, plan: str, section: str) -> str:
    found = [c for c in source.comments if c.path[:2] == (plan, section)]
    if not found:
        return ""
    return "聚合文件中的注释:" + ";".join(f"{c.key + ' ' if c.key else ''}{quote(c.text)}" for c in found)


def _cited(source: SourceFile, section: dict[str, Any]) -> str:
    docs = {d["docId"]: d for d in source.data.get("sourceDocs") or ()}
    doc_id = section.get("sourceDocId")
    if not doc_id:
        return "聚合表没有写这一节依据哪份文件"
    if doc_id not in docs:
        return f"聚合表称依据文件「{doc_id}」,但它的文件列表里没有这份文件"
    doc = docs[doc_id]
    return f"聚合表称依据 {doc.get('docNumber')}《{doc.get('title')}》(未核对)"


def _cap(value: Any, what: str, notes: list[str]) -> Decimal | None:
    if value is None:
        return None
    if num(value) >= SENTINEL_CAP:
        notes.append(f"{what}:聚合表写 {yuan(value)},即不设上限;本文件不写上限(估算按未收录封顶线提示)")
        return None
    return num(value)


def _sentences(parts: Iterable[str]) -> str:
    return "。".join(p.rstrip("。") for p in parts if p) + "。"


def _tiers(agg: dict[str, Any], plan: str, with_deductible: str | None) -> tuple[dict[str, dict[str, Any]], Decimal | None]:
    """Our tiers from the aggregator's five (3a only where it differs from 3), and the section's
    retiree bonus when every tier has the same one (else each tier carries its own)."""
    tiers: dict[str, dict[str, Any]] = {}
    bonuses: dict[str, Any] = {}
    for agg_key, key in AGG_TIERS:
        if agg_key not in agg:
            continue
        tier: dict[str, Any] = {}
        if with_deductible:
            tier[with_deductible] = num(agg[agg_key]["deductible"])
        tier["ratio"] = num(agg[agg_key]["reimbursementRatio"])
        tiers[key] = tier
        bonuses[key] = agg[agg_key].get("retireeRatioBonus")
    if "3a" in tiers and tiers["3a"] == tiers.get("3") and bonuses.get("3a") == bonuses.get("3"):
        del tiers["3a"]
        del bonuses["3a"]
    section_bonus: Decimal | None = None
    if plan == "employee":
        values = {v for v in bonuses.values()}
        if len(values) == 1 and None not in values:
            section_bonus = num(next(iter(values)))
        else:
            for key, value in bonuses.items():
                if value is not None:
                    tiers[key]["retiree_bonus"] = num(value)
    return tiers, section_bonus


def inpatient_section(city: City, plan: str, report: Report) -> tuple[dict[str, Any], list[str]]:
    src = city.source
    sec = src.data[plan]["inpatient"]
    tiers, bonus = _tiers(sec["tierBenefits"], plan, "deductible")
    notes: list[str] = []
    body: dict[str, Any] = {"tiers": tiers}
    if bonus:
        body["retiree_bonus"] = bonus
    rule_text = sec.get("repeatedDeductibleRule")
    if rule_text:
        rule, how = parse_repeat(rule_text, {k: t["deductible"] for k, t in tiers.items()})
        report.count(report.repeat, "encoded" if rule else "kept as text")
        if rule:
            body["repeat_admission"] = rule
        notes.append(how)
    cap = _cap(sec.get("annualCap"), "年度封顶线", notes)
    if cap is not None:
        body["annual_cap"] = cap
    retiree_cap = _cap(sec.get("annualCapRetiree"), "退休人员年度封顶线", notes)
    if retiree_cap is not None:
        body["retiree_annual_cap"] = retiree_cap
    if sec.get("comprehensiveCap"):
        notes.append(f"聚合表另写:叠加大额/大病后的年度综合最高保障 {yuan(sec['comprehensiveCap'])} 元(未编码)")
    notes += [_cited(src, sec), _tier_names(sec["tierBenefits"]), _comments(src, plan, "inpatient")]
    with_quoted(city, plan, body, report)
    return body, notes


def outpatient_section(city: City, plan: str) -> tuple[dict[str, Any], list[str]]:
    src = city.source
    sec = src.data[plan]["outpatient"]
    agg_tiers = sec["tierBenefits"]
    per_visit = sec.get("deductibleType") == "per_visit"
    tiers, bonus = _tiers(agg_tiers, plan, "visit_deductible" if per_visit else None)
    notes: list[str] = []
    body: dict[str, Any] = {"tiers": tiers}
    deductibles = {key: num(agg_tiers[agg]["deductible"]) for agg, key in AGG_TIERS if agg in agg_tiers}
    annual = sec.get("annualDeductible")
    retiree = sec.get("annualDeductibleRetiree")
    if per_visit:
        notes.append("聚合表的门诊起付线按就诊次数计(每次):" + "、".join(f"{TIER_WORDS[k]} {yuan(v)} 元" for k, v in deductibles.items())
                     + (f"(聚合表的基准值 {yuan(annual)} 元)" if annual is not None else ""))
        if retiree is not None:
            notes.append(f"聚合表另写退休人员起付线 {yuan(retiree)} 元:本格式没有退休人员的每次起付线,未编码")
    elif len(set(deductibles.values())) == 1:
        value = next(iter(deductibles.values()))
        body["annual_deductible"] = value
        if annual is not None and num(annual) != value:
            notes.append(f"聚合表的门诊基准起付线写 {yuan(annual)} 元,各级医院都写 {yuan(value)} 元:按后者")
        if retiree is not None:
            body["retiree_annual_deductible"] = min(value, num(retiree)) if value > 0 else value
    else:
        notes.append("聚合表的门诊年度起付线因医院等级而不同:" + "、".join(f"{TIER_WORDS[k]} {yuan(v)} 元" for k, v in deductibles.items())
                     + ";本格式的门诊年度起付线只有一个,未写入:估算按 0 计并提示统筹支付是上限")
        if retiree is not None:
            notes.append(f"聚合表的退休人员门诊起付线 {yuan(retiree)} 元,同理未写入")
    if bonus:
        body["retiree_bonus"] = bonus
    cap = _cap(sec.get("annualCap"), "门诊年度限额", notes)
    if cap is not None:
        body["annual_cap"] = cap
    retiree_cap = _cap(sec.get("annualCapRetiree"), "退休人员门诊年度限额", notes)
    if retiree_cap is not None:
        body["retiree_annual_cap"] = retiree_cap
    if sec.get("note"):
        notes.append(f"聚合表说明:{quote(sec['note'])}")
    notes += [_cited(src, sec), _tier_names(agg_tiers), _comments(src, plan, "outpatient")]
    return body, notes


def critical_section(city: City, plan: str, basic_cap: Decimal | None, report: Report
                     ) -> tuple[dict[str, Any] | None, list[str], list[str], str]:
    """大病/大额 in one of the two readings, or None, why (said in the inpatient note) and whether
    it was ``dropped`` (figures that contradict each other) or is ``not encoded`` (no reading)."""
    src = city.source
    cat = src.data[plan]["catastrophic"]
    bands_in = cat.get("tiers") or []
    label = f"聚合表的「{cat.get('name')}」"
    listed = "、".join(f"{yuan(t['minAmount'])}–{yuan(t['maxAmount']) if t.get('maxAmount') is not None else '以上'} "
                      f"{pct(t['ratio'])}" for t in bands_in)
    figures = (f"{label}:起付 {yuan(cat.get('deductible', 0))} 元,分段 {listed or '无'},"
               f"年度限额 {yuan(cat['annualCap']) + ' 元' if cat.get('annualCap') is not None else '未写'}")
    extra = [_cited(src, cat), _comments(src, plan, "catastrophic")]
    if not bands_in:
        report.count(report.readings, "not encoded: no bands")
        return None, [f"{figures};没有分段比例,未编码"], [], "not encoded"
    notes: list[str] = [figures]
    body: dict[str, Any] = {"name": cat["name"]} if cat.get("name") else {}
    evidence = above_cap_evidence(src, plan, basic_cap)
    starts = [num(t["minAmount"]) for t in bands_in]
    ends = [num(t["maxAmount"]) if t.get("maxAmount") is not None else None for t in bands_in]
    if any(e is not None and e != s for e, s in zip(ends[:-1], starts[1:], strict=False)) or None in ends[:-1]:
        report.count(report.readings, "dropped: bands not contiguous")
        return None, [f"{figures};各段首尾不相接,分段自相矛盾,未收录"], [], "dropped"
    last_closed = ends[-1] is not None
    # Without words for it, the figures themselves can still say "above the cap": no threshold and a
    # first band that starts exactly at the basic fund's annual cap (the employee 大额 of 西安, 广州, 成都 …).
    at_cap = (plan == "employee" and not evidence and not num(cat.get("deductible") or 0)
              and basic_cap is not None and starts[0] == basic_cap)
    if evidence or at_cap:
        body["mode"] = "above_cap"
        origin = starts[0]
        body["bands"] = [{"upto": e - origin, "ratio": num(t["ratio"])} for e, t in zip(ends[:-1], bands_in, strict=False)]
        body["bands"].append({"ratio": num(bands_in[-1]["ratio"])})
        why = (f"依据聚合表原文{quote(evidence)}" if evidence else
               f"依据聚合表的数字:起付线为 0,第一段从 {yuan(origin)} 元起,恰好等于基本统筹的年度封顶线(引文没有写明)")
        notes.append(f"读法:按超过基本统筹封顶线的政策内费用支付(mode: above_cap),{why};"
                     f"分段上限按从封顶点起算的金额换算(聚合表各段金额减去第一段起点 {yuan(origin)})")
        report.count(report.readings, "above_cap (quoted text)" if evidence else "above_cap (first band starts at the cap)")
        if not evidence:  # only the figures say "above the cap": the other reading is just as open
            body["mode"] = {"value": "above_cap", "alternatives": [{"value": "on_burden", "source": "agg-file", "note": (
                f"另一读法(聚合表的文字两种都没有写明):按本年政策内个人负担支付(on_burden)。聚合表起付线为 0、"
                f"第一段从 {yuan(origin)} 元起,按个人负担读就是个人负担超过 {yuan(origin)} 元(恰好是基本统筹封顶线)的部分"
                f"才支付:按这一读法估算时起付线取 {yuan(origin)} 元(本节没有 threshold)")}]}
            report.count(report.readings, "… with on_burden as an alternative reading")
    else:
        threshold = num(cat.get("deductible") or 0)
        if threshold == 0:
            report.count(report.readings, "not encoded: threshold 0, no above-cap text")
            why = (f"{figures}。起付线为 0、第一段从 {yuan(starts[0])} 起:若按个人负担计算,会从个人负担的第一元起支付,"
                   "不合常理;聚合表的引文也没有写明按超过基本统筹封顶线的费用支付:两种读法都没有依据,未编码"
                   "(估算不含这一项;费用超过基本统筹封顶线时,实际可能还有这部分报销)")
            return None, [why], extra, "not encoded"
        if starts[0] == threshold:
            uptos = [e for e in ends[:-1]]
            reading = f"分段金额是个人负担的绝对金额(第一段从起付线 {yuan(threshold)} 起)"
            report.count(report.readings, "on_burden (absolute bands)")
        elif starts[0] == 0:
            uptos = [threshold + e for e in ends[:-1] if e is not None]
            reading = f"第一段从 0 起:分段金额按“起付线以上”的金额计,换算为个人负担的绝对金额(加上起付线 {yuan(threshold)})"
            report.count(report.readings, "on_burden (bands above the threshold)")
        else:
            report.count(report.readings, "dropped: first band does not start at 0 or the threshold")
            return None, [f"{figures}。第一段起点 {yuan(starts[0])} 既不是 0 也不是起付线 {yuan(threshold)}:分段与起付线自相矛盾,"
                          "未收录"], extra, "dropped"
        body["mode"] = "on_burden"
        body["threshold"] = threshold
        body["bands"] = [{"upto": u, "ratio": num(t["ratio"])} for u, t in zip(uptos, bands_in, strict=False)]
        body["bands"].append({"ratio": num(bands_in[-1]["ratio"])})
        notes.append(f"读法:按本年政策内个人负担超过起付线的部分分段支付(mode: on_burden);{reading};"
                     "聚合表的引文没有写明按超过基本统筹封顶线的费用支付")
        if basic_cap is not None and threshold == basic_cap:
            notes.append("注意:起付线等于基本统筹的年度封顶线,可能是按超过封顶线的费用支付的大额补助,但引文没有这样写:"
                         "按个人负担计算,实际可能支付更多(另一读法见 mode 的 alternatives)")
            body["mode"] = {"value": "on_burden", "alternatives": [{"value": "above_cap", "source": "agg-file", "note": (
                f"另一读法(聚合表的文字两种都没有写明):按超过基本统筹封顶线的政策内费用支付(above_cap)。起付线 "
                f"{yuan(threshold)} 元恰好等于基本统筹的年度封顶线,聚合表的数字也可以这样读;按这一读法估算时不用起付线")}]}
            report.count(report.readings, "… with above_cap as an alternative reading")
    if last_closed:
        notes.append(f"最后一段聚合表写到 {yuan(ends[-1])} 为止:按不设上限的最高段处理,由年度限额封顶")
    cap = _cap(cat.get("annualCap"), "年度限额", notes)
    if cap is not None:
        body["annual_cap"] = cap
    return body, notes, extra, ""


def remote_section(city: City, plan: str) -> tuple[dict[str, Any], list[str]]:
    rm = city.source.data[plan]["remoteMedical"]
    body = {"filed": {"factor": num(rm["longTermFiledRatio"])}, "transfer": {"factor": num(rm["transferFiledRatio"])},
            "unfiled": {"factor": num(rm["unfiledNormalRatio"])}, "emergency": {"factor": num(rm["unfiledEmergencyRatio"])}}
    notes = ["聚合表的系数:长期居住或安置已备案 × " + yuan(rm["longTermFiledRatio"]) + "(filed)、转诊备案 × "
             + yuan(rm["transferFiledRatio"]) + "(transfer)、未备案急诊抢救 × " + yuan(rm["unfiledEmergencyRatio"])
             + "(emergency)、未备案自行就医 × " + yuan(rm["unfiledNormalRatio"]) + "(unfiled);乘在本地比例上,不区分住院和门诊"]
    if rm.get("filingChannels"):
        notes.append("备案渠道(聚合表):" + "、".join(rm["filingChannels"]))
    for text in rm.get("specialNotes") or ():
        notes.append(f"聚合表说明:{quote(text)}")
    notes += [_cited(city.source, rm), _comments(city.source, plan, "remoteMedical")]
    return body, notes


def file_url(source: SourceFile) -> str:
    return f"{REPO_URL}/blob/{source.commit}/{source.path}"


def policy_year(source: SourceFile) -> tuple[int, str]:
    updated = source.data.get("lastUpdated")
    if updated:
        return int(str(updated)[:4]), ""
    dates = [d.get(k) for d in source.data.get("sourceDocs") or () for k in ("effectiveDate", "publishDate")]
    years = [int(str(d)[:4]) for d in dates if d]
    year = max(years)
    return year, f"聚合文件没有写 lastUpdated:政策年度取它引用的文件中最新的日期所在年份 {year}"


def aggregator_sources(city: City) -> list[dict[str, Any]]:
    src = city.source
    updated = src.data.get("lastUpdated")
    own: dict[str, Any] = {
        "id": "agg-file",
        "title": f"{PROJECT} 公开聚合项目(GitHub good9527/{PROJECT},MIT)数据文件 {src.path}",
        "url": file_url(src),
        "publisher": f"{PROJECT}(公开网络项目,非官方)",
    }
    if updated:
        own["date"] = dt.date.fromisoformat(str(updated))
    own["confidence"] = "unverified"
    own["note"] = (f"{city.full}的全部数字读自这个文件(提交 {src.commit[:8]}),未经官方文件核实;{MEASURED}。"
                   f"{PLACEHOLDER_WORDS}。"
                   "聚合表列出的医保局网址和文件网址没有收录:这些网址未经核实,且同一网页编号在不同城市重复出现。")
    sources = [own]
    for doc in src.data.get("sourceDocs") or ():
        entry: dict[str, Any] = {
            "id": f"agg-{doc['docId']}",
            "title": f"{doc.get('docNumber') or '(无文号)'}《{doc.get('title')}》(聚合项目引用,未核对)",
            "publisher": "、".join(doc.get("issuingDept") or ()) or None,
        }
        if doc.get("publishDate"):
            entry["date"] = dt.date.fromisoformat(doc["publishDate"])
        if doc.get("effectiveDate"):
            entry["effective"] = dt.date.fromisoformat(doc["effectiveDate"])
        entry["confidence"] = "unverified"
        entry["note"] = (f"由聚合项目引用(状态:{doc.get('status')}),本项目没有见到原文,没有核对;发布者和日期都是聚合表的说法。"
                         f"聚合表的摘录:{quote(doc.get('summaryQuote') or '')}")
        sources.append({k: v for k, v in entry.items() if v is not None})
    return sources


def city_document(city: City, rows: list[dict[str, str]], report: Report) -> dict[str, Any]:
    """The policy document for one city (the ACCURACY.md rows about it applied)."""
    src = city.source
    data = src.data
    region: dict[str, Any] = {"name": city.name, "level": "city", "province": city.province}
    code = str(data.get("cityCode") or "")
    notes: list[dict[str, Any]] = []
    if re.fullmatch(r"\d{6}", code) and code.startswith(_province_prefix(city.province)):
        region["code"] = code
    elif code:
        notes.append({"text": f"聚合表的代码 {code} 不是{city.province}的 6 位行政区划代码(GB/T 2260),没有写入 code。",
                      "source": "agg-file"})
    aliases = [city.full] if city.full != city.name else []
    if city.full.endswith("自治州") and not city.name.endswith("州"):
        aliases.append(f"{city.name}州")
    aliases += EXTRA_ALIASES.get(city.full, [])
    aliases.append(city.pinyin)
    stem = Path(src.path).stem
    if stem.isalpha() and stem != "index":
        aliases.append(stem)
    region["aliases"] = list(dict.fromkeys(aliases))
    if data.get("hotline"):
        region["hotline"] = str(data["hotline"])
    year, year_note = policy_year(src)
    by_n = {row["n"]: row for row in rows}
    page_sources_, ids = page_sources(rows)
    split = CAP_SPLITS.get(city.name)
    plans: dict[str, Any] = {}
    for plan in ("employee", "resident"):
        body: dict[str, Any] = {}
        inpatient, in_notes = inpatient_section(city, plan, report)
        if split is not None and plan == "employee":
            row = by_n[split["row"]]
            critical, ci_notes, ci_extra = split_cap(city, inpatient, in_notes, row, split, ids[row["url"]], report)
            failure = ""
        else:
            critical, ci_notes, ci_extra, failure = critical_section(city, plan, plain(inpatient.get("annual_cap")), report)
        if critical is None:
            in_notes.append(_sentences(ci_notes + ci_extra).rstrip("。"))
            target = report.dropped if failure == "dropped" else report.not_encoded
            target.append((city.name, f"{PLAN_WORDS[plan]} 大病/大额", ci_notes[0]))
        body["inpatient"] = {**inpatient, "source": "agg-file", "note": _sentences(in_notes)}
        outpatient, out_notes = outpatient_section(city, plan)
        body["outpatient"] = {**outpatient, "source": "agg-file", "note": _sentences(out_notes)}
        if critical is not None:
            body["critical_illness"] = {**critical, "source": "agg-file", "note": _sentences(ci_notes + ci_extra)}
        remote, rm_notes = remote_section(city, plan)
        body["remote"] = {**remote, "source": "agg-file", "note": _sentences(rm_notes)}
        plans[plan] = body
    page = PAGE_SECTIONS.get(city.name)
    if page is not None:
        plans[page["plan"]]["inpatient"] = page_section(city, plans[page["plan"]]["inpatient"], page, by_n, ids, report)
    intro = (f"本文件中来源 id 以 agg- 开头的报销数字读自公开聚合项目 {PROJECT} 的 {src.path},未经官方文件核实(unverified);"
             f"{MEASURED};它常把分段比例记成一个比例、把大额/大病的额度并进基本统筹封顶线。{PLACEHOLDER_WORDS}。"
             f"请以{city.full}医疗保障局公布为准")
    notes.insert(0, {"text": intro + "。", "source": "agg-file"})
    header = [h for h in src.header if not h.endswith("政策数据与官方文件溯源库")]
    if header:
        notes.append({"text": "聚合文件开头的说明:" + ";".join(quote(h) for h in header) + "。", "source": "agg-file"})
    if year_note:
        notes.append({"text": year_note + "。", "source": "agg-file"})
    notes += accuracy_notes(rows, ids)
    report.accuracy_notes += len(rows)
    # what the year is: the aggregator's update (lastUpdated), else the newest document it cites
    basis = "cited" if year_note else "updated"
    return {"schema": 1, "region": region, "year": year, "year_basis": basis,
            "sources": aggregator_sources(city) + page_sources_, "plans": plans, "notes": notes}


def _province_prefix(province: str) -> str:
    from medins_cli.core.names import PROVINCE_CODES

    return PROVINCE_CODES.get(province, "??")


# ---- ACCURACY: notes, sections from pages that reprint the 医保局, split caps ---------------------

#: Sections taken from an independent page that reprints the 医保局's own notice or reply and
#: gives every tier (ACCURACY.md rows; the figures are checked against the row text below).
PAGE_SECTIONS: dict[str, dict[str, Any]] = {
    "宿州": {
        "rows": ("114", "115"), "plan": "resident",
        "expect": ("200/500/700/1000", "85%/80%/75%/70%"),
        "tiers": {"community": (200, "0.85"), "1": (200, "0.85"), "2": (500, "0.80"), "3": (700, "0.75"),
                  "3a": (1000, "0.70")},
        "how": ("网页(拂晓报 2023-06-16,引用埇桥区医保局答复)按 一级及以下/二级及县级/市属三级/省属三级 给出市域内住院起付线和比例:"
                "一级及以下记为基层和一级,市属三级记为三级,省属三级记为三甲(3a)。网页没有给年度封顶线"),
    },
    "大连": {
        "rows": ("76", "77"), "plan": "resident",
        "expect": ("100/300/500/600/1200(或850)", "90%/85%/80%/70%/65%"),
        "tiers": {"community": (100, "0.90"), "1": (300, "0.85"), "2": (500, "0.80"), "3": (600, "0.70"),
                  "3a": (1200, "0.65")},
        "how": ("网页转载大连市医疗保障事务服务中心的待遇表(成年居民):基层/一级/二级/其他三级/特殊三级;"
                "特殊三级记为三甲(3a),其起付线网页写“1200(或850)”,取较高的 1200(850 记为另一说法)。未成年居民比例另为 "
                "95/90/85/75/75 %,本格式不区分成年与未成年,未编码。网页没有给年度封顶线"),
        # the page's own second reading of a figure: (tier, field) → [(value, note)]
        "alternatives": {("3a", "deductible"): [(850, "网页写“1200(或850)”:特殊三级的起付线也可能是 850 元"
                                                     "(网页没有说哪些医院按 850)")]},
    },
}

#: Caps the aggregator wrote as 统筹 + 大额 together, split where a page gives the basic fund's own cap.
CAP_SPLITS: dict[str, dict[str, Any]] = {
    "天津": {"row": "39", "expect": "统筹15万", "basic": 150000, "combined": 350000,
             "how": "该页引用天津市社保中心的答复:“统筹15万 + 大额救助至35万”"},
    "福州": {"row": "62", "expect": "统筹12万", "basic": 120000, "combined": 500000,
             "how": "该页写“统筹12万;大额补充 12万-50万 报90%”"},
    "南昌": {"row": "81", "expect": "10万", "basic": 100000, "combined": 500000,
             "how": "该页写统筹 10 万元、大病(大额)至 50 万元"},
    "大连": {"row": "78", "expect": "25万", "basic": 250000, "combined": 500000,
             "how": "该页(内容农场,文字混乱)写统筹 25 万元、另有大额补充 35 万元;合计按聚合表的 50 万元计,大额额度取 25 万元",
             "cap_alternative": (350000, "该页写另有大额补充 35 万元;本节按聚合表的合计 50 万元减去统筹 25 万元取 25 万元,"
                                         "两者不能同时成立")},
}


def _date_words(row: dict[str, str]) -> str:
    date = row["page_date"]
    return f"页面未注明日期{date[len('undated'):].strip()}" if date.startswith("undated") else f"页面日期 {date}"


def _domain(url: str) -> str:
    return re.sub(r"^https?://", "", url).split("/", 1)[0]


def page_sources(rows: list[dict[str, str]]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """One source per independent page (url exactly as ACCURACY.md gives it), and url → id."""
    sources: list[dict[str, Any]] = []
    ids: dict[str, str] = {}
    for row in rows:
        url = row["url"]
        if url in ids:
            continue
        ids[url] = f"page-{len(ids) + 1}"
        kind = KIND_WORDS.get(row["source_kind"], row["source_kind"])
        entry: dict[str, Any] = {"id": ids[url], "title": f"独立网页 {_domain(url)}({kind};ACCURACY.md 对照所用)", "url": url}
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["page_date"]):
            entry["date"] = dt.date.fromisoformat(row["page_date"])
        entry["confidence"] = "unverified" if row["source_kind"].startswith("content-farm") else "secondary"
        entry["note"] = (f"ACCURACY.md 的判断:{row['gov']};页面日期:{row['page_date']}。本项目只读过该页的存档摘录,"
                         "网页本身不是医保局的原文")
        sources.append(entry)
    return sources, ids


def accuracy_notes(rows: list[dict[str, str]], ids: dict[str, str]) -> list[dict[str, Any]]:
    notes = []
    for row in rows:
        verdict = row["verdict"]
        words = next((zh for en, zh in VERDICT_WORDS if verdict.startswith(en)), verdict)
        rest = verdict[len(next((en for en, _ in VERDICT_WORDS if verdict.startswith(en)), "")):].strip()
        text = (f"独立网页对照(ACCURACY.md 第 {row['n']} 行;{KIND_WORDS.get(row['source_kind'], row['source_kind'])},"
                f"{_date_words(row)}):"
                f"{row['plan']} {row['item']}:网页 {row['page_value']},聚合表 {row['agg_value']} — {words}{rest}"
                + (f"。ACCURACY.md 备注:{row['note']}" if row["note"] else "") + f"。网页:{row['url']}")
        notes.append({"text": text, "source": ids[row["url"]], **note_scope(row["plan"], row["item"])})
    return notes


#: The benefit kind an ACCURACY.md item is about, by its first words (none: the whole plan, e.g. the fund's cap).
_ITEM_KINDS = (("市外住院", "remote"), ("住院", "inpatient"), ("门诊+住院", None), ("普通门诊", "outpatient"),
               ("门诊", "outpatient"), ("门急诊", "outpatient"), ("门(急)诊", "outpatient"),
               ("大病保险", "critical_illness"), ("大额医疗补助", "critical_illness"))


def note_scope(plan: str, item: str) -> dict[str, str]:
    """What a comparison note is about (``plan``, ``kind``), so that an estimate shows it only when it
    uses that plan and kind: a 居民 estimate does not list comparisons of 职工 figures."""
    out: dict[str, str] = {}
    for word, key in PLAN_WORDS.items():
        if plan.startswith(key):
            out["plan"] = word
    kind = next((k for prefix, k in _ITEM_KINDS if item.startswith(prefix)), None)
    if kind is not None:
        out["kind"] = kind
    return out


def page_section(city: City, section: dict[str, Any], page: dict[str, Any], by_n: dict[str, dict[str, str]],
                 ids: dict[str, str], report: Report) -> dict[str, Any]:
    """An inpatient section read from a page that reprints the 医保局's notice or reply (secondary);
    the aggregator's figures stay in its note."""
    first, second = (by_n[n] for n in page["rows"])
    if (first["page_value"], second["page_value"]) != page["expect"]:
        raise SystemExit(f"ACCURACY.md 的{city.name}第 {'、'.join(page['rows'])} 行与脚本里抄录的数字不一致:请核对 PAGE_SECTIONS")
    old = _tiers_words(section["tiers"]) + (f",年度封顶 {yuan(plain(section['annual_cap']))} 元" if "annual_cap" in section else "")
    tiers: dict[str, dict[str, Any]] = {k: {"deductible": Decimal(d), "ratio": Decimal(r)} for k, (d, r) in page["tiers"].items()}
    for (tier, key), others in page.get("alternatives", {}).items():
        tiers[tier][key] = {"value": tiers[tier][key], "alternatives": [
            {"value": Decimal(value), "source": ids[first["url"]], "note": note} for value, note in others]}
    report.page_sections.append(f"{city.name} {PLAN_WORDS[page['plan']]}住院 ← {first['url']}")
    return {"tiers": tiers, "source": ids[first["url"]],
            "note": _sentences([page["how"], f"聚合表(未核实)的数字:{old}",
                                "年度封顶线只有聚合表的数字,与本节来源不同,没有写入:估算不计封顶,并提示统筹支付是上限",
                                "多次住院等其余说明照录聚合表(未编码):" + section["note"]])}


def split_cap(city: City, inpatient: dict[str, Any], in_notes: list[str], row: dict[str, str], split: dict[str, Any],
              page_id: str, report: Report) -> tuple[dict[str, Any], list[str], list[str]]:
    """The aggregator's cap was 统筹 + 大额 together: the basic cap from the page, 大额 above it."""
    if split["expect"] not in row["page_value"]:
        raise SystemExit(f"ACCURACY.md 的{city.name}第 {split['row']} 行与脚本里抄录的数字不一致:请核对 CAP_SPLITS")
    cat = city.source.data["employee"]["catastrophic"]
    agg_cap = plain(inpatient.get("annual_cap"))
    inpatient["annual_cap"] = Decimal(split["basic"])
    in_notes.insert(0, f"年度封顶线 {yuan(split['basic'])} 元取自独立网页({split['how']};{row['url']},{_date_words(row)}),"
                       f"聚合表写 {yuan(agg_cap) if agg_cap is not None else '未写'} 元,是统筹与大额合计的上限:按网页拆开,大额见大病/大额一节")
    ratio = num(cat["tiers"][-1]["ratio"])
    listed = "、".join(f"{yuan(t['minAmount'])}–{yuan(t['maxAmount']) if t.get('maxAmount') is not None else '以上'} "
                      f"{pct(t['ratio'])}" for t in cat["tiers"])
    body: dict[str, Any] = {**({"name": cat["name"]} if cat.get("name") else {}), "mode": "above_cap",
                            "bands": [{"ratio": ratio}], "annual_cap": Decimal(split["combined"] - split["basic"])}
    if "cap_alternative" in split:
        value, note = split["cap_alternative"]
        body["annual_cap"] = {"value": body["annual_cap"],
                              "alternatives": [{"value": Decimal(value), "source": page_id, "note": note}]}
    notes = [f"读法:按超过基本统筹封顶线的政策内费用支付(mode: above_cap),依据独立网页({split['how']};{row['url']});"
             f"比例 {pct(ratio)} 取自聚合表;年度限额 = 合计 {yuan(split['combined'])} 元 − 统筹 {yuan(split['basic'])} 元",
             f"聚合表原为「{cat.get('name')}」:起付 {yuan(cat.get('deductible', 0))} 元,分段 {listed},"
             f"年度限额 {yuan(cat['annualCap']) + ' 元' if cat.get('annualCap') is not None else '未写'}"]
    report.count(report.readings, "above_cap (cap split by a page)")
    report.cap_splits.append(f"{city.name} 职工住院 {yuan(agg_cap or 0)} → 统筹 {yuan(split['basic'])} + 大额 "
                             f"{yuan(split['combined'] - split['basic'])}({row['url']})")
    return body, notes, [_cited(city.source, cat), _comments(city.source, "employee", "catastrophic")]


def _tiers_words(tiers: dict[str, Any]) -> str:
    return "、".join(f"{TIER_WORDS[k]} {yuan(plain(t['deductible'])) if 'deductible' in t else '—'}/{pct(plain(t['ratio']))}"
                     for k, t in tiers.items() if "ratio" in t)


# ---- tables the aggregator repeats for other cities: placeholders ------------------------------------

PLACEHOLDER_PREFIX = "agg-placeholder-"  # a section's own source: identical to cities in other provinces
SHARED_PREFIX = "agg-shared-"  # identical to cities in the same province only
#: The source ids whose figures are the aggregator's table (the old value of a figure a page changed is
#: kept as an alternative sourced to one of these).
AGGREGATOR_TABLE = ("agg-file", PLACEHOLDER_PREFIX, SHARED_PREFIX)
_NOT_FIGURES = ("plan", "kind", "effective", "until", "source", "note", "name")


def _aggregators_value(value: Any, section_source: str) -> Any:
    """A figure as the aggregator's table gives it: its value, or — where a page's figure replaced it —
    the alternative that keeps the table's."""
    if not (isinstance(value, dict) and "value" in value):
        return value
    own = value.get("source")
    if own is None or own == section_source or str(own).startswith(AGGREGATOR_TABLE):
        return value["value"]
    return next(a["value"] for a in value["alternatives"] if a["source"] == section_source)


def table_key(plan: str, kind_: str, section: dict[str, Any]) -> str:
    """What makes two sections the same table: plan, kind and every figure (as the aggregator's table
    gives it), not the notes, sources or the fund's name. A tier written as one band is its ratio."""
    source = section["source"]
    body: dict[str, Any] = {}
    for key, value in section.items():
        if key in _NOT_FIGURES:
            continue
        if key == "tiers":
            tiers = {}
            for tier_key, tier in value.items():
                tier = {k: _aggregators_value(v, source) for k, v in tier.items()}
                bands = tier.get("bands")
                if isinstance(bands, list) and len(bands) == 1 and bands[0].get("upto") is None:
                    tier = {**{k: v for k, v in tier.items() if k != "bands"}, "ratio": bands[0]["ratio"]}
                tiers[str(tier_key)] = tier
            body[key] = tiers
        else:
            body[key] = _aggregators_value(value, source)
    return json.dumps([plan, kind_, _plain(body)], ensure_ascii=False, sort_keys=True)


def shared_tables(docs: dict[str, dict[str, Any]]) -> dict[str, list[tuple[str, str, str]]]:
    """table key → [(file, city, province)] of every imported section (source agg-file) with that key."""
    groups: dict[str, list[tuple[str, str, str]]] = {}
    for name, doc in sorted(docs.items()):
        for plan, body in doc["plans"].items():
            for kind_, section in body.items():
                if section.get("source") == "agg-file":
                    groups.setdefault(table_key(plan, kind_, section), []).append(
                        (name, doc["region"]["name"], doc["region"].get("province") or ""))
    return groups


def mark_shared(name: str, doc: dict[str, Any], groups: dict[str, list[tuple[str, str, str]]], report: Report) -> None:
    """A table identical to another city's gets a source of its own: ``agg-placeholder-<plan>-<kind>``
    (confidence placeholder) when the group crosses a province line, ``agg-shared-<plan>-<kind>``
    (unverified) when it stays inside one province."""
    from medins_cli.core.names import PROVINCE_CODES

    added: list[dict[str, Any]] = []
    own = doc["region"].get("province") or ""
    for plan, body in doc["plans"].items():
        for kind_, section in body.items():
            if section.get("source") != "agg-file":
                continue
            group = groups[table_key(plan, kind_, section)]
            if len(group) < 2:
                continue
            provinces = sorted({p for _, _, p in group}, key=lambda p: (PROVINCE_CODES.get(p, "99"), p))
            others = sorted((m for m in group if m[0] != name),
                            key=lambda m: (m[2] == own, PROVINCE_CODES.get(m[2], "99"), m[0]))
            listed = "、".join(f"{city}({province})" for _, city, province in others[:5]) + ("等" if len(others) > 5 else "")
            what = f"{PLAN_WORDS[plan]}{SECTION_WORDS[kind_]}"
            if len(provinces) > 1:
                sid = f"{PLACEHOLDER_PREFIX}{plan}-{kind_}"
                title = f"{PROJECT} 聚合表的{what}(疑似占位:与 {len(others)} 个城市完全相同,跨 {len(provinces)} 个省)"
                spread = f"跨 {len(provinces)} 个省" + (f":{'、'.join(provinces)}" if len(provinces) <= 6 else "")
                note = (f"与 {len(others)} 个城市({spread})完全相同,很可能是聚合项目的"
                        f"占位数字,不是{doc['region']['name']}自己的:如 {listed}。比较的是这一节的全部数字(不比说明和来源);"
                        "数字读自 agg-file,没有对照过官方文件")
                confidence = "placeholder"
                report.count(report.shared, f"placeholder {plan} {kind_}")
            else:
                sid = f"{SHARED_PREFIX}{plan}-{kind_}"
                title = f"{PROJECT} 聚合表的{what}(与省内 {len(others)} 个城市相同)"
                note = (f"与省内 {len(others)} 个城市相同:可能是全省统一政策,也可能是占位:如 {listed}。比较的是这一节的全部数字"
                        "(不比说明和来源);数字读自 agg-file,没有对照过官方文件")
                confidence = "unverified"
                report.count(report.shared, f"province {plan} {kind_}")
            section["source"] = sid
            added.append({"id": sid, "title": title, "publisher": f"{PROJECT}(公开网络项目,非官方)",
                          "confidence": confidence, "note": note + "。"})
    if added:
        at = next(i for i, s in enumerate(doc["sources"]) if s["id"] == "agg-file") + 1
        doc["sources"][at:at] = added


# ---- the evidence pass: pages checked by hand (data/evidence), re-applied on every import ------------

EVIDENCE = ROOT / "data" / "evidence"
EVIDENCE_PREFIX = "ev-"
#: Kinds of page, best first (data/evidence/*.yaml: EVIDENCE-FORMAT).
EVIDENCE_KINDS = {"authority": "医保局或政府网站原文", "reprint": "转载通知并写明文号", "institution": "大学或医院等机构网站",
                  "news": "新闻网站", "portal": "门户网站", "qa": "问答网站", "content_farm": "内容农场"}
RECENT = dt.date(2023, 1, 1)  # evidence older than this (or undated) only ever gives alternatives
FARM_WORDS = "内容农场页面,仅供参考"
#: Findings the evidence file itself says do not describe our figure (another scheme, other people, a
#: superseded pre-merger rule): recorded in the page's note, never an alternative.
#: (slug, page id, plan, section, figure, tier) → why.
NOT_COMPARABLE: dict[tuple[str, str, str, str, str, str | None], str] = {
    ("ningbo", "kidbbs-1374479", "resident", "inpatient", "bands", "3"): "只是大学生的规定",
    ("ningbo", "ljsggw-67074103", "employee", "inpatient", "bands", "3"): "只写了退休人员的分段比例(在职没有写)",
    ("suzhou-jiangsu", "lettuce-4891", "resident", "inpatient", "bands", None): "写的是学生少儿和大学生",
    ("suzhou-jiangsu", "lettuce-4891", "resident", "inpatient", "annual_cap", None): "写的是学生少儿和大学生",
    ("huhehaote", "tax100-2003", "employee", "inpatient", "deductible", "3a"): "2003 年的规定(呼政办发〔2003〕22号),早已废止",
    ("huhehaote", "tax100-2003", "employee", "inpatient", "bands", "3a"): "2003 年的规定(呼政办发〔2003〕22号),早已废止",
    ("heze", "vnp-1581399", "resident", "inpatient", "bands", "3"): "城乡居民合并以前的城镇居民规定",
    ("heze", "vnp-1581399-b", "employee", "inpatient", "bands", None): "多年以前的规定,也没有分医院等级",
    ("weifang", "wybk-175cc822", "employee", "critical_illness", "threshold", None):
        "写的是职工大病保险(大额之外的第三层),不是本节的职工大额医疗救助",
    ("weifang", "wybk-175cc822", "employee", "critical_illness", "mode", None):
        "写的是职工大病保险(大额之外的第三层),不是本节的职工大额医疗救助",
    ("beijing", "moshrss-10510", "employee", "critical_illness", "mode", None):
        "写的是大额医疗互助(并在住院封顶线里),本节是职工大病医疗保障(二次报销),不是同一种待遇",
    ("xuzhou", "jsjk-4587214", "employee", "inpatient", "bands", "3"): "核查记录说这些分段看来是居民的规定",
}
_FIELD_WORDS = {"deductible": "起付线", "ratio": "比例", "bands": "分段比例", "annual_cap": "年度封顶线",
                "threshold": "起付线", "mode": "支付方式", "retiree_ratio": "退休人员比例"}


@dataclass(frozen=True)
class Page:
    id: str  # our source id (ev-…)
    url: str  # exactly as the evidence file records it
    title: str | None
    date: dt.date | None
    kind: str
    doc_number: str | None
    quote: str
    origin: str  # the evidence file it comes from (kunming, PROVINCE-guangxi …)

    @property
    def domain(self) -> str:
        return _domain(self.url)

    @property
    def recent(self) -> bool:
        return self.date is not None and self.date >= RECENT


@dataclass(frozen=True)
class Finding:
    plan: str
    section: str
    figure: str
    tier: str | None
    value: Any
    year: int | None
    page: Page
    note: str

    @property
    def current(self) -> bool:
        """Dated 2023 or later, and not about an older policy year."""
        return self.page.recent and (self.year is None or self.year >= RECENT.year)

    def decides_alone(self) -> bool:
        """(a) the authority's own page, or (b) a reprint that quotes the notice and its 文号 — dated."""
        return self.current and (self.page.kind == "authority" or (self.page.kind == "reprint" and bool(self.page.doc_number)))

    def independent(self) -> bool:
        """Counts toward (c): two pages on different domains, dated, not content farms."""
        return self.current and self.page.kind != "content_farm"


@dataclass
class Evidence:
    """What the evidence files say about one city: its pages and findings (the city's own file and the
    province documents that cover it), and the file's outcome."""

    pages: list[Page] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    outcome: str | None = None


def _evidence_problem(where: str, doc: Any) -> str | None:
    if not isinstance(doc, dict) or not isinstance(doc.get("region"), str):
        return f"{where}:不是证据文件的格式(见 EVIDENCE-FORMAT)"
    ids = set()
    for src in doc.get("sources") or ():
        if not isinstance(src, dict) or src.get("kind") not in EVIDENCE_KINDS or not isinstance(src.get("id"), str):
            return f"{where}:来源 {src!r} 的 id 或 kind 不对"
        if not re.fullmatch(r"https?://\S+", str(src.get("url") or "")):
            return f"{where}:来源 {src['id']} 的 url 不是一个网址"
        if len(str(src.get("quote") or "")) > 200:
            return f"{where}:来源 {src['id']} 的摘录超过 200 字"
        if src.get("date") is not None and not isinstance(src["date"], dt.date):
            return f"{where}:来源 {src['id']} 的 date 不是日期"
        ids.add(src["id"])
    for f in doc.get("findings") or ():
        if not isinstance(f, dict) or f.get("source") not in ids:
            return f"{where}:发现 {f!r} 的 source 不在 sources 里"
        if f.get("plan") not in PLAN_WORDS or f.get("section") not in ("inpatient", "outpatient", "critical_illness"):
            return f"{where}:发现 {f!r} 的 plan 或 section 不对"
    return None


def read_evidence(folder: Path, cities: list[City]) -> dict[str, Evidence]:
    """Evidence per city file name (kunming.yaml → its Evidence): data/evidence/<slug>.yaml and the
    PROVINCE-*.yaml documents applied to every city they ``cover`` (a province name, or a slug)."""
    from medins_cli.store.yamlio import load_yaml

    by_file: dict[str, Evidence] = {}
    if not folder.is_dir():
        return by_file
    files = {c.file: c for c in cities}
    by_province: dict[str, list[str]] = {}
    for c in cities:
        by_province.setdefault(c.province, []).append(c.file)
    for path in sorted(folder.glob("*.yaml")):
        doc = load_yaml(path)
        problem = _evidence_problem(path.name, doc)
        if problem:
            raise SystemExit(f"证据文件有误:{problem}")
        origin = path.stem
        province_doc = origin.startswith("PROVINCE-")
        prefix = f"{EVIDENCE_PREFIX}{origin.removeprefix('PROVINCE-')}-" if province_doc else EVIDENCE_PREFIX
        pages = {s["id"]: Page(prefix + s["id"], s["url"], s.get("title"), s.get("date"), s["kind"],
                               s.get("doc_number"), str(s.get("quote") or ""), origin) for s in doc.get("sources") or ()}
        findings = [Finding(f["plan"], f["section"], f["figure"], None if f.get("tier") is None else str(f["tier"]),
                            f["value"], f.get("year"), pages[f["source"]], str(f.get("note") or ""))
                    for f in doc.get("findings") or ()]
        if province_doc:
            targets: list[str] = []
            for cover in doc.get("covers") or ():
                word = str(cover).split(" ", 1)[0].strip()
                targets += by_province.get(word, []) or ([f"{word}.yaml"] if f"{word}.yaml" in files else [])
                if not by_province.get(word) and f"{word}.yaml" not in files:
                    raise SystemExit(f"证据文件 {path.name} 的 covers「{cover}」既不是省份也不是地区文件名")
        else:
            if f"{origin}.yaml" not in files:
                raise SystemExit(f"证据文件 {path.name} 没有对应的 data/regions/{origin}.yaml")
            if files[f"{origin}.yaml"].name != doc["region"]:
                raise SystemExit(f"证据文件 {path.name} 写的地区「{doc['region']}」与 {origin}.yaml 的不同")
            targets = [f"{origin}.yaml"]
        for target in dict.fromkeys(targets):
            ev = by_file.setdefault(target, Evidence())
            ev.pages += [p for p in pages.values() if p.id not in {q.id for q in ev.pages}]
            ev.findings += findings
            ev.files.append(f"data/evidence/{path.name}")
            if not province_doc:
                ev.outcome = str(doc.get("outcome"))
    return by_file


# -- the rules, on plain values ------------------------------------------------------------------------


def _same(a: Any, b: Any) -> bool:
    return _canonical(a) == _canonical(b)


def _canonical(value: Any) -> Any:
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in sorted(value.items()) if v is not None}
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return num(value).normalize()
    return value


@dataclass
class Decision:
    """What the findings about one figure do to it: change it (to ``change``, on ``because``), add
    alternatives (value → the findings that give it), or only agree."""

    change: Any = None
    because: list[Finding] = field(default_factory=list)
    alternatives: list[tuple[Any, list[Finding]]] = field(default_factory=list)
    agree: list[Finding] = field(default_factory=list)


def decide(ours: Any, findings: list[Finding]) -> Decision:
    """The evidence rules. A figure changes only when (a) an authority page states the new value, (b) a
    dated reprint quoting the notice and its 文号 does, or (c) two independent pages (different domains,
    not content farms), dated 2023 or later, agree on it — and no evidence as strong backs our value or
    another one. Otherwise every differing value is an alternative; an agreeing page adds nothing."""
    out = Decision()
    values: list[tuple[Any, list[Finding]]] = []
    for f in findings:
        if _same(f.value, ours):
            out.agree.append(f)
            continue
        entry = next((e for e in values if _same(e[0], f.value)), None)
        if entry is None:
            values.append((f.value, [f]))
        else:
            entry[1].append(f)

    def strong(fs: list[Finding]) -> list[Finding]:
        alone = [f for f in fs if f.decides_alone()]
        if alone:
            return alone
        independent = [f for f in fs if f.independent()]
        return independent if len({f.page.domain for f in independent}) >= 2 else []

    winners = [(value, strong(fs)) for value, fs in values if strong(fs)]
    if len(winners) == 1 and not strong(out.agree):
        out.change, out.because = winners[0]
    out.alternatives = [(value, fs) for value, fs in values if out.because == [] or not _same(value, out.change)]
    return out


# -- applying it to a city's document ----------------------------------------------------------------------


def _value_words(figure: str, value: Any) -> str:
    if figure in ("ratio", "retiree_ratio"):
        return pct(value)
    if figure == "bands":
        return "分段 " + "、".join(f"≤{yuan(b['upto'])} {pct(b['ratio'])}" if b.get("upto") is not None else f"以上 {pct(b['ratio'])}"
                                  for b in value)
    if figure == "mode":
        return {"above_cap": "above_cap(按超过基本统筹封顶线的费用支付)", "on_burden": "on_burden(按个人负担支付)"}.get(value, str(value))
    return f"{yuan(value)} 元"


def _page_rank(f: Finding) -> tuple[int, int, str]:
    """Best page first: its kind (authority … content farm), then the newest, then its id."""
    return list(EVIDENCE_KINDS).index(f.page.kind), -(f.page.date or dt.date.min).toordinal(), f.page.id


def _page_words(f: Finding) -> str:
    when = f"页面日期 {f.page.date.isoformat()}" if f.page.date else "页面未注明日期"
    year = f",所说政策年度 {f.year}" if f.year else ""
    return f"独立网页 {f.page.domain}({EVIDENCE_KINDS[f.page.kind]},{when}{year};来源 {f.page.id})"


def _our_bands(value: Any) -> list[dict[str, Decimal]] | None:
    """The evidence's bands ([{upto, ratio}, …, {upto: null or N, ratio}]) in our form (the last band
    without upto), or None when they are not in order."""
    if not isinstance(value, list) or not value:
        return None
    bands = [{"upto": num(b["upto"]), "ratio": num(b["ratio"])} if b.get("upto") is not None else {"ratio": num(b["ratio"])}
             for b in value]
    bands[-1] = {"ratio": bands[-1]["ratio"]}
    limits = [b["upto"] for b in bands[:-1]]
    if any("upto" not in b for b in bands[:-1]) or any(a >= b for a, b in zip(limits, limits[1:], strict=False)):
        return None
    if any(not 0 <= b["ratio"] <= 1 for b in bands):
        return None
    return bands


def _folded(f: Finding, ours: Any) -> bool:
    """A page's basic-fund cap below ours where the page (or the checker) says the rest is 大额/大病."""
    return (f.section == "inpatient" and f.figure == "annual_cap" and num(f.value) < num(ours)
            and bool(re.search(r"fold|大额|大病|\+", f.note + f.page.quote, re.I)))


@dataclass
class EvidenceResult:
    """Per city: what the evidence did (for the page notes, the summary and quality.json)."""

    agree: list[tuple[Finding, str]] = field(default_factory=list)
    differ: list[tuple[Finding, str]] = field(default_factory=list)
    changed: list[tuple[Finding, str]] = field(default_factory=list)
    not_applied: list[tuple[Finding, str]] = field(default_factory=list)


def _holder(doc: dict[str, Any], f: Finding) -> tuple[dict[str, Any] | None, str, str, str]:
    """(the dict holding the figure, its key, the section's source, what it is in words) — or None and why."""
    section = doc["plans"].get(f.plan, {}).get(f.section)
    what = f"{PLAN_WORDS[f.plan]}{SECTION_WORDS[f.section]}"
    if section is None:
        return None, "", "", f"本文件没有{what}这一节"
    if not owned(section.get("source")):
        return None, "", "", f"{what}是本项目整理的,导入不改动"
    key = f.figure
    if f.figure in ("deductible", "ratio", "bands", "retiree_ratio") and f.section == "inpatient":
        if f.tier is None:
            return None, "", "", "网页没有分医院等级"
        tier = section["tiers"].get(f.tier)
        if tier is None:
            return None, "", "", f"本文件的{what}没有{TIER_WORDS.get(f.tier, f.tier)}这一级"
        return tier, key, section["source"], f"{what}{TIER_WORDS.get(f.tier, f.tier)}"
    if f.figure in ("annual_cap", "mode", "threshold") or (f.figure == "bands" and f.section == "critical_illness"):
        if f.figure == "threshold" and plain(section.get("mode", "on_burden")) != "on_burden":
            return None, "", "", f"本文件的{what}按超过封顶线支付,没有起付线"
        if f.figure != "mode" and key not in section:
            return None, "", "", f"本文件的{what}没有写{_FIELD_WORDS[key]}"
        return section, key, section["source"], what
    return None, "", "", f"证据的数字类型 {f.figure} 本格式不收录"


def apply_evidence(name: str, doc: dict[str, Any], ev: Evidence, report: Report) -> EvidenceResult:
    """Re-apply the evidence pass to one city's document (schema 1 working form): the rules of
    :func:`decide`; the old value of a changed figure and every other differing page value kept as
    alternatives; agreements and what could not be applied said in each page's source note."""
    result = EvidenceResult()
    slug = name.removesuffix(".yaml")
    groups: dict[tuple[int, str], list[Finding]] = {}  # (id of the holder, the field group) → findings
    holders: dict[tuple[int, str], tuple[dict[str, Any], str, str]] = {}
    for f in ev.findings:
        why = NOT_COMPARABLE.get((slug, f.page.id.removeprefix(EVIDENCE_PREFIX), f.plan, f.section, f.figure, f.tier))
        if why:
            result.not_applied.append((f, f"不可比:{why}"))
            continue
        holder, key, source, what = _holder(doc, f)
        if holder is None:
            result.not_applied.append((f, what))
            continue
        if key == "retiree_ratio":
            section = doc["plans"][f.plan][f.section]
            bonus = plain(holder.get("retiree_bonus", section.get("retiree_bonus", 0)))
            ratio = plain(holder.get("ratio"))
            if ratio is not None and _same(num(ratio) + num(bonus), f.value):
                result.agree.append((f, f"{what}退休人员比例 {pct(num(ratio) + num(bonus))}(比例加退休加点)"))
            else:
                result.not_applied.append((f, "本格式的退休比例写作加点,网页的退休比例只记在这里"))
            continue
        if key == "bands" and f.section == "inpatient" and _our_bands(f.value) is None:
            result.not_applied.append((f, "网页的分段不能按本格式读(各段上限不是递增)"))
            continue
        group = "rate" if key in ("ratio", "bands") and f.section == "inpatient" else key
        groups.setdefault((id(holder), group), []).append(f)
        holders[(id(holder), group)] = (holder, source, what)
    for (_, group), findings in groups.items():
        holder, section_source, what = holders[(_, group)]
        _apply_group(holder, group, findings, section_source, what, result, report)
    return result


def _apply_group(holder: dict[str, Any], group: str, findings: list[Finding], section_source: str, what: str,
                 result: EvidenceResult, report: Report) -> None:
    banded = group == "rate" and ("bands" in holder or any(f.figure == "bands" for f in findings))
    key = "bands" if banded else ("ratio" if group == "rate" else group)

    def ours_as(value: Any) -> Any:
        return [{"ratio": value}] if banded and not isinstance(value, list) else value

    def page_value(f: Finding) -> Any:
        if f.figure == "bands":
            return _our_bands(f.value)
        if f.figure == "mode":
            return f.value
        return ours_as(num(f.value))

    current = holder["ratio"] if banded and "bands" not in holder else holder.get(key)
    if key == "mode" and current is None:
        current = "on_burden"  # the default, not written
    long = dict(current) if isinstance(current, dict) and "value" in current else {"value": current}
    long["value"] = ours_as(long["value"])
    if banded:
        long["alternatives"] = [{**a, "value": ours_as(a["value"])} for a in long.get("alternatives") or ()]
    ours = long["value"]
    shaped = [Finding(f.plan, f.section, f.figure, f.tier, page_value(f), f.year, f.page, f.note) for f in findings]
    decision = decide(ours, shaped)
    field_words = _FIELD_WORDS[key]
    for f in decision.agree:
        result.agree.append((f, f"{what}{field_words} {_value_words(key, f.value)}"))
    alternatives = list(long.get("alternatives") or [])
    if decision.because:
        old_source = long.get("source") or section_source
        alternatives.append({"value": ours, "source": old_source,
                             "note": "改用独立网页的数字之前本文件的数字(聚合表,未核实)"})
        because = sorted(decision.because, key=_page_rank)
        first = because[0]
        others = "、".join(dict.fromkeys(f.page.id for f in because[1:] if f.page.id != first.page.id))
        long["value"] = decision.change
        long["source"] = first.page.id
        long["note"] = (f"据{_page_words(first)}" + (f"与 {others}" if others else "") + f"改为 {_value_words(key, decision.change)};"
                        "没有读到医保局原文,可信度按转述文章(secondary)")
        for f in decision.because:
            result.changed.append((f, f"{what}{field_words} {_value_words(key, ours)} → {_value_words(key, decision.change)}"))
        report.evidence_changes.append(f"{what}{field_words}")
    for value, fs in decision.alternatives:
        best = sorted(fs, key=_page_rank)[0]
        also = list(dict.fromkeys(f.page.id for f in fs if f.page.id != best.page.id))
        folded = key == "annual_cap" and all(_folded(f, ours) for f in fs)
        if folded:
            head = (f"{_page_words(best)}把基本统筹的年度封顶线写作 {_value_words(key, value)};本文件的 "
                    f"{_value_words(key, ours)} 很可能把大额/大病的额度也算了进去(聚合表常这样合并)")
        else:
            head = f"{_page_words(best)}写作 {_value_words(key, value)}"
        parts = [head]
        if also:
            parts.append(f"另见 {'、'.join(also)}")
        if best.page.kind == "content_farm":
            parts.append(FARM_WORDS)
        if not best.current:
            parts.append("页面早于 2023 年或未注明日期:只作另一说法")
        elif best.page.kind != "content_farm":
            parts.append("只有这一个够格的网页,不足以改动本文件的数字")
        if best.note:
            parts.append(f"核查记录:{best.note}")
        alternatives.append({"value": value, "source": best.page.id, "note": ";".join(parts)})
        for f in fs:
            result.differ.append((f, f"{what}{field_words}:网页 {_value_words(key, value)},本文件 {_value_words(key, ours)}"
                                     + ("(封顶线合并)" if folded else "")))
        report.count(report.evidence_alternatives, "folded cap" if folded else f"page: {best.page.kind}")
    if alternatives:
        long["alternatives"] = alternatives
    if set(long) == {"value"}:
        return
    if banded and "ratio" in holder:
        del holder["ratio"]
    holder[key] = long


def page_sources_from_evidence(ev: Evidence, result: EvidenceResult) -> list[dict[str, Any]]:
    """One source per evidence page: url exactly as recorded, its kind, date, quote, and what it did here."""
    sources = []
    for page in ev.pages:
        said: list[str] = []
        for label, items in (("据此改动", result.changed), ("与本文件一致", result.agree), ("记为另一说法", result.differ),
                             ("未写入", result.not_applied)):
            mine = [text for f, text in items if f.page.id == page.id]
            if mine:
                said.append(f"{label}:" + ";".join(dict.fromkeys(mine)))
        entry: dict[str, Any] = {
            "id": page.id,
            "title": f"{page.title or '(证据文件没有记下标题)'}(独立网页 {page.domain};{EVIDENCE_KINDS[page.kind]})",
            "url": page.url,
        }
        if page.date:
            entry["date"] = page.date
        entry["confidence"] = "unverified" if page.kind == "content_farm" else "secondary"
        entry["note"] = _sentences([
            f"证据核查(data/evidence/{page.origin}.yaml,{page.kind}):{EVIDENCE_KINDS[page.kind]}"
            + (f",引文号 {page.doc_number}" if page.doc_number else "")
            + (f";{FARM_WORDS}" if page.kind == "content_farm" else "")
            + ";本项目只读过该页的摘录,网页本身不是医保局的原文",
            f"摘录:{quote(page.quote)}" if page.quote else "",
            *said])
        sources.append(entry)
    return sources


# ---- per-city quality index: data/evidence/quality.json and SUMMARY.md ------------------------------------

QUALITY_FILE = "quality.json"
SUMMARY_FILE = "SUMMARY.md"


def _alternative_reason(path: str, alt: dict[str, Any]) -> str:
    source = str(alt.get("source"))
    note = str(alt.get("note") or "")
    if source.startswith(EVIDENCE_PREFIX):
        return "folded_cap" if "把基本统筹的年度封顶线写作" in note else "evidence"
    if note.startswith("改用独立网页的数字之前"):
        return "old_value"
    if path.endswith("mode"):
        return "mode_reading"
    if source.startswith("page-"):
        return "accuracy_page"
    if source.startswith("agg-") and not source.startswith(AGGREGATOR_TABLE):
        return "self_contradiction"
    return "other"


def _figures(section: dict[str, Any]) -> Iterable[tuple[str, dict[str, Any]]]:
    for key, value in section.items():
        if key == "tiers":
            for tier_key, tier in value.items():
                for sub, v in tier.items():
                    if isinstance(v, dict) and "value" in v:
                        yield f"tiers.{tier_key}.{sub}", v
        elif isinstance(value, dict) and "value" in value:
            yield key, value


def city_quality(name: str, doc: dict[str, Any], ev: Evidence | None, result: EvidenceResult | None) -> dict[str, Any]:
    """What ``regions --quality`` needs for one imported city (see data/evidence/README.md)."""
    sources = {s["id"]: s for s in doc["sources"]}
    shared: dict[str, Any] = {}
    with_alternatives = 0
    reasons: dict[str, int] = {}
    for plan, body in doc["plans"].items():
        for kind_, section in body.items():
            sid = str(section.get("source"))
            if sid.startswith((PLACEHOLDER_PREFIX, SHARED_PREFIX)):
                m = re.search(r"与(?:省内)? (\d+) 个城市(?:[(\uff08]跨 (\d+) 个省)?", sources[sid]["note"])
                assert m is not None
                shared[f"{plan}.{kind_}"] = {"scope": "placeholder" if sid.startswith(PLACEHOLDER_PREFIX) else "province",
                                             "source": sid, "other_cities": int(m[1]),
                                             "provinces": int(m[2]) if m[2] else 1}
            for path, figure in _figures(section):
                alternatives = figure.get("alternatives") or ()
                if alternatives:
                    with_alternatives += 1
                for alt in alternatives:
                    reason = _alternative_reason(path, alt)
                    reasons[reason] = reasons.get(reason, 0) + 1
    evidence: dict[str, Any] | None = None
    if ev is not None and result is not None:
        kinds: dict[str, int] = {}
        for page in ev.pages:
            kinds[page.kind] = kinds.get(page.kind, 0) + 1
        evidence = {"files": ev.files, "outcome": ev.outcome, "pages": len(ev.pages),
                    "best_kind": next((k for k in EVIDENCE_KINDS if k in kinds), None), "kinds": kinds,
                    "findings": len(ev.findings), "agree": len(result.agree), "differ": len(result.differ),
                    "changed": len(result.changed), "not_applied": len(result.not_applied),
                    "independent_page_agrees": any(f.page.kind != "content_farm" for f, _ in result.agree)}
    return {"name": doc["region"]["name"], "province": doc["region"].get("province"), "file": f"data/regions/{name}",
            "evidence": evidence, "shared": shared, "figures_with_alternatives": with_alternatives,
            "alternatives_by_reason": dict(sorted(reasons.items()))}


def quality_texts(index: dict[str, dict[str, Any]]) -> dict[str, str]:
    """quality.json (machine-readable, one entry per imported city) and SUMMARY.md (the same, for people)."""
    totals = {"cities": len(index),
              "with_evidence": sum(1 for q in index.values() if q["evidence"]),
              "with_an_agreeing_independent_page": sum(1 for q in index.values()
                                                       if q["evidence"] and q["evidence"]["independent_page_agrees"]),
              "figures_changed_by_evidence": sum(q["evidence"]["changed"] for q in index.values() if q["evidence"]),
              "placeholder_sections": sum(1 for q in index.values() for s in q["shared"].values() if s["scope"] == "placeholder"),
              "province_shared_sections": sum(1 for q in index.values() for s in q["shared"].values() if s["scope"] == "province"),
              "figures_with_alternatives": sum(q["figures_with_alternatives"] for q in index.values())}
    reasons: dict[str, int] = {}
    for q in index.values():
        for k, v in q["alternatives_by_reason"].items():
            reasons[k] = reasons.get(k, 0) + v
    totals["alternatives_by_reason"] = dict(sorted(reasons.items()))
    data = {"about": ("Per imported city: the evidence pass (data/evidence/<slug>.yaml), tables shared with other "
                      "cities (placeholder: across provinces; province: inside one), and figures carrying alternatives. "
                      "Written by scripts/import_aggregator.py; see data/evidence/README.md."),
            "totals": totals, "regions": dict(sorted(index.items()))}
    lines = ["# 证据与数据质量一览 / Evidence and data quality per city", "",
             "<!-- 由 scripts/import_aggregator.py 生成(与 quality.json 同源),请勿手改。 -->", "",
             f"导入的城市 {totals['cities']} 个;有证据核查的 {totals['with_evidence']} 个,其中有独立网页(非内容农场)与本项目一致的 "
             f"{totals['with_an_agreeing_independent_page']} 个;据证据改动的数字 {totals['figures_changed_by_evidence']} 个。"
             f"疑似占位的表(跨省完全相同){totals['placeholder_sections']} 节,只在省内相同的 {totals['province_shared_sections']} 节;"
             f"有另一说法的数字 {totals['figures_with_alternatives']} 个(按原因:"
             + "、".join(f"{k} {v}" for k, v in totals["alternatives_by_reason"].items()) + ")。", "",
             "原因:`mode_reading` 大额的另一种读法;`self_contradiction` 聚合表引用的通知原文与它的表格不同;`evidence` 证据网页的不同数字;"
             "`folded_cap` 证据网页的基本统筹封顶线(本文件的封顶线把大额/大病并了进去);`accuracy_page` ACCURACY.md 的网页;"
             "`old_value` 据证据改动前的数字。", "",
             "| 地区 | 省份 | 证据:最好的一种 / 网页数 | 一致 / 不同 / 改动 / 未写入 | 占位表(跨省相同) | 省内相同的表 | 有另一说法的数字 |",
             "|---|---|---|---|---|---|---|"]
    parts = {"inpatient": "住院", "outpatient": "门诊", "critical_illness": "大病", "remote": "异地"}
    from medins_cli.core.names import PROVINCE_CODES

    for _, q in sorted(index.items(), key=lambda kv: (PROVINCE_CODES.get(kv[1]["province"] or "", "99"), kv[0])):
        e = q["evidence"]
        ev_cell = "—" if not e else (f"{e['best_kind'] or '无'} / {e['pages']}" + ("(无可用网页)" if e["outcome"] == "nothing_usable" else ""))
        counts = "—" if not e else f"{e['agree']} / {e['differ']} / {e['changed']} / {e['not_applied']}"

        def shared_cell(scope: str, q: dict[str, Any] = q) -> str:
            cells = [f"{PLAN_WORDS[k.split('.')[0]]}{parts[k.split('.')[1]]}({s['other_cities']})"
                     for k, s in q["shared"].items() if s["scope"] == scope]
            return "、".join(cells) or "—"
        lines.append(f"| {q['name']} | {q['province']} | {ev_cell} | {counts} | {shared_cell('placeholder')} | "
                     f"{shared_cell('province')} | {q['figures_with_alternatives'] or '—'} |")
    return {QUALITY_FILE: json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n",
            SUMMARY_FILE: "\n".join(lines) + "\n"}


# ---- existing files: keep what is curated, add what is missing, note every difference --------


def owned(source_id: Any) -> bool:
    return isinstance(source_id, str) and source_id.startswith(OWNED_PREFIXES)


def curated_part(doc: dict[str, Any]) -> dict[str, Any]:
    """What a merged file holds apart from the import's own additions."""
    base = dict(doc)
    base["sources"] = [s for s in doc.get("sources") or () if not owned(s.get("id"))]
    base["plans"] = {plan: {name: sec for name, sec in (body or {}).items() if not owned((sec or {}).get("source"))}
                     for plan, body in (doc.get("plans") or {}).items()}
    base["plans"] = {plan: body for plan, body in base["plans"].items() if body}
    base["notes"] = [n for n in doc.get("notes") or () if not owned(n.get("source"))]
    return base


def complete(name: str, section: dict[str, Any]) -> bool:
    """A section that gives bounded answers (the core flags a missing 起付线 or cap as an upper bound)."""
    if name == "inpatient":
        return "annual_cap" in section and all("deductible" in t for t in section.get("tiers", {}).values())
    if name == "outpatient":
        return "annual_cap" in section and ("annual_deductible" in section or all(
            "visit_deductible" in t for t in section.get("tiers", {}).values()))
    return True


def merge(base: dict[str, Any], new: dict[str, Any], report: Report) -> dict[str, Any]:
    name = base["region"]["name"]
    region = dict(base["region"])
    keys = {region_key(region["name"]), *(region_key(a) for a in region.get("aliases") or ())}
    region["aliases"] = list(region.get("aliases") or []) + [
        a for a in new["region"]["aliases"] if region_key(a) not in keys]
    conflicts: list[str] = []
    for key, word in (("code", "行政区划代码"), ("hotline", "咨询电话")):
        mine, theirs = base["region"].get(key), new["region"].get(key)
        if mine is None and theirs is not None:
            region[key] = theirs
        elif mine is not None and theirs is not None and mine != theirs:
            conflicts.append(f"{word}:本文件 {mine},聚合表 {theirs};保留本文件的")
    region = {k: region[k] for k in ("name", "level", "province", "code", "aliases", "hotline") if k in region}
    plans: dict[str, Any] = {plan: dict(body) for plan, body in (base.get("plans") or {}).items()}
    moved: list[dict[str, Any]] = []
    for plan, body in new["plans"].items():
        mine = plans.setdefault(plan, {})
        for section, figures in body.items():
            ours = mine.get(section)
            if ours is None:
                mine[section] = figures
            elif complete(section, ours) or not complete(section, figures):
                differs = _differences(section, ours, figures)
                if differs:
                    conflicts.append(f"{PLAN_WORDS[plan]}{SECTION_WORDS[section]}:本文件(来源 {ours['source']}){differs};"
                                     "保留本文件的")
            else:
                moved.append({"text": f"此前收录的{PLAN_WORDS[plan]}{SECTION_WORDS[section]}(不完整,已由聚合表的完整数字替换):"
                                      + json.dumps(_plain(ours), ensure_ascii=False), "source": ours["source"]})
                mine[section] = figures
                conflicts.append(f"{PLAN_WORDS[plan]}{SECTION_WORDS[section]}:本文件的数字不完整,换用聚合表的;原数字见说明")
    order = [p for p in ("employee", "resident") if p in plans]
    theirs = int(new["year"]) >= int(base.get("year") or 0)  # the year shown is the later one, with what it means
    merged = {
        "schema": 1, "region": region, "year": max(int(base.get("year") or 0), int(new["year"])),
        **({"year_basis": new["year_basis"]} if theirs else
           {"year_basis": base["year_basis"]} if base.get("year_basis") else {}),
        "sources": list(base.get("sources") or []) + new["sources"],
        "plans": {p: {s: plans[p][s] for s in ("inpatient", "outpatient", "critical_illness", "remote", "account")
                      if s in plans[p]} for p in order},
        "notes": list(base.get("notes") or []) + moved + new["notes"],
    }
    for text in conflicts:
        merged["notes"].append({"text": f"与本项目已有数据不同({text})。", "source": "agg-file"})
        report.conflicts.append((name, text))
    return merged


def _differences(section: str, ours: dict[str, Any], theirs: dict[str, Any]) -> str:
    out = []
    for key in sorted(set(ours.get("tiers", {})) | set(theirs.get("tiers", {}))):
        a, b = ours.get("tiers", {}).get(key), theirs.get("tiers", {}).get(key)
        if a != b and a is not None and b is not None:
            out.append(f"{TIER_WORDS.get(key, key)}:本文件 {json.dumps(_plain(a), ensure_ascii=False)},"
                       f"聚合表 {json.dumps(_plain(b), ensure_ascii=False)}")
    for key in ("annual_cap", "annual_deductible", "threshold", "retiree_bonus"):
        if key in ours and key in theirs and num(ours[key]) != num(theirs[key]):
            out.append(f"{key}:本文件 {yuan(ours[key])},聚合表 {yuan(theirs[key])}")
    return ";".join(out)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k not in ("source", "note")}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# ---- checks: the store's own rules; a section that fails them is dropped ---------------------


def drop_failing(doc: dict[str, Any], report: Report) -> None:
    """Run the data-health rules every file must pass; drop a section with a hard failure (noted)."""
    from medins_cli.store.schema import data_hints, schema_problems

    for _ in range(10):
        _, problems = schema_problems(_loaded(doc))
        if not problems:
            break
        for where, message in problems:
            if len(where) < 3 or where[0] != "plans":
                raise SystemExit(f"{doc['region']['name']}:生成的文件有误(导入脚本的问题){'.'.join(map(str, where))}:{message}")
            plan, section = where[1], where[2]
            if section in doc["plans"].get(plan, {}):
                del doc["plans"][plan][section]
                why = f"{'.'.join(map(str, where))}:{message}"
                report.dropped.append((doc["region"]["name"], f"{PLAN_WORDS[plan]} {SECTION_WORDS[section]}", why))
                doc["notes"].append({"text": f"聚合表的{PLAN_WORDS[plan]}{SECTION_WORDS[section]}没有通过数据检查,未收录({why})。",
                                     "source": "agg-file"})
    else:
        raise SystemExit(f"{doc['region']['name']}:反复检查仍有问题")
    report.hints += len(data_hints(_loaded(doc)))


def _loaded(doc: dict[str, Any]) -> Any:
    from medins_cli.store.yamlio import load_yaml

    return load_yaml(Path("check.yaml"), dump(doc, []))


# ---- writing YAML: the store's policy_text (flow style where the curated files use it), schema 2 -------


def dump(doc: dict[str, Any], header: list[str]) -> str:
    """The import's own working document (schema 1's ``plans``) as text, for the store's checks."""
    from medins_cli.store.yamlio import policy_text

    return policy_text(doc, header)


def checked_text(doc: dict[str, Any], header: list[str], name: str) -> str:
    """The file's text in schema 2 (the store's own normalisation and writer, as ``policy migrate``),
    read back with medins' own loader to prove it says what we meant."""
    from medins_cli.errors import MedinsError
    from medins_cli.store.migrate import schema2_text

    try:
        return schema2_text(_loaded(doc), Path(name), header)
    except MedinsError as exc:
        raise SystemExit(f"{name}:{exc}(导入脚本的问题)") from None


def as_plans(doc: Any) -> Any:
    """A schema 2 file as the import's working form (schema 1's ``plans``: one version per section)."""
    if not isinstance(doc, dict) or doc.get("schema") != 2:
        return doc
    plans: dict[str, dict[str, Any]] = {}
    for section in doc.get("sections") or ():
        body = {k: v for k, v in section.items() if k not in ("plan", "kind", "effective", "until")}
        mine = plans.setdefault(section["plan"], {})
        if section["kind"] in mine:
            raise SystemExit(f"{doc['region']['name']}:{section['plan']} {section['kind']} 有不止一个版本;"
                             "导入只处理一个版本的文件,请先手工合并")
        mine[section["kind"]] = body
    out = {k: v for k, v in doc.items() if k not in ("schema", "sections")}
    return {"schema": 1, **out, "plans": plans}


def header_lines(kind: str, city: City) -> list[str]:
    src = city.source
    first = GENERATED if kind == "generated" else MERGED
    lines = [f"{first} — 由 scripts/import_aggregator.py 从公开聚合项目 {PROJECT}(MIT)的 {src.path}",
             f"# (提交 {src.commit})导入。聚合表的数字全部未经官方文件核实(unverified)。"]
    if kind == "generated":
        lines.append("# 不要手改本文件:下次导入会重写它。要更正,见 data/regions/README.md 的“导入聚合数据”。")
    else:
        lines.append("# 本项目原有的内容保留;来源 id 以 agg-、page-、ev- 开头的部分属于导入,下次导入会重写。")
    return lines


# ---- the run ---------------------------------------------------------------------------------


def plan_cities(files: list[SourceFile], existing: dict[str, dict[str, Any]]) -> list[City]:
    """Names, provinces and file names: a pinyin two regions share never names a file."""
    cities = []
    for src in files:
        full = src.data["cityName"]
        prov_text = src.data.get("provinceName") or ""
        province = province_name(prov_text) or ("新疆" if "新疆" in prov_text else prov_text)
        cities.append(City(src, short_name(full), full, province, pinyin(src), quotes=city_quotes(src)))
    names = [c.name for c in cities]
    if len(set(names)) != len(names):
        raise SystemExit("两个城市的简称相同:请在 SHORT_NAMES 里区分")
    by_name = {doc["region"]["name"]: path for path, doc in existing.items() if doc["region"].get("level") != "province"}
    matched = {by_name[c.name] for c in cities if c.name in by_name}
    taken = set(existing) - matched
    shared: dict[str, int] = {}
    for city in cities:
        shared[city.pinyin] = shared.get(city.pinyin, 0) + 1
    for path in taken:  # a region we keep apart may already use a pinyin
        for alias in existing[path]["region"].get("aliases") or ():
            if str(alias) in shared:
                shared[str(alias)] += 1
    for city in cities:
        if city.name in by_name:
            city.file = by_name[city.name]
        elif shared[city.pinyin] > 1:
            city.file = f"{city.pinyin}-{city.source.path.split('/')[-2]}.yaml"
        else:
            city.file = f"{city.pinyin}.yaml"
        if city.file in taken:
            raise SystemExit(f"{city.full}:文件名 {city.file} 已被另一个地区使用")
        taken.add(city.file)
    return cities


def load_existing(regions: Path) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    from medins_cli.store.yamlio import load_yaml

    docs, first_lines = {}, {}
    for path in sorted(regions.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        docs[path.name] = as_plans(load_yaml(path, text))
        first_lines[path.name] = text.split("\n", 1)[0]
    return docs, first_lines


def build(snapshot: Path, regions: Path, report: Report, progress: Callable[[str], None] = lambda _: None,
          evidence: Path = EVIDENCE) -> dict[str, str | None]:
    """file name → its new text (None: remove a generated file the snapshot no longer has); the
    per-city quality index goes to ``report.summary_files``."""
    files = read_snapshot(snapshot, progress)
    rows = read_accuracy(snapshot)
    existing, first_lines = load_existing(regions)
    cities = plan_cities(files, existing)
    by_city: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_city.setdefault(accuracy_city(row["city"]), []).append(row)
    unknown = set(by_city) - {c.name for c in cities}
    if unknown:
        raise SystemExit(f"ACCURACY.md 的城市在快照里找不到:{'、'.join(sorted(unknown))}")
    out: dict[str, str | None] = {}
    docs: dict[str, tuple[City, str, dict[str, Any]]] = {}
    for city in cities:
        if city.file in UNTOUCHED:
            report.untouched.append(f"{city.name}({city.file}):{UNTOUCHED[city.file]}")
            continue
        doc = city_document(city, by_city.get(city.name, []), report)
        kind = "generated"
        if city.file in existing and not first_lines[city.file].startswith(GENERATED):
            doc = merge(curated_part(existing[city.file]), doc, report)
            kind = "merged"
        drop_failing(doc, report)
        docs[city.file] = (city, kind, doc)
    groups = shared_tables({name: doc for name, (_, _, doc) in docs.items()})
    checked = read_evidence(evidence, cities)
    quality: dict[str, dict[str, Any]] = {}
    for name, (city, kind, doc) in docs.items():
        mark_shared(name, doc, groups, report)
        ev = checked.get(name)
        result = apply_evidence(name, doc, ev, report) if ev is not None else None
        if ev is not None and result is not None:
            doc["sources"] += page_sources_from_evidence(ev, result)
        quality[name.removesuffix(".yaml")] = city_quality(name, doc, ev, result)
        out[name] = checked_text(doc, header_lines(kind, city), name)
        (report.merged if kind == "merged" else report.written).append(name)
    report.summary_files = quality_texts(quality)
    for name, line in first_lines.items():
        if line.startswith(GENERATED) and name not in out:
            out[name] = None
    return out


def alias_problems(regions: Path) -> list[str]:
    from medins_cli.store.policy_check import alias_clashes, check_file

    checked = [check_file(p) for p in sorted(regions.glob("*.yaml"))]
    return [p.text() for p in alias_clashes(checked)]


def summary(report: Report, con: Any) -> None:
    from rich.table import Table

    con.print(f"[bold]写出[/bold] {len(report.written)} 个新城市文件,合并进已有文件 {len(report.merged)} 个,"
              f"保持原样 {len(report.untouched)} 个" + (f",删除 {len(report.removed)} 个" if report.removed else ""))
    for line in report.untouched:
        con.print(f"  · {line}")
    table = Table(title="大病/大额的读法", title_justify="left")
    table.add_column("读法")
    table.add_column("节数", justify="right")
    for key, count in sorted(report.readings.items()):
        table.add_row(key, str(count))
    con.print(table)
    con.print("多次住院规则:" + ",".join(f"{k} {v}" for k, v in sorted(report.repeat.items())))
    con.print(f"[bold]没有通过数据检查而丢弃的节[/bold]:{len(report.dropped)}")
    for region, section, why in report.dropped:
        con.print(f"  · {region} {section}:{why}")
    con.print(f"[bold]读不出、未编码的大病/大额节[/bold]:{len(report.not_encoded)}(原因写在该市住院一节的说明里;"
              "按读法的计数见上表)")
    con.print(f"[bold]与已有数据的不同[/bold](写进了该地区的说明):{len(report.conflicts)}")
    for region, text in report.conflicts:
        con.print(f"  · {region}:{text}")
    con.print(f"ACCURACY.md 对照说明 {report.accuracy_notes} 条;按转载医保部门答复的网页改写的节 {len(report.page_sections)} 个:")
    for line in report.page_sections:
        con.print(f"  · {line}")
    con.print(f"按网页拆开的封顶线 {len(report.cap_splits)} 处:")
    for line in report.cap_splits:
        con.print(f"  · {line}")
    cities = {line.split(" ", 1)[0] for line in report.contradictions}
    con.print(f"聚合表引用的通知原文与它自己的表格不同、记为另一说法的数字 {len(report.contradictions)} 个({len(cities)} 个城市)")
    con.print(f"证据:改动的数字 {len(report.evidence_changes)} 个,另一说法 "
              + ",".join(f"{k} {v}" for k, v in sorted(report.evidence_alternatives.items())))
    con.print("与别的城市完全相同的表(节数):" + ",".join(f"{k} {v}" for k, v in sorted(report.shared.items())))
    con.print(f"数据提示(validate 的 warning,不丢弃){report.hints} 条")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("snapshot", type=Path, help="the aggregator snapshot folder")
    parser.add_argument("--regions", type=Path, default=ROOT / "data" / "regions", help="the regions folder to write")
    parser.add_argument("--evidence", type=Path, default=EVIDENCE, help="the evidence folder to apply (data/evidence)")
    parser.add_argument("--summary", type=Path, default=None,
                        help="where quality.json and SUMMARY.md go (default: the evidence folder)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if any file would change")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    args = parser.parse_args(argv)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    con = Console(stderr=True, quiet=args.quiet)
    if not (args.snapshot / "manifest").is_dir():
        con.print(f"错误:{args.snapshot} 里没有 manifest/:请给出聚合项目快照的目录", style="red")
        return 2
    report = Report()
    total = len(read_manifest(args.snapshot)) - 1
    with Progress(TextColumn("读取聚合文件"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                  console=con, transient=True, disable=args.quiet) as bar:
        task = bar.add_task("", total=total)
        out = build(args.snapshot, args.regions, report, lambda rel: bar.update(task, advance=1, description=rel),
                    evidence=args.evidence)
    summary_dir = args.summary or args.evidence
    for name, text in sorted(report.summary_files.items()):
        target = summary_dir / name
        if target.exists() and target.read_text(encoding="utf-8") == text:
            continue
        report.changed.append(str(target))
        if not args.check:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    for name, text in sorted(out.items()):
        target = args.regions / name
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        report.changed.append(name)
        if args.check:
            continue
        if text is None:
            target.unlink()
            report.removed.append(name)
        else:
            target.write_text(text, encoding="utf-8")
    summary(report, con)
    if args.check:
        if report.changed:
            con.print(f"与快照不一致的文件 {len(report.changed)} 个:{'、'.join(report.changed[:10])}", style="red")
            return 1
        con.print("data/regions 与快照的导入结果一致")
        return 0
    clashes = alias_problems(args.regions)
    for line in clashes:
        con.print(line, style="red")
    con.print(f"已写入 {len(report.changed)} 个文件到 {args.regions}")
    return 1 if clashes else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
