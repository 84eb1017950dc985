"""Files from other people, tried as a hostile sender would: YAML bombs, deep nesting, huge
fields, bad encodings. Each gets one clear line (or one row error) and never an internal error.

The four inputs of the issue run through the installed ``medins`` in a subprocess with a
generous timeout and a memory cap, so that a regression fails the test instead of the machine;
no test asserts on speed (benchmarks do that). The rest go through ``CliRunner``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medins_cli.errors import ExitCode

EXAMPLE = Path(__file__).parent / "policies" / "example.yaml"
MEDINS = shutil.which("medins") or os.path.join(os.path.dirname(sys.executable), "medins")
ESTIMATE = ["-t", "employee", "--tier", "2", "--amount", "100"]
GOOD_ROW = "绵阳,职工,3,8000"


def _bomb(levels: int = 9) -> str:
    """The "billion laughs": each anchor repeats the previous one nine times (~400 bytes)."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def _write(path: Path, content: str | bytes) -> str:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


def _one_line(result, code: int, *words: str) -> str:
    """The command failed with ``code`` and one Chinese line on stderr holding ``words``."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr and "内部错误" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误:"), result.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


def _validate_problems(run, path: str) -> list[dict]:
    result = run("policy", "validate", path, "-f", "json")
    assert result.exit_code == ExitCode.ERROR, (result.stdout, result.stderr)
    assert "内部错误" not in result.stderr
    return json.loads(result.stdout)["problems"]


# ---- the four inputs of the issue, through the installed command ---------------------------


def _capped() -> None:  # runs in the child: 1 GiB of address space is plenty for medins
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def _medins(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, MEDINS_CONFIG_DIR=str(tmp_path / "c"), MEDINS_CACHE_DIR=str(tmp_path / "k"),
               MEDINS_DATA_DIR=str(tmp_path / "d"))
    env.pop("MEDINS_DEBUG", None)
    return subprocess.run([MEDINS, *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60,
                          preexec_fn=_capped)


def test_alias_bomb_is_refused_at_its_first_anchor(tmp_path):
    path = _write(tmp_path / "lol.yaml", _bomb(10))  # ten levels: 9^10 strings if expanded
    result = _medins(tmp_path, "policy", "validate", path)
    assert result.returncode == ExitCode.ERROR, result.stderr
    assert result.stdout.splitlines() == [f"{path}:1: 错误 用了 YAML 锚点「&a0」:"
                                          "medins 不接受 YAML 的锚点、别名和合并键(&、*、<<),请把内容直接写出来"]
    result = _medins(tmp_path, "estimate", "--policy-file", path, *ESTIMATE)
    assert result.returncode == ExitCode.ERROR
    assert result.stderr.splitlines() == [f"错误:地区数据文件 {path} 第 1 行:用了 YAML 锚点「&a0」:"
                                          "medins 不接受 YAML 的锚点、别名和合并键(&、*、<<),请把内容直接写出来"]


def test_deep_yaml_nesting_is_refused_with_its_line(tmp_path):
    path = _write(tmp_path / "deep.yaml", "schema: 1\nregion: " + "[" * 5000 + "]" * 5000 + "\n")
    result = _medins(tmp_path, "estimate", "--policy-file", path, *ESTIMATE)
    assert result.returncode == ExitCode.ERROR
    assert result.stderr.splitlines() == [f"错误:地区数据文件 {path} 第 2 行:嵌套超过 32 层:"
                                          "medins 读的文件用不到这么深,请检查括号是否配对、缩进是否正确"]


_PURE_PYTHON = "import yaml; del yaml.CSafeLoader; "  # as on a PyYAML built without libyaml
_BACKENDS = {"libyaml": "", "pure-python": _PURE_PYTHON}


def _medins_with(backend: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``medins ARGS`` in a subprocess whose PyYAML parser is libyaml's or the pure-Python one."""
    code = (_BACKENDS[backend] + "import sys, runpy; sys.argv[0] = 'medins'; "
            "runpy.run_module('medins_cli', run_name='__main__')")
    env = dict(os.environ, MEDINS_CONFIG_DIR=str(tmp_path / "c"), MEDINS_CACHE_DIR=str(tmp_path / "k"),
               MEDINS_DATA_DIR=str(tmp_path / "d"))
    env.pop("MEDINS_DEBUG", None)
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=60, preexec_fn=_capped)


