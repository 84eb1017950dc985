"""Write data/SOURCES.md: every shipped region, every source and its confidence, at a glance.

    python scripts/gen_sources_md.py           # rewrite data/SOURCES.md
    python scripts/gen_sources_md.py --check   # exit 1 if it is out of date (a test runs this)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REGIONS = ROOT / "data" / "regions"
TARGET = ROOT / "data" / "SOURCES.md"

CONFIDENCE = {"official": "官方原文 official", "observed": "本人结算单 observed", "secondary": "转述文章 secondary",
              "unverified": "未核实 unverified"}
PLANS = {"employee": "职工", "resident": "居民"}
PARTS = {"inpatient": "住院", "outpatient": "门诊", "critical_illness": "大病", "remote": "异地", "account": "个人账户"}


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _uses(doc: dict[str, Any], source_id: str) -> list[str]:
    used = [f"{PLANS[plan]}{PARTS[part]}" for plan, body in (doc.get("plans") or {}).items()
            for part, section in (body or {}).items() if isinstance(section, dict) and section.get("source") == source_id]
    notes = sum(1 for n in doc.get("notes") or () if n.get("source") == source_id)
    if notes:
        used.append(f"说明 {notes} 条")
    return used


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


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print("data/SOURCES.md 不是最新的:请运行 python scripts/gen_sources_md.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"已写入 {TARGET}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
