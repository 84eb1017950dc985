"""Bad input of every kind: one Chinese line on stderr, a documented exit code, no traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from medins_cli.errors import ExitCode

EXAMPLE = str(Path(__file__).parent / "policies" / "example.yaml")
BASE = ["estimate", "--region", "绵阳", "--type", "职工", "--tier", "3"]


def _check(result, code: int, *words: str) -> None:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("错误:")
    assert len(result.stderr.strip().splitlines()) == 1
    for word in words:
        assert word in result.stderr


@pytest.mark.parametrize(
    "amount, word",
    [
        ("-5", "负数"),
        ("abc", "不是数字"),
        ("NaN", "有限"),
        ("inf", "有限"),
        ("1e10", "10 亿"),
        ("2000000000", "10 亿"),
        ("12.345", "两位小数"),
        ("0", "大于 0"),
        ("", "不是数字"),
        ("1,50", "逗号"),  # a European decimal comma is not 150
        ("1,2,3", "逗号"),
        ("8,0000.5", "逗号"),
        ("1_000", "不是数字"),
    ],
)
def test_bad_amounts(run, amount, word):
    _check(run(*BASE, "--amount", amount), ExitCode.USAGE, word)


def test_self_pay_above_total(run):
    _check(run(*BASE, "--amount", "1000", "--self-pay", "800", "--partial-self-pay", "300"), ExitCode.USAGE, "超过了总额")


def test_negative_self_pay(run):
    _check(run(*BASE, "--amount", "1000", "--self-pay", "-1"), ExitCode.USAGE, "负数")


def test_unknown_tier_word(run):
    _check(run("estimate", "-r", "绵阳", "--tier", "5", "--amount", "100"), ExitCode.USAGE, "医院等级")


def test_tier_unknown_for_region(run):
    # a tier the data has no figures for is a gap in the data, not a mistyped option (README 计算规则)
    _check(run("estimate", "--policy-file", EXAMPLE, "-t", "employee", "--visit", "门诊", "--tier", "2",
               "--amount", "100"), ExitCode.ERROR, "没有二级医院的数字", "只有")


def test_unknown_region_suggests(run):
    result = run("estimate", "--region", "绵羊", "--tier", "3", "--amount", "8000")
    _check(result, ExitCode.USAGE, "不认识的地区", "绵阳", "regions")


def test_unknown_region_pinyin_typo(run):
    _check(run("estimate", "--region", "mianyng", "--tier", "3", "--amount", "8000"), ExitCode.USAGE, "绵阳")


def test_unknown_type_and_visit_and_remote(run):
    _check(run(*BASE[:3], "--type", "gold", "--tier", "3", "--amount", "1"), ExitCode.USAGE, "参保类型")
    _check(run(*BASE, "--visit", "dental", "--amount", "1"), ExitCode.USAGE, "就诊类型")
    _check(run(*BASE, "--remote", "moon", "--amount", "1"), ExitCode.USAGE, "异地")


def test_bad_admission(run):
    _check(run(*BASE, "--amount", "100", "--admission", "two"), ExitCode.USAGE, "整数")
    _check(run(*BASE, "--amount", "100", "--admission", "0"), ExitCode.USAGE, "住院次数")


def test_bad_format(run):
    _check(run(*BASE, "--amount", "100", "--format", "xml"), ExitCode.USAGE, "输出格式")


def test_missing_amount_and_region(run):
    _check(run("estimate", "-r", "绵阳", "--tier", "3"), ExitCode.USAGE, "--amount")
    _check(run("estimate", "--tier", "3", "--amount", "100"), ExitCode.USAGE, "config set region")
    _check(run("estimate", "-r", "绵阳", "--amount", "100"), ExitCode.USAGE, "--tier")


def test_region_without_rules(run):
    _check(run("estimate", "-r", "盱眙", "--tier", "3", "--amount", "100"), ExitCode.ERROR, "没有可计算")


def test_plan_missing_in_region(run):
    _check(run("estimate", "-r", "海南", "-t", "职工", "--tier", "1", "--amount", "100"), ExitCode.USAGE, "职工医保")


def test_section_missing(run, tmp_path):
    text = Path(EXAMPLE).read_text(encoding="utf-8")
    start = text.index("    outpatient: {annual_deductible: 100")
    end = text.index("    critical_illness: {threshold: 15000")
    policy = tmp_path / "no-outpatient.yaml"
    policy.write_text(text[:start] + text[end:], encoding="utf-8")
    _check(run("estimate", "--policy-file", str(policy), "-t", "employee", "--visit", "门诊", "--tier", "1",
               "--amount", "100"), ExitCode.ERROR, "缺少门诊统筹")


def test_unknown_option_is_usage_error(run):
    result = run("estimate", "--amout", "100")
    assert result.exit_code == ExitCode.USAGE
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "mutate, words",
    [
        (lambda t: t.replace("ratio: 0.88}", "ratio: 1.88}", 1), ["plans.employee.inpatient.tiers.2.ratio"]),
        (lambda t: t.replace("schema: 1", "schema: 7"), ["schema"]),
        (lambda t: t.replace("annual_cap: 150000", "annual_cap: -5"), ["annual_cap"]),
        (lambda t: t.replace("source: notice-2024\n    outpatient", "source: nowhere\n    outpatient"), ["nowhere"]),
        (lambda t: t.replace('"3": {deductible: 900, bands: [{upto: 3000, ratio: 0.85}, {ratio: 0.88}]}',
                             '"3": {deductible: 900, ratio: 0.8, bands: [{ratio: 0.88}]}'), ["ratio 或 bands"]),
        (lambda t: t.replace("[{upto: 3000, ratio: 0.85}, {ratio: 0.88}]", "[{upto: 3000, ratio: 0.85}, {upto: 2000, ratio: 0.88}]"),
         ["upto"]),
        (lambda t: t.replace("year: 2025", "year: 2025\nyear: 2026"), ["重复的键"]),
        (lambda t: t.replace("plans:", "plans: [unclosed"), ["YAML", "行"]),
        (lambda t: t + "\nextra_field: 1\n", ["extra_field"]),
        (lambda t: "- just\n- a list\n", ["顶层"]),
        (lambda t: t.replace("confidence: unverified", "confidence: official"), ["url"]),
    ],
)
def test_malformed_policy_file(run, tmp_path, mutate, words):
    policy = tmp_path / "bad.yaml"
    policy.write_text(mutate(Path(EXAMPLE).read_text(encoding="utf-8")), encoding="utf-8")
    result = run("estimate", "--policy-file", str(policy), "-t", "employee", "--tier", "2", "--amount", "100")
    _check(result, ExitCode.ERROR, str(policy), *words)


def test_policy_file_not_utf8(run, tmp_path):
    policy = tmp_path / "gbk.yaml"
    policy.write_bytes(Path(EXAMPLE).read_text(encoding="utf-8").encode("gbk"))
    _check(run("estimate", "--policy-file", str(policy), "--tier", "2", "--amount", "100"), ExitCode.ERROR, "UTF-8")


def test_policy_file_missing(run, tmp_path):
    _check(run("estimate", "--policy-file", str(tmp_path / "nope.yaml"), "--tier", "2", "--amount", "100"),
           ExitCode.USAGE, "找不到")


def test_broken_user_region_file_reported_when_asked(run, isolated_dirs):
    regions = isolated_dirs["data"] / "regions"
    regions.mkdir(parents=True)
    (regions / "brokencity.yaml").write_text("schema: 1\nregion: {name: 坏城\n", encoding="utf-8")
    # other regions still work
    ok = run("estimate", "-r", "绵阳", "-t", "职工", "--tier", "3", "--amount", "8000", "-f", "json")
    assert ok.exit_code == 0
    _check(run("estimate", "-r", "brokencity", "--tier", "3", "--amount", "8000"), ExitCode.ERROR, "brokencity.yaml")


def test_internal_errors_are_one_line(run, monkeypatch):
    import medins_cli.core.engine as calc

    def boom(*a, **k):
        raise RuntimeError("kaput")

    monkeypatch.setattr(calc, "estimate", boom)
    _check(run(*BASE, "--amount", "100"), ExitCode.ERROR, "内部错误", "MEDINS_DEBUG")


@pytest.mark.parametrize("amount, total", [("12,345.67", 12345.67), ("8，000元", 8000), ("0.8万", 8000), (" 8000 ", 8000)])
def test_accepted_amount_spellings(run, amount, total):
    assert run.json(*BASE, "--amount", amount)["total"] == total


@pytest.mark.parametrize("mutate, words", [
    (lambda t: t.replace("ratio: 0.88}", "ratio: 1.88}", 1), ["应不大于 1"]),
    (lambda t: t.replace("annual_cap: 150000", "annual_cap: 150000.555"), ["2 位小数"]),
    (lambda t: t.replace("retiree_bonus: 0.03", "retiree_bonus: 0.03\n      retiree_bonsu: 0.1"), ["retiree_bonsu", "不认识的字段"]),
])
def test_policy_file_messages_are_chinese(run, tmp_path, mutate, words):
    policy = tmp_path / "bad.yaml"
    policy.write_text(mutate(Path(EXAMPLE).read_text(encoding="utf-8")), encoding="utf-8")
    result = run("estimate", "--policy-file", str(policy), "-t", "employee", "--tier", "2", "--amount", "100")
    _check(result, ExitCode.ERROR, *words)
    assert "Input should" not in result.stderr


def test_unquoted_tier_keys_mean_the_tier(run, tmp_path):
    policy = tmp_path / "plain-keys.yaml"
    policy.write_text(Path(EXAMPLE).read_text(encoding="utf-8").replace('"2": {deductible: 500', '2: {deductible: 500'),
                      encoding="utf-8")
    assert run.json("estimate", "--policy-file", str(policy), "-t", "employee", "--tier", "2",
                    "--amount", "8000")["fund_pay"] == 6600


def test_policy_file_is_a_directory(run, tmp_path):
    _check(run("estimate", "--policy-file", str(tmp_path), "--tier", "2", "--amount", "100"), ExitCode.USAGE, "目录")


@pytest.mark.parametrize("text", [
    "schema: 1\nregion: {name: 测试市\nyear: 2025\n",  # a YAML syntax error
    "schema: 1\nregion:\n  name: 测试市\n  aliases: [ceshi\nyear: 2025\n",
    "schema: 1\nregion: {name: 测试市, province: 四川}\nyear: 2025\nyear: 2026\nplans: [\n",
])
def test_broken_user_file_is_not_called_an_unknown_region(run, isolated_dirs, text):
    regions = isolated_dirs["data"] / "regions"
    regions.mkdir(parents=True)
    path = regions / "ceshi.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("estimate", "-r", "测试市", "--tier", "3", "--amount", "100")
    _check(result, ExitCode.ERROR, str(path), f"medins policy validate {path}")
    assert "不认识的地区" not in result.stderr and "policy init" not in result.stderr


def test_unknown_region_mentions_broken_user_files(run, isolated_dirs):
    regions = isolated_dirs["data"] / "regions"
    regions.mkdir(parents=True)
    (regions / "x1.yaml").write_text("{{{{\n", encoding="utf-8")
    result = run("estimate", "-r", "某某县", "--tier", "3", "--amount", "100")
    _check(result, ExitCode.USAGE, "不认识的地区", "x1.yaml", "policy validate")


# ---- no English left in an error line (item 17) -------------------------------------------------

ENGLISH = re.compile(r"[A-Za-z]{3,}")
ALLOWED = {"medins", "estimate", "policy", "validate", "init", "config", "reset", "region", "tier", "amount",
           "batch", "yaml", "json", "jsonl", "csv", "UTF", "CSV", "JSON", "YAML", "Excel", "help", "chmod",
           "tmp", "pytest", "policies", "data", "regions", "ceshi", "nope", "bad", "gbk", "claims", "format",
           "input", "type", "strict", "file", "MEDINS", "CONFIG", "DIR", "DEBUG", "root", "home", "cache"}


def _english_words(text: str, *paths) -> set[str]:
    for path in paths:
        text = text.replace(str(path), "")
    text = re.sub(r"0x[0-9a-f]+", "", text)  # a byte value is not English
    return {w for w in ENGLISH.findall(text) if w not in ALLOWED}


def test_os_json_yaml_and_codec_reasons_are_chinese(run, tmp_path, isolated_dirs, monkeypatch):
    import errno

    cfg = isolated_dirs["config"] / "config.json"
    cfg.parent.mkdir(parents=True)
    cases = []
    cfg.write_bytes(b"\xff\xfe{}")
    cases.append((run("config", "show"), ExitCode.ERROR, "UTF-8"))
    cfg.write_text('{"region": "绵阳", bad}', encoding="utf-8")
    cases.append((run("config", "show"), ExitCode.ERROR, "第 1 行第 18 列"))
    cfg.unlink()
    missing = tmp_path / "nope.csv"
    cases.append((run("estimate", "--batch", str(missing), "-t", "职工", "--tier", "3"), ExitCode.USAGE, "找不到"))
    bad_jsonl = tmp_path / "bad.jsonl"
    bad_jsonl.write_text('{"region": "绵阳", bad}\n', encoding="utf-8")
    result = run("estimate", "--batch", str(bad_jsonl), "-t", "职工", "--tier", "3", "-f", "csv")
    assert "键名要用英文双引号" in result.stderr + result.stdout and "Expecting" not in result.stderr + result.stdout
    broken_yaml = tmp_path / "bad.yaml"
    broken_yaml.write_text("schema: 1\nregion: {name: 测试市, province: 四川}\nyear: 2025\nplans: [\n", encoding="utf-8")
    cases.append((run("estimate", "--policy-file", str(broken_yaml), "--tier", "3", "-a", "1"), ExitCode.ERROR, "第"))
    import builtins

    real_open = builtins.open

    def failing(file, *args, **kwargs):  # every read of a file medins makes goes through open
        if str(file).endswith("io.yaml") and "r" in (args[0] if args else kwargs.get("mode", "r")):
            raise OSError(errno.EIO, "Input/output error", str(file))
        return real_open(file, *args, **kwargs)

    io_yaml = tmp_path / "io.yaml"
    io_yaml.write_text("schema: 1\n", encoding="utf-8")
    monkeypatch.setattr(builtins, "open", failing)
    cases.append((run("estimate", "--policy-file", str(io_yaml), "--tier", "3", "-a", "1"), ExitCode.ERROR, "读写出错"))
    checked = run("policy", "validate", str(io_yaml))
    assert "读写出错" in checked.stdout and not _english_words(checked.stdout, io_yaml)
    for result, code, word in cases:
        assert result.exit_code == code, result.stderr
        assert word in result.stderr, result.stderr
        assert not _english_words(result.stderr, tmp_path, cfg), result.stderr
        assert result.stderr.count("\n") == 1


# ---- smaller inconsistencies (item 18) -------------------------------------------------------------


@pytest.mark.parametrize("amount, total", [("8千", 8000), ("1.5千", 1500), ("8千元", 8000), ("=8000", 8000)])
def test_more_amount_spellings(run, amount, total):
    assert run.json(*BASE, "--amount", amount)["total"] == total


def test_equals_sign_after_a_short_option_is_not_part_of_the_number(run):
    result = run(*BASE, "-a=-8000")
    _check(result, ExitCode.USAGE, "负数")
    assert "不是数字" not in result.stderr and "=-8000" not in result.stderr


def test_a_huge_salary_is_not_called_a_bill(run):
    result = run("balance", "--salary", "1e400")
    _check(result, ExitCode.USAGE, "10 亿", "--salary")
    assert "费用" not in result.stderr


def test_a_place_without_figures_is_known_not_unknown(run):
    # 琼海 is a county-level city 海南 administers itself: no city's figures are its own
    result = run("estimate", "-r", "琼海", "--tier", "3", "--amount", "100")
    _check(result, ExitCode.USAGE, "琼海", "没有它的报销数据", "不属于任何地级市", "--policy-file")
    assert "不认识" not in result.stderr
    # 安宁 is a guide place (云南) but also 兰州's 安宁区: asked back, never guessed
    _check(run("estimate", "-r", "安宁", "--tier", "3", "--amount", "100"), ExitCode.USAGE, "昆明", "兰州")


def test_batch_messages_have_spaces_around_latin_words(run, tmp_path):
    claims = tmp_path / "c.csv"
    claims.write_text("region,amount\n绵阳,100\n", encoding="utf-8")
    result = run("estimate", "--batch", str(claims))
    _check(result, ExitCode.USAGE, "缺少 tier 列")


def test_docs_batch_example_matches_the_real_output(run, tmp_path):
    docs = (Path(__file__).resolve().parents[1] / "docs" / "batch.md").read_text(encoding="utf-8")
    block = docs[docs.index("$ cat claims.csv\n"):]
    block = block[:block.index("```")]
    csv_text = block.split("$ cat claims.csv\n")[1].split("$ medins")[0]
    shown = block.split("$ medins estimate --batch claims.csv\n")[1].splitlines()
    (tmp_path / "claims.csv").write_text(csv_text, encoding="utf-8")
    result = run("estimate", "--batch", str(tmp_path / "claims.csv"))
    real = result.stdout.splitlines() + result.stderr.splitlines()
    for line in shown:
        text = line.split("  ← ")[0].rstrip()
        head = text.split("…")[0]
        assert any(r.startswith(head) for r in real), f"docs/batch.md shows {text!r}, the real output differs"