@pytest.mark.parametrize("backend", sorted(_BACKENDS))
@pytest.mark.parametrize(("shape", "line"), [
    ("[" * 5000 + "]" * 5000, 2),  # libyaml (PyYAML 6.0.4) stops this at its own 1,000-level limit
    ("\n" + "  [\n" * 5000 + "]" * 5000, 34),  # the 33rd level (the top mapping is the 1st), not libyaml's 1,001st
    ("{a: " * 5000 + "}" * 5000, 2),
])
def test_deep_yaml_is_medins_line_whichever_parser_reads_it(tmp_path, backend, shape, line):
    import yaml

    if backend == "libyaml" and not hasattr(yaml, "CSafeLoader"):
        pytest.skip("this PyYAML has no libyaml")
    path = _write(tmp_path / "deep.yaml", f"schema: 1\nregion: {shape}\n")
    message = f"第 {line} 行:嵌套超过 32 层:medins 读的文件用不到这么深,请检查括号是否配对、缩进是否正确"
    result = _medins_with(backend, tmp_path, "estimate", "--policy-file", path, *ESTIMATE)
    assert result.returncode == ExitCode.ERROR, result.stderr
    assert result.stderr.splitlines() == [f"错误:地区数据文件 {path} {message}"]
    result = _medins_with(backend, tmp_path, "policy", "validate", path)
    assert result.returncode == ExitCode.ERROR, result.stderr
    assert result.stdout.splitlines() == [f"{path}:{line}: 错误 {message.split(':', 1)[1]}"]


def test_huge_csv_field_is_that_rows_error(tmp_path):
    text = ("id,region,type,tier,amount,note\n"
            f"1,{GOOD_ROW},a\n2,{GOOD_ROW}," + "x" * (10 << 20) + f"\n3,{GOOD_ROW},c\n")
    result = _medins(tmp_path, "estimate", "--batch", _write(tmp_path / "big.csv", text), "-q")
    assert result.returncode == ExitCode.ERROR
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in rows] == ["1", "", "3"]
    assert rows[0]["fund_pay"] == rows[2]["fund_pay"] == "6090.00"
    assert "1,048,576 个字符" in rows[1]["error"] and rows[1]["note"] == ""  # the 10 MiB are not echoed
    assert len(result.stdout) < 2000
    assert result.stderr.splitlines()[0].startswith("第 3 行:这一行超过 1,048,576 个字符的上限")


def test_deep_jsonl_row_is_that_rows_error(tmp_path):
    text = ('{"region": "绵阳", "tier": 3, "amount": 8000}\n'
            '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
            '{"region": "绵阳", "tier": 3, "amount": 100}\n')
    result = _medins(tmp_path, "estimate", "--batch", _write(tmp_path / "deep.jsonl", text), "-q")
    assert result.returncode == ExitCode.ERROR, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["fund_pay"] for r in records] == [6090, None, 0]
    assert "嵌套超过 32 层" in records[1]["error"]
    assert "第 2 行:嵌套超过 32 层" in result.stderr and "内部错误" not in result.stderr


# ---- YAML variants ---------------------------------------------------------------------------

EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")


