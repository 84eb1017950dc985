"""Several files in the user's regions folder for one region (绵阳.yaml and an old 绵阳_old.yaml): only
one is ever read, so the choice is deterministic (the file named after the region, then after an alias,
then the first by name), every use says which file it used and which it ignored, and ``medins policy
validate`` calls it an error naming both. Before, the later file name won and nothing was said.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from medins_cli.errors import ExitCode
from medins_cli.store.paths import shipped_data_dir

ESTIMATE = ["--tier", "3", "--amount", "8000", "-t", "职工"]
MIANYANG = shipped_data_dir() / "regions" / "mianyang.yaml"


def _user_file(dirs, name: str, deductible: int | None = None, text: str | None = None) -> Path:
    folder = dirs["data"] / "regions"
    folder.mkdir(parents=True, exist_ok=True)
    text = text if text is not None else MIANYANG.read_text(encoding="utf-8")
    if deductible is not None:
        assert "deductible: 750" in text
        text = text.replace("deductible: 750", f"deductible: {deductible}", 1)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _deductible(run, *args: str) -> tuple[int, list[str]]:
    result = run("estimate", *args, *ESTIMATE, "-f", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    return json.loads(result.stdout)["deductible"], result.stderr.splitlines()


def _warning(used: Path, *ignored: Path, name: str = "绵阳") -> str:
    return (f"提示:用户数据目录里有 {len(ignored) + 1} 个「{name}」的地区文件:用的是 {used},"
            f"没有用 {'、'.join(map(str, ignored))}:请删掉或改名不用的那个(medins policy validate 会列出)")


def test_the_file_named_after_the_region_is_used_and_the_other_is_named(run, isolated_dirs):
    current = _user_file(isolated_dirs, "绵阳.yaml", 760)
    old = _user_file(isolated_dirs, "绵阳_old.yaml", 900)
    for _ in range(2):  # the first run builds the index; the second reads its cached shard
        deductible, stderr = _deductible(run, "-r", "绵阳")
        assert deductible == 760  # before: 900, from 绵阳_old.yaml (the later file name won)
        assert stderr == [_warning(current, old)]
    assert _deductible(run, "-r", "mianyang") == (760, [_warning(current, old)])
    # asked for by its own file name, the old file is used, and that is said too
    assert _deductible(run, "-r", "绵阳_old") == (900, [_warning(old, current)])
    quiet = run("estimate", "-r", "绵阳", *ESTIMATE, "-f", "json", "-q")
    assert quiet.exit_code == ExitCode.OK and quiet.stderr == ""


def test_policy_validate_names_both_files(run, isolated_dirs):
    current = _user_file(isolated_dirs, "绵阳.yaml", 760)
    old = _user_file(isolated_dirs, "绵阳_old.yaml", 900)
    line = next(n for n, text in enumerate(current.read_text(encoding="utf-8").splitlines(), 1)
                if text.strip().startswith("name: 绵阳"))  # region.name
    result = run("policy", "validate")
    assert result.exit_code == ExitCode.ERROR  # before: 0, "没有问题"
    assert result.stdout.splitlines() == [
        f"{current}:{line}: 错误 region.name:和 {old} 是同一个地区「绵阳」的文件:估算用的是这个文件;"
        "请删掉或改名不用的那个(文件名就是地区名的那个优先)",
        f"{old}:{line}: 错误 region.name:和 {current} 是同一个地区「绵阳」的文件:估算用的是 {current},这个文件被忽略;"
        "请删掉或改名不用的那个(文件名就是地区名的那个优先)"]
    alone = run("policy", "validate", str(old), "-f", "json")  # one of them, checked alone: still named
    assert alone.exit_code == ExitCode.ERROR
    assert [p["message"].split(":")[0] for p in json.loads(alone.stdout)["problems"]] == [
        f"和 {current} 是同一个地区「绵阳」的文件"]
    old.unlink()
    assert run("policy", "validate").exit_code == ExitCode.OK


def test_an_alias_file_name_beats_another_name_and_then_the_first_name_wins(run, isolated_dirs):
    other = _user_file(isolated_dirs, "0-copy.yaml", 800)
    alias = _user_file(isolated_dirs, "mianyang.yaml", 770)
    assert _deductible(run, "-r", "绵阳") == (770, [_warning(alias, other)])
    alias.unlink()
    later = _user_file(isolated_dirs, "z-copy.yaml", 900)
    assert _deductible(run, "-r", "绵阳") == (800, [_warning(other, later)])


def test_two_user_files_for_a_region_medins_does_not_ship(run, isolated_dirs):
    text = (Path(__file__).parent / "policies" / "example.yaml").read_text(encoding="utf-8")
    first = _user_file(isolated_dirs, "示例市.yaml", text=text)
    second = _user_file(isolated_dirs, "示例市-2024.yaml", text=text.replace("deductible: 900", "deductible: 950"))
    result = run("estimate", "-r", "示例", *ESTIMATE, "-f", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert json.loads(result.stdout)["deductible"] == 900
    assert result.stderr.splitlines() == [_warning(first, second, name="示例市")]
    assert run("policy", "validate").exit_code == ExitCode.ERROR


def test_regions_lists_the_file_in_use_and_says_which_is_ignored(run, isolated_dirs):
    current = _user_file(isolated_dirs, "绵阳.yaml", 760)
    old = _user_file(isolated_dirs, "绵阳_old.yaml", 900)
    result = run("regions", "-f", "json")
    rows = [r for r in json.loads(result.stdout) if r["name"] == "绵阳"]
    assert [(r["path"], r["origin"], r["overrides"]) for r in rows] == [(str(current), "user", str(MIANYANG))]
    assert _warning(current, old) in result.stderr.splitlines()


def test_a_batch_says_it_once(run, isolated_dirs, tmp_path):
    current = _user_file(isolated_dirs, "绵阳.yaml", 760)
    old = _user_file(isolated_dirs, "绵阳_old.yaml", 900)
    path = tmp_path / "b.csv"
    path.write_text("region,tier,amount\n绵阳,3,8000\nmianyang,3,8000\n", encoding="utf-8")
    result = run("estimate", "--batch", str(path))
    assert result.exit_code == ExitCode.OK
    assert [line.split(",")[4] for line in result.stdout.splitlines()[1:]] == ["760.00", "760.00"]
    assert result.stderr.splitlines().count(_warning(current, old)) == 1


def test_a_user_file_overriding_a_shipped_one_is_not_a_duplicate(run, isolated_dirs):
    _user_file(isolated_dirs, "绵阳.yaml", 760)
    assert _deductible(run, "-r", "绵阳") == (760, [])
    assert run("policy", "validate").exit_code == ExitCode.OK


def test_through_the_installed_command(isolated_dirs):
    current = _user_file(isolated_dirs, "绵阳.yaml", 760)
    old = _user_file(isolated_dirs, "绵阳_old.yaml", 900)
    result = subprocess.run([sys.executable, "-m", "medins_cli", "estimate", "-r", "绵阳", *ESTIMATE, "-f", "json"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == ExitCode.OK and json.loads(result.stdout)["deductible"] == 760
    assert result.stderr.splitlines() == [_warning(current, old)]
