"""Worked examples, computed by hand, through the public face (`medins estimate --policy-file`).

The policy is tests/policies/example.yaml, a user-written file in the documented format.
Each expected figure has its arithmetic beside it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLE = str(Path(__file__).parent / "policies" / "example.yaml")

CASES = [
    # (id, options, expected subset of the JSON)
    ("tier ratio", ["-t", "employee", "--tier", "2", "--amount", "8000"],
     {"deductible": 500, "fund_pay": 6600, "critical_illness_pay": 0, "out_of_pocket": 1400,  # (8000 − 500) × 0.88
      "effective_ratio": 0.825}),
    ("community tier", ["-t", "职工", "--tier", "社区", "--amount", "1000"],
     {"deductible": 200, "fund_pay": 736, "out_of_pocket": 264}),  # (1000 − 200) × 0.92
    ("bands", ["-t", "employee", "--tier", "3", "--amount", "8000"],
     {"deductible": 900, "fund_pay": 6185, "out_of_pocket": 1815}),  # (3000 − 900) × 0.85 + (8000 − 3000) × 0.88 = 1785 + 4400
    ("bands retiree", ["-t", "employee", "--tier", "三级", "--amount", "8000", "--retired"],
     {"fund_pay": 6398, "out_of_pocket": 1602}),  # 2100 × 0.88 + 5000 × 0.91 = 1848 + 4550
    ("below deductible", ["-t", "employee", "--tier", "2", "--amount", "450"],
     {"fund_pay": 0, "out_of_pocket": 450, "effective_ratio": 0}),
    ("repeat step", ["-t", "employee", "--tier", "2", "--amount", "8000", "--admission", "3"],
     {"deductible": 300, "fund_pay": 6776}),  # 500 − 100 × 2 = 300; (8000 − 300) × 0.88
    ("repeat step floor", ["-t", "employee", "--tier", "2", "--amount", "8000", "--admission", "6"],
     {"deductible": 100, "fund_pay": 6952}),  # 500 − 500 = 0 → floor 100; 7900 × 0.88
    ("repeat factor rounding", ["-t", "resident", "--tier", "2", "--amount", "5000", "--admission", "2"],
     {"deductible": 166.67, "fund_pay": 3383.33, "out_of_pocket": 1616.67}),  # 333.33 × 0.5 = 166.665 → 166.67; 4833.33 × 0.7 = 3383.331
    ("annual cap with ytd", ["-t", "employee", "--tier", "2", "--amount", "8000", "--ytd-fund", "145000"],
     {"fund_pay": 5000, "out_of_pocket": 3000, "cap_left": 5000}),  # 6600 capped at 150000 − 145000
    ("cap reached", ["-t", "employee", "--tier", "2", "--amount", "8000", "--ytd-fund", "150000"],
     {"fund_pay": 0, "critical_illness_pay": 0, "out_of_pocket": 8000}),
    ("critical illness first band", ["-t", "employee", "--tier", "2", "--amount", "200000"],
     {"fund_pay": 150000, "critical_illness_pay": 21000, "out_of_pocket": 29000}),
    # fund: 199500 × 0.88 = 175560 → cap 150000; burden 50000; (50000 − 15000) × 0.6 = 21000
    ("critical illness two bands", ["-t", "employee", "--tier", "2", "--amount", "300000"],
     {"fund_pay": 150000, "critical_illness_pay": 88500, "out_of_pocket": 61500}),
    # burden 150000: (100000 − 15000) × 0.6 + (150000 − 100000) × 0.75 = 51000 + 37500
    ("critical illness cap", ["-t", "employee", "--tier", "2", "--amount", "1000000"],
     {"fund_pay": 150000, "critical_illness_pay": 300000, "out_of_pocket": 550000}),
    # burden 850000: 51000 + 750000 × 0.75 = 613500 → cap 300000
    ("resident three bands", ["-t", "resident", "--tier", "3", "--amount", "10000"],
     {"deductible": 1000, "fund_pay": 5700, "critical_illness_pay": 0, "out_of_pocket": 4300}),
    # 2000 × 0.5 + 2000 × 0.6 + 5000 × 0.7 = 1000 + 1200 + 3500
    ("resident critical illness", ["-t", "resident", "--tier", "3", "--amount", "60000"],
     {"fund_pay": 40700, "critical_illness_pay": 5580, "out_of_pocket": 13720}),
    # fund 2200 + 55000 × 0.7 = 40700; burden 19300; (19300 − 10000) × 0.6 = 5580
    ("resident critical illness no cap", ["-t", "resident", "--tier", "3", "--amount", "200000"],
     {"fund_pay": 100000, "critical_illness_pay": 59000, "out_of_pocket": 41000}),
    # fund 2200 + 195000 × 0.7 = 138700 → cap 100000; burden 100000: 40000 × 0.6 + 50000 × 0.7
    ("self-pay and partial", ["-t", "employee", "--tier", "2", "--amount", "10,000元", "--self-pay", "1000",
                              "--partial-self-pay", "500"],
     {"eligible": 8500, "fund_pay": 7040, "out_of_pocket": 2960}),  # (8500 − 500) × 0.88
    ("half-up rounding", ["-t", "employee", "--tier", "3", "--amount", "900.10"],
     {"fund_pay": 0.09, "out_of_pocket": 900.01}),  # 0.10 × 0.85 = 0.085 → 0.09 (half-up, not half-even)
    ("remote unfiled minus", ["-t", "employee", "--tier", "2", "--amount", "8000", "--remote", "unfiled"],
     {"fund_pay": 5100, "remote_applied": "异地未备案:比例减 20%"}),  # 7500 × (0.88 − 0.20)
    ("remote emergency minus", ["-t", "employee", "--tier", "2", "--amount", "8000", "--remote", "急诊"],
     {"fund_pay": 5850}),  # 7500 × 0.78
    ("remote filed", ["-t", "employee", "--tier", "2", "--amount", "8000", "--remote", "filed"],
     {"fund_pay": 6600}),
    ("remote factor", ["-t", "resident", "--tier", "community", "--amount", "8000", "--remote", "unfiled"],
     {"fund_pay": 5253.5, "remote_applied": "异地未备案:比例 × 0.7"}),  # 7900 × 0.95 × 0.7 = 7900 × 0.665
    ("resident ignores retired", ["-t", "resident", "--tier", "community", "--amount", "8000", "--retired"],
     {"fund_pay": 7505}),  # 7900 × 0.95, no bonus for residents
    ("outpatient annual deductible", ["-t", "employee", "--visit", "门诊", "--tier", "1", "--amount", "600"],
     {"deductible": 100, "fund_pay": 250, "critical_illness_pay": 0, "out_of_pocket": 350}),  # 500 × 0.5
    ("outpatient ytd deductible", ["-t", "employee", "--visit", "outpatient", "--tier", "1", "--amount", "600",
                                   "--ytd-outpatient", "40"],
     {"deductible": 60, "fund_pay": 270}),  # (100 − 40) left; 540 × 0.5
    ("outpatient deductible used up", ["-t", "employee", "--visit", "outpatient", "--tier", "3", "--amount", "600",
                                       "--ytd-outpatient", "500"],
     {"deductible": 0, "fund_pay": 300}),
    ("outpatient cap", ["-t", "employee", "--visit", "outpatient", "--tier", "1", "--amount", "600",
                        "--ytd-fund", "1500"],
     {"fund_pay": 100, "out_of_pocket": 500}),  # 1600 − 1500 left
    ("outpatient no critical illness", ["-t", "employee", "--visit", "outpatient", "--tier", "1", "--amount", "100000"],
     {"fund_pay": 1600, "critical_illness_pay": 0, "out_of_pocket": 98400}),
    ("outpatient resident community", ["-t", "resident", "--visit", "outpatient", "--tier", "community", "--amount", "400",
                                  "--ytd-outpatient", "20"],
     {"deductible": 30, "fund_pay": 222}),  # 370 × 0.6
    ("outpatient tier not covered", ["-t", "resident", "--visit", "outpatient", "--tier", "3", "--amount", "400"],
     {"fund_pay": 0, "out_of_pocket": 400}),
]


@pytest.mark.parametrize("options, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_worked_example(run, options, expected):
    data = run.json("estimate", "--policy-file", EXAMPLE, *options)
    for key, value in expected.items():
        assert data[key] == value, (key, data[key], value)
    assert round(data["fund_pay"] + data["critical_illness_pay"] + data["out_of_pocket"], 2) == data["total"]
    assert data["region"] == "示例市"
    assert data["sources"][0]["id"] == "notice-2024"


def test_retiree_bonus_never_above_one(run, tmp_path):
    text = Path(EXAMPLE).read_text(encoding="utf-8").replace(
        'community: {deductible: 200, ratio: 0.92}', 'community: {deductible: 200, ratio: 0.99}'
    )
    policy = tmp_path / "high.yaml"
    policy.write_text(text, encoding="utf-8")
    data = run.json("estimate", "--policy-file", str(policy), "-t", "employee", "--tier", "community",
                    "--amount", "1000", "--retired")
    assert data["fund_pay"] == 800  # 0.99 + 0.03 → 1.00, not 1.02: (1000 − 200) × 1
    assert data["ratio"] == "100%"


def test_explain_lists_each_step_with_figures(run):
    result = run("estimate", "--policy-file", EXAMPLE, "-t", "employee", "--tier", "3", "--amount", "8000",
                 "--admission", "2", "--retired", "--explain", "--format", "table")
    assert result.exit_code == 0
    out = result.stdout
    assert "计算过程" in out
    assert "起付线 900.00 − 100.00 × 1" in out
    assert "(3000.00 − 800.00) × 88%" in out  # 0.85 + 0.03 retired
    assert "(8000.00 − 3000.00) × 91%" in out


def test_explain_json_has_steps(run):
    data = run.json("estimate", "--policy-file", EXAMPLE, "-t", "employee", "--tier", "2", "--amount", "8000",
                    "--explain")
    keys = [s["key"] for s in data["steps"]]
    assert keys[:2] == ["eligible", "deductible"]
    assert "fund_pay" in keys and "out_of_pocket" in keys
    fund = next(s for s in data["steps"] if s["key"] == "fund_pay")
    assert fund["value"] == 6600


def test_missing_remote_rule_warns(run):
    data = run.json("estimate", "--policy-file", EXAMPLE, "-t", "resident", "--tier", "community", "--amount", "8000",
                    "--remote", "emergency")
    assert data["fund_pay"] == 7505
    assert data["remote_applied"] is None
    assert any("异地急诊抢救" in w for w in data["warnings"])


def test_compare_tiers(run):
    data = run.json("estimate", "--policy-file", EXAMPLE, "-t", "employee", "--amount", "8000", "--compare", "tiers")
    rows = {r["tier"]: r for r in data["rows"]}
    assert set(rows) == {"community", "1", "2", "3"}
    assert rows["2"]["fund_pay"] == 6600 and rows["3"]["fund_pay"] == 6185
    assert rows["community"]["fund_pay"] == 7176  # 7800 × 0.92


def test_compare_csv(run):
    result = run("estimate", "--policy-file", EXAMPLE, "-t", "employee", "--amount", "8000", "--compare", "tiers",
                 "--format", "csv")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("tier,total,")
    assert len(lines) == 5


def test_explain_in_plain_goes_to_stdout(run):
    result = run("estimate", "--policy-file", EXAMPLE, "-t", "employee", "--tier", "2", "--amount", "8000",
                 "--explain", "--format", "plain")
    assert result.exit_code == 0
    steps = [line for line in result.stdout.splitlines() if line.startswith("step.")]
    assert steps[0].startswith("step.1: 政策范围内费用:")
    assert any("= 6600.00" in line for line in steps)


def test_compare_with_explain_is_a_usage_error(run):
    result = run("estimate", "--policy-file", EXAMPLE, "--amount", "8000", "--compare", "tiers", "--explain")
    assert result.exit_code == 2 and "--explain" in result.stderr
