"""Numbers in YAML files that YAML 1.1 (PyYAML) and YAML 1.2 read differently are refused with their
line, never guessed: ``deductible: 0500`` was read as octal 320, ``0x1F4`` as 500, ``1:30`` as 90, and
``起付标准: 0700`` on a slip as 448. ``yes``/``no``/``on``/``off`` are read as YAML 1.2 reads them
(text), and the fields that want yes or no read those words themselves.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import section_of

from medins_cli.errors import ExitCode

EXAMPLE = Path(__file__).resolve().parent / "policies" / "example.yaml"
RULES = Path(__file__).resolve().parent / "policies" / "rules.yaml"
LINE = "        community: {deductible: 200, ratio: 0.92}"  # line 12 of example.yaml
ESTIMATE = ["-t", "employee", "--tier", "community", "--amount", "1000"]


def _policy(tmp_path: Path, written: str) -> str:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.splitlines()[11] == LINE
    path = tmp_path / "policy.yaml"
    path.write_text(text.replace(LINE, LINE.replace("200", written), 1), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("written, problem", [
    ("0500", "0500 以 0 开头,YAML 会把它读成八进制 320;请写 500(编号、电话等文字请加引号)"),
    ("08000", "08000 以 0 开头,不同版本的 YAML 读法不一(数或文字);请写 8000(编号、电话等文字请加引号)"),
    ("0x1F4", "0x1F4 是十六进制,YAML 会把它读成 500;请写 500(编号、电话等文字请加引号)"),
    ("0o764", "0o764 是八进制写法,不同版本的 YAML 读法不一(数或文字);请写十进制的数(编号、电话等文字请加引号)"),
    ("0b111110100", "0b111110100 是二进制,YAML 会把它读成 500;请写 500(编号、电话等文字请加引号)"),
    ("1:30", "1:30 会被 YAML 当作六十进制读成 90;时间、比分等请加引号,金额请写一个数"),
    ("1_000", "1_000 里有下划线,不同版本的 YAML 读法不一(数或文字);请写 1000"),
    ("5e2", "5e2 是科学计数法:请写 500"),
    (".inf", ".inf 在 YAML 里是无穷大或“非数”:请写具体的数"),
    ("!!int 0500", "0500 以 0 开头,YAML 会把它读成八进制 320;请写 500(编号、电话等文字请加引号)"),
])
def test_yaml_11_numbers_in_a_policy_are_refused_with_their_line(run, tmp_path, written, problem):
    path = _policy(tmp_path, written)
    result = run("policy", "validate", path)
    assert result.exit_code == ExitCode.ERROR, result.stdout
    assert result.stdout.splitlines() == [f"{path}:12: 错误 {problem}"]
    result = run("estimate", "--policy-file", path, *ESTIMATE)
    assert result.exit_code == ExitCode.ERROR and result.stdout == ""
    assert result.stderr.splitlines() == [f"错误:地区数据文件 {path} 第 12 行:{problem}"]


@pytest.mark.parametrize("written, read", [("150", 150), ("150.0", 150), ("0150.5", 150.5), ("+150", 150),
                                           ("'0150'", 150)])  # quoted: the text 0150, which the field reads as 150
def test_numbers_both_versions_read_alike_are_read(run, tmp_path, written, read):
    path = _policy(tmp_path, written)
    result = run("policy", "validate", path, "-f", "json")
    assert [p for p in json.loads(result.stdout)["problems"] if p["line"] == 12] == []
    shown = json.loads(run("policy", "show", path, "-f", "json").stdout)  # schema 2 (the file is schema 1)
    assert section_of(shown, "employee", "inpatient")["tiers"]["community"]["deductible"] == read


def test_a_user_region_file_with_an_octal_deductible_is_refused(run, tmp_path, isolated_dirs):
    folder = isolated_dirs["data"] / "regions"
    folder.mkdir(parents=True)
    path = folder / "示例市.yaml"
    path.write_text(Path(_policy(tmp_path, "0500")).read_text(encoding="utf-8"), encoding="utf-8")
    result = run("estimate", "-r", "示例市", *ESTIMATE)
    assert result.exit_code == ExitCode.ERROR
    assert f"{path} 第 12 行:0500 以 0 开头,YAML 会把它读成八进制 320;请写 500" in result.stderr
    assert result.stderr.count("\n") == 1
    result = run("policy", "validate")  # the user's regions
    assert result.exit_code == ExitCode.ERROR and f"{path}:12: 错误 0500 以 0 开头" in result.stdout


SLIP = ("医疗费总额: 8000\n全自费金额: 500\n先行自付金额: 300\n符合政策范围金额: 7200\n起付标准: {deductible}\n"
        "统筹基金支出: 5418\n个人账户支出: 1000\n个人现金支出: 1582\n结算日期: 2025-03-02\n")


@pytest.mark.parametrize("written, problem", [
    ("0700", "0700 以 0 开头,YAML 会把它读成八进制 448;请写 700(编号、电话等文字请加引号)"),
    ("0:12:30", None),  # 0:12:30 is text to both versions: the slip's own check says it is no number
    ("12:30", "12:30 会被 YAML 当作六十进制读成 750;时间、比分等请加引号,金额请写一个数"),
])
def test_yaml_11_numbers_on_a_slip_are_refused_with_their_line(run, tmp_path, written, problem):
    path = tmp_path / "slip.yaml"
    path.write_text(SLIP.format(deductible=written), encoding="utf-8")
    for command in ("check", "add"):
        result = run("slip", command, str(path), "-r", "绵阳", "-t", "职工", "--tier", "3")
        assert result.exit_code == ExitCode.USAGE, result.stdout
        if problem is None:
            assert "不是数字" in result.stderr, result.stderr
        else:
            assert result.stderr.splitlines() == [f"错误:{path} 第 5 行:{problem}"]
    assert "448" not in run("slip", "list", "-f", "json").stdout


def test_the_same_slip_with_700_is_read(run, tmp_path):
    path = tmp_path / "slip.yaml"
    path.write_text(SLIP.format(deductible="750"), encoding="utf-8")
    result = run("slip", "check", str(path), "-r", "绵阳", "-t", "职工", "--tier", "3", "-f", "json")
    assert result.exit_code == ExitCode.OK, result.stderr


def test_yes_no_on_off_are_text_and_the_fields_that_want_yes_or_no_read_them(run, tmp_path):
    # a policy: includes_partial_self_pay: on (a yes/no field) is still yes; an alias "no" stays a name
    text = RULES.read_text(encoding="utf-8")
    assert "      includes_partial_self_pay: true\n" in text
    text = text.replace("      includes_partial_self_pay: true\n", "      includes_partial_self_pay: on\n")
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    assert run("policy", "validate", str(path)).exit_code == ExitCode.OK
    shown = run("policy", "show", str(path), "-f", "json")
    assert '"includes_partial_self_pay": true' in shown.stdout
    # a slip: 退休: yes is 退休
    slip = tmp_path / "slip.yaml"
    slip.write_text(SLIP.format(deductible="750") + "退休: yes\n", encoding="utf-8")
    result = run("slip", "add", str(slip), "-r", "绵阳", "-t", "职工", "--tier", "3")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert [row["retired"] for row in json.loads(run("slip", "list", "-f", "json").stdout)] == [True]


def test_text_that_looks_like_a_refused_number_is_written_quoted(run, tmp_path, isolated_dirs):
    """``policy show -f yaml`` of a file whose note is "1e3" or "8:30" reads back (PyYAML's own writer
    would leave them plain, and medins would then refuse its own file)."""
    text = EXAMPLE.read_text(encoding="utf-8").replace('title: "示例通知"', 'title: "8:30"')
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    shown = run("policy", "show", str(path), "-f", "yaml")
    assert shown.exit_code == ExitCode.OK and 'title: "8:30"' in shown.stdout
    again = tmp_path / "again.yaml"
    again.write_text(shown.stdout, encoding="utf-8")
    assert run("policy", "validate", str(again)).exit_code == ExitCode.OK