@pytest.mark.parametrize("text, line, words", [
    (EXAMPLE_TEXT.replace("plans:", "defaults: &d {x: 1}\nplans:", 1), None, ["锚点「&d」"]),
    (EXAMPLE_TEXT.replace("    outpatient:", "    extra: {a: {b: &deep 1}}\n    outpatient:", 1), None, ["锚点「&deep」"]),
    ("schema: 1\nregion: {name: x, aliases: [*nowhere]}\n", 2, ["别名「*nowhere」"]),
    ("base: {ratio: 0.5}\nplans:\n  employee:\n    <<: {ratio: 0.5}\n", 4, ["合并键「<<」"]),
    ("x:\n" + "".join("  " * i + "- \n" for i in range(1, 40)), 33, ["嵌套超过 32 层"]),
    ("a: [" + ", ".join(["1"] * 60_000) + "]\n", 1, ["值太多"]),
])
def test_yaml_constructs_policy_files_never_need_are_refused(run, tmp_path, text, line, words):
    path = _write(tmp_path / "p.yaml", text)
    problems = _validate_problems(run, path)
    assert len(problems) == 1 and all(w in problems[0]["message"] for w in words), problems
    if line is not None:
        assert problems[0]["line"] == line
    _one_line(run("estimate", "--policy-file", path, *ESTIMATE), ExitCode.ERROR, path, *words)


def test_anchor_and_merge_characters_in_text_are_fine(run, tmp_path):
    text = EXAMPLE_TEXT.replace("region:", "'<<': '&a *b'\nregion:", 1)
    problems = _validate_problems(run, _write(tmp_path / "p.yaml", text))
    assert [p["where"] for p in problems if p["level"] == "error"] == ["<<"]  # an unknown field, read as text


@pytest.mark.parametrize("content, line, words", [
    (b"\x00" * 4096, 1, ["NUL 字节"]),
    (EXAMPLE_TEXT.encode() + b"note: \xff\xfe\n", EXAMPLE_TEXT.count("\n") + 1, ["不是 UTF-8"]),
    (EXAMPLE_TEXT.encode("utf-16"), None, ["UTF-16"]),
    (EXAMPLE_TEXT.encode() + b"# " + b"x" * (2 << 20) + b"\n", None, ["文件太大", "2.0 MiB", "上限 1 MiB"]),
    (b"schema: 1\nyear: 2025-13-45\n", 2, ["2025-13-45"]),
    (b"schema: 1\nyear: " + b"9" * 5000 + b"\n", 2, ["不是有效的数字"]),
    (b"schema: 1\nratio: 1:30.5\n", 2, ["1:30.5"]),
    (b"schema: 1\n? [a]\n: b\n", 2, ["键不能是列表"]),
    (b"schema: 1\nyear: !python/object:os.system 1\n", 2, ["标签"]),
    (b"schema: 1\n---\nschema: 1\n", 2, ["不止一个 YAML 文档"]),
])
def test_bad_bytes_and_values_get_one_line_with_the_file(run, tmp_path, content, line, words):
    path = _write(tmp_path / "p.yaml", content)
    problems = _validate_problems(run, path)
    assert len(problems) == 1 and all(w in problems[0]["message"] for w in words), problems
    assert problems[0]["line"] == line
    _one_line(run("estimate", "--policy-file", path, *ESTIMATE), ExitCode.ERROR, path, *words)


def test_a_bom_is_fine(run, tmp_path):
    path = _write(tmp_path / "bom.yaml", b"\xef\xbb\xbf" + EXAMPLE_TEXT.encode())
    assert run.json("estimate", "--policy-file", path, "-t", "employee", "--tier", "2", "--amount", "8000")["fund_pay"]
    result = run("policy", "validate", path)
    assert "错误" not in result.stdout


def test_a_bomb_in_the_user_data_dir_breaks_only_itself(run, isolated_dirs):
    regions = isolated_dirs["data"] / "regions"
    regions.mkdir(parents=True)
    _write(regions / "lol.yaml", _bomb())
    assert run.json("estimate", "-r", "绵阳", "-t", "职工", "--tier", "3", "--amount", "8000")["fund_pay"] == 6090
    assert run("regions").exit_code == 0
    _one_line(run("estimate", "-r", "lol", "--tier", "3", "--amount", "8000"), ExitCode.ERROR, "lol.yaml", "锚点")
    result = run("policy", "validate")
    assert result.exit_code == ExitCode.ERROR and "锚点「&a0」" in result.stdout


