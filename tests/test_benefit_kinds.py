"""A benefit kind that exists only in this test flows through every face of medins: estimate (table,
JSON, plain), --explain, batch, policy show and policy validate. The proof that one module (here, a
class), one data section and one test are enough to add a kind (docs/architecture.md)."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any, Mapping, NamedTuple

import pytest

from medins_cli.core.arith import fmt, pct
from medins_cli.core.benefits import Context, Kind, Paid, Prep, Prepared, register, unregister
from medins_cli.core.benefits.spec import Field, Spec
from medins_cli.core.model import Bill, FigureUse, Limit, Section, Step, YearSoFar, dec
from medins_cli.core.money import ZERO, round_fen
from medins_cli.errors import ExitCode


class SupplementRule(NamedTuple):
    ratio: Decimal
    annual_cap: Decimal | None = None


class SupplementPaid(Prepared):
    """补充医疗: pays ``ratio`` of the policy-range share the basic fund and 大病 left, up to its cap."""

    def __init__(self, kind: Kind, section: Section, plan: str, retired: bool) -> None:
        self.kind, self.section, self.plan, self.retired = kind, section, plan, retired

    def pay(self, bill: Bill, year: YearSoFar, earlier: tuple[Paid, ...]) -> Paid:
        eligible = earlier[0].detail.eligible
        left = eligible - sum((p.amount for p in earlier), ZERO)
        raw = max(ZERO, left) * self.section.rule.ratio
        cap = self.section.rule.annual_cap
        return Paid(round_fen(raw if cap is None else min(raw, cap)), left)

    def steps(self, bill: Bill, year: YearSoFar, paid: Paid, earlier: tuple[Paid, ...]) -> list[Step]:
        fig = self.section.figure("ratio")
        use = FigureUse("ratio", self.kind.key, self.section.rule.ratio, fig.source or self.section.source,
                        fig.alternatives, self.section.position)
        return [Step("supplement_pay", "补充医疗", f"{fmt(paid.detail)} × {pct(self.section.rule.ratio)}", paid.amount,
                     (use,))]


class Supplement(Kind):
    key = "supplement"
    label = "补充医疗"
    role = "payer"
    payer = "supplement"
    payer_label = "补充医疗支付"
    visits = ("inpatient",)
    order = 40
    doc = "补充医疗保险(测试用)"
    spec = Spec(fields=(
        Field("ratio", "ratio", "补充比例", required=True),
        Field("annual_cap", "amount", "年度限额"),
    ))

    def build(self, body: Mapping[str, Any]) -> SupplementRule:
        return SupplementRule(Decimal(str(body["ratio"])), dec(body.get("annual_cap")))

    def prepare(self, prep: Prep, section: Section, ctx: Context) -> SupplementPaid:
        ctx.sources.append(section.source)
        return SupplementPaid(self, section, prep.plan, prep.retired)

    def limits(self, section: Section, plan: str, retired: bool, so_far: YearSoFar) -> list[Limit]:
        return []


POLICY = """\
schema: 2
region: {name: 补充市, province: 四川}
sources:
  - {id: n, title: 补充市医保待遇通知, confidence: secondary}
  - {id: page, title: 某网页, confidence: unverified}
sections:
  - plan: employee
    kind: inpatient
    effective: 2026-01-01
    tiers: {"3": {deductible: 1000, ratio: 0.8}}
    annual_cap: 500000
    source: n
  - plan: employee
    kind: supplement
    effective: 2026-01-01
    ratio: {value: 0.5, source: n, alternatives: [{value: 0.6, source: page, note: 网页的说法}]}
    annual_cap: 100000
    source: n
