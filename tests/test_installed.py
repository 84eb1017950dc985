"""A few real runs of the installed entry point, as a shell or a script would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

MEDINS = shutil.which("medins") or os.path.join(os.path.dirname(sys.executable), "medins")
HEADLINE = ["estimate", "--region", "绵阳", "--tier", "3", "--amount", "8000"]


def _env(tmp_path, **extra):
    env = dict(os.environ)
    env.pop("MEDINS_DEBUG", None)
    env.update(MEDINS_CONFIG_DIR=str(tmp_path / "c"), MEDINS_CACHE_DIR=str(tmp_path / "k"),
               MEDINS_DATA_DIR=str(tmp_path / "d"), **extra)
    return env


def _run(args, tmp_path, **extra):
    return subprocess.run(args, capture_output=True, text=True, env=_env(tmp_path, **extra), cwd=tmp_path, timeout=120)


@pytest.fixture(scope="module", autouse=True)
def _installed():
    if not os.path.exists(MEDINS):
        pytest.fail(f"medins is not installed next to {sys.executable}: run pip install . first")


def test_headline_json(tmp_path):
    result = _run([MEDINS, *HEADLINE, "--format", "json"], tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)  # exactly one JSON document, nothing else on stdout
    assert data["fund_pay"] == 6090 and data["out_of_pocket"] == 1910  # (8000 − 750) × 0.84
    for key in ("region", "year", "plan", "visit", "tier", "total", "self_pay", "partial_self_pay", "eligible",
                "deductible", "fund_pay", "critical_illness_pay", "out_of_pocket", "effective_ratio", "sources",
                "warnings"):
        assert key in data


def test_headline_table_when_asked_has_no_colour_when_piped(tmp_path):
    result = _run([MEDINS, *HEADLINE, "--format", "table"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "统筹基金支付" in result.stdout and "6,090.00" in result.stdout
    assert "\x1b[" not in result.stdout
    assert "医保局" in result.stdout and "未核实" in result.stdout


def test_piped_default_is_plain(tmp_path):
    result = _run([MEDINS, *HEADLINE], tmp_path)
    assert result.returncode == 0
    assert "fund_pay: 6090.00" in result.stdout.splitlines()
    assert "\x1b[" not in result.stdout + result.stderr


def test_python_dash_m(tmp_path):
    result = _run([sys.executable, "-m", "medins_cli", *HEADLINE, "-f", "plain", "-q"], tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    assert "out_of_pocket: 1910.00" in result.stdout


def test_usage_error_exit_code_and_one_line(tmp_path):
    result = _run([MEDINS, "estimate", "-r", "绵阳", "--tier", "3", "--amount", "-1"], tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_json_estimate_imports_no_rich_yaml_or_pydantic_when_warm(tmp_path):
    code = (
        "import sys\n"
        "sys.argv = ['medins', " + ", ".join(repr(a) for a in HEADLINE) + ", '--format', 'json']\n"
        "from medins_cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('rich', 'yaml', 'pydantic'))\n"
        "sys.stderr.write('HEAVY=' + ','.join(heavy))\n"
    )
    first = _run([sys.executable, "-c", code], tmp_path)  # cold: validates and fills the cache
    assert first.returncode == 0, first.stderr
    warm = _run([sys.executable, "-c", code], tmp_path)
    assert warm.returncode == 0, warm.stderr
    assert warm.stderr.strip().endswith("HEAVY="), warm.stderr


def test_help_is_chinese_with_examples(tmp_path):
    result = _run([MEDINS, "estimate", "--help"], tmp_path, COLUMNS="120")
    assert result.returncode == 0
    assert "示例" in result.stdout and "--amount" in result.stdout


@pytest.mark.parametrize("args, word", [
    (["estimate", "--amout", "5"], "没有选项 --amout"),
    (["estimat"], "没有命令"),
    (["estimate", "--amount"], "后面要跟一个值"),
    (["config", "get"], "缺少参数"),
    (["estimate", "extra"], "多余的参数"),
])
def test_click_usage_errors_are_one_chinese_line(tmp_path, args, word):
    result = _run([MEDINS, *args], tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误:") and word in lines[0], result.stderr
    assert "--help" in lines[0]
    assert not any(english in lines[0] for english in ("No such", "Did you mean", "Missing", "Got ")), lines[0]
    assert lines[0].count("你是不是要用") <= 1, lines[0]  # typer < 0.26 with click 8.5 said it twice


def test_bare_command_prints_help(tmp_path):
    result = _run([MEDINS], tmp_path)
    assert result.returncode == 0
    assert "estimate" in result.stdout