def test_path_like_region_names_are_still_refused(run, isolated_dirs):
    result = run("policy", "init", "../../evil", "--province", "四川", "--template")
    assert result.exit_code == ExitCode.USAGE and "Traceback" not in result.stderr
    assert not list(isolated_dirs["data"].parent.rglob("evil*"))


# ---- the config file ---------------------------------------------------------------------------


@pytest.mark.parametrize("content, words", [
    ('{"region": ' + "[" * 100_000 + "]" * 100_000 + "}", ["嵌套超过 32 层"]),
    ('{"region": ' + "[" * 40 + "]" * 40 + "}", ["嵌套超过 32 层"]),
    (b"\x00" * 100, ["NUL 字节"]),
    ('{"region": "绵阳"}'.encode("utf-16"), ["UTF-16"]),
    (b'{"region": "\xff"}', ["不是 UTF-8"]),
    ('{"region": "绵阳", "x": "' + "y" * (2 << 20) + '"}', ["文件太大"]),
    ('{"tier": ' + "1" * 5000 + "}", ["数字位数太多"]),
])
def test_hostile_config_is_one_line(run, isolated_dirs, content, words):
    path = isolated_dirs["config"] / "config.json"
    path.parent.mkdir(parents=True)
    _write(path, content)
    _one_line(run("config", "show"), ExitCode.ERROR, "配置文件", *words)
    _one_line(run("estimate", "-r", "绵阳", "--tier", "3", "--amount", "100"), ExitCode.ERROR, *words)


# ---- batch: bad rows among good ones -------------------------------------------------------------


def _batch(run, tmp_path: Path, name: str, content: str | bytes, *args: str):
    return run("estimate", "--batch", _write(tmp_path / name, content), "-q", *args)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_a_long_note_that_fits_is_estimated(run, tmp_path):
    # over the csv module's old 128 KiB cell limit, under medins' 1 MiB a record: a real, long bill
    text = f"id,region,type,tier,amount,note\n1,{GOOD_ROW}," + "明细" * 100_000 + "\n"
    result = _batch(run, tmp_path, "c.csv", text)
    assert result.exit_code == ExitCode.OK, result.stderr
    assert _rows(result.stdout)[0]["fund_pay"] == "6090.00"


def test_a_quoted_cell_spanning_lines_over_the_limit_is_one_bad_record(run, tmp_path):
    cell = '"' + ("y" * 999 + "\n") * 1100 + 'z""z"'  # 1.1 MiB over 1,101 lines, a quote inside
    text = f"id,region,type,tier,amount,note\n1,{GOOD_ROW},a\n2,{GOOD_ROW},{cell}\n3,{GOOD_ROW},c\n"
    result = _batch(run, tmp_path, "c.csv", text)
    assert result.exit_code == ExitCode.ERROR
    rows = _rows(result.stdout)
    assert [r["id"] for r in rows] == ["1", "", "3"] and rows[2]["fund_pay"] == "6090.00"
    assert "这条记录(第 3–1103 行)超过" in rows[1]["error"]
    assert result.stderr.startswith("第 1103 行:这条记录")


def test_an_unclosed_quote_swallows_the_rest_as_one_bad_record(run, tmp_path):
    rows = f"{GOOD_ROW},x\n" * 100_000  # 1.3 million characters, all in the quoted cell that never closes
    text = f"region,type,tier,amount,note\n{GOOD_ROW},a\n{GOOD_ROW},\"oops\n" + rows
    result = _batch(run, tmp_path, "c.csv", text)
    assert result.exit_code == ExitCode.ERROR
    out = _rows(result.stdout)
    assert len(out) == 2 and out[0]["fund_pay"] == "6090.00" and "没闭合的引号" in out[1]["error"]
    assert "这条记录(第 3–100003 行)" in out[1]["error"]


