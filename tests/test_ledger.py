"""The ledger (`medins slip add|list|remove|export|year`) and `medins estimate --person`, worked by
hand; the SQLite file treated as a real database: concurrent writers, migration, corruption, locks.

Region 绵阳 as shipped: 职工 住院 三级 750 / 84 %, 再次住院起付线减半, 封顶 500 000; 职工门诊 三级 50 %,
年度起付线 200, 限额 2000; 职工大额 on the year's burden: 12 000, 70 % to 50 000, cap 400 000.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from medins_cli.errors import ExitCode
from medins_cli.store import ledger

MEDINS = shutil.which("medins") or os.path.join(os.path.dirname(sys.executable), "medins")
RULES = str(Path(__file__).parent / "policies" / "rules.yaml")
MIANYANG = ["-r", "绵阳", "-t", "职工", "--tier", "3"]

# 妈妈's year, 2025 (slips by hand):
SLIPS = [
    # (7200 − 750) × 84 % = 5418; 8000 − 5418 = 2582 = 1000 + 1582
    {"医疗费总额": 8000, "全自费金额": 500, "先行自付金额": 300, "符合政策范围金额": 7200, "起付标准": 750,
     "统筹基金支出": 5418, "个人账户支出": 1000, "个人现金支出": 1582, "结算日期": "2025-02-10", "就诊类型": "住院"},
    # second admission, 起付线 375: (20000 − 375) × 84 % = 16485
    {"医疗费总额": 20000, "起付标准": 375, "统筹基金支出": 16485, "个人现金支出": 3515, "结算日期": "2025-04-01",
     "就诊类型": "住院"},
    # outpatient 三级 50 %: (600 − 200) × 50 % = 200
    {"医疗费总额": 600, "起付标准": 200, "统筹基金支出": 200, "个人账户支出": 400, "结算日期": "2025-05-01",
     "就诊类型": "门诊"},
]


def _file(tmp_path: Path, doc, name="slips.yaml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return str(path)


@pytest.fixture
def mum(run, tmp_path):
    result = run("slip", "add", _file(tmp_path, SLIPS), *MIANYANG, "--person", "妈妈", "-f", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_add_and_list(run, mum):
    assert [row["id"] for row in mum] == [1, 2, 3]
    rows = run.json("slip", "list", "--person", "妈妈")
    assert [(r["date"], r["visit"], r["total"], r["fund_pay"], r["kind"]) for r in rows] == [
        ("2025-02-10", "inpatient", 8000, 5418, "slip"), ("2025-04-01", "inpatient", 20000, 16485, "slip"),
        ("2025-05-01", "outpatient", 600, 200, "slip")]
    assert rows[0]["region"] == "绵阳" and rows[0]["plan"] == "employee" and rows[0]["tier"] == "3"
    assert rows[1]["self_pay"] is None  # not printed, and 0: not said
    assert rows[1]["eligible"] == 20000  # worked out: total − nothing
    assert run.json("slip", "list", "--person", "爸爸") == []
    assert run("slip", "list", "-f", "csv").stdout.splitlines()[0].startswith("id,person,date,kind")


def test_year_summary(run, mum):
    data = run.json("slip", "year", "--person", "妈妈", "--year", "2025")
    assert {k: data[k] for k in ("bills", "admissions", "inpatient_fund", "outpatient_fund", "outpatient_eligible",
                                 "burden", "critical_illness_pay", "account_pay", "cash_pay", "total")} == {
        "bills": 3, "admissions": 2,
        "inpatient_fund": 21903,  # 5418 + 16485
        "outpatient_fund": 200, "outpatient_eligible": 600,
        "burden": 5297,  # (7200 − 5418) + (20000 − 16485)
        "critical_illness_pay": 0, "account_pay": 1400, "cash_pay": 5097, "total": 28600}
    assert {lim["key"]: (lim["used"], lim["limit"]) for lim in data["limits"]} == {
        "fund_cap": (21903, 500000), "outpatient_deductible": (600, 200), "outpatient_cap": (200, 2000),
        "critical_illness_threshold": (5297, 12000), "critical_illness_cap": (0, 400000)}
    table = run("slip", "year", "--person", "妈妈", "--year", "2025", "-f", "table").stdout
    assert "住院次数" in table and "21,903.00 / 500,000.00 元" in table and "█" in table


def test_estimate_person_fills_every_inpatient_figure(run, mum):
    base = [*MIANYANG, "--amount", "50000", "--person", "妈妈", "--date", "2025-06-01"]
    data = run.json("estimate", *base)
    # third admission: 750 × 0.5 = 375; (50000 − 375) × 84 % = 41685, cap left 500000 − 21903
    assert (data["admission"], data["deductible"], data["fund_pay"]) == (3, 375, 41685)
    # burden 5297 + (50000 − 41685 = 8315) = 13612: (13612 − 12000) × 70 % = 1128.40
    assert data["critical_illness_pay"] == 1128.4
    note = next(n for n in data["notes"] if n.startswith("从账本"))
    assert note == ("从账本(妈妈,2025 年 2025-06-01 以前,3 张账单)填入:本年第 3 次住院(--admission)、"
                    "本年统筹已付 21,903.00(--ytd-fund)、本年政策内个人负担 5,297.00(--ytd-burden)、"
                    "本年大病/大额已付 0.00(--ytd-critical)")
    alone = run.json("estimate", *MIANYANG, "--amount", "50000")
    assert (alone["admission"], alone["critical_illness_pay"]) == (1, 0)  # without the ledger
    # explicit options win
    first = run.json("estimate", *base, "--admission", "1")
    assert first["deductible"] == 750 and "命令行给出的 --admission 优先" in " ".join(first["notes"])
    # only the bills before --date count
    early = run.json("estimate", *base[:-1], "2025-03-01")
    assert early["admission"] == 2 and "1 张账单" in " ".join(early["notes"])


def test_estimate_person_fills_the_outpatient_figures(run, mum):
    data = run.json("estimate", *MIANYANG, "--visit", "门诊", "--amount", "300", "--person", "妈妈", "--date",
                    "2025-06-01")
    # 600 already spent covers the 200 annual deductible: 300 × 50 % = 150 (without: (300 − 200) × 50 % = 50)
    assert (data["deductible"], data["fund_pay"]) == (0, 150)
    assert "本年门诊政策内费用 600.00(--ytd-outpatient)" in " ".join(data["notes"])
    assert "本年统筹已付 200.00(--ytd-fund)" in " ".join(data["notes"])
    assert not any("--ytd-burden" in w for w in data["warnings"])  # inpatient figures are not filled for 门诊


def test_estimate_person_fills_the_critical_illness_paid(run, tmp_path):
    # 规则市 居民 三级 1000 / 60 %; 大病 on the burden incl. 乙类先行自付 above 20 000, 60 % to 50 000.
    # Slip: 61000 with 先行自付 1000, eligible 60000: fund 59000 × 60 % = 35400;
    # burden 60000 − 35400 + 1000 = 25600: (25600 − 20000) × 60 % = 3360; cash 61000 − 35400 − 3360 = 22240
    slip = {"total": 61000, "partial_self_pay": 1000, "deductible": 1000, "fund_pay": 35400,
            "critical_illness_pay": 3360, "cash_pay": 22240, "date": "2025-01-10", "plan": "居民"}
    args = ["--policy-file", RULES, "-t", "居民", "--tier", "3"]
    assert run("slip", "add", _file(tmp_path, slip), *args, "--person", "爸爸").exit_code == 0
    data = run.json("estimate", *args, "--amount", "11000", "--partial-self-pay", "1000", "--person", "爸爸",
                    "--date", "2025-06-01")
    # fund (10000 − 1000) × 60 % = 5400; burden 25600 → 25600 + 4600 + 1000 = 31200: 5600 × 60 % = 3360
    assert (data["fund_pay"], data["critical_illness_pay"]) == (5400, 3360)
    notes = " ".join(data["notes"])
    assert "本年政策内个人负担 25,600.00(--ytd-burden)" in notes
    assert "本年大病/大额已付 3,360.00(--ytd-critical)" in notes


def test_estimate_without_a_ledger_says_so(run):
    data = run.json("estimate", *MIANYANG, "--amount", "8000", "--ledger")
    assert data["fund_pay"] == 6090 and any("账本里没有本人" in n for n in data["notes"])
    assert not ledger.ledger_path().exists()  # reading never creates the file


def test_add_an_expected_bill(run, mum):
    result = run("slip", "add", "--estimate", *MIANYANG, "--amount", "10000", "--date", "2025-07-01", "--person",
                 "妈妈", "-f", "json")
    assert result.exit_code == 0, result.stderr
    [row] = json.loads(result.stdout)
    # third admission: 375; (10000 − 375) × 84 % = 8085
    assert (row["kind"], row["admission"], row["deductible"], row["fund_pay"], row["cash_pay"]) == (
        "estimate", 3, 375, 8085, 1915)
    data = run.json("slip", "year", "--person", "妈妈", "--year", "2025")
    assert data["estimates"] == 1 and data["admissions"] == 3
    assert run("slip", "add", "--estimate", *MIANYANG, "--amount", "1", "--fund-pay", "1").exit_code == ExitCode.USAGE


def test_remove(run, mum):
    result = run("slip", "remove", "2")
    assert result.exit_code == 0 and "已删除 #2" in result.stderr
    assert [r["id"] for r in run.json("slip", "list")] == [1, 3]
    assert run("slip", "remove", "2").exit_code == ExitCode.USAGE


def test_a_file_that_does_not_add_up_is_not_stored_at_all(run, tmp_path):
    bad = [SLIPS[0], {**SLIPS[1], "个人现金支出": 1}]
    result = run("slip", "add", _file(tmp_path, bad))
    assert result.exit_code == ExitCode.ERROR and "第 2 张结算单加总不对" in result.stderr
    assert run.json("slip", "list") == []


@pytest.mark.parametrize("form", ["json", "csv"])
def test_export_then_add_round_trips(run, mum, tmp_path, monkeypatch, form):
    run("slip", "add", "--estimate", *MIANYANG, "--amount", "10000", "--date", "2025-07-01", "--person", "妈妈")
    exported = run("slip", "export", "-f", form).stdout
    path = tmp_path / f"export.{form}"
    path.write_text(exported, encoding="utf-8")
    monkeypatch.setenv("MEDINS_DATA_DIR", str(tmp_path / "elsewhere"))
    result = run("slip", "add", str(path))
    assert result.exit_code == 0, result.stderr
    assert run("slip", "export", "-f", form).stdout == exported


def test_money_is_integer_fen(run, mum):
    with sqlite3.connect(ledger.ledger_path()) as conn:
        types = conn.execute("SELECT DISTINCT typeof(total), typeof(fund_pay) FROM slips").fetchall()
        assert types == [("integer", "integer")]
        assert conn.execute("SELECT fund_pay FROM slips WHERE id = 2").fetchone() == (1648500,)
        assert conn.execute("PRAGMA user_version").fetchone() == (ledger.SCHEMA_VERSION,)


# ---- a real database --------------------------------------------------------------------------

V1 = """CREATE TABLE slips (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    person TEXT NOT NULL,
    date TEXT NOT NULL,
    region TEXT, plan TEXT, visit TEXT NOT NULL, tier TEXT, retired INTEGER, admission INTEGER,
    remote TEXT, hospital TEXT,
    total INTEGER, self_pay INTEGER, over_limit INTEGER, partial_self_pay INTEGER, eligible INTEGER,
    deductible INTEGER, fund_pay INTEGER, critical_illness_pay INTEGER, assistance_pay INTEGER,
    other_fund_pay INTEGER, hospital_pay INTEGER, account_pay INTEGER, family_pay INTEGER, cash_pay INTEGER,
    added TEXT NOT NULL
)"""  # what medins' first ledger format wrote (schema version 1)


def test_migration_from_version_1(run, isolated_dirs):
    path = isolated_dirs["data"] / "ledger.sqlite3"
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as conn:
        conn.execute(V1)
        conn.execute("INSERT INTO slips (person, date, region, plan, visit, tier, total, eligible, fund_pay, "
                     "cash_pay, added) VALUES ('本人', '2025-03-02', '绵阳', 'employee', 'inpatient', '3', 800000, "
                     "800000, 609000, 191000, '2025-03-03T10:00:00')")
        conn.execute("PRAGMA user_version = 1")
    rows = run.json("slip", "list")
    assert [(r["id"], r["kind"], r["total"], r["fund_pay"]) for r in rows] == [(1, "slip", 8000, 6090)]
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (2,)
        assert conn.execute("SELECT year FROM slips").fetchone() == (2025,)
        assert "slips_person_year" in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert run.json("slip", "year", "--year", "2025")["inpatient_fund"] == 6090


def _one_line(result) -> None:
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["slip", "list"], ["slip", "add", "--amount", "100", "--fund-pay", "0"],
                                     ["slip", "year"], ["estimate", *MIANYANG, "--amount", "8000", "--ledger"],
                                     ["slip", "remove", "1"]])
def test_a_corrupt_ledger_is_reported_and_left_alone(run, isolated_dirs, command):
    path = isolated_dirs["data"] / "ledger.sqlite3"
    path.parent.mkdir(parents=True)
    garbage = b"this is not a database, it is a shopping list\n" * 200
    path.write_bytes(garbage)
    result = run(*command)
    assert result.exit_code == ExitCode.ERROR, result.stderr
    assert "已损坏" in result.stderr and str(path) in result.stderr
    _one_line(result)
    assert path.read_bytes() == garbage
    assert sorted(p.name for p in path.parent.iterdir()) == ["ledger.sqlite3"]


def test_a_damaged_page_is_reported(run, mum):
    path = ledger.ledger_path()
    data = bytearray(path.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # the slips table's page
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    result = run("slip", "list")
    assert result.exit_code == ExitCode.ERROR and "已损坏" in result.stderr
    _one_line(result)
    assert path.read_bytes() == before


def test_a_foreign_or_newer_database_is_left_alone(run, isolated_dirs):
    path = isolated_dirs["data"] / "ledger.sqlite3"
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    before = path.read_bytes()
    result = run("slip", "add", "--amount", "100", "--fund-pay", "0")
    assert result.exit_code == ExitCode.ERROR and "不是 medins 的账本" in result.stderr
    assert path.read_bytes() == before
    path.unlink()
    with sqlite3.connect(path) as conn:
        conn.execute(V1)
        conn.execute("PRAGMA user_version = 99")
    result = run("slip", "list")
    assert result.exit_code == ExitCode.ERROR and "更新版本的 medins" in result.stderr
    _one_line(result)


def test_a_locked_ledger_is_reported(run, mum, monkeypatch):
    monkeypatch.setattr(ledger, "BUSY_TIMEOUT", 0.2)
    holder = sqlite3.connect(ledger.ledger_path(), isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        result = run("slip", "add", "--amount", "100", "--fund-pay", "0")
        assert result.exit_code == ExitCode.ERROR and "正被另一个" in result.stderr
        _one_line(result)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert len(run.json("slip", "list")) == 3


def test_two_adds_at_the_same_moment_both_land(tmp_path):
    """Real processes of the installed medins, started together on a ledger that does not exist yet."""
    env = dict(os.environ, MEDINS_DATA_DIR=str(tmp_path / "d"), MEDINS_CONFIG_DIR=str(tmp_path / "c"),
               MEDINS_CACHE_DIR=str(tmp_path / "k"))
    env.pop("MEDINS_DEBUG", None)
    files = []
    for n in range(4):
        slip = {"total": 1000 + n, "fund_pay": 500, "cash_pay": 500 + n, "date": f"2025-03-0{n + 1}"}
        files.append(_file(tmp_path, slip, f"slip{n}.yaml"))
    procs = [subprocess.Popen([MEDINS, "slip", "add", f, "-q", "-f", "json"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for f in files]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [o[1] for o in outs]
    listed = subprocess.run([MEDINS, "slip", "list", "-f", "json"], env=env, capture_output=True, text=True,
                            timeout=120)
    rows = json.loads(listed.stdout)
    assert sorted(r["total"] for r in rows) == [1000, 1001, 1002, 1003]
    assert sorted(r["id"] for r in rows) == [1, 2, 3, 4]


def test_estimate_without_person_does_not_load_the_ledger(tmp_path):
    code = ("import sys\n"
            "sys.argv = ['medins', 'estimate', '-r', '绵阳', '--tier', '3', '--amount', '8000', '-f', 'json']\n"
            "from medins_cli.app import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('sqlite3' in sys.modules, 'medins_cli.core.slip' in sys.modules, file=sys.stderr)\n")
    env = dict(os.environ, MEDINS_DATA_DIR=str(tmp_path / "d"), MEDINS_CONFIG_DIR=str(tmp_path / "c"),
               MEDINS_CACHE_DIR=str(tmp_path / "k"))
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.stderr.strip().splitlines()[-1] == "False False"


def test_slip_check_with_person_counts_the_earlier_slips(run, mum, tmp_path):
    # 妈妈's third admission (two inpatient slips before 2025-06-01): 起付线 375; (10000 − 375) × 84 % = 8085
    slip = {"total": 10000, "deductible": 375, "fund_pay": 8085, "cash_pay": 1915, "date": "2025-06-01"}
    path = _file(tmp_path, slip, "third.yaml")
    alone = json.loads(run("slip", "check", path, *MIANYANG, "-f", "json").stdout)
    assert next(x for x in alone["lines"] if x["key"] == "fund_pay")["reason"].startswith("按本年第 2 次住院")
    data = json.loads(run("slip", "check", path, *MIANYANG, "--person", "妈妈", "-f", "json").stdout)
    assert all(line["difference"] == 0 for line in data["lines"])
    assert any(w.startswith("从账本(妈妈,2025 年 2025-06-01 以前,3 张账单)填入:本年第 3 次住院") for w in data["warnings"])


@pytest.mark.parametrize("width", [60, 80, 100])
def test_tables_fit_the_terminal_and_never_cut(run, mum, tmp_path, monkeypatch, width):
    from rich.cells import cell_len

    monkeypatch.setenv("COLUMNS", str(width))
    slip = _file(tmp_path, {**SLIPS[0], "起付标准": 700, "统筹基金支出": 5525, "个人现金支出": 1475}, "x.yaml")
    for args in (["slip", "check", slip, *MIANYANG], ["slip", "year", "--person", "妈妈", "--year", "2025"],
                 ["slip", "list"]):
        out = run(*args, "-f", "table").stdout
        assert "…" not in out, args
        lines = [line for line in out.splitlines() if not line.startswith("数据文件:")]  # a path may run on
        assert max(cell_len(line) for line in lines) <= width, args
    year = run("slip", "year", "--person", "妈妈", "--year", "2025", "-f", "table").stdout
    assert "21,903.00 / 500,000.00 元" in year  # money never folded or cut


def test_a_full_disk_says_so_and_the_ledger_is_unchanged(run, mum, tmp_path, monkeypatch):
    """SQLite rolls the transaction back itself when the disk is full; the ROLLBACK medins then
    sent failed and its error hid the real one (读写出错…请从备份恢复, for a ledger that was fine)."""
    real_connect = sqlite3.connect

    def full_disk(*args, **kwargs):  # the file may not grow by a single page
        conn = real_connect(*args, **kwargs)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    path = ledger.ledger_path()
    before = path.read_bytes()
    many = [{"total": 1000 + n, "fund_pay": 500, "cash_pay": 500 + n, "date": "2025-06-01",
             "hospital": "绵阳市中心医院" * 10} for n in range(200)]
    monkeypatch.setattr(sqlite3, "connect", full_disk)
    result = run("slip", "add", _file(tmp_path, many, "many.yaml"))
    monkeypatch.setattr(sqlite3, "connect", real_connect)
    assert result.exit_code == ExitCode.ERROR
    _one_line(result)
    assert "磁盘已满" in result.stderr and "账本没有改动" in result.stderr and str(path) in result.stderr
    assert "从备份恢复" not in result.stderr
    assert path.read_bytes() == before
    assert [r["id"] for r in run.json("slip", "list")] == [1, 2, 3]



# ---- nothing counted twice, nothing stored unsaid ------------------------------------------------

ONE = {"医疗费总额": 1000, "统筹基金支出": 500, "个人现金支出": 500, "结算日期": "2025-03-01", "医院": "绵阳市中心医院",
       "就诊类型": "住院"}


def _env(tmp_path: Path) -> dict:
    env = dict(os.environ, MEDINS_DATA_DIR=str(tmp_path / "d"), MEDINS_CONFIG_DIR=str(tmp_path / "c"),
               MEDINS_CACHE_DIR=str(tmp_path / "k"))
    env.pop("MEDINS_DEBUG", None)
    return env


def _medins(env: dict, *args: str, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "medins_cli", *args], env=env, text=True, timeout=120,
                          stdout=stdout, stderr=subprocess.PIPE)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="/dev/full is Linux's")
@pytest.mark.parametrize("form", [[], ["-f", "table"], ["-f", "json", "-q"]])
def test_add_to_a_full_stdout_says_what_it_stored_and_a_retry_is_refused(tmp_path, form):
    env = _env(tmp_path)
    slip = _file(tmp_path, ONE)
    with open("/dev/full", "w") as full:
        result = _medins(env, "slip", "add", slip, *form, stdout=full)
    assert result.returncode == ExitCode.ERROR
    assert result.stderr.splitlines()[-1] == ("错误:已记入账本 1 张(编号 #1),但输出写不出去:磁盘空间不足;"
                                              "不要再记一次,用 medins slip list 查看")
    assert "内部错误" not in result.stderr and "Traceback" not in result.stderr
    retry = _medins(env, "slip", "add", slip)
    assert retry.returncode == ExitCode.ERROR and retry.stdout == ""
    assert retry.stderr.splitlines()[-1] == (
        "错误:这张结算单与账本里的 #1 相同(本人 2025-03-01 绵阳市中心医院 医疗费总额 1,000.00):同一张单不会记两次,"
        "没有记入账本;确实是另一张单请加 --allow-duplicate")
    rows = json.loads(_medins(env, "slip", "list", "-f", "json").stdout)
    assert [r["id"] for r in rows] == [1]


def test_add_with_stdout_closed_says_what_it_stored(tmp_path):
    env = _env(tmp_path)
    command = f"{sys.executable} -m medins_cli slip add {_file(tmp_path, ONE)} -f plain >&-"
    result = subprocess.run(["sh", "-c", command], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == ExitCode.ERROR
    assert result.stderr.splitlines()[-1].startswith("错误:已记入账本 1 张(编号 #1),但输出写不出去")


def test_the_same_slip_is_not_added_twice(run, tmp_path):
    slip = _file(tmp_path, ONE)
    assert run("slip", "add", slip).exit_code == 0
    again = run("slip", "add", slip, "-f", "json")
    assert again.exit_code == ExitCode.ERROR and again.stdout == ""
    _one_line(again)
    assert "与账本里的 #1 相同(本人 2025-03-01 绵阳市中心医院 医疗费总额 1,000.00)" in again.stderr
    # another person, another day or another total is another bill
    assert run("slip", "add", slip, "--person", "妈妈").exit_code == 0
    assert run("slip", "add", slip, "--date", "2025-03-02").exit_code == 0
    assert run("slip", "add", slip, "--amount", "1001", "--cash-pay", "501").exit_code == 0
    # really a second bill: said so
    twice = run("slip", "add", slip, "--allow-duplicate", "-f", "json")
    assert twice.exit_code == 0 and [r["id"] for r in json.loads(twice.stdout)] == [5]
    assert run.json("slip", "year", "--year", "2025")["admissions"] == 4  # 本人: #1, #3, #4, #5


@pytest.mark.parametrize("form", ["json", "csv"])
def test_adding_an_export_back_is_refused_as_a_duplicate(run, mum, tmp_path, form):
    """`export` then `add` of the export doubled the year (本年第 5 次住院 from two real slips)."""
    run("slip", "add", "--estimate", *MIANYANG, "--amount", "10000", "--date", "2025-07-01", "--person", "妈妈")
    path = tmp_path / f"export.{form}"
    path.write_text(run("slip", "export", "-f", form).stdout, encoding="utf-8")
    result = run("slip", "add", str(path))
    assert result.exit_code == ExitCode.ERROR
    _one_line(result)
    assert "第 1 张结算单与账本里的 #1 相同(妈妈 2025-02-10 医疗费总额 8,000.00)" in result.stderr
    assert "另有 3 张也已在账本里(#2、#3、#4)" in result.stderr and "整个文件都没有记入账本" in result.stderr
    assert [r["id"] for r in run.json("slip", "list")] == [1, 2, 3, 4]
    assert run.json("slip", "year", "--person", "妈妈", "--year", "2025")["admissions"] == 3
    allowed = run("slip", "add", str(path), "--allow-duplicate")
    assert allowed.exit_code == 0, allowed.stderr
    assert len(run.json("slip", "list")) == 8


def test_two_identical_slips_in_one_file_are_refused(run, tmp_path):
    path = _file(tmp_path, [ONE, {**ONE, "个人现金支出": 300, "个人账户支出": 200}])  # same bill, paid otherwise
    result = run("slip", "add", path)
    assert result.exit_code == ExitCode.ERROR
    _one_line(result)
    assert "第 2 张结算单与第 1 张相同(本人 2025-03-01 绵阳市中心医院 医疗费总额 1,000.00)" in result.stderr
    assert "整个文件都没有记入账本" in result.stderr and "--allow-duplicate" in result.stderr
    assert run.json("slip", "list") == []
    assert run("slip", "add", path, "--allow-duplicate").exit_code == 0
    assert len(run.json("slip", "list")) == 2


def test_a_slip_equal_to_an_expected_bill_says_to_remove_the_estimate(run, tmp_path):
    # 绵阳 职工 三级: (10000 − 750) × 84 % = 7770
    assert run("slip", "add", "--estimate", *MIANYANG, "--amount", "10000", "--date", "2025-07-01").exit_code == 0
    again = run("slip", "add", "--estimate", *MIANYANG, "--amount", "10000", "--date", "2025-07-01")
    assert again.exit_code == ExitCode.ERROR and "这笔预计账单与账本里的 #1(预计账单)相同" in again.stderr
    slip = {"total": 10000, "deductible": 750, "fund_pay": 7770, "cash_pay": 2230, "date": "2025-07-01"}
    result = run("slip", "add", _file(tmp_path, slip), *MIANYANG)
    assert result.exit_code == ExitCode.ERROR
    assert "与账本里的 #1(预计账单)相同" in result.stderr and "medins slip remove 1" in result.stderr


def test_the_same_slip_added_twice_at_the_same_moment_is_stored_once(tmp_path):
    env = _env(tmp_path)
    slip = _file(tmp_path, ONE)
    procs = [subprocess.Popen([sys.executable, "-m", "medins_cli", "slip", "add", slip, "-q"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert sorted(p.returncode for p in procs) == [0, 1], outs
    assert "与账本里的 #1 相同" in "".join(err for _, err in outs)
    assert len(json.loads(_medins(env, "slip", "list", "-f", "json").stdout)) == 1


def test_year_says_what_the_person_paid_next_to_the_burden(run, mum):
    data = run.json("slip", "year", "--person", "妈妈", "--year", "2025")
    # burden is what 大额's threshold counts (eligible − fund), not what she paid: account 1400 + cash 5097
    assert data["burden_for_critical_illness"] == data["burden"] == 5297
    assert data["paid_by_person"] == 6497  # 1400 + 0 + 5097
    assert data["paid_by_person"] == data["account_pay"] + data["family_pay"] + data["cash_pay"]
    lines = run("slip", "year", "--person", "妈妈", "--year", "2025", "-f", "plain").stdout.splitlines()
    at = lines.index("burden: 5297.00")
    assert lines[at + 1:at + 3] == ["burden_for_critical_illness: 5297.00", "paid_by_person: 6497.00"]
    table = run("slip", "year", "--person", "妈妈", "--year", "2025", "-f", "table").stdout
    assert "本人实际支付" in table and "6,497.00" in table
