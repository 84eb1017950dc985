"""``medins estimate --batch``: formats, fallbacks, bad rows, --strict, --year-to-date.

Expected figures are worked by hand from data/regions/mianyang.yaml (职工 住院 三级: 起付 750,
84%, 第二次起起付线减半, 年度封顶 50 万; 大额 1.2 万起 70/80/85%) and tests/policies/example.yaml.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medins_cli.core import Bill, Claim, YearSoFar, estimate
from medins_cli.errors import ExitCode
from medins_cli.store.paths import shipped_data_dir
from medins_cli.store.regions import load_policy
from medins_cli.words import BATCH, word

EXAMPLE = str(Path(__file__).parent / "policies" / "example.yaml")
FIGURES = ["eligible", "deductible", "fund_pay", "critical_illness_pay", "out_of_pocket", "effective_ratio"]
#: each figure's lowest and highest where sources disagree (issue 19): empty for 绵阳, whose sources agree
RANGES = ["fund_pay_low", "fund_pay_high", "critical_illness_pay_low", "critical_illness_pay_high",
          "out_of_pocket_low", "out_of_pocket_high"]


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# ---- formats ----------------------------------------------------------------------------

CLAIMS_CSV = """id,region,type,tier,amount
a,绵阳,职工,3,8000
b,mianyang,居民,2,"8,000"
c,绵阳,职工,1,600
"""


def test_csv_in_csv_out(run, tmp_path):
    result = run("estimate", "--batch", _write(tmp_path, "c.csv", CLAIMS_CSV))
    assert result.exit_code == ExitCode.OK, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "id,region,type,tier,amount," + ",".join([*FIGURES, *RANGES]) + ",bound,warnings,error"
    assert lines[1].startswith("a,绵阳,职工,3,8000,8000.00,750.00,6090.00,0.00,1910.00,0.7613,,")  # (8000 − 750) × 84%
    assert lines[2].startswith('b,mianyang,居民,2,"8,000",8000.00,350.00,5967.00,0.00,2033.00,0.7459,,')  # (8000 − 350) × 78%
    assert lines[3].startswith("c,绵阳,职工,1,600,600.00,200.00,368.00,0.00,232.00,0.6133,,")  # (600 − 200) × 92%
    assert all(line.endswith(",") for line in lines[1:])  # no error
    assert len(lines) == 4


def test_csv_in_jsonl_out(run, tmp_path):
    result = run("estimate", "--batch", _write(tmp_path, "c.csv", CLAIMS_CSV), "--format", "jsonl")
    assert result.exit_code == ExitCode.OK, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["a", "b", "c"]
    assert records[0] == {"id": "a", "region": "绵阳", "type": "职工", "tier": "3", "amount": "8000",
                          "eligible": 8000, "deductible": 750, "fund_pay": 6090, "critical_illness_pay": 0,
                          "out_of_pocket": 1910, "effective_ratio": 0.7613, **dict.fromkeys(RANGES), "bound": None,
                          "warnings": records[0]["warnings"], "error": None}
    assert isinstance(records[0]["warnings"], list)
    assert records[1]["fund_pay"] == 5967  # (8000 − 350) × 78%


def test_jsonl_in_jsonl_out_keeps_values(run, tmp_path):
    text = ('{"id": 1, "region": "绵阳", "tier": 3, "amount": 8000, "type": "职工"}\n'
            "\n"
            '{"id": 2, "region": "绵阳", "tier": "2", "amount": 8000.5, "retired": true, "type": "employee"}\n')
    result = run("estimate", "--batch", _write(tmp_path, "c.jsonl", text))
    assert result.exit_code == ExitCode.OK, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["id"] == 1 and first["tier"] == 3 and first["fund_pay"] == 6090
    # retired employee: 88% + 3% = 91%; (8000.5 − 450) × 0.91 = 6870.955 → 6870.96
    assert second["retired"] is True and second["fund_pay"] == 6870.96 and second["error"] is None


def test_jsonl_in_csv_out(run, tmp_path):
    text = '{"id": 1, "region": "绵阳", "tier": 3, "amount": 8000}\n{"id": 2, "region": "绵阳", "tier": 3, "amount": 100}\n'
    result = run("estimate", "--batch", _write(tmp_path, "c.jsonl", text), "-f", "csv", "-q")
    assert result.exit_code == ExitCode.OK, result.stderr
    rows = _rows(result.stdout)
    assert [r["fund_pay"] for r in rows] == ["6090.00", "0.00"]
    assert rows[1]["out_of_pocket"] == "100.00"


def test_plain_is_tab_separated(run, tmp_path):
    result = run("estimate", "--batch", _write(tmp_path, "c.csv", CLAIMS_CSV), "-f", "plain")
    lines = result.stdout.splitlines()
    assert lines[0].split("\t") == ["id", "region", "type", "tier", "amount", *FIGURES, *RANGES, "bound", "warnings",
                                    "error"]
    assert lines[1].split("\t")[7] == "6090.00"


def test_stdin_dash_and_sniffing(run):
    result = run("estimate", "--batch", "-", input=CLAIMS_CSV)
    assert result.exit_code == ExitCode.OK, result.stderr
    assert _rows(result.stdout)[0]["fund_pay"] == "6090.00"
    jsonl = '{"region": "绵阳", "tier": "3", "amount": "8000"}\n'
    result = run("estimate", "--batch", "-", input=jsonl)  # a first line starting with { is JSON Lines
    assert json.loads(result.stdout)["fund_pay"] == 6090
    result = run("estimate", "--batch", "-", "--input-format", "jsonl", "-f", "csv", input=jsonl)
    assert _rows(result.stdout)[0]["out_of_pocket"] == "1910.00"


def test_excel_bom_and_column_spelling(run, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffRegion,Tier,Amount,Self-Pay\r\n绵阳,3,8000,1000\r\n".encode())
    result = run("estimate", "--batch", str(path))
    assert result.exit_code == ExitCode.OK, result.stderr
    row = _rows(result.stdout)[0]
    assert row["Region"] == "绵阳"
    assert row["eligible"] == "7000.00" and row["fund_pay"] == "5250.00"  # (7000 − 750) × 84%


def test_output_in_input_order(run, tmp_path):
    amounts = [str(1000 + 997 * i) for i in range(200)]
    text = "region,tier,amount\n" + "".join(f"绵阳,{'123'[i % 3]},{a}\n" for i, a in enumerate(amounts))
    result = run("estimate", "--batch", _write(tmp_path, "c.csv", text))
    assert [r["amount"] for r in _rows(result.stdout)] == amounts


def test_batch_output_columns_are_not_echoed_twice(run, tmp_path):
    first = run("estimate", "--batch", _write(tmp_path, "c.csv", CLAIMS_CSV), "-q")
    again = run("estimate", "--batch", "-", "-q", input=first.stdout)  # feed a result back in
    assert again.exit_code == ExitCode.OK, again.stderr
    assert again.stdout == first.stdout


# ---- fallbacks: column, then option, then config -------------------------------------------


def test_missing_columns_fall_back_to_options(run, tmp_path):
    text = "amount,tier\n8000,\n8000,2\n"
    result = run("estimate", "--batch", _write(tmp_path, "c.csv", text), "-r", "绵阳", "--tier", "3", "-t", "居民")
    assert result.exit_code == ExitCode.OK, result.stderr
    rows = _rows(result.stdout)
    assert rows[0]["fund_pay"] == "4777.50"  # empty cell → --tier 3: (8000 − 650) × 65%
    assert rows[1]["fund_pay"] == "5967.00"  # the cell wins: (8000 − 350) × 78%


def test_options_then_config(run, tmp_path):
    assert run("config", "set", "region", "绵阳").exit_code == 0
    assert run("config", "set", "tier", "2").exit_code == 0
    assert run("config", "set", "retired", "true").exit_code == 0
    text = "amount,type\n8000,职工\n"
    result = run("estimate", "--batch", _write(tmp_path, "c.csv", text))
    assert result.exit_code == ExitCode.OK, result.stderr
    assert _rows(result.stdout)[0]["fund_pay"] == "6870.50"  # config: 绵阳, 二级, 退休: (8000 − 450) × 91%
    result = run("estimate", "--batch", _write(tmp_path, "c.csv", text), "--tier", "3", "--not-retired")
    assert _rows(result.stdout)[0]["fund_pay"] == "6090.00"  # the options beat the config


def test_default_type_is_employee_with_a_note(run, tmp_path):
    result = run("estimate", "--batch", _write(tmp_path, "c.csv", "region,tier,amount\n绵阳,3,8000\n"))
    assert _rows(result.stdout)[0]["fund_pay"] == "6090.00"
    assert "职工医保" in result.stderr


def test_policy_file_applies_to_every_row(run, tmp_path):
    text = "tier,amount,admission\n3,10000,\n3,10000,3\n"
    result = run("estimate", "--batch", _write(tmp_path, "c.csv", text), "--policy-file", EXAMPLE, "-t", "职工")
    assert result.exit_code == ExitCode.OK, result.stderr
    rows = _rows(result.stdout)
    assert rows[0]["fund_pay"] == "7945.00"  # bands: (3000 − 900) × 85% + (10000 − 3000) × 88% = 1785 + 6160
    assert rows[1]["deductible"] == "700.00"  # third admission: 900 − 100 × 2


def test_missing_required_column_is_usage_error(run, tmp_path):
    result = run("estimate", "--batch", _write(tmp_path, "c.csv", "region,tier\n绵阳,3\n"))
    assert result.exit_code == ExitCode.USAGE
    assert "amount" in result.stderr and result.stdout == ""


def test_headerless_and_empty_input_are_usage_errors(run, tmp_path):
    assert run("estimate", "--batch", _write(tmp_path, "a.csv", "绵阳,3,8000\n")).exit_code == ExitCode.USAGE
    assert run("estimate", "--batch", _write(tmp_path, "b.csv", "")).exit_code == ExitCode.USAGE
    missing = run("estimate", "--batch", str(tmp_path / "nope.csv"))
    assert missing.exit_code == ExitCode.USAGE and "nope.csv" in missing.stderr


@pytest.mark.parametrize("name", ["gbk.csv", "gbk.dat"])
def test_not_utf8_is_usage_error(run, tmp_path, name):
    path = tmp_path / name
    path.write_bytes("region,tier,amount\n绵阳,3,8000\n".encode("gbk"))
    result = run("estimate", "--batch", str(path))
    assert result.exit_code == ExitCode.USAGE and "UTF-8" in result.stderr and result.stdout == ""


def test_batch_only_options(run, tmp_path):
    assert run("estimate", "-r", "绵阳", "--tier", "3", "-a", "8000", "--strict").exit_code == ExitCode.USAGE
    path = _write(tmp_path, "c.csv", CLAIMS_CSV)
    assert run("estimate", "--batch", path, "--explain").exit_code == ExitCode.USAGE
    assert run("estimate", "--batch", path, "-f", "table").exit_code == ExitCode.USAGE
    assert run("estimate", "--batch", path, "--input-format", "xml").exit_code == ExitCode.USAGE


# ---- bad rows ---------------------------------------------------------------------------------

BAD_CSV = """region,tier,amount
绵阳,3,8000
四川,3,8000
绵阳,3,abc
绵阳,5,8000
绵阳,3,8000,1
绵阳,3,12.345
绵阳,3,100
"""


def test_bad_rows_are_reported_and_the_run_completes(run, tmp_path):
    result = run("estimate", "--batch", _write(tmp_path, "bad.csv", BAD_CSV))
    assert result.exit_code == ExitCode.ERROR
    rows = _rows(result.stdout)
    assert len(rows) == 7
    assert [bool(r["error"]) for r in rows] == [False, True, True, True, True, True, False]
    assert "四川" in rows[1]["error"] and rows[1]["fund_pay"] == ""
    assert "不是数字" in rows[2]["error"]
    assert "医院等级" in rows[3]["error"]
    assert "表头只有 3 列" in rows[4]["error"]
    assert "两位小数" in rows[5]["error"]
    assert rows[6]["out_of_pocket"] == "100.00"
    err = result.stderr.splitlines()
    for line in (3, 4, 5, 6, 7):  # the header is line 1
        assert any(e.startswith(f"第 {line} 行:") for e in err), (line, err)
    assert err[-1] == "错误:5 行出错(共 7 行):原因见输出的 error 列"


def test_bad_jsonl_lines(run, tmp_path):
    text = '{"region": "绵阳", "tier": 3, "amount": 8000}\nnot json\n[1, 2]\n{"region": "绵阳", "tier": 3}\n'
    result = run("estimate", "--batch", _write(tmp_path, "c.jsonl", text))
    assert result.exit_code == ExitCode.ERROR
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["error"] is None for r in records] == [True, False, False, False]
    assert "amount" in records[3]["error"]
    assert "第 2 行" in result.stderr and "第 3 行" in result.stderr and "第 4 行" in result.stderr


@pytest.mark.parametrize("header, words", [
    ("region,tier,amount,amount", "批量输入的表头里列「amount」写了两次(第 3、4 列):请删掉或改名其中一列"),
    ("region,tier,amount,self-pay,self_pay",
     "批量输入的表头里第 4 列「self-pay」和第 5 列「self_pay」是同一列 self_pay:请删掉或改名其中一列"),
    ("Region,tier,amount,region", "批量输入的表头里第 1 列「Region」和第 4 列「region」是同一列 region:请删掉或改名其中一列"),
])
def test_a_column_twice_in_the_header_is_a_usage_error_naming_both(run, tmp_path, header, words):
    """Before: the first of two columns counted and the other was echoed as if it had been read."""
    result = run("estimate", "--batch", _write(tmp_path, "c.csv", f"{header}\n绵阳,3,8000,100,200\n"))
    assert result.exit_code == ExitCode.USAGE and result.stdout == ""
    assert result.stderr.splitlines() == [f"错误:{words}"]


def test_an_unread_column_twice_is_echoed_as_before(run, tmp_path):
    result = run("estimate", "--batch", _write(tmp_path, "c.csv", "region,tier,amount,note,note\n绵阳,3,8000,a,b\n"))
    assert result.exit_code == ExitCode.OK and result.stdout.startswith("region,tier,amount,note,note,")


def test_a_key_twice_in_a_jsonl_row_is_that_rows_error(run, tmp_path):
    """Before: json kept the last "amount" (and of self-pay/self_pay the first); now the row fails."""
    text = ('{"region": "绵阳", "tier": 3, "amount": 8000}\n'
            '{"region": "绵阳", "tier": 3, "amount": 8000, "amount": 100}\n'
            '{"region": "绵阳", "tier": 3, "amount": 8000, "self-pay": 100, "self_pay": 200}\n'
            '{"region": "绵阳", "tier": 3, "amount": 8000, "note": {"a": 1, "a": 2}}\n'
            '{"region": "绵阳", "tier": 3, "amount": 100}\n')
    result = run("estimate", "--batch", _write(tmp_path, "c.jsonl", text))
    assert result.exit_code == ExitCode.ERROR
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["fund_pay"] for r in records] == [6090, None, None, None, 0]
    assert [r["error"] for r in records] == [
        None, "键「amount」写了两次:请只留一个", "「self-pay」和「self_pay」是同一列 self_pay:请只留一个",
        "键「a」写了两次:请只留一个", None]
    assert "第 2 行:键「amount」写了两次" in result.stderr and "第 3 行:「self-pay」和「self_pay」" in result.stderr
    assert result.stderr.splitlines()[-1] == "错误:3 行出错(共 5 行):原因见输出的 error 列"


def test_strict_stops_at_the_first_bad_row(run, tmp_path):
    result = run("estimate", "--batch", _write(tmp_path, "bad.csv", BAD_CSV), "--strict")
    assert result.exit_code == ExitCode.ERROR
    assert len(_rows(result.stdout)) == 1  # the good row before it was written
    assert "错误:第 3 行:" in result.stderr and "四川" in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.startswith("错误")]) == 1


def test_quiet_keeps_row_errors(run, tmp_path):
    result = run("estimate", "--batch", _write(tmp_path, "bad.csv", BAD_CSV), "-q")
    assert "第 3 行" in result.stderr and "职工医保" not in result.stderr


# ---- --year-to-date -------------------------------------------------------------------------

YTD_CSV = """person,date,tier,visit,amount
A,2025-01-10,3,住院,8000
B,2025-01-15,3,住院,8000
A,2025-02-01,1,门诊,150
A,2025-03-05,3,住院,8000
A,2025-03-20,1,门诊,300
A,2025-03-01,3,住院,8000
A,2025-06-01,3,住院,600000
A,2025-07-01,3,住院,8000
A,2026-01-05,3,住院,8000
"""


def test_year_to_date_worked_example(run, tmp_path):
    result = run("estimate", "--batch", _write(tmp_path, "ytd.csv", YTD_CSV), "-r", "绵阳", "-t", "职工",
                 "--year-to-date")
    assert result.exit_code == ExitCode.ERROR  # the out-of-order row
    rows = [(r["deductible"], r["fund_pay"], r["critical_illness_pay"], r["out_of_pocket"]) for r in _rows(result.stdout)]
    assert rows == [
        ("750.00", "6090.00", "0.00", "1910.00"),  # A, 1st admission: (8000 − 750) × 84%
        ("750.00", "6090.00", "0.00", "1910.00"),  # B is another person: his own 1st admission
        ("200.00", "0.00", "0.00", "150.00"),  # A 门诊: 150 is below the annual 起付线 200
        ("375.00", "6405.00", "0.00", "1595.00"),  # A, 2nd admission: 750 × 0.5; (8000 − 375) × 84%
        ("50.00", "150.00", "0.00", "150.00"),  # 门诊: 200 − 150 already spent = 50; (300 − 50) × 60%
        ("", "", "", ""),  # dated before A's previous row: an error, carries nothing
        # 3rd admission, cap 500000 − (6090 + 6405) = 487505 < (600000 − 375) × 84% = 503685;
        # 大额 over the year (0.3: the burden carries): A's earlier inpatient burdens 1910 + 1595 = 3505,
        # this bill's 600000 − 487505 = 112495 → [3505, 116000]; above 12000:
        # 38000 × 70% + 50000 × 80% + 16000 × 85% = 26600 + 40000 + 13600 = 80200
        ("375.00", "487505.00", "80200.00", "32295.00"),
        # cap reached; the 大额 threshold is long passed: burden [116000, 124000] × 85% = 6800
        ("375.00", "0.00", "6800.00", "1200.00"),
        ("750.00", "6090.00", "0.00", "1910.00"),  # a new year starts again
    ]
    assert "第 7 行" in result.stderr and "排序" in result.stderr


def test_year_to_date_opening_balance_from_first_row(run, tmp_path):
    text = "person,amount,admission,ytd_fund\nA,8000,2,495000\nA,8000,5,0\n"
    result = run("estimate", "--batch", _write(tmp_path, "c.csv", text), "-r", "绵阳", "-t", "职工", "--tier", "3",
                 "--year-to-date")
    rows = _rows(result.stdout)
    assert (rows[0]["deductible"], rows[0]["fund_pay"]) == ("375.00", "5000.00")  # 2nd admission; cap left 5000
    assert (rows[1]["deductible"], rows[1]["fund_pay"]) == ("375.00", "0.00")  # carried: 3rd admission, cap used up


def test_without_year_to_date_rows_are_independent(run, tmp_path):
    result = run("estimate", "--batch", _write(tmp_path, "ytd.csv", YTD_CSV), "-r", "绵阳", "-t", "职工")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert _rows(result.stdout)[3]["deductible"] == "750.00"


# ---- the batch path gives the same figures as a single estimate ----------------------------


def _combos() -> list[tuple[str, str, str, str]]:
    out = []
    for path in [*sorted((shipped_data_dir() / "regions").glob("*.yaml")), Path(EXAMPLE)]:
        policy = load_policy(path)
        for plan_name, plan in policy.plans.items():
            for visit in ("inpatient", "outpatient"):
                section = plan.get(visit)
                for tier in section.rule.tiers if section is not None else ():
                    out.append((str(path), plan_name, visit, tier))
    return out


COMBOS = _combos()
cents = st.integers(min_value=0, max_value=300_000_000)


@st.composite
def bills(draw):
    path, plan, visit, tier = draw(st.sampled_from(COMBOS))
    total = draw(st.integers(min_value=1, max_value=300_000_000))
    self_pay = draw(st.integers(min_value=0, max_value=total))
    partial = draw(st.integers(min_value=0, max_value=total - self_pay))
    return {
        "policy": path, "type": plan, "visit": visit, "tier": tier,
        "amount": Decimal(total) / 100, "self_pay": Decimal(self_pay) / 100, "partial_self_pay": Decimal(partial) / 100,
        "retired": draw(st.booleans()), "admission": draw(st.integers(min_value=1, max_value=5)),
        "ytd_fund": Decimal(draw(cents)) / 100, "ytd_outpatient": Decimal(draw(st.integers(0, 100_000))) / 100,
        "remote": draw(st.sampled_from(["", "filed", "unfiled", "emergency"])),
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(bills(), min_size=1, max_size=12).map(lambda bs: sorted(bs, key=lambda b: b["policy"])))
def test_batch_figures_equal_single_estimates(run, tmp_path, batch):
    # one run per policy file, so --policy-file covers the example data too
    by_file: dict[str, list[dict]] = {}
    for bill in batch:
        by_file.setdefault(bill["policy"], []).append(bill)
    for path, group in by_file.items():
        policy = load_policy(Path(path))
        text = io.StringIO()
        writer = csv.writer(text)
        columns = ["type", "visit", "tier", "amount", "self_pay", "partial_self_pay", "retired", "admission",
                   "ytd_fund", "ytd_outpatient", "remote"]
        writer.writerow(columns)
        for bill in group:
            writer.writerow([str(bill[c]).lower() if c == "retired" else bill[c] for c in columns])
        result = run("estimate", "--batch", "-", "--policy-file", path, "-q", input=text.getvalue())
        for bill, row in zip(group, _rows(result.stdout), strict=True):
            claim = Claim(Bill(bill["amount"], bill["self_pay"], bill["partial_self_pay"]), tier=bill["tier"],
                          plan=bill["type"], visit=bill["visit"], retired=bill["retired"], remote=bill["remote"] or None)
            if bill["visit"] == "inpatient":
                year = YearSoFar(admissions=bill["admission"] - 1, inpatient_fund=bill["ytd_fund"])
            else:
                year = YearSoFar(outpatient_fund=bill["ytd_fund"], outpatient_eligible=bill["ytd_outpatient"])
            try:
                bd = estimate(policy, claim, year, explain=False)
            except ValueError as exc:
                assert row["error"] == word(exc, BATCH)
                continue
            assert row["error"] == ""
            for name in FIGURES:
                assert Decimal(row[name]) == getattr(bd, name), (name, bill, row)
            assert Decimal(row["fund_pay"]) + Decimal(row["critical_illness_pay"]) + Decimal(row["out_of_pocket"]) \
                == bill["amount"]


@pytest.mark.parametrize("words", [("绵阳", "3", "8000"), ("mianyang", "三级", "8000元"), ("绵阳市", "三甲", "0.8万")])
def test_words_people_write(run, tmp_path, words):
    text = "region,tier,amount\n" + ",".join(words) + "\n"
    result = run("estimate", "--batch", _write(tmp_path, "c.csv", text))
    assert _rows(result.stdout)[0]["fund_pay"] == "6090.00"


def test_progress_bar_on_a_terminal_leaves_stdout_alone(tmp_path, capsys, monkeypatch):
    # stderr a terminal, a file of 6000 rows: the bar is drawn on stderr; the results still go to stdout
    from medins_cli.commands.estimate import batch

    path = _write(tmp_path, "big.csv", "region,type,tier,amount\n" + "绵阳,职工,3,8000\n" * 6000)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    drawn = []
    real = batch._Progress.__init__

    def spy(self, source):
        real(self, source)
        drawn.append(self.bar is not None)

    monkeypatch.setattr(batch._Progress, "__init__", spy)
    batch.run(batch.BatchOptions(source=path))
    out = capsys.readouterr().out.splitlines()
    assert drawn == [True]
    assert len(out) == 6001 and out[-1].endswith(",6090.00,0.00,1910.00,0.7613" + "," * len(RANGES) + ",,,")


def test_no_progress_bar_when_piped(tmp_path, capsys):
    from medins_cli.commands.estimate import batch

    path = _write(tmp_path, "big.csv", "region,type,tier,amount\n" + "绵阳,职工,3,8000\n" * 6000)
    source = batch._open(batch.BatchOptions(source=path))
    try:
        assert batch._Progress(source).bar is None  # stderr is not a terminal under pytest
    finally:
        source.raw.close()


def test_year_to_date_rejects_an_earlier_year_after_a_later_one(run, tmp_path):
    src = tmp_path / "ytd.csv"
    src.write_text("person,date,region,type,tier,amount\n"
                   "a,2026-01-05,绵阳,职工,3,8000\n"
                   "a,2025-02-01,绵阳,职工,3,8000\n", encoding="utf-8")
    result = run("estimate", "--batch", str(src), "--year-to-date", "--format", "csv")
    assert result.exit_code == 1
    assert "早于" in result.stderr


def test_jsonl_output_stays_valid_json_for_infinite_input(run, tmp_path):
    import json

    src = tmp_path / "inf.jsonl"
    src.write_text('{"region": "绵阳", "type": "职工", "tier": "3", "amount": 1e309}\n', encoding="utf-8")
    result = run("estimate", "--batch", str(src))
    assert result.exit_code == 1
    record = json.loads(result.stdout, parse_constant=lambda c: pytest.fail(f"non-standard JSON {c}"))
    assert record["error"]


def test_tab_separated_input(run, tmp_path):
    src = tmp_path / "claims.tsv"
    src.write_text("region\ttype\ttier\tamount\n绵阳\t职工\t3\t8000\n", encoding="utf-8")
    result = run("estimate", "--batch", str(src))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("region,type,tier,amount,eligible")
    assert ",1910.00," in lines[1]
