"""medins in scripts: --format json is one JSON document, plain is stable, --quiet is quiet,
exit codes are the documented ExitCode, and shell completion comes from the data."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys

import pytest

from medins_cli.errors import ExitCode
from medins_cli.store.paths import shipped_data_dir

MIANYANG = ["-r", "绵阳", "--tier", "3", "--amount", "8000"]

# One representative call per command; each must print exactly one JSON document with --format json.
JSON_CALLS = [
    ["estimate", *MIANYANG],
    ["estimate", *MIANYANG, "--explain"],
    ["estimate", "-r", "绵阳", "--amount", "20000", "--compare", "tiers"],
    ["regions"],
    ["config", "show"],
    ["balance", "--balance", "120", "--amount", "8000", "-r", "绵阳", "--tier", "3"],
    ["checklist", "--list"],
    ["checklist", "住院手工报销"],
    ["transfer-guide", "--from", "广州", "--to", "南京"],
    ["estimate", "-r", "佛山", "--tier", "3", "--amount", "20000", "--compare", "plans"],
    ["coverage", "-t", "居民", "--last-paid", "2024", "--pay-date", "2025-11-10", "--in-window", "--explain"],
    ["maternity", "--province", "广东", "--wage", "9000", "--explain"],
    ["slip", "year", "--person", "妈妈"],
    ["slip", "year", "--family", "爸爸,妈妈", "--child", "小明"],
]


@pytest.mark.parametrize("args", JSON_CALLS, ids=lambda a: " ".join(a[:2]))
def test_json_is_exactly_one_document(run, args):
    result = run(*args, "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    json.loads(result.stdout)  # the whole of stdout, nothing before or after


def test_estimate_json_writes_nothing_else(run):
    result = run("estimate", *MIANYANG, "--format", "json")
    assert result.stderr == ""  # the type note travels inside "warnings"
    data = json.loads(result.stdout)
    assert data["out_of_pocket"] == 1910 and any("职工医保" in w for w in data["warnings"])


PLAIN_KEYS = ["region", "province", "year", "plan", "visit", "tier", "retired", "admission", "remote", "total",
              "self_pay", "partial_self_pay", "eligible", "deductible", "fund_pay", "critical_illness_pay",
              "out_of_pocket", "effective_ratio", "ratio", "cap_left", "remote_applied", "data_file", "data_origin",
              "sources", "warnings", "tier_used", "bound", "critical_illness_name", "notes",  # 0.3 keys appended
              "year_basis", "year_label"]  # what the year means (issue 20), appended after them


def test_plain_is_stable_key_value_lines(run):
    result = run("estimate", *MIANYANG, "-t", "职工", "--format", "plain")
    assert result.exit_code == ExitCode.OK
    lines = result.stdout.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == PLAIN_KEYS
    pairs = dict(line.split(": ", 1) if ": " in line else (line.rstrip(":"), "") for line in lines)
    assert pairs["fund_pay"] == "6090.00" and pairs["out_of_pocket"] == "1910.00" and pairs["effective_ratio"] == "0.7613"
    assert all("\t" not in line for line in lines)


def test_plain_rows_are_tab_separated_with_a_header(run):
    result = run("estimate", "-r", "绵阳", "--amount", "8000", "-t", "职工", "--compare", "tiers", "-f", "plain")
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert lines[0][:4] == ["tier", "total", "self_pay", "partial_self_pay"]
    assert {len(line) for line in lines} == {len(lines[0])}


def test_quiet_silences_notes(run):
    loud = run("estimate", *MIANYANG, "--format", "plain")
    assert "仅供参考" in loud.stderr
    quiet = run("estimate", *MIANYANG, "--format", "plain", "--quiet")
    assert quiet.exit_code == ExitCode.OK and quiet.stderr == ""
    assert quiet.stdout == loud.stdout


def test_quiet_keeps_errors(run):
    result = run("estimate", "-r", "火星", "--tier", "3", "--amount", "8000", "-q")
    assert result.exit_code == ExitCode.USAGE and result.stderr.startswith("错误:")


# ---- exit codes ---------------------------------------------------------------------------


def test_exit_codes_are_the_documented_enum():
    assert {c.name: int(c) for c in ExitCode} == {"OK": 0, "ERROR": 1, "USAGE": 2, "INTERRUPTED": 130}


@pytest.mark.parametrize(
    "args, code",
    [
        (["estimate", *MIANYANG], ExitCode.OK),
        (["estimate", "-r", "绵阳", "--tier", "3", "--amount", "abc"], ExitCode.USAGE),
        (["estimate", *MIANYANG, "--no-such-option"], ExitCode.USAGE),
        (["estimate", *MIANYANG, "--format", "yaml"], ExitCode.USAGE),
        (["regions", "--format", "yaml"], ExitCode.USAGE),
        (["config", "get", "region"], ExitCode.ERROR),  # not set
        (["config", "set", "colour", "red"], ExitCode.USAGE),
    ],
)
def test_exit_codes(run, args, code):
    result = run(*args)
    assert result.exit_code == code, (result.stdout, result.stderr)


def test_failed_batch_rows_exit_1(run):
    result = run("estimate", "--batch", "-", input="region,tier,amount\n绵阳,3,8000\n绵阳,3,x\n")
    assert result.exit_code == ExitCode.ERROR


def test_interrupted_is_130(run, monkeypatch):
    import medins_cli.core.engine as calc

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(calc, "estimate", interrupt)
    result = run("estimate", *MIANYANG, "--format", "json")
    assert result.exit_code == ExitCode.INTERRUPTED
    assert result.stdout == "" and "中断" in result.stderr


# ---- shell completion ---------------------------------------------------------------------


def test_completion_from_the_data():
    from medins_cli.commands import completion

    assert "绵阳" in completion.complete_region("")
    assert completion.complete_region("绵") == ["绵阳"]
    assert completion.complete_region("mian") == ["mianyang"]  # pinyin once something is typed
    assert completion.complete_tier("")[:5] == ["community", "1", "2", "3", "3a"]  # the keys first
    assert {"三级", "三乙", "三级乙等", "三级甲等", "三甲"} <= set(completion.complete_tier("三"))  # core.names.ACCEPTED
    assert "三乙" not in completion.complete_tier("二")
    assert completion.complete_type("e") == ["employee"]
    assert completion.complete_input_format("j") == ["jsonl"]
    assert isinstance(completion.complete_scenario(""), list)


# ---- real runs of the installed command, as a shell script would --------------------------

MEDINS = shutil.which("medins") or os.path.join(os.path.dirname(sys.executable), "medins")


def _env(tmp_path):
    env = dict(os.environ)
    env.pop("MEDINS_DEBUG", None)
    env.update(MEDINS_CONFIG_DIR=str(tmp_path / "c"), MEDINS_CACHE_DIR=str(tmp_path / "k"),
               MEDINS_DATA_DIR=str(tmp_path / "d"), PATH=os.path.dirname(MEDINS) + os.pathsep + env.get("PATH", ""))
    return env


@pytest.mark.skipif(shutil.which("jq") is None or shutil.which("bash") is None, reason="needs jq and bash")
def test_jq_loop_over_tiers(tmp_path):
    loop = "for t in 1 2 3 community; do medins estimate -r 绵阳 --tier $t --amount 8000 --format json | jq .out_of_pocket; done"
    result = subprocess.run(["bash", "-c", loop], capture_output=True, text=True, env=_env(tmp_path), timeout=120)
    assert result.returncode == 0, result.stderr
    # (8000 − 200) × 92% = 7176 → 824; (8000 − 450) × 88% = 6644 → 1356; (8000 − 750) × 84% = 6090 → 1910
    assert result.stdout.split() == ["824", "1356", "1910", "824"]
    assert result.stderr == ""


def test_installed_batch_of_100000_rows_with_a_few_bad_ones(tmp_path):
    path = tmp_path / "claims.csv"
    bad = {1000: "abc", 50_000: "-5", 99_999: "12.345"}
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["id", "region", "type", "tier", "amount"])
        for i in range(100_000):
            writer.writerow([i, "绵阳", "职工居民"[2 * (i % 2):2 * (i % 2) + 2], "123"[i % 3], bad.get(i, 1000 + i % 5000)])
    result = subprocess.run([MEDINS, "estimate", "--batch", str(path)], capture_output=True, text=True,
                            env=_env(tmp_path), timeout=300)
    assert result.returncode == ExitCode.ERROR
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 100_000
    assert [r["id"] for r in rows if r["error"]] == ["1000", "50000", "99999"]
    errors = result.stderr.splitlines()
    # which file, once, at the end (issue 20: one summary line; per region only with -v)
    assert errors[-2] == f"数据文件:绵阳用内置数据 {shipped_data_dir() / 'regions' / 'mianyang.yaml'}"
    errors = [e for e in errors if not e.startswith(("数据文件", "提示"))]
    assert [e.split(":")[0] for e in errors[:3]] == ["第 1002 行", "第 50002 行", "第 100001 行"]
    assert errors[-1] == "错误:3 行出错(共 100000 行):原因见输出的 error 列"
