"""The JSON contract of the guide commands (checklist, transfer-guide, balance), built from the
guide records the store selected (:class:`medins_cli.store.guides.Guide`); the text views are
drawn from these payloads by :mod:`medins_cli.render.guides`.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from medins_cli.core.model import Source
from medins_cli.core.sourced import walk_sources
from medins_cli.render.sources import sources_payload

GUIDE_DISCLAIMER = "以上根据公开文章整理,仅供参考;各地规定不同,办理前请向参保地医保经办机构核实。"
ACTORS = {"you": "你", "from": "转出地", "to": "转入地"}

def _region_texts(rules: list[dict[str, Any]], role_label: bool = False) -> list[dict[str, Any]]:
    """Region rules flattened to notes: {region, role, text, source}; items become "需带" notes."""
    out: list[dict[str, Any]] = []
    for rule in rules:
        base = {"region": rule["matched"], "role": rule.get("role", "any")} if role_label else {"region": rule["matched"]}
        for item in rule["items"]:
            extra = f"({item['note']})" if item.get("note") else ""
            out.append({**base, "text": f"需带:{item['name']}{extra}", "source": item["source"]})
        out.extend({**base, "text": n["text"], "source": n["source"]} for n in rule["notes"])
    return out


EXAMPLE_CAVEAT = "各地不同,以参保地医保局为准"


def as_example(label: str, text: str) -> str:
    """One place's practice, labelled so it never reads as a general rule."""
    body = text.rstrip().removesuffix("。").removesuffix(";")
    return f"以{label}为例:{body};{EXAMPLE_CAVEAT}"


