"""One way from options to a claim (``commands.claims.resolve_claim``): every command that estimates a
bill offers the same claim options and reads them the same way.

Worked figures are 绵阳 as shipped (职工 住院 三级 750 / 84 %, 再次住院起付线减半; 职工大额 on the
year's burden above 12 000 at 70 %), the same as tests/test_ledger.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer.main
import yaml

from medins_cli.app import app

#: The options that decide one bill's estimate (estimate's, from --region to --date).
CLAIM_OPTIONS = ("--region", "--type", "--visit", "--tier", "--amount", "--self-pay", "--partial-self-pay",
                 "--retired", "--admission", "--ytd-fund", "--ytd-outpatient", "--ytd-burden", "--ytd-critical",
                 "--remote", "--policy-file", "--min-confidence", "--person", "--ledger", "--date")

#: Commands that estimate a bill, and the claim options each leaves out on purpose (with why).
LEFT_OUT = {
    ("estimate",): set(),
    ("balance",): set(),
    # every claim option: --from is also --region; --remote puts the person's own way first (--filing)
    ("transfer-guide",): set(),
    # a slip is compared with the figures whatever their confidence: testing them is the point
    ("slip", "check"): {"--min-confidence"},
    # a slip is always added to a person's ledger (--person, default 本人)
    ("slip", "add"): {"--min-confidence", "--ledger"},
}

MIANYANG = ["-r", "绵阳", "-t", "职工", "--tier", "3"]
SLIPS = [  # 妈妈's 2025, as in tests/test_ledger.py: two admissions (fund 5418 + 16485), burden 5297
    {"医疗费总额": 8000, "全自费金额": 500, "先行自付金额": 300, "符合政策范围金额": 7200, "起付标准": 750,
     "统筹基金支出": 5418, "个人账户支出": 1000, "个人现金支出": 1582, "结算日期": "2025-02-10", "就诊类型": "住院"},
    {"医疗费总额": 20000, "起付标准": 375, "统筹基金支出": 16485, "个人现金支出": 3515, "结算日期": "2025-04-01",
     "就诊类型": "住院"},
]
# What the ledger fills for a bill on 2025-06-01, said as options.
SAME_AS_LEDGER = ["--admission", "3", "--ytd-fund", "21903", "--ytd-burden", "5297", "--ytd-critical", "0"]


def _options(path: tuple[str, ...]) -> set[str]:
    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    return {name for p in command.params for name in (*p.opts, *getattr(p, "secondary_opts", ()))}


@pytest.mark.parametrize("path", sorted(LEFT_OUT))
def test_commands_that_estimate_offer_the_same_claim_options(path):
    missing = {o for o in CLAIM_OPTIONS if o not in _options(path)}
    assert missing == LEFT_OUT[path], f"{' '.join(path)} lacks {sorted(missing - LEFT_OUT[path])}"


@pytest.fixture
def mum(run, tmp_path: Path) -> None:
    slips = tmp_path / "slips.yaml"
    slips.write_text(yaml.safe_dump(SLIPS, allow_unicode=True), encoding="utf-8")
    assert run("slip", "add", str(slips), *MIANYANG, "--person", "妈妈").exit_code == 0


def test_balance_reads_the_year_so_far_as_estimate_does(run):
    # third admission: 750 × 0.5 = 375; (50000 − 375) × 84 % = 41685
    # burden 5297 + (50000 − 41685 = 8315) = 13612: (13612 − 12000) × 70 % = 1128.40
    data = run.json("balance", *MIANYANG, "--amount", "50000", "--balance", "1000", *SAME_AS_LEDGER)
    assert (data["fund_pay"], data["critical_illness_pay"]) == (41685, 1128.4)
    # 50000 − 41685 − 1128.40 = 7186.60: the account pays 1000, cash the rest
    assert (data["account_pay"], data["cash_pay"]) == (1000, 6186.6)


def test_balance_and_transfer_guide_take_the_year_from_the_ledger(run, mum):
    on = [*MIANYANG, "--amount", "50000", "--date", "2025-06-01"]
    from_ledger = run.json("balance", *on, "--person", "妈妈")
    assert (from_ledger["fund_pay"], from_ledger["critical_illness_pay"]) == (41685, 1128.4)
    assert any(n.startswith("从账本(妈妈,2025 年 2025-06-01 以前,2 张账单)") for n in from_ledger["estimate"]["notes"])
    table = run("balance", *on, "--person", "妈妈", "-f", "plain").stdout
    assert "从账本(妈妈" in table  # the table says where the year so far came from

    filing = ["transfer-guide", "--filing", "--from", "绵阳", "--to", "成都", "-t", "职工", "--tier", "3",
              "--amount", "50000", "--date", "2025-06-01"]
    by_ledger = run.json(*filing, "--person", "妈妈")["cost"]
    by_hand = run.json(*filing, *SAME_AS_LEDGER)["cost"]
    alone = run.json(*filing)["cost"]
    for kind in ("filed", "unfiled"):
        assert by_ledger[kind] == by_hand[kind]
    # filed: 绵阳's own ratio (× 1), so the figures worked above; without the ledger it is a first admission
    assert (by_ledger["filed"]["fund_pay"], by_ledger["filed"]["critical_illness_pay"]) == (41685, 1128.4)
    assert (alone["filed"]["fund_pay"], alone["filed"]["critical_illness_pay"]) == (41370, 0)  # (50000 − 750) × 84 %
    assert any(n.startswith("从账本(妈妈") for n in by_ledger["notes"])


def test_min_confidence_refuses_in_balance_and_transfer_guide(run):
    # 绵阳's figures come from the aggregator (unverified): asking for official refuses, exit 1
    result = run("balance", *MIANYANG, "--amount", "8000", "--min-confidence", "official")
    assert result.exit_code == 1 and "--min-confidence official" in result.stderr
    assert result.stdout == ""
    result = run("transfer-guide", "--filing", "--from", "绵阳", "-t", "职工", "--tier", "3", "--amount", "8000",
                 "--min-confidence", "official")
    assert result.exit_code == 1 and "--min-confidence official" in result.stderr


def test_a_bad_date_is_a_usage_error_everywhere(run):
    for command in (["estimate"], ["balance"], ["transfer-guide", "--filing", "--from", "绵阳"]):
        result = run(*command, *MIANYANG[2:], "-t", "职工", "--amount", "8000", "--date", "2025-13-40",
                     *([] if command[0] == "transfer-guide" else ["-r", "绵阳"]))
        assert result.exit_code == 2, (command, result.stderr)
        assert "--date" in result.stderr and "Traceback" not in result.stderr
        assert json.dumps(result.stdout) == '""'
