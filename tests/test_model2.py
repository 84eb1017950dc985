"""Policy model 2 through the public face: dated versions chosen by the bill's date (estimate --date,
batch's date column), schema 1 and schema 2 files giving identical figures, policy migrate, and the
checks on versions."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from medins_cli.core import Bill, Claim, CoreError, YearSoFar, estimate
from medins_cli.errors import ExitCode
from medins_cli.store.migrate import migrated_text
from medins_cli.store.regions import load_policy

HERE = Path(__file__).parent
V1_FILES = [HERE / "policies" / "rules.yaml", HERE / "policies" / "example.yaml"]

DATED = """\
schema: 2
region: {name: 版本市, province: 四川}
sources:
  - {id: n2019, title: 2019年通知, confidence: secondary}
  - {id: n2026, title: 2026年通知, confidence: secondary}
sections:
  - {plan: employee, kind: inpatient, effective: 2019-01-01, until: 2019-12-31, source: n2019,
     tiers: {"3": {deductible: 800, ratio: 0.8}}, annual_cap: 100000}
  - {plan: employee, kind: inpatient, effective: 2026-01-01, source: n2026,
     tiers: {"3": {deductible: 750, ratio: 0.84}}, annual_cap: 500000}
"""
ARGS = ["-t", "职工", "--tier", "3", "--amount", "8000"]


def _dated(tmp_path: Path) -> str:
    path = tmp_path / "dated.yaml"
    path.write_text(DATED, encoding="utf-8")
    return str(path)


def test_the_bills_date_picks_the_version_in_force(run, tmp_path):
    path = _dated(tmp_path)
    old = run.json("estimate", "--policy-file", path, *ARGS, "--date", "2019-06-01")
    assert (old["deductible"], old["fund_pay"]) == (800, 5760)  # (8000 − 800) × 80 %
    assert old["sources"][0]["id"] == "n2019" and not any("不包括" in w for w in old["warnings"])
    new = run.json("estimate", "--policy-file", path, *ARGS)  # today: the 2026 version
    assert (new["deductible"], new["fund_pay"]) == (750, 6090)  # (8000 − 750) × 84 %
    between = run.json("estimate", "--policy-file", path, *ARGS, "--date", "2022-03-01")
    assert between["fund_pay"] == 5760  # no version covers 2022: the last one begun before it, said so
    assert any("不包括 2022-03-01" in w for w in between["warnings"])


def test_the_date_column_picks_the_version_in_batch(run, tmp_path):
    result = run("estimate", "--batch", "-", "--policy-file", _dated(tmp_path), "-q", "-f", "jsonl",
                 input="type,tier,amount,date\n职工,3,8000,2019-06-01\n职工,3,8000,2026-06-01\n职工,3,8000,\n")
    assert result.exit_code == 0, result.stderr
    import json

    assert [json.loads(line)["fund_pay"] for line in result.stdout.splitlines()] == [5760, 6090, 6090]


def test_versions_that_overlap_or_start_the_same_day_are_refused(run, tmp_path):
    path = tmp_path / "overlap.yaml"
    path.write_text(DATED.replace("until: 2019-12-31", "until: 2026-06-30"), encoding="utf-8")
    result = run("policy", "validate", str(path))
    assert result.exit_code == ExitCode.ERROR and "重叠" in result.stdout
    path.write_text(DATED.replace("effective: 2026-01-01", "effective: 2019-01-01"), encoding="utf-8")
    result = run("policy", "validate", str(path))
    assert result.exit_code == ExitCode.ERROR and "同一天生效" in result.stdout


def test_policy_show_lists_every_version(run, tmp_path):
    table = run("policy", "show", _dated(tmp_path), "-f", "table").stdout
    assert "2019-01-01 起至 2019-12-31" in table and "2026-01-01 起(现行)" in table


def test_policy_migrate_rewrites_a_schema_1_file_and_keeps_a_backup(run, tmp_path):
    path = tmp_path / "rules.yaml"
    shutil.copy(V1_FILES[0], path)
    before = run.json("estimate", "--policy-file", str(path), "-t", "职工", "--tier", "3", "--amount", "100000")
    result = run("policy", "migrate", str(path))
    assert result.exit_code == 0 and "已迁移" in result.stderr
    assert path.read_text(encoding="utf-8").splitlines()[0:1] != [] and "schema: 2" in path.read_text(encoding="utf-8")
    backups = list(tmp_path.glob("rules.yaml.bak-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == V1_FILES[0].read_bytes()
    after = run.json("estimate", "--policy-file", str(path), "-t", "职工", "--tier", "3", "--amount", "100000")
    assert {k: after[k] for k in ("fund_pay", "critical_illness_pay", "out_of_pocket")} == \
        {k: before[k] for k in ("fund_pay", "critical_illness_pay", "out_of_pocket")}
    again = run("policy", "migrate", str(path))
    assert again.exit_code == 0 and "已是 schema 2" in again.stderr
    assert run("policy", "validate", str(path)).exit_code == 0


def test_policy_migrate_refuses_a_broken_file(run, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(V1_FILES[0].read_text(encoding="utf-8").replace("ratio: 0.85}", "ratio: 1.85}", 1),
                    encoding="utf-8")
    before = path.read_bytes()
    result = run("policy", "migrate", str(path))
    assert result.exit_code == ExitCode.ERROR and "先改正再迁移" in result.stderr
    assert path.read_bytes() == before and not list(tmp_path.glob("*.bak-*"))


def _migrated(tmp_path_factory, source: Path) -> Path:
    folder = Path(tmp_path_factory.mktemp("v2"))
    path = folder / source.name
    text = migrated_text(source, source.read_text(encoding="utf-8"))
    assert text is not None
    path.write_text(text, encoding="utf-8")
    return path


amounts = st.decimals(min_value=Decimal("0.01"), max_value=1_500_000, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([0, 1]), amounts, st.sampled_from(["employee", "resident"]),
       st.sampled_from(["inpatient", "outpatient"]), st.sampled_from(["community", "1", "2", "3", "3a"]),
       st.booleans(), st.integers(1, 4), st.sampled_from([None, "filed", "transfer", "unfiled", "emergency"]),
       st.decimals(min_value=0, max_value=300_000, places=2))
def test_schema_1_and_schema_2_files_give_identical_figures(tmp_path_factory, which, total, plan, visit, tier,
                                                            retired, admission, remote, ytd):
    source = V1_FILES[which]
    v1, v2 = load_policy(source), load_policy(_migrated(tmp_path_factory, source))
    claim = Claim(Bill(total), tier=tier, plan=plan, visit=visit, retired=retired, remote=remote)
    year = YearSoFar(admissions=admission - 1, inpatient_fund=ytd, burden=ytd) if visit == "inpatient" else \
        YearSoFar(outpatient_fund=ytd, outpatient_eligible=ytd)
    try:
        a = estimate(v1, claim, year)
    except CoreError as exc:
        try:
            estimate(v2, claim, year)
        except CoreError as other:
            assert str(other) == str(exc)
            return
        raise AssertionError("schema 2 estimated what schema 1 refused") from None
    b = estimate(v2, claim, year)
    assert (a.fund_pay, a.critical_illness_pay, a.out_of_pocket, a.deductible, a.bound, a.warnings, a.steps) == \
        (b.fund_pay, b.critical_illness_pay, b.out_of_pocket, b.deductible, b.bound, b.warnings, b.steps)
