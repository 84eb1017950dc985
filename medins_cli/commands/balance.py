"""``medins balance``: the personal account (个人账户) — what it pays, how to check it, what to do
when it runs short, and, with ``--amount``, who pays what of one bill."""


# No `from __future__ import annotations`: typer resolves every command's option types when it
# builds the app, on every run; real annotations save it evaluating strings (~5 ms for the three guides).
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from medins_cli.commands import options as o
from medins_cli.errors import guard

if TYPE_CHECKING:
    from medins_cli.commands.claims import ClaimArgs

HELP = """医保个人账户:能付什么、钱从哪来、怎么查余额、余额不够怎么办。

给出 --amount 时算出一张账单由谁付多少(统筹基金、大病保险、个人账户、家庭共济、现金)。

示例:

  medins balance

  medins balance --balance 120 --amount 8000 --region 绵阳 --tier 3

  medins balance --balance 120 --family 300 --amount 8000 -r 绵阳 --tier 3 --format json

  medins balance --type resident --amount 8000 -r 绵阳 --tier 3

  medins balance --remote filed --visit 门诊 --balance 500 --amount 300 -r 绵阳 --tier 2

  medins balance --salary 6000 --months 12 -r 绵阳
"""

EPILOG = o.words_epilog()
MAX_MONTHS = 600


@guard
@o.claim_options()
def balance(
    args: "ClaimArgs",
    balance_: Annotated[Optional[str], typer.Option("--balance", "-b", help="个人账户余额(元),如 120",
                                                    show_default=False)] = None,
    family: Annotated[Optional[str], typer.Option("--family", help="家庭共济:已绑定家人账户可用的余额(元)",
                                                  show_default=False)] = None,
    salary: Annotated[Optional[str], typer.Option("--salary", help="月缴费基数(元),估算在职职工每月划入个人账户多少",
                                                  show_default=False)] = None,
    months: Annotated[Optional[str], typer.Option("--months", help="估算多少个月的划入 [默认 12]",
                                                  show_default=False)] = None,
    fmt: Annotated[Optional[str], o.format_option("table|markdown|plain|json")] = None,
    quiet: o.Quiet = False,
) -> None:
    from medins_cli.commands.claims import find_place
    from medins_cli.commands.env import Env
    from medins_cli.core.money import ZERO, parse_amount
    from medins_cli.core.names import normalize_plan, normalize_remote
    from medins_cli.render import guide_payloads as gp
    from medins_cli.render import guides as rg
    from medins_cli.render.output import FORMATS_DOC, resolve_format
    from medins_cli.store import guides

    env = Env(quiet=quiet)
    form = resolve_format(fmt, FORMATS_DOC)
    cfg = env.config
    bal = parse_amount(balance_, "个人账户余额 --balance") if balance_ is not None else None
    fam = parse_amount(family, "家庭共济余额 --family") if family is not None else ZERO
    pay = parse_amount(salary, "月缴费基数 --salary") if salary is not None else None
    n_months = _months(months)
    want_projection = salary is not None or months is not None
    is_retired = args.retired if args.retired is not None else bool(cfg.get("retired", False))

    if args.amount is None:
        warnings: list[str] = []
        if balance_ is not None or family is not None:
            warnings.append("--balance / --family 要和 --amount 一起用,才能算出一张账单由谁付多少")
        plan_word = args.type or cfg.get("type")
        plan = normalize_plan(plan_word) if plan_word else None
        region_name = args.region or cfg.get("region")
        place = find_place(region_name) if region_name else None
        policy = _policy_if_any(args, cfg) if want_projection else _hotline_policy(region_name, args.policy_file)
        warnings += args.notes  # e.g. the policy is for a year already past
        projection = _projection(pay, n_months, is_retired, plan, policy) if want_projection else None
        focus = "remote" if args.remote is not None else None
        if args.remote is not None:
            normalize_remote(args.remote)  # a typo is still a usage error
        payload = gp.balance_info_payload(guides.guide("balance", (place, "any")), place, plan, focus=focus,
                                          projection=projection, hotline=_hotline(policy), warnings=warnings)
        env.deliver(payload, rg.balance_doc, form)
        return

    payload = _split(args, cfg, bal, fam, pay, n_months, want_projection, is_retired)
    env.deliver(payload, rg.balance_doc, form)


def _months(text: str | None) -> int:
    from medins_cli.errors import UsageError

    if text is None:
        return 12
    try:
        value = int(str(text).strip().removesuffix("个月").removesuffix("月"))
    except ValueError:
        raise UsageError(f"--months「{text}」不是整数:请写 1 到 {MAX_MONTHS} 之间的月数,如 12") from None
    if not 1 <= value <= MAX_MONTHS:
        raise UsageError(f"--months 应在 1 到 {MAX_MONTHS} 之间(收到 {value})")
    return value


def _policy_if_any(args: Any, cfg: dict[str, Any]) -> Any:
    """The region's policy when one is named and has a data file; None otherwise (info mode)."""
    from medins_cli.commands.claims import resolve_policy
    from medins_cli.errors import UsageError

    if args.policy_file is None and not (args.region or cfg.get("region")):
        return None
    try:
        return resolve_policy(args, cfg)
    except UsageError:
        if args.policy_file is not None:
            raise
        return None  # a place the guides know but with no region file (e.g. 厦门)


def _hotline_policy(region: Optional[str], policy_file: Any) -> Any:
    """The region's policy, only to show its hotline: any trouble with it is for the commands that
    compute with it to report."""
    from medins_cli.commands.claims import ClaimArgs, resolve_policy
    from medins_cli.errors import MedinsError

    if not region and policy_file is None:
        return None
    try:
        return resolve_policy(ClaimArgs(region=region, policy_file=policy_file), {})
    except MedinsError:
        return None


