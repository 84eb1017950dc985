"""``medins transfer-guide``: moving insurance to another city (医保关系转移接续) and, with
``--filing``, filing for out-of-area care (异地就医备案) and what not filing costs."""


# No `from __future__ import annotations`: typer resolves every command's option types when it
# builds the app, on every run; real annotations save it evaluating strings (~5 ms for the three guides).
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from medins_cli.commands import options as o
from medins_cli.commands.completion import complete_region
from medins_cli.errors import guard

if TYPE_CHECKING:
    from medins_cli.commands.claims import ClaimArgs

HELP = """医保关系转移接续的步骤(谁来办、带什么、走什么渠道、多久),个人账户余额怎么转;加 --filing 看异地就医备案。

--from 是转出地(备案时为参保地),默认取配置的地区;--to 是转入地(备案时为就医地)。

--filing 加 --amount 比较这张账单已备案、转诊备案、未备案、急诊抢救时各付多少(与 estimate --remote 的数字相同);--remote 说明你是哪一种(如 --remote 转诊),那一行排在最前,“不备案多付”按它算。

示例:

  medins transfer-guide --from 广州 --to 南京

  medins transfer-guide --from 广州 --to 南京 --format markdown --output 转移.md

  medins transfer-guide --filing --from 绵阳 --to 成都

  medins transfer-guide --filing --from 绵阳 --tier 3 --amount 8000

  medins transfer-guide --filing --from 乌鲁木齐 --to 北京 -t 居民 --tier 3 --amount 80000 --remote 转诊

  medins transfer-guide --from 广州 --to 南京 --format json
"""

EPILOG = o.words_epilog()

From = Annotated[Optional[str], typer.Option("--from", "--region", "-r", help="转出地 / 参保地,如 广州(默认取配置)",
                                            autocompletion=complete_region, show_default=False)]
To = Annotated[Optional[str], typer.Option("--to", help="转入地 / 就医地,如 南京", autocompletion=complete_region,
                                          show_default=False)]


@guard
@o.claim_options(leave_out=("region",))  # --from is the region
def transfer_guide(
    from_: From = None,
    to: To = None,
    filing: Annotated[bool, typer.Option("--filing", help="异地就医备案:备案类型、渠道、本省规定、不备案的代价")] = False,
    *,
    args: "ClaimArgs",
    fmt: Annotated[Optional[str], o.format_option("table|markdown|plain|json")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="写入文件(默认格式按后缀:.md→markdown,.json→json,其他→plain)",
                                                   show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="--output 的文件已存在时覆盖")] = False,
    quiet: o.Quiet = False,
) -> None:
    from medins_cli.commands import env as d
    from medins_cli.commands.claims import find_place
    from medins_cli.commands.env import Env
    from medins_cli.core.names import normalize_plan
    from medins_cli.errors import UsageError
    from medins_cli.render import guide_payloads as gp
    from medins_cli.render import guides as rg
    from medins_cli.store import guides

    env = Env(quiet=quiet)
    form = d.choose_format(fmt, output)
    d.check_output(output, force)
    cfg = env.config
    home_name = from_ or cfg.get("region")
    origin = find_place(home_name) if home_name else None
    dest = find_place(to) if to else None
    args.region = home_name
    plan_word = args.type or cfg.get("type")
    plan = normalize_plan(plan_word) if plan_word else None
    if not filing:
        for given, what in ((args.amount, "--amount"), (args.remote, "--remote")):
            if given is not None:
                raise UsageError(f"{what} 只用于 --filing(估算不备案多付多少):请加 --filing,或去掉 {what}")
        payload = gp.transfer_payload(guides.guide("transfer", (origin, "from"), (dest, "to")), origin, dest, plan)
        env.deliver(payload, rg.transfer_doc, form, output, force)
        return
    if args.remote is not None and args.amount is None:
        raise UsageError("--remote 只用于 --filing --amount(把你这种异地就医情况排在比较的第一行):"
                         "请加 --amount,或去掉 --remote")
    cost = _filing_cost(args, cfg) if args.amount is not None else None
    payload = gp.filing_payload(guides.guide("filing", (origin, "any")), origin, dest, cost, plan)
    payload["warnings"] += args.notes
    env.deliver(payload, rg.filing_doc, form, output, force)


#: The ways out-of-area care is settled, in the order --filing compares them; the first two are filed.
REMOTE_ORDER = ("filed", "transfer", "unfiled", "emergency")
FILED_KINDS = ("filed", "transfer")


def _filing_cost(args: Any, cfg: dict[str, Any]) -> dict[str, Any]:
    """The person's own bill estimated filed, referred (转诊), unfiled and as an emergency, each as
    ``estimate --remote`` gives it. With ``--remote`` the person's own kind is ``yours`` (always
    estimated, as estimate would, even where the data has no rule for it), and 不备案多付 is counted
    against it when it is a filed kind."""
    from medins_cli.commands.claims import PolicyUnavailable, build_claim, check_confidence, resolve_claim
    from medins_cli.core.engine import estimate
    from medins_cli.core.money import round_fen
    from medins_cli.render import estimate as present

    try:
        policy, claim, year, _, notes, minimum = resolve_claim(args, cfg)
    except PolicyUnavailable:
        if args.region is None or args.policy_file is not None:
            raise
        claim = build_claim(args, cfg)
        return {"region": args.region, "plan": claim.plan, "visit": claim.visit, "tier": claim.tier,
                "amount": claim.total, "yours": claim.remote, "known": False,
                "reason": f"没有{args.region}的报销数据,算不出不备案多付多少;可用 --policy-file 提供该地数据"}
    yours = claim.remote
    base: dict[str, Any] = {"region": policy.region.name, "plan": claim.plan, "visit": claim.visit,
                            "tier": claim.tier, "amount": claim.total, "yours": yours}
    remote = (policy.at(claim.date).plans.get(claim.plan) or {}).get("remote")
    rules = remote.rule.rules if remote is not None else {}
    if "filed" not in rules or "unfiled" not in rules:
        return {**base, "known": False,
                "reason": f"{policy.region.name}的数据没有异地就医(已备案/未备案)报销比例,算不出不备案多付多少;"
                          f"可用 --policy-file 提供该地数据"}
    parts: dict[str, Any] = {}
    warnings: list[str] = []
    source_ids: list[str] = []
    for kind in REMOTE_ORDER:
        if kind not in rules and kind != yours:
            continue
        bd = estimate(policy, claim._replace(remote=kind), year, explain=False)
        parts[kind] = {"fund_pay": bd.fund_pay, "critical_illness_pay": bd.critical_illness_pay,
                       "out_of_pocket": bd.out_of_pocket, "ratio": bd.ratio_note, "remote_applied": bd.remote_applied,
                       "bound": bd.bound}
        check_confidence(policy, bd.sources, minimum, args.origins.get("min_confidence"))
        warnings += present.worded(bd.warnings, args.origins)
        source_ids += bd.sources
    basis = yours if yours in FILED_KINDS else "filed"
    extra = round_fen(parts["unfiled"]["out_of_pocket"] - parts[basis]["out_of_pocket"])
    return {**base, "known": True, **parts, "extra_cost": extra, "extra_cost_basis": basis,
            "warnings": list(dict.fromkeys(warnings)), "notes": list(notes),
            "sources": present.sources_payload(policy, dict.fromkeys(source_ids)),
            "disclaimer": present.disclaimer(policy)}