def _examples(others: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Lines of the rules that carry an ``example`` label but do not apply to the user's places
    (``others``), each labelled 「以…为例:…;各地不同,以参保地医保局为准」."""
    out: list[dict[str, Any]] = []
    for rule in others:
        label = rule.get("example")
        if not label:
            continue
        base = {"example": label, "regions": list(rule["regions"])}
        for item in rule["items"]:
            extra = f"({item['note']})" if item.get("note") else ""
            out.append({**base, "text": as_example(label, f"要带{item['name']}{extra}"), "source": item["source"]})
        out.extend({**base, "text": as_example(label, n["text"]), "source": n["source"]} for n in rule["notes"])
    return out


def _no_rules_warning(place: Any, rules: list[dict[str, Any]], what: str) -> list[str]:
    if place is not None and not rules:
        return [f"数据中没有{place.name}{what}的特别规定,以下为通用内容"]
    return []


def scenario_list_payload(scenarios: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """`medins checklist --list --format json`: one row per scenario."""
    return [
        {"id": s["id"], "name": s["name"], "summary": s["summary"], "aliases": s["aliases"],
         "regions": list(dict.fromkeys(n for r in s["region_rules"] for n in r["regions"]))}
        for s in scenarios
    ]


_FIGURES = {"outpatient_cap": ("outpatient", "门诊统筹年度限额"), "inpatient_cap": ("inpatient", "住院年度封顶线")}


def figure_notes(policy: Any, kinds: Iterable[str]) -> list[dict[str, Any]]:
    """The region's own figures a checklist asks for (``region_figures``), one note per kind, citing
    the region file's source: e.g. 「绵阳数据:门诊统筹年度限额 职工 2,000.00 元(退休 2,500.00 元)、居民 200.00 元」."""
    from medins_cli.core.money import money

    notes = []
    for kind in kinds:
        attr, label = _FIGURES[kind]
        parts: list[str] = []
        source: str | None = None
        for plan_key, plan_word in (("employee", "职工"), ("resident", "居民")):
            section = (policy.plans.get(plan_key) or {}).get(attr)
            rule: Any = section.rule if section is not None else None
            if section is None or getattr(rule, "annual_cap", None) is None:
                continue
            retiree = getattr(rule, "retiree_annual_cap", None)
            parts.append(f"{plan_word} {money(rule.annual_cap)} 元"
                         + (f"(退休 {money(retiree)} 元)" if plan_key == "employee" and retiree is not None else ""))
            source = source or section.source_of("annual_cap")
        if parts and source:
            notes.append({"text": f"{policy.region.name}数据:{label} {'、'.join(parts)}", "source": source,
                          "region": policy.region.name})
    return notes


def checklist_payload(g: Any, place: Any, *, figures: Iterable[dict[str, Any]] = (),
                      figure_sources: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    """One scenario's checklist (``g``, the scenario selected for ``place``), with the user's region's
    items and notes added (``region`` set).

    ``figures`` are notes from the region's own data file (:func:`figure_notes`), ``figure_sources``
    that file's sources for them."""
    scenario, rules = g.data, g.applying
    figures = list(figures)
    items = [{**i, "region": None} for i in scenario["items"]]
    items += [{**i, "region": r["matched"]} for r in rules for i in r["items"]]
    notes = [{**n, "region": None} for n in scenario["notes"]]
    notes += figures
    notes += [{**n, "region": r["matched"]} for r in rules for n in r["notes"]]
    data: dict[str, Any] = {
        "guide": "checklist",
        "id": scenario["id"],
        "name": scenario["name"],
        "aliases": scenario["aliases"],
        "summary": scenario["summary"],
        "region": place.payload() if place else None,
        "when": scenario["when"],
        "items": items,
        "parts": [{"id": part["id"], "title": part["title"],
                   "items": [{**i, "region": None} for i in part["items"]],
                   "notes": [{**n, "region": None} for n in part["notes"]]} for part in scenario.get("parts", ())],
        "submit": scenario["submit"],
        "deadline": scenario["deadline"],
        "payment_time": scenario["payment_time"],
        "steps": scenario["steps"],
        "notes": notes,
        "examples": _examples(g.others),
        "warnings": _no_rules_warning(place, rules or figures, "办理此事"),
    }
    data["sources"] = _merge_sources(g.sources, walk_sources(data), figure_sources)
    data["disclaimer"] = GUIDE_DISCLAIMER
    return data


def transfer_payload(g: Any, origin: Any, dest: Any, plan: str | None = None) -> dict[str, Any]:
    """医保关系转移接续: conditions, numbered steps, the balance, and the two regions' own rules
    (``g``: transfer.yaml selected for the origin as ``from`` and the destination as ``to``)."""
    guide, rules = g.data, g.applying
    warnings: list[str] = []
    if plan == "resident":
        warnings.append("你是城乡居民医保:下面的步骤是职工医保关系转移;居民换城市怎么办,见「城乡居民医保换城市」")
    named = [f"{p.name}{what}" for p, what in ((origin, "转出"), (dest, "转入")) if p is not None]
    if named and not rules:
        warnings.append(f"数据中没有{'、'.join(named)}的特别规定,以下为通用内容")
    if origin is None:
        warnings.append("没有指定转出地:加 --from 广州(或先 medins config set region 广州)可看该地的特别规定")
    if dest is None:
        warnings.append("没有指定转入地:加 --to 南京 可看转入地的特别规定")
    if origin is not None and dest is not None and origin.name == dest.name:
        warnings.append("转出地和转入地相同:同一统筹地区内不需要办转移接续")
    data: dict[str, Any] = {
        "guide": "transfer",
        "plan": plan,
        "from": origin.payload() if origin else None,
        "to": dest.payload() if dest else None,
        "conditions": guide["conditions"],
        "steps": [{**s, "actor_label": ACTORS[s["actor"]]} for s in guide["steps"]],
        "balance": guide["balance"],
        "resident_notes": guide["resident"],
        "notes": guide["notes"],
        "region_notes": _region_texts(rules, role_label=True),
        "examples": _examples(g.others),
        "warnings": warnings,
    }
    data["sources"] = sources_payload(g.sources, walk_sources(data))
    data["disclaimer"] = GUIDE_DISCLAIMER
    return data


def scope(home: Any, care: Any) -> str | None:
    """in_province | cross_province | same_region, when both places (and provinces) are known."""
    if home is None or care is None:
        return None
    if home.name == care.name:
        return "same_region"
    if home.province and care.province:
        return "in_province" if home.province == care.province else "cross_province"
    return None


def filing_payload(g: Any, home: Any, care: Any, cost: dict[str, Any] | None = None,
                   plan: str | None = None) -> dict[str, Any]:
    """异地就医备案: types, channels, steps, the home province's rules and what not filing costs
    (``g``: filing.yaml selected for the home place).

    For 城乡居民医保 (``plan="resident"``) the personal-account section is left out: there is none."""
    guide, rules = g.data, g.applying
    where = scope(home, care)
    warnings = _no_rules_warning(home, rules, "异地就医备案")
    if home is None:
        warnings.append("没有指定参保地:加 --from 绵阳(或 --region,或先 medins config set region)可看该省的规定")
    if where == "same_region":
        warnings.append("参保地和就医地相同,不属于异地就医,不需要备案")
    data: dict[str, Any] = {
        "guide": "filing",
        "plan": plan,
        "region": home.payload() if home else None,
        "to": care.payload() if care else None,
        "scope": where,
        "types": guide["types"],
        "channels": guide["channels"],
        "steps": guide["steps"],
        "unfiled": guide["unfiled"],
        "account": [] if plan == "resident" else guide["account"],
        "notes": (guide["resident"] if plan == "resident" else []) + guide["notes"],
        "region_notes": _region_texts(rules),
        "examples": _examples(g.others),
        "cost": cost,
        "warnings": warnings,
    }
    data["sources"] = sources_payload(g.sources, walk_sources({k: v for k, v in data.items() if k != "cost"}))
    data["disclaimer"] = GUIDE_DISCLAIMER
    return data


def balance_sections(g: Any) -> dict[str, Any]:
    """balance.yaml's sections plus the notes of the user's region (``region_notes``)."""
    guide, rules = g.data, g.applying
    keys = ("uses", "funding", "properties", "check", "shortfall", "options", "suspension")
    data = {k: guide[k] for k in keys}
    data["remote_notes"] = guide["remote"]
    data["resident_notes"] = guide["resident"]
    data["region_notes"] = _region_texts(rules)
    return data


def _merge_sources(known: Mapping[str, Source], ids: Iterable[str],
                   extra: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Guide sources for ``ids`` plus other sources (a region file's) not already listed."""
    out = sources_payload(known, ids)
    seen = {s["id"] for s in out}
    for src in extra:
        if src["id"] not in seen:
            out.append(src)
            seen.add(src["id"])
    return out


def balance_info_payload(g: Any, place: Any, plan: str | None, *, focus: str | None = None,
                         projection: dict[str, Any] | None = None, hotline: dict[str, Any] | None = None,
                         warnings: Iterable[str] = ()) -> dict[str, Any]:
    """`medins balance` without an amount: what the personal account is and how to use it.

    ``hotline`` ({name, number, source, source_info}) is the region's own 医保 line from its data file."""
    projection = dict(projection) if projection else None
    extra = projection.pop("source_info", []) if projection else []
    sections = balance_sections(g)
    if hotline:
        sections["check"] = [*sections["check"], {"channel": f"{hotline['name']}医保热线",
                                                  "path": f"{hotline['number']}(该地数据文件所列)",
                                                  "source": hotline["source"]}]
        extra = [*extra, *hotline.get("source_info", [])]
    data: dict[str, Any] = {
        "mode": "info",
        "region": place.payload() if place else None,
        "plan": plan,
        "has_account": plan != "resident",
        "focus": focus,
        **sections,
        "projection": projection,
        "warnings": list(warnings) + _no_rules_warning(place, sections["region_notes"], "个人账户"),
    }
    data["sources"] = _merge_sources(g.sources, walk_sources(data), extra)
    data["disclaimer"] = GUIDE_DISCLAIMER
    return data


def _out_of_range_source(g: Any) -> str:
    """The source of 「超出医保政策范围的费用不能用个人账户」 (balance.yaml's uses)."""
    return next(u["source"] for u in g.data["uses"] if "政策范围" in u["text"])


def balance_split_payload(g: Any, estimate: dict[str, Any], payment: Any, *, balance: Any, family: Any,
                          account_allowed: bool, account_reason: str | None, projection: dict[str, Any] | None,
                          payable: Any, family_allowed: bool | None = None, family_reason: str | None = None,
                          warnings: Iterable[str] = ()) -> dict[str, Any]:
    """`medins balance --amount`: who pays what — the estimate's insurance parts, then the personal
    account (up to ``balance``), 家庭共济 (up to ``family``) and cash. Parts sum to ``total``.
    The accounts pay only the policy-range share (``account_payable``); 全自费 is always cash."""
    from medins_cli.core.money import money

    if family_allowed is None:
        family_allowed, family_reason = account_allowed, account_reason
    sections = balance_sections(g)
    plan = estimate["plan"]
    projection = dict(projection) if projection else None
    extra = list(estimate["sources"]) + (projection.pop("source_info", []) if projection else [])
    cash = payment.cash_pay
    self_pay = estimate["self_pay"]
    cash_in_range = cash - self_pay  # cash for the policy-range share: the accounts ran out (or cannot pay)
    short = (account_allowed or family_allowed) and cash_in_range > 0
    shortfall = sections["shortfall"]
    pay_by = "要用现金、银行卡、信用卡或微信、支付宝支付"
    advice: list[dict[str, Any]] = []
    if not account_allowed and not family_allowed:
        advice.append({"text": f"{family_reason or account_reason}:个人负担的 {money(cash)} 元{pay_by}", "source": shortfall[0]["source"]})
        advice += shortfall[1:2]
    elif cash_in_range > 0:
        paid = []
        if payment.account_pay:
            paid.append(f"个人账户付 {money(payment.account_pay)} 元")
        if payment.family_pay:
            paid.append(f"家庭共济付 {money(payment.family_pay)} 元")
        head = ("、".join(paid) + ",政策范围内其余 ") if paid else "政策范围内的个人负担 "
        advice.append({"text": f"{head}{money(cash_in_range)} 元{pay_by}", "source": shortfall[0]["source"]})
        advice += shortfall[1:]
    else:
        advice.append({"text": f"政策范围内的个人负担 {money(payable)} 元可全部由个人账户和家庭共济支付",
                       "source": shortfall[0]["source"]})
    if self_pay > 0 and (account_allowed or family_allowed):
        advice.append({"text": f"全自费(目录外)的 {money(self_pay)} 元超出医保政策范围,不能用个人账户或家庭共济支付,"
                               f"{pay_by}", "source": _out_of_range_source(g)})
    data: dict[str, Any] = {
        "mode": "split",
        "region": estimate["region"],
        "province": estimate["province"],
        "plan": plan,
        "visit": estimate["visit"],
        "tier": estimate["tier"],
        "retired": estimate["retired"],
        "remote": estimate["remote"],
        "balance": balance,
        "family": family,
        "account_allowed": account_allowed,
        "family_allowed": family_allowed,
        "account_reason": account_reason,
        "family_reason": None if family_allowed else family_reason,
        "fund_pay": payment.fund_pay,
        "critical_illness_pay": payment.critical_illness_pay,
        "account_pay": payment.account_pay,
        "family_pay": payment.family_pay,
        "cash_pay": cash,
        "total": payment.total,
        "out_of_pocket": estimate["out_of_pocket"],
        "self_pay": self_pay,
        "account_payable": payable,
        "balance_left": balance - payment.account_pay,
        "family_left": family - payment.family_pay,
        "short": short,
        "advice": advice,
        "options": sections["options"] if cash > 0 else [],
        "remote_notes": sections["remote_notes"] if estimate["remote"] else [],
        "resident_notes": sections["resident_notes"] if plan == "resident" else [],
        "region_notes": sections["region_notes"],
        "projection": projection,
        "estimate": estimate,
        "warnings": list(warnings),
    }
    data["sources"] = _merge_sources(g.sources, walk_sources({k: v for k, v in data.items() if k != "estimate"}),
                                     extra)
    data["disclaimer"] = estimate["disclaimer"]
    return data
