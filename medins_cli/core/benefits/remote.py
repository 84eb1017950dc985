"""Out-of-area care (异地就医): a modifier. The home region's ratios apply, changed by the kind of
filing: × a factor, or minus some points (``filed``, ``transfer`` 转诊, ``unfiled``, ``emergency``)."""


from typing import Any, Mapping, NamedTuple

from medins_cli.core.arith import pct
from medins_cli.core.benefits import Context, Kind, Prep
from medins_cli.core.benefits.spec import Field, Spec, check_one_of
from medins_cli.core.messages import Msg
from medins_cli.core.model import RemoteRule, Section, dec
from medins_cli.core.money import ZERO
from medins_cli.core.names import REMOTES

KINDS = ("filed", "transfer", "unfiled", "emergency")


class RemoteSectionRule(NamedTuple):
    rules: Mapping[str, RemoteRule]  # filed | transfer | unfiled | emergency


def _rule_field(name: str, label: str) -> Field:
    return Field(name, "record", label, figure=False, fields=(
        Field("ratio_minus", "ratio", "比例减"), Field("factor", "ratio", "比例 ×")), doc=label)


class Remote(Kind):
    key = "remote"
    label = "异地就医"
    role = "modifier"
    order = 20
    doc = "异地就医:{factor: 0.8}(本地比例 × 0.8)或 {ratio_minus: 0.1}(减 10 个百分点)"
    spec = Spec(
        fields=(
            _rule_field("filed", "已备案(异地长期居住、安置等)"),
            _rule_field("transfer", "转诊备案"),
            _rule_field("unfiled", "未备案"),
            _rule_field("emergency", "急诊抢救"),
        ),
        checks=(check_one_of(("ratio_minus", "factor"), "异地规则写 {ratio_minus: 0.2} 或 {factor: 0.7} 之一", KINDS),),
    )

    def build(self, body: Mapping[str, Any]) -> RemoteSectionRule:
        return RemoteSectionRule({
            kind: RemoteRule(dec(rule.get("ratio_minus")), dec(rule.get("factor")))
            for kind in KINDS if (rule := body.get(kind)) is not None
        })

    def prepare(self, prep: Prep, section: Section | None, ctx: Context) -> None:  # type: ignore[override]
        remote = prep.remote
        if remote is None:
            return None
        if section is not None and section.note:
            ctx.notes.append(section.note)
        if section is not None and remote in section.rule.rules:
            rule = section.rule.rules[remote]
            ctx.remote_rule = rule
            ctx.sources.append(section.source)
            how = (f"比例 × {rule.factor.normalize():f}" if rule.factor is not None
                   else f"比例减 {pct(rule.ratio_minus or ZERO)}")
            ctx.remote_applied = f"{REMOTES[remote]}:{how}"
        else:
            ctx.bound_reasons.append(Msg("no_remote_rule", f"数据没有「{REMOTES[remote]}」的比例规则,按本地比例估算:"
                                                           "统筹支付是上限,实际可能更低", remote=remote))
        return None


REMOTE = Remote()