def test_old_mac_line_endings_still_work(run, tmp_path):
    result = _batch(run, tmp_path, "c.csv", f"region,type,tier,amount\r{GOOD_ROW}\r{GOOD_ROW}\r")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert [r["fund_pay"] for r in _rows(result.stdout)] == ["6090.00", "6090.00"]


def test_bytes_that_are_not_utf8_further_on_are_that_rows_error(run, tmp_path):
    good = f"{GOOD_ROW}\n" * 20_000  # past the first 64 KiB, which are checked before any row
    content = ("region,type,tier,amount\n" + good).encode() + "绵阳,职工,3,".encode() + b"\xff8000\n" + good.encode()
    result = _batch(run, tmp_path, "c.csv", content)
    assert result.exit_code == ExitCode.ERROR
    rows = _rows(result.stdout)
    assert len(rows) == 40_001 and [i for i, r in enumerate(rows) if r["error"]] == [20_000]
    assert "不是 UTF-8" in rows[20_000]["error"] and result.stderr.startswith("第 20002 行:这一行不是 UTF-8")


@pytest.mark.parametrize("content, word", [
    ("region,tier,amount\n绵阳,3,8000\n".encode("utf-16"), "UTF-16"),
    (b"\x00" * 10_000, "NUL 字节"),
    (b"region,tier,amount\n\xff\xfe,3,8000\n", "不是 UTF-8"),
    ("region," + "x" * (2 << 20) + "\n绵阳,3\n", "第 1 行(列名)"),
])
def test_a_hostile_start_is_one_usage_error_before_any_row(run, tmp_path, content, word):
    for name in ("c.csv", "c.jsonl"):
        result = _batch(run, tmp_path, name, content)
        if name == "c.jsonl" and "列名" in word:
            continue  # a JSON Lines file has no header: that line is a row's error (below)
        _one_line(result, ExitCode.USAGE, word)
        assert result.stdout == ""


@pytest.mark.parametrize("line, word", [
    ('{"region": "绵阳", "note": "' + "x" * (2 << 20) + '"}', "1,048,576 个字符"),
    ('{"region": "绵阳", "tier": 3, "amount": ' + "9" * 5000 + "}", "数字位数太多"),
    ('{"region": "绵阳", "x": ' + "[" * 32 + "]" * 32 + "}", "嵌套超过 32 层"),
    ('{"region": "绵阳", "tier": 3, "amount": 8000, "type": "职工", "x": "\\ud800"}', "无效字符"),
    ('{"region": "\x01"}', "不是有效的 JSON"),
])
def test_a_hostile_jsonl_row_among_good_ones(run, tmp_path, line, word):
    good = '{"region": "绵阳", "tier": 3, "amount": 8000, "type": "职工"}\n'
    result = _batch(run, tmp_path, "c.jsonl", good + line + "\n" + good)
    assert "内部错误" not in result.stderr
    records = [json.loads(x) for x in result.stdout.splitlines()]
    assert [r["fund_pay"] for r in records[::2]] == [6090, 6090]
    assert result.exit_code == ExitCode.ERROR and word in records[1]["error"]
    assert "第 2 行:" in result.stderr


def test_nesting_up_to_the_limit_is_fine(run, tmp_path):
    line = '{"region": "绵阳", "tier": 3, "amount": 8000, "type": "职工", "x": ' + "[" * 31 + "]" * 31 + "}\n"
    result = _batch(run, tmp_path, "c.jsonl", line)
    assert result.exit_code == ExitCode.OK, result.stderr


