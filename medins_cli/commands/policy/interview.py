"""``medins policy init``: a policy file for a region medins does not know (or to correct one).

Two ways: a commented template that is already a valid file (empty ``plans``: the region is
listed at once and estimates say what is missing), or, on a terminal, questions one by one
that end in a validated file with the figures in it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Callable

from medins_cli.core.money import parse_ratio

SCHEMA_FILE = "policy.schema.json"

_TEMPLATE_HEAD = """\
# 填写步骤:
#   1. 打开当地医保局网站上最新的待遇通知(住院、门诊统筹、大病保险的起付线、比例、封顶线);
#   2. 先删掉下面 “sources: []” 和 “sections: []” 两行(它们只是让空模板也能通过检查),
#      再去掉要用的例子行首的“# ”,把每个“待填写”换成通知里的内容;不知道的行整行删掉
#      (留下“待填写”会报错,不会被当成数字);通知不涉及的一整节(- kind: … 起的几行)整节删掉;
#   3. {check_step}
# 规则:比例写 0–1 的小数(85% 写 0.85);金额写纯数字(元);YAML 用两个空格缩进,冒号用英文 “:” 后加空格。
# 一个数字若出处与这一节不同,可写成 {{value: 800, source: notice-2}};另一来源写法不同,可加
#   alternatives: [{{value: 850, source: page-1, note: "某网页 2024 年的说法"}}]
# 不知道的数字就不写:medins 会说明缺少哪部分,不会猜。不要编造数字、文号或网址。
schema: 2
region:
  name: {name_yaml}
  level: city                # 地级市、县写 city;省写 province
  province: {province}
{code_line}
  aliases: {aliases}
  # hotline: "待填写"         # 医保咨询电话,通知或官网写明时才填