def _hotline(policy: Any) -> dict[str, Any] | None:
    """The region's own 医保 line, when its data file gives one (cited by the file's first source)."""
    if policy is None or not policy.region.hotline or not policy.sources:
        return None
    from medins_cli.render import estimate as present

    sid = next(iter(policy.sources))
    return {"name": policy.region.name, "number": policy.region.hotline, "source": sid,
            "source_info": present.sources_payload(policy, [sid])}


def _split(args: Any, cfg: dict[str, Any], bal: Decimal | None, fam: Decimal, pay: Decimal | None, n_months: int,
           want_projection: bool, is_retired: bool) -> dict[str, Any]:
    from medins_cli.commands.claims import check_confidence, resolve_claim
    from medins_cli.core.account import account_payable, account_use, split_payment
    from medins_cli.core.engine import estimate
    from medins_cli.core.money import ZERO
    from medins_cli.render import estimate as present
    from medins_cli.render import guide_payloads as gp
    from medins_cli.store import guides

    policy, claim, year, warnings, notes, minimum = resolve_claim(args, cfg)
    bd = estimate(policy, claim, year, explain=False)
    check_confidence(policy, bd.sources, minimum, args.origins.get("min_confidence"))
    warnings = list(warnings)
    use = account_use(claim)  # out-of-area rules: the account and 家庭共济 alike; residents have no account
    allowed, reason, family_allowed, family_reason = use.account, use.account_reason, use.family, use.family_reason
    warnings += use.notes
    if bal is None:
        bal = ZERO
        if claim.plan == "employee":
            warnings.append("没有给出 --balance,按个人账户余额 0 计算")
    elif claim.plan == "resident" and bal > 0:
        warnings.append("城乡居民医保没有个人账户,已忽略 --balance")
    balance_used = ZERO if claim.plan == "resident" else bal
    payment = split_payment(bd, balance_used, fam, account_allowed=allowed, family_allowed=family_allowed)
    est = present.breakdown_payload(policy, claim, bd, assumptions=notes, origins=args.origins)
    projection = _projection(pay, n_months, is_retired, claim.plan, policy) if want_projection else None
    place = guides.Place(policy.region.name, policy.region.province)
    return gp.balance_split_payload(guides.guide("balance", (place, "any")), est, payment, balance=balance_used,
                                    family=fam, account_allowed=allowed, account_reason=reason,
                                    projection=projection, payable=account_payable(bd),
                                    family_allowed=family_allowed, family_reason=family_reason, warnings=warnings)


def _projection(salary: Decimal | None, months: int, retired: bool, plan: str | None, policy: Any) -> dict[str, Any]:
    """How much goes into the account each month: in service, the contribution rate × the base;
    retired, the region's fixed amount when its data gives one — never a guess."""
    from medins_cli.core.account import monthly_credit
    from medins_cli.core.money import round_fen
    from medins_cli.render import estimate as present
    from medins_cli.store import guides

    base: dict[str, Any] = {"months": months, "salary": salary, "rate": None, "monthly": None, "total": None}
    if plan == "resident":
        src = guides.load("balance")["resident"][0]["source"]
        return {**base, "kind": "none", "known": False, "source": src,
                "text": "城乡居民医保没有个人账户,没有每月划入"}
    section = (policy.plans.get("employee") or {}).get("account") if policy is not None else None
    account = section.rule if section is not None else None
    account_source = section.source if section is not None else None
    where = policy.region.name if policy is not None else "该地"

    def with_source(data: dict[str, Any], sid: str) -> dict[str, Any]:
        info = present.sources_payload(policy, [sid]) if policy is not None else []
        return {**data, "source": sid, "source_info": info}

    if retired:
        if account is not None and account.retiree_monthly is not None:
            monthly = account.retiree_monthly
            return with_source({**base, "kind": "retiree", "known": True, "monthly": monthly,
                                "total": round_fen(monthly * months),
                                "text": f"{where}退休人员每月由统筹基金定额划入 {monthly:f} 元"}, str(account_source))
        return {**base, "kind": "retiree", "known": False, "source": "policy-notes-national",
                "text": f"{where}的数据没有退休人员每月划入额,无法估算(转述的全国性规定称约为当地平均养老金的2%,"
                        "待核实);请向当地医保局查询"}
    if salary is None:
        default = guides.default_contribution_rate()
        return {**base, "kind": "in_service", "known": False, "source": default["source"],
                "text": "请用 --salary 给出月缴费基数(一般为工资),才能估算每月划入多少"}
    default = guides.default_contribution_rate()
    if account is not None and account.contribution_rate is not None and account_source != default["source"]:
        rate, sid = account.contribution_rate, str(account_source)
        text = f"{where}数据:在职职工按缴费基数的 {(rate * 100).normalize():f}% 划入个人账户"
    elif account is not None and account.contribution_rate is not None:
        # the region file cites the same article as the generic figure: it is not the region's own rule
        rate, sid = account.contribution_rate, str(account_source)
        text = (f"{where}的数据写的是文章所说的通行比例,不是{where}本地的规定,按通行比例计:"
                f"{default['text']}")
    else:
        rate, sid = Decimal(str(default["value"])), default["source"]
        text = f"{where}的数据没有划入比例,按文章所说的通行比例计:{default['text']}"
    monthly = monthly_credit(salary, rate)
    data = {**base, "kind": "in_service", "known": True, "rate": rate, "monthly": monthly,
            "total": round_fen(monthly * months), "text": text}
    return with_source(data, sid)