def test_strict_stops_at_the_hostile_row_with_its_message(run, tmp_path):
    text = f"id,region,type,tier,amount,note\n1,{GOOD_ROW},a\n2,{GOOD_ROW}," + "x" * (2 << 20) + f"\n3,{GOOD_ROW},c\n"
    result = _batch(run, tmp_path, "c.csv", text, "--strict")
    assert result.exit_code == ExitCode.ERROR
    assert [r["id"] for r in _rows(result.stdout)] == ["1"]
    assert result.stderr.strip().splitlines() == [
        "错误:第 3 行:这一行超过 1,048,576 个字符的上限:一笔费用用不了这么长,请检查有没有没闭合的引号,"
        "或是不是选错了文件(--strict:遇到第一处错误即停止)"]


# ---- batch output: -f json is one array, -f jsonl is JSON Lines (issue 12, item 19) ----------------

CLAIMS = "id,region,type,tier,amount\na,绵阳,职工,3,8000\nb,四川,职工,3,8000\nc,绵阳,职工,1,600\n"


def test_json_output_is_one_array(run, tmp_path):
    result = _batch(run, tmp_path, "c.csv", CLAIMS, "-f", "json")
    assert result.exit_code == ExitCode.ERROR  # 四川: notes only, no figures
    records = json.loads(result.stdout)
    assert [r["id"] for r in records] == ["a", "b", "c"]
    assert records[0]["fund_pay"] == 6090 and records[1]["fund_pay"] is None and "四川" in records[1]["error"]
    assert result.stdout.splitlines()[1].startswith('{"id": "a"')  # a record a line, as it is written


def test_jsonl_output_is_one_object_a_line(run, tmp_path):
    result = _batch(run, tmp_path, "c.csv", CLAIMS, "-f", "jsonl")
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["a", "b", "c"]


def test_json_array_is_closed_when_strict_stops_and_empty_input_is_an_empty_array(run, tmp_path):
    result = _batch(run, tmp_path, "c.csv", CLAIMS, "-f", "json", "--strict")
    assert result.exit_code == ExitCode.ERROR
    assert [r["id"] for r in json.loads(result.stdout)] == ["a"]
    result = _batch(run, tmp_path, "e.jsonl", "\n\n", "-f", "json")
    assert result.exit_code == ExitCode.OK and json.loads(result.stdout) == []
    result = _batch(run, tmp_path, "d.jsonl", '{"region": "绵阳", "tier": 3, "amount": 8000}\n', "-f", "json")
    assert json.loads(result.stdout)[0]["fund_pay"] == 6090


# ---- properties: nothing random is an internal error -------------------------------------------


@contextlib.contextmanager
def _test_timeout(seconds: int = 30):
    """A generous timeout for one run (a hang or a bomb fails the test), not a speed check."""

    def stop(signum, frame):
        raise TimeoutError(f"a run took more than {seconds} s")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _no_internal_error(result) -> None:
    assert result.exit_code in (ExitCode.OK, ExitCode.ERROR, ExitCode.USAGE), (result.exit_code, result.stderr)
    assert "内部错误" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout + result.stderr


YAML_BITS = ["schema: 1\n", "region:", "plans:", " {", "}", "[", "]", "&a ", "*a", "<<: ", "- ", "  ", "\n", ": ",
             "'", '"', "!!str ", "!x ", "1:30.5", "2025-13-45", "0x1F", "~", ",", "? ", "|\n", ">\n", "# c\n",
             "\t", "\x00", "\ufeff", "%YAML 1.1\n", "---\n", "...\n", "1e999", ".nan", "-1", "0.5", "9" * 30,
             "ratio", "tiers", "\"3\"", "bands", "upto", "employee", "inpatient", "\u2028", "\\", "绵阳"]
yaml_like = st.lists(st.sampled_from(YAML_BITS), max_size=60).map("".join)
policy_like = st.tuples(st.integers(0, len(EXAMPLE_TEXT)), st.integers(0, 200), yaml_like).map(
    lambda t: EXAMPLE_TEXT[:t[0]] + t[2] + EXAMPLE_TEXT[t[0] + t[1]:])