year: {year}                 # 数字核对的年份(显示用;每一节何时生效写在它的 effective)
sources: []
sections: []
# sources:                   # 数字的出处:每份通知一条
#   - id: notice-1           # 自己起的名字(字母、数字、- _ .),下面用 source: notice-1 引用
#     title: "待填写"         # 通知标题,照抄
#     publisher: "待填写"     # 发布机关,如 某某市医疗保障局
#     url: "待填写"           # 通知原文的网址;没有就删掉这一行
#     date: 待填写            # 发布日期,如 {year}-01-01
#     effective: 待填写       # 通知写明的生效日期;没写就删掉这一行
#     confidence: 待填写      # official(从医保局原文读出,须有 url)/ observed(从本人结算单读出)/ secondary(新闻转述)/ unverified(其他)
# sections:                  # 每一节:哪种参保(plan)、哪种待遇(kind)、从哪天起(effective);
#                            # 政策调整时,旧的一节加 until(最后一天),再加一节新的:估算按就诊日期选用
"""
_TEMPLATE_TAIL = """\
# notes:                     # 不能计算但值得知道的事实,如缴费标准
#   - {{text: "待填写", source: notice-1}}
"""
_TIER_EXAMPLES = {"inpatient": ("1", "2", "3", "3a"), "outpatient": ("community", "1", "2", "3")}
_TIER_NOTES = {"3a": "只在通知给三级甲等单列起付线或比例时写;没写就按 \"3\" 计"}


def _comment(line: str, doc: str, width: int = 40) -> str:
    """``line`` with ``doc`` as a comment, aligned at ``width`` terminal cells (Chinese takes two)."""
    import unicodedata

    cells = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
    return f"{line}{' ' * max(1, width - cells)}# {doc}" if doc else line


def section_examples(year: int) -> list[str]:
    """The template's commented example of every benefit kind, from the kinds' specs (what each
    field is, and an example where the spec gives one)."""
    from medins_cli.core.benefits import kinds

    out: list[str] = []
    for k in kinds():
        if k.role == "info":
            continue  # the personal account is read by balance; a region writes it only when its notice says
        out.append(_comment(f"#   - kind: {k.key}", k.doc or k.label, 32))
        out.append(_comment("#     plan: employee", "职工医保;城乡居民医保写 resident(居民没有 retiree_… 的几项)", 32))
        out.append(_comment(f"#     effective: {year}-01-01", "通知写明的生效日期", 32))
        for field in k.spec.fields:
            if field.type == "tiers":
                out.append(_comment("#     tiers:", field.doc, 32))
                lead = [f for f in field.fields if f.example and not f.not_here]
                for key in _TIER_EXAMPLES.get(k.key, ("1", "2", "3")):
                    body = ", ".join(f"{f.name}: {f.example}" for f in lead)
                    quoted = f'"{key}"'
                    out.append(_comment(f"#       {quoted}: {{{body}}}", _TIER_NOTES.get(key, ""), 32))
                out += [f"#       # {f.doc}" for f in field.fields if f.doc and not f.not_here and not f.example]
            elif field.type == "bands":  # a section's own bands: the one-ratio short form first
                out.append(_comment("#     ratio: 待填写", field.doc or field.label, 32))
            elif field.type == "record":
                out.append(_comment(f"#     {field.name}: 待填写", field.doc or field.label, 32))
            elif field.figure or field.type == "choice":
                prefix = "#     # " if (field.type in ("choice", "bool") or not field.doc) and not field.required else "#     "
                value = field.choices[-1] if field.type == "choice" else ("true" if field.type == "bool" else "待填写")
                out.append(_comment(f"{prefix}{field.name}: {value}", field.doc or field.label, 32))
            else:
                out.append(_comment(f"#     # {field.name}: 待填写", field.doc or field.label, 32))
        out.append("#     source: notice-1")
    return out


def template(name: str, province: str, path: str | None, year: int, code: str | None = None,
             aliases: list[str] | None = None, schema_ref: str | None = None, in_user_dir: bool = True) -> str:
    """The commented template: valid as it stands (no figures yet). ``path`` None: printed to stdout."""
    head = f"# yaml-language-server: $schema={schema_ref}\n" if schema_ref else ""
    head += f"# medins 地区政策文件:{name}(由 medins policy init 生成,{dt.date.today().isoformat()})\n"
    code_line = f'  code: "{code}"' if code else '  # code: "待填写"          # 6 位行政区划代码(民政部公布);不确定就不写'
    quoted = ", ".join(_yaml_str(a) for a in aliases or [])
    where = path or "保存的文件"
    if in_user_dir:
        check = f"运行 medins policy validate {where}\n#      没有错误后:medins estimate --region {name} --tier 3 --amount 8000"
    else:
        check = (f"运行 medins policy validate {where}\n#      没有错误后:medins estimate --policy-file {where} "
                 "--tier 3 --amount 8000(或把文件放进用户数据目录的 regions/,之后用 --region)")
    body = _TEMPLATE_HEAD.format(name_yaml=_yaml_str(name), province=_yaml_str(province), year=year,
                                 code_line=code_line, aliases=f"[{quoted}]", check_step=check)
    return head + body + "\n".join(section_examples(year)) + "\n" + _TEMPLATE_TAIL.format()


def _yaml_str(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


# ---- questions, one by one ---------------------------------------------------------------

Ask = Callable[[str, str], str]  # (question, default) → answer


def parse_points(text: str) -> Decimal:
    """Percentage points added for retirees: 3 / 3% / 0.03 → 0.03 (more than 30 points is refused)."""
    from decimal import InvalidOperation

    raw = text.strip().replace("%", "").replace("%", "").removesuffix("个百分点")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"「{text}」不是百分点数:加 3 个百分点写 3 或 3%") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"「{text}」不是百分点数:加 3 个百分点写 3 或 3%")
    if value >= 1 or "%" in text or "%" in text:
        value = value / 100
    if value > Decimal("0.3"):
        raise ValueError(f"加 {value * 100:f} 个百分点太多了:加 3 个百分点写 3 或 3%")
    return value.normalize()


def _text(text: str) -> str:
    if not text.strip():
        raise ValueError("不能为空")
    return text.strip()


def _money(text: str) -> Decimal:
    from medins_cli.core.errors import CoreError
    from medins_cli.core.money import parse_amount

    try:
        return parse_amount(text, "金额")
    except CoreError as exc:
        raise ValueError(str(exc)) from None


def _until_valid(ask: Ask, say: Callable[[str], None], question: str, parse: Callable[[str], Any],
                 default: str = "", optional: bool = True) -> Any:
    while True:
        answer = ask(question, default).strip()
        if not answer and optional:
            return None
        try:
            return parse(answer) if answer else parse(default)
        except ValueError as exc:
            say(f"  {exc};请重新输入(不知道就直接回车跳过)" if optional else f"  {exc};请重新输入")


def _url(text: str) -> str:
    from medins_cli.store.schema import url_problem

    if not text.startswith(("http://", "https://")) or any(ch.isspace() for ch in text):
        raise ValueError("网址应以 http:// 或 https:// 开头、不含空格")
    why = url_problem(text)
    if why:
        raise ValueError(why)
    return text


def _choice(options: dict[str, str]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        key = text.strip().lower()
        if key in options:
            return options[key]
        raise ValueError(f"请回答 {'、'.join(dict.fromkeys(options))} 之一")
    return parse


def _yes(text: str) -> bool:
    return _choice({"y": "y", "yes": "y", "是": "y", "有": "y", "n": "n", "no": "n", "否": "n", "没有": "n",
                    "无": "n"})(text) == "y"


class _Interview:
    """Questions for one section at a time; each answer is checked as it is typed."""

    def __init__(self, ask: Ask, say: Callable[[str], None]) -> None:
        self.ask, self.say = ask, say

    def __call__(self, question: str, parse: Callable[[str], Any], default: str = "", optional: bool = True) -> Any:
        return _until_valid(self.ask, self.say, question, parse, default, optional)

    def put(self, target: dict[str, Any], key: str, question: str, parse: Callable[[str], Any]) -> None:
        """Ask an optional figure; store it under ``key`` only when one was given."""
        value = self(question, parse)
        if value is not None:
            target[key] = value

    def ratio(self, question: str, optional: bool = True) -> Decimal | None:
        """A ratio, said back as a percentage (85 and 0.85 both mean 85%: the user sees which)."""
        from medins_cli.core.arith import pct

        value = self(question, parse_ratio, optional=optional)
        if value is not None:
            self.say(f"  记为 {pct(value)}")
        return value

    def source(self) -> dict[str, Any]:
        self.say("—— 数字的出处 ——")
        source: dict[str, Any] = {"id": "notice-1", "title": self("通知标题(照抄,必填)", _text, optional=False)}
        self.put(source, "publisher", "发布机关(如 某某市医疗保障局)", str)
        self.put(source, "url", "通知原文网址(没有就回车)", _url)
        levels = {"official": "official", "官方": "official", "observed": "observed", "结算单": "observed",
                  "secondary": "secondary", "转述": "secondary", "unverified": "unverified", "未核实": "unverified"}
        while True:
            confidence = self("可信度(official=医保局原文 / observed=本人结算单 / secondary=新闻转述 / unverified=其他)",
                              _choice(levels),
                              "official" if "url" in source else "unverified", optional=False)
            if confidence != "official" or "url" in source:
                source["confidence"] = confidence
                return source
            self.say("  official 只用于从医保局原文读出、并给出原文网址的数字;没有网址请选 secondary 或 unverified")

    def inpatient(self, plan: str) -> dict[str, Any] | None:
        from medins_cli.core.names import TIERS

        self.say("—— 住院 ——")
        tiers: dict[str, Any] = {}
        for key in TIERS:
            same = "(与三级相同或通知没有单列就回车)" if key == "3a" else "(如 85%)"
            ratio = self.ratio(f"{TIERS[key]}医院住院报销比例{same}")
            if ratio is not None:
                tiers[key] = {}
                self.put(tiers[key], "deductible", f"{TIERS[key]}医院住院起付线(元)", _money)
                tiers[key]["ratio"] = ratio
        if not tiers:
            return None
        section: dict[str, Any] = {"tiers": tiers}
        if plan == "employee":
            self.put(section, "retiree_bonus", "退休人员比例加几个百分点(如 3)", parse_points)
        self.put(section, "annual_cap", "住院统筹基金年度封顶线(元)", _money)
        return section

    def outpatient(self) -> dict[str, Any] | None:
        from medins_cli.core.names import TIERS

        if not self("有门诊统筹(普通门诊)的数字吗?(y/n)", _yes, "n", optional=False):
            return None
        section: dict[str, Any] = {}
        self.put(section, "annual_deductible", "门诊统筹年度起付线(元)", _money)
        per_visit = self("每次就诊的起付线(元,通知按次设起付线时才填)", _money)
        tiers: dict[str, Any] = {}
        for key in TIERS:
            ratio = self.ratio(f"{TIERS[key]}医院门诊报销比例")
            if ratio is not None:
                tiers[key] = {"ratio": ratio}
                if per_visit is not None:
                    tiers[key]["visit_deductible"] = per_visit
        if not tiers:
            self.say("  没有各级医院的门诊比例,门诊部分不写入")
            return None
        section["tiers"] = tiers
        self.put(section, "annual_cap", "门诊统筹年度限额(元)", _money)
        return section

    def critical_illness(self, plan: str) -> dict[str, Any] | None:
        if not self("有大病保险(大额医疗补助)的数字吗?(y/n)", _yes, "n", optional=False):
            return None
        above_cap = plan == "employee" and self(
            "大额怎么付?1 = 一年累计的政策内个人负担超过起付线的部分按比例付;"
            "2 = 超过基本统筹年度封顶线的费用按比例付", _choice({"1": "1", "2": "2"}), "1", optional=False) == "2"
        if above_cap:
            ratio = self.ratio("超过封顶线部分的报销比例(不知道就回车,大额部分不写入)")
            if ratio is None:
                self.say("  大额医疗补助缺比例,这部分不写入")
                return None
            section: dict[str, Any] = {"mode": "above_cap", "bands": [{"ratio": ratio}]}
        else:
            threshold = self("大病保险起付线(元,年度累计;不知道就回车,大病部分不写入)", _money)
            ratio = self.ratio("超过起付线部分的报销比例(不知道就回车)") if threshold is not None else None
            if threshold is None or ratio is None:
                self.say("  大病保险缺起付线或比例,这部分不写入")
                return None
            section = {"threshold": threshold, "bands": [{"ratio": ratio}]}
        self.put(section, "annual_cap", "大病保险(大额)年度封顶线(元)", _money)
        return section

    def remote(self) -> dict[str, Any] | None:
        from medins_cli.core.names import REMOTES

        if not self("有异地就医报销比例的规定吗?(y/n)", _yes, "n", optional=False):
            return None
        rules: dict[str, Any] = {}
        for key, label in REMOTES.items():
            factor = self(f"{label}:本地比例乘以多少(如 0.9;与本地相同写 1;不知道就回车)", parse_ratio)
            if factor is not None:
                rules[key] = {"factor": factor}
        if not rules:
            self.say("  没有异地就医的比例,这部分不写入")
            return None
        return rules


def interview(name: str, ask: Ask, say: Callable[[str], None], *, province: str = "", plan: str = "employee",
              year: int | None = None, code: str | None = None, aliases: list[str] | None = None) -> dict[str, Any]:
    """Ask for the figures of one plan; the policy document (validated by the caller)."""
    q = _Interview(ask, say)
    say(f"为「{name}」建立政策文件。请对照当地医保局的通知逐项填写;不知道的直接回车跳过(medins 不会猜)。")
    region: dict[str, Any] = {"name": name, "level": "city",
                              "province": q("省份(简称,如 四川)", _province, province, optional=False)}
    policy_year = q("政策年度", _year, str(year or dt.date.today().year), optional=False)
    plan = q("参保类型(职工/居民)", _choice({"职工": "employee", "employee": "employee", "居民": "resident",
                                      "resident": "resident"}), "职工" if plan == "employee" else "居民", optional=False)
    source = q.source()
    body: dict[str, Any] = {}
    for key, section in (("inpatient", q.inpatient(plan)), ("outpatient", q.outpatient()),
                         ("critical_illness", q.critical_illness(plan)), ("remote", q.remote())):
        if section is not None:
            body[key] = {**section, "source": source["id"]}
    if code:
        region["code"] = code
    region["aliases"] = aliases or []
    q.put(region, "hotline", "医保咨询电话(通知或官网写明时)", str)
    if not body:
        say("提示:没有填写任何报销数字,文件只有地区信息;估算时会说明缺少数据。可以之后编辑文件补上")
    effective = dt.date(policy_year, 1, 1)  # the notice's year: in force from its first day
    return {"schema": 2, "region": region, "year": policy_year, "sources": [source],
            "sections": [{"plan": plan, "kind": key, "effective": effective, **section}
                         for key, section in body.items()]}


def _province(text: str) -> str:
    from medins_cli.store.placenames import province_word

    name = province_word(text)
    if name is None:
        raise ValueError(f"不认识的省份「{text}」:请写省级行政区的简称,如 四川")
    return name


def _year(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"「{text}」不是年份") from None
    if not 1998 <= value <= 2100:
        raise ValueError(f"「{text}」不是合理的年份")
    return value
