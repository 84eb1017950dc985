"""Write data/SOURCES.md (every shipped region, every source and its confidence, at a glance)
and data/regions/index.json (the shipped regions' precomputed index entries).

    python scripts/gen_sources_md.py           # rewrite both
    python scripts/gen_sources_md.py --check   # exit 1 if either is out of date (tests check both)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REGIONS = ROOT / "data" / "regions"
TARGET = ROOT / "data" / "SOURCES.md"
SEED = REGIONS / "index.json"

CONFIDENCE = {"official": "官方原文 official", "observed": "本人结算单 observed", "secondary": "转述文章 secondary",
              "unverified": "未核实 unverified", "placeholder": "疑似占位 placeholder"}
PLANS = {"employee": "职工", "resident": "居民"}
PARTS = {"inpatient": "住院", "outpatient": "门诊", "critical_illness": "大病", "remote": "异地", "account": "个人账户"}


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _uses(doc: dict[str, Any], source_id: str) -> list[str]:
    used = [f"{PLANS[s['plan']]}{PARTS.get(s['kind'], s['kind'])}" for s in doc.get("sections") or ()
            if isinstance(s, dict) and (s.get("source") == source_id or _figure_cites(s, source_id))]
    notes = sum(1 for n in doc.get("notes") or () if n.get("source") == source_id)
    if notes:
        used.append(f"说明 {notes} 条")
    return used


def _figure_cites(section: dict[str, Any], source_id: str) -> bool:
    """A figure of the section written in the long form with ``source_id`` (or an alternative from it)."""
    def cites(value: Any) -> bool:
        if isinstance(value, dict):
            if "value" in value and (value.get("source") == source_id
                                     or any(a.get("source") == source_id for a in value.get("alternatives") or ())):
                return True
            return any(cites(v) for v in value.values())
        return isinstance(value, list) and any(cites(v) for v in value)
    return any(cites(v) for k, v in section.items() if k not in ("source", "note"))


def _province_table(docs: list[tuple[Path, dict[str, Any], dict[str, Any]]]) -> list[str]:
    """Regions per province: how many, how many with inpatient figures for both plans, and by
    the weakest confidence of their sources."""
    rows: dict[str, dict[Any, int]] = {}
    for _, doc, s in docs:
        province = doc["region"].get("province") or doc["region"]["name"]
        row = rows.setdefault(province, {"all": 0, "both": 0})
        row["all"] += 1
        row["both"] += {"employee.inpatient", "resident.inpatient"} <= set(s["sections"])
        row[s["confidence"]] = row.get(s["confidence"], 0) + 1
    heads = [CONFIDENCE[c].split()[0] for c in CONFIDENCE] + ["无来源"]
    lines = ["| 省份 | 地区 | 职工和居民都有住院数字 | " + " | ".join(heads) + " |", "|---|" + "---|" * (2 + len(heads))]
    total: dict[Any, int] = {}
    for province, row in rows.items():
        for key, value in row.items():
            total[key] = total.get(key, 0) + value
        lines.append(f"| {province} | {row['all']} | {row['both']} | "
                     + " | ".join(str(row.get(c, 0) or "—") for c in (*CONFIDENCE, None)) + " |")
    lines.append(f"| **合计** | **{total['all']}** | **{total['both']}** | "
                 + " | ".join(f"**{total.get(c, 0)}**" for c in (*CONFIDENCE, None)) + " |")
    return lines


def render() -> str:
    from medins_cli.core.names import PROVINCE_CODES
    from medins_cli.store.regions import summary
    from medins_cli.store.yamlio import load_yaml

    docs = []
    for path in sorted(REGIONS.glob("*.yaml")):
        doc = load_yaml(path)
        docs.append((path, doc, summary(doc)))
    docs.sort(key=lambda d: (PROVINCE_CODES.get(d[1]["region"].get("province", ""), "99"),
                             d[1]["region"].get("level") != "province", d[2]["code"] or "", d[1]["region"]["name"]))
    counts = {c: 0 for c in (*CONFIDENCE, None)}
    for _, _, s in docs:
        counts[s["confidence"]] += 1
    with_figures = sum(1 for _, _, s in docs if s["sections"])
    lines = [
        "# 数据来源一览 / Sources of the shipped data",
        "",
        "<!-- 由 scripts/gen_sources_md.py 生成,请勿手改;改了 data/regions/ 后运行它(测试会检查本文件是否最新)。 -->",
        "",
        f"共 {len(docs)} 个地区,其中 {with_figures} 个有可计算的报销数字。按各地来源中最弱的可信度:"
        + ",".join(f"{CONFIDENCE[c].split()[0]} {counts[c]} 个" for c in CONFIDENCE)
        + f",没有任何来源(只有地区信息) {counts[None]} 个。",
        "",
        "没有一条来源标为 official:官方原文须从医保局自己的文件读出并给出网址。各地以当地医保局公布为准。",
        "",
        "聚合项目的数字与其他公开网页对照过两次:首次(ACCURACY.md,29 个城市)270 个数字中 196 个一致,但那次的搜索偏向一致的网页;"
        "新近(ACCURACY-FRESH.md,另取 40 个城市)92 次比较只有 31 次一致(34 %),没有一个是医保局的网页。"
        "**疑似占位**(placeholder)是聚合项目给外省城市写了一模一样数字的表:几乎肯定不是这个城市自己的政策,"
        "`--min-confidence unverified` 会拒绝用到它的估算。各城市的证据核查、占位表和有另一说法的数字见 "
        "[evidence/SUMMARY.md](evidence/SUMMARY.md)。",
        "",
        "来源 id 以 `agg-` 开头的是公开聚合项目 china-medical-insurance 的数据文件(`agg-file`,附提交号的 GitHub 链接)"
        "和它引用的文件(聚合项目引用、未核对,不附它给的网址);`agg-placeholder-…` 是与外省城市完全相同、疑似占位的表"
        "(可信度 placeholder),`agg-shared-…` 是只与省内城市相同的表;`page-` 开头的是 ACCURACY.md 用来对照的独立网页,"
        "`ev-` 开头的是证据核查(data/evidence)的网页。"
        "导入方法见 [regions/README.md](regions/README.md)。",
        "",
        "## 按省份 / By province",
        "",
        *_province_table(docs),
        "",
        "## 每个地区 / Every region",
        "",
        "| 地区 | 省份 | 代码 | 年度 | 职工医保 | 居民医保 | 说明 | 最弱可信度 | 文件 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for path, doc, s in docs:
        region = doc["region"]
        parts = {plan: " ".join(PARTS[p.split(".")[1]] for p in s["sections"] if p.startswith(plan + ".")) or "—"
                 for plan in PLANS}
        lines.append(
            f"| {region['name']} | {region.get('province', region['name'])} | {s['code'] or '—'} | "
            f"{s['year'] if s['confidence'] else '—'} | {parts['employee']} | {parts['resident']} | "
            f"{s['notes'] or '—'} | {CONFIDENCE[s['confidence']].split()[0] if s['confidence'] else '无来源'} | "
            f"`regions/{path.name}` |")
    lines += ["", "## 每条来源 / Every source", ""]
    for path, doc, _ in docs:
        sources = doc.get("sources") or []
        if not sources:
            continue
        lines += [f"### {doc['region']['name']}(`regions/{path.name}`)", "",
                  "| id | 标题 | 发布者 | 日期 | 可信度 | 网址 | 用于 |", "|---|---|---|---|---|---|---|"]
        for src in sources:
            when = f"生效 {src['effective']}" if src.get("effective") else (f"发布 {src['date']}" if src.get("date") else "—")
            lines.append(
                f"| {src['id']} | {_cell(src['title'])} | {_cell(src.get('publisher') or '—')} | {when} | "
                f"{CONFIDENCE[src['confidence']].split()[0]} | {src.get('url') or '—'} | "
                f"{'、'.join(_uses(doc, src['id'])) or '—'} |")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def render_seed() -> str:
    """data/regions/index.json: the shipped regions' index entries, so the first run after
    install need not parse every file (see medins_cli.store.regions.SEED_FILE)."""
    import json

    from medins_cli.store.regions import seed_document

    return json.dumps(seed_document(REGIONS), ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def main(argv: list[str]) -> int:
    outputs = {TARGET: render(), SEED: render_seed()}
    if "--check" in argv:
        stale = [path for path, text in outputs.items()
                 if (path.read_text(encoding="utf-8") if path.exists() else "") != text]
        for path in stale:
            print(f"{path.relative_to(ROOT)} 不是最新的:请运行 python scripts/gen_sources_md.py", file=sys.stderr)
        return 1 if stale else 0
    for path, text in outputs.items():
        path.write_text(text, encoding="utf-8")
        print(f"已写入 {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
