"""From a slip file and options (and the config) to core slips, a policy and a claim; filling the
year-to-date figures from the ledger. Shared by ``medins slip …`` and ``medins estimate --person``.

Imported only by those code paths: the ledger (sqlite3) is imported inside the functions that
read it, so ``medins estimate`` without ``--person`` never loads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

from medins_cli.commands.claims import ClaimArgs, build_claim, resolve_policy
from medins_cli.core.model import Claim, Policy
from medins_cli.core.slip import MONEY, Slip, read_slip, suggest_field, with_amounts, with_context
from medins_cli.errors import UsageError

#: option name (as typed) of each slip amount; the total is --amount, as for estimate
AMOUNT_OPTIONS = {key: "--amount" if key == "total" else f"--{key.replace('_', '-')}" for key in MONEY}


@dataclass
class SlipOptions:
    """What the command line says about a slip: amounts and context (None when not given)."""

    amounts: dict[str, str | None] = field(default_factory=dict)
    region: str | None = None
    type: str | None = None
    visit: str | None = None
    tier: str | None = None
    retired: bool | None = None
    admission: str | None = None
    remote: str | None = None
    date: str | None = None
    hospital: str | None = None
    person: str | None = None
    policy_file: Path | None = None
    ytd: dict[str, str | None] = field(default_factory=dict)  # ytd_fund, ytd_outpatient, ytd_burden, ytd_critical

    def given_amounts(self) -> dict[str, Decimal]:
        from medins_cli.core.money import parse_amount

        return {key: parse_amount(value, f"{AMOUNT_OPTIONS[key]}") for key, value in self.amounts.items()
                if value is not None and value != ""}


def _context(opts: SlipOptions) -> dict[str, Any]:
    """The options' context, parsed as a slip's own fields would be (options win over the slip)."""
    raw = {k: v for k, v in (("region", opts.region), ("plan", opts.type), ("visit", opts.visit),
                             ("tier", opts.tier), ("admission", opts.admission), ("remote", opts.remote),
                             ("date", opts.date), ("hospital", opts.hospital), ("person", opts.person))
           if v is not None}
    parsed = read_slip(raw)
    out = {k: getattr(parsed, k) for k in raw}
    if opts.retired is not None:
        out["retired"] = opts.retired
    return out


def read_slips(source: str | None, opts: SlipOptions) -> tuple[list[Slip], list[str], list[str]]:
    """The slips of a file (or typed as options), each with the options applied; warnings about
    fields that were not understood, and notes (fields skipped as unrelated, how the file was read)."""
    from medins_cli.store.slips import load_slips

    typed = opts.given_amounts()
    warnings: list[str] = []
    notes: list[str] = []
    if source is None:
        if not typed:
            raise UsageError("没有结算单:给出结算单文件(- 为标准输入),或用 --amount、--fund-pay 等选项输入各项金额")
        mappings: list[dict[str, Any]] = [{}]
    else:
        mappings, found, _name = load_slips(source)
        notes += found
    context = _context(opts)
    slips = []
    for number, mapping in enumerate(mappings, 1):
        where = f"第 {number} 张结算单" if len(mappings) > 1 else "结算单"
        slip = with_context(with_amounts(read_slip(mapping), typed), **context)
        for name in slip.unknown:
            close = suggest_field(name)
            hint = f"是不是「{close}」?" if close else "见 medins slip check --help 的字段表"
            warnings.append(f"{where}里不认识的字段「{name}」没有使用:{hint}")
        if slip.skipped:
            notes.append(f"{where}里与报销计算无关的字段没有使用:{'、'.join(slip.skipped)}")
        slips.append(slip)
    return slips, warnings, notes


def ytd_args(opts: SlipOptions) -> dict[str, Any]:
    """The --ytd-* options given, as ClaimArgs keywords."""
    return {k: v for k, v in opts.ytd.items() if k in ("ytd_fund", "ytd_outpatient", "ytd_burden", "ytd_critical")}


def claim_context(slip: Slip, opts: SlipOptions, cfg: dict[str, Any]) -> tuple[ClaimArgs, list[str]]:
    """ClaimArgs for the slip's bill (context from the slip and options; the config fills the rest)."""
    args = ClaimArgs(region=slip.region, type=slip.plan, visit=slip.visit, tier=slip.tier, retired=slip.retired,
                     admission=slip.admission, remote=slip.remote, policy_file=opts.policy_file,
                     self_pay="0", **ytd_args(opts))
    notes = []
    if slip.visit is None:
        notes.append("结算单没有写就诊类型:按住院核对(门诊统筹请加 --visit 门诊)")
    return args, notes


def policy_and_claim(slip: Slip, opts: SlipOptions, cfg: dict[str, Any], args: ClaimArgs,
                     before_claim: Callable[[Policy | None], None] | None = None,
                     ) -> tuple[Policy | None, Claim | None, list[str]]:
    """The policy and claim to compare the slip with; None (and a warning why) when the region or
    the tier is not known from the slip, the options or the config. ``before_claim`` may fill
    ``args`` (from the ledger) once the policy is known."""
    warnings: list[str] = []
    if args.policy_file is None and not (args.region or cfg.get("region")):
        warnings.append("不知道参保地区(结算单、--region 和配置里都没有):只检查了加总;加 --region 绵阳 --tier 3 "
                        "可与政策对比")
        if before_claim is not None:
            before_claim(None)
        return None, None, warnings
    policy = resolve_policy(args, cfg)
    if before_claim is not None:
        before_claim(policy)
    if not (args.tier or cfg.get("tier")):
        warnings.append("不知道医院等级(结算单、--tier 和配置里都没有):只检查了加总;加 --tier 3 可与政策对比")
        return policy, None, warnings
    claim = build_claim(args, cfg, require_amount=False)
    return policy, claim, warnings


# ---- the ledger ------------------------------------------------------------------------