any_text = st.one_of(st.text(max_size=300), yaml_like, policy_like)
any_content = st.one_of(any_text, st.binary(max_size=300), any_text.map(lambda t: t.encode("utf-8", "replace")))
SLOW = settings(max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "60")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SLOW
@given(content=any_content)
def test_random_policy_files_never_give_an_internal_error(run, tmp_path, content):
    path = _write(tmp_path / "random.yaml", content)
    with _test_timeout():
        _no_internal_error(run("policy", "validate", path))
        _no_internal_error(run("estimate", "--policy-file", path, *ESTIMATE))


CSV_BITS = ["region", "type", "tier", "amount", "self_pay", "retired", "admission", "person", "date", "error",
            "fund_pay", ",", ",", "\t", "\n", "\r\n", "\r", '"', '""', "绵阳", "北京", "3", "2", "职工", "居民",
            "8000", "8,000", "-1", "1e9", "NaN", "0.8万", "是", "2025-02-30", "\x00", "\ufeff", " "]
csv_like = st.lists(st.sampled_from(CSV_BITS), max_size=80).map("".join).map(lambda t: "region,tier,amount\n" + t)
json_value = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
                          lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                      max_size=3), max_leaves=12)
jsonl_like = st.lists(st.one_of(
    st.dictionaries(st.sampled_from(["region", "tier", "amount", "type", "retired", "date", "person", "x"]),
                    json_value, max_size=6).map(lambda d: json.dumps(d, ensure_ascii=False)),
    st.text(max_size=40)), max_size=8).map("\n".join)


@SLOW
@given(content=st.one_of(any_content, csv_like, csv_like.map(str.encode)),
       options=st.sampled_from([[], ["--strict"], ["--year-to-date"], ["-f", "json"], ["-f", "plain"]]))
def test_random_csv_batches_never_give_an_internal_error(run, tmp_path, content, options):
    path = _write(tmp_path / "random.csv", content)
    with _test_timeout():
        _no_internal_error(run("estimate", "--batch", path, "-r", "绵阳", "--tier", "3", *options))


@SLOW
@given(content=st.one_of(any_content, jsonl_like, jsonl_like.map(str.encode)),
       options=st.sampled_from([[], ["--strict"], ["--year-to-date"], ["-f", "json"], ["-f", "csv"]]))
def test_random_jsonl_batches_never_give_an_internal_error(run, tmp_path, content, options):
    path = _write(tmp_path / "random.jsonl", content)
    with _test_timeout():
        result = run("estimate", "--batch", path, "-r", "绵阳", "--tier", "3", *options)
    _no_internal_error(result)
    if options == ["-f", "json"] and result.exit_code != ExitCode.USAGE:
        json.loads(result.stdout)  # -f json: one JSON document whatever came in


config_like = st.one_of(json_value.map(lambda v: json.dumps(v, ensure_ascii=False)),
                        st.dictionaries(st.sampled_from(["region", "type", "tier", "retired", "x"]), json_value,
                                        max_size=4).map(json.dumps))


@SLOW
@given(content=st.one_of(any_content, config_like))
def test_random_config_files_never_give_an_internal_error(run, isolated_dirs, content):
    path = isolated_dirs["config"] / "config.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    _write(path, content)
    with _test_timeout():
        _no_internal_error(run("config", "show"))
        _no_internal_error(run("estimate", "-r", "绵阳", "--tier", "3", "--amount", "100"))


def test_what_medins_writes_it_reads_back(run, tmp_path):
    # shared objects would make PyYAML write anchors, which the reader refuses
    from medins_cli.store.yamlio import load_yaml, policy_text

    shared = ["同一个列表"]
    text = policy_text({"a": shared, "b": shared})
    assert "&" not in text and load_yaml(tmp_path / "x.yaml", text) == {"a": shared, "b": shared}