"""
ARGS = ["-t", "职工", "--tier", "3", "--amount", "11000"]
# 统筹 (11000 − 1000) × 80 % = 8000; left 11000 − 8000 = 3000 (no 大病 section); 补充 3000 × 50 % = 1500;
# the person pays 11000 − 8000 − 1500 = 1500


@pytest.fixture()
def supplement(tmp_path):
    kind = register(Supplement())
    path = tmp_path / "supplement.yaml"
    path.write_text(POLICY, encoding="utf-8")
    yield str(path)
    unregister(kind.key)


def test_the_kind_pays_in_the_json_estimate(run, supplement):
    data = run.json("estimate", "--policy-file", supplement, *ARGS)
    assert (data["fund_pay"], data["supplement_pay"], data["out_of_pocket"]) == (8000, 1500, 1500)
    assert [(line["kind"], line["amount"]) for line in data["lines"]] == [("inpatient", 8000), ("supplement", 1500)]
    assert data["fund_pay"] + data["critical_illness_pay"] + data["supplement_pay"] + data["out_of_pocket"] == 11000


def test_the_kind_is_explained_with_the_source_of_its_figure(run, supplement):
    data = run.json("estimate", "--policy-file", supplement, *ARGS, "--explain")
    step = next(s for s in data["steps"] if s["key"] == "supplement_pay")
    assert step["formula"] == "3000.00 × 50%" and step["value"] == 1500
    assert step["figures"] == [{"figure": "ratio", "kind": "supplement", "value": 0.5, "source": "n",
                                "alternatives": [{"value": 0.6, "source": "page", "note": "网页的说法"}]}]
    out = next(s for s in data["steps"] if s["key"] == "out_of_pocket")
    assert out["formula"].endswith("− 补充医疗支付 1500.00")


def test_the_kind_is_a_row_of_the_table(run, supplement):
    table = run("estimate", "--policy-file", supplement, *ARGS, "-f", "table").stdout
    assert "补充医疗支付" in table and "1,500.00" in table


def test_the_kind_is_a_batch_column(run, supplement):
    result = run("estimate", "--batch", "-", "--policy-file", supplement, "-q",
                 input="type,tier,amount\n职工,3,11000\n职工,3,900\n")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    header = result.stdout.splitlines()[0].split(",")
    assert header.index("supplement_pay") == header.index("critical_illness_pay") + 1
    assert [(r["fund_pay"], r["supplement_pay"], r["out_of_pocket"]) for r in rows] == [
        ("8000.00", "1500.00", "1500.00"), ("0.00", "450.00", "450.00")]  # 900 below the deductible: 900 × 50 %
    jsonl = run("estimate", "--batch", "-", "--policy-file", supplement, "-q", "-f", "jsonl",
                input="type,tier,amount\n职工,3,11000\n")
    assert json.loads(jsonl.stdout)["supplement_pay"] == 1500


def test_policy_show_describes_the_kind_from_its_spec(run, supplement):
    table = run("policy", "show", supplement, "-f", "table").stdout
    assert "职工医保 · 补充医疗" in table and "补充比例" in table and "50%" in table
    assert "另一来源 page" in table  # the alternative beside the figure
    doc = run.json("policy", "show", supplement)
    section = next(s for s in doc["sections"] if s["kind"] == "supplement")
    assert section["ratio"] == {"value": 0.5, "source": "n",
                                "alternatives": [{"value": 0.6, "source": "page", "note": "网页的说法"}]}


def test_policy_validate_checks_the_kind_by_its_spec(run, supplement, tmp_path):
    assert run("policy", "validate", supplement).exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(POLICY.replace("ratio: {value: 0.5,", "ratio: {value: 5,").replace("source: page, note",
                                                                                       "source: nope, note"),
                   encoding="utf-8")
    result = run("policy", "validate", str(bad))
    assert result.exit_code == ExitCode.ERROR
    assert "sections.1.ratio.value:应不大于 1" in result.stdout


def test_without_the_kind_registered_its_section_is_refused(run, tmp_path):
    path = tmp_path / "supplement.yaml"
    path.write_text(POLICY, encoding="utf-8")
    result = run("policy", "validate", str(path))
    assert result.exit_code == ExitCode.ERROR and "sections.1.kind" in result.stdout
