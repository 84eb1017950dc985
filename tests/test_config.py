"""`medins config`: round trip, validation, atomic writes, corrupt files never overwritten."""

from __future__ import annotations

import json
import os

import pytest

from medins_cli.errors import ExitCode


def cfg_file(isolated_dirs):
    return isolated_dirs["config"] / "config.json"


def test_round_trip(run, isolated_dirs):
    assert run("config", "set", "region", "绵阳市").exit_code == 0
    assert run("config", "set", "type", "居民").exit_code == 0
    assert run("config", "set", "retired", "true").exit_code == 0
    assert run("config", "set", "tier", "二级").exit_code == 0
    assert run("config", "get", "region").stdout == "绵阳\n"
    assert run("config", "get", "type").stdout == "resident\n"
    assert run("config", "get", "retired").stdout == "true\n"
    assert run("config", "get", "tier").stdout == "2\n"
    assert json.loads(cfg_file(isolated_dirs).read_text(encoding="utf-8")) == {
        "region": "绵阳", "type": "resident", "retired": True, "tier": "2"}
    shown = run.json("config", "show")
    assert shown["region"] == "绵阳"
    assert run("config", "unset", "tier").exit_code == 0
    assert run("config", "get", "tier").exit_code == ExitCode.ERROR
    assert run("config", "path").stdout.strip() == str(cfg_file(isolated_dirs))


def test_estimate_uses_config(run):
    run("config", "set", "region", "mianyang")
    run("config", "set", "type", "employee")
    run("config", "set", "retired", "yes")
    data = run.json("estimate", "--tier", "2", "--amount", "8000")
    assert data["region"] == "绵阳" and data["plan"] == "employee" and data["retired"] is True
    assert data["fund_pay"] == 6870.5  # (8000 − 450) × (0.88 + 0.03) = 7550 × 0.91
    data = run.json("estimate", "--tier", "2", "--amount", "8000", "--not-retired", "--type", "resident")
    assert data["retired"] is False and data["plan"] == "resident"


@pytest.mark.parametrize("key, value, word", [
    ("region", "火星", "不认识的地区"),
    ("type", "gold", "参保类型"),
    ("retired", "maybe", "true 或 false"),
    ("tier", "9", "医院等级"),
    ("colour", "red", "没有配置项"),
])
def test_set_refuses_bad_values(run, isolated_dirs, key, value, word):
    result = run("config", "set", key, value)
    assert result.exit_code == ExitCode.USAGE
    assert word in result.stderr
    assert not cfg_file(isolated_dirs).exists()


@pytest.mark.parametrize("content, word", [
    ("{not json", "不是有效的 JSON"),
    ("[1, 2]", "顶层"),
    ('{"region": "绵阳", "colour": 1}', "colour"),
    ('{"retired": "yes"}', "retired"),
    ('{"type": "gold"}', "type"),
    ('{"region": "\\ud800"}', "无效字符"),
])
def test_corrupt_config_reported_never_overwritten(run, isolated_dirs, content, word):
    path = cfg_file(isolated_dirs)
    path.parent.mkdir(parents=True)
    path.write_text(content, encoding="utf-8")
    for args in (["config", "show"], ["config", "set", "region", "绵阳"],
                 ["estimate", "-r", "绵阳", "--tier", "3", "--amount", "100"]):
        result = run(*args)
        assert result.exit_code == ExitCode.ERROR, args
        assert str(path) in result.stderr and word in result.stderr
        assert "config reset" in result.stderr
        assert "Traceback" not in result.stderr
    assert path.read_text(encoding="utf-8") == content


def test_reset_backs_up(run, isolated_dirs):
    path = cfg_file(isolated_dirs)
    path.parent.mkdir(parents=True)
    path.write_text("{broken", encoding="utf-8")
    assert run("config", "reset").exit_code == ExitCode.USAGE  # needs --yes
    result = run("config", "reset", "--yes")
    assert result.exit_code == 0
    backups = list(path.parent.glob("config.json.bak-*"))
    assert len(backups) == 1 and backups[0].read_text(encoding="utf-8") == "{broken"
    assert run("config", "set", "region", "绵阳").exit_code == 0


def test_interrupted_write_leaves_old_file(run, isolated_dirs, monkeypatch):
    run("config", "set", "region", "绵阳")
    path = cfg_file(isolated_dirs)
    before = path.read_text(encoding="utf-8")

    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    result = run("config", "set", "type", "居民")
    assert result.exit_code == ExitCode.ERROR
    assert path.read_text(encoding="utf-8") == before
    assert [p.name for p in path.parent.iterdir()] == ["config.json"]  # no temp file left behind


def test_config_dir_override_is_used(run, isolated_dirs):
    run("config", "set", "region", "绵阳")
    assert cfg_file(isolated_dirs).exists()


def test_config_region_may_be_a_place_the_guides_know(run):
    assert run("config", "set", "region", "安宁").exit_code == 0  # a guide place with no region file
    checklist = run("checklist", "异地就医备案", "--format", "plain")
    assert checklist.exit_code == 0 and "云南" in checklist.stdout  # 云南's own rule applies to 安宁
    result = run("estimate", "--tier", "3", "--amount", "100")
    assert result.exit_code == 2 and "还没有报销数据" in result.stderr


def test_config_region_with_a_file_but_no_figures_says_so(run):
    assert run("config", "set", "region", "盱眙").exit_code == 0  # a county with notes only
    checklist = run("checklist", "异地就医备案", "--format", "plain")
    assert checklist.exit_code == 0 and "江苏" in checklist.stdout  # 江苏's own rule applies to 盱眙
    result = run("estimate", "--tier", "3", "--amount", "100")
    assert result.exit_code == 1 and "盱眙的数据还没有可计算的报销规则" in result.stderr
    assert "medins policy init 盱眙" in result.stderr and "xuyi.yaml" not in result.stderr  # never edit shipped files


# ---- permissions: say what is wrong; commands that need nothing from the config go on -------------


def _unreadable(monkeypatch, path):
    """Opening ``path`` fails as it would without read permission (tests run as root, so chmod
    cannot show it). Every read of a file medins makes goes through ``open``."""
    import builtins

    real = builtins.open

    def guarded(file, *args, **kwargs):
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)


def test_unreadable_config_blocks_only_what_needs_it(run, isolated_dirs, monkeypatch):
    path = cfg_file(isolated_dirs)
    path.parent.mkdir(parents=True)
    path.write_text('{"region": "绵阳"}', encoding="utf-8")
    _unreadable(monkeypatch, path)
    full = run("estimate", "-r", "绵阳", "-t", "职工", "--tier", "3", "-a", "8000", "--not-retired", "-f", "json")
    assert full.exit_code == 0, full.stderr
    assert json.loads(full.stdout)["fund_pay"] == 6090
    assert f"没有权限读取 {path}" in full.stderr and "配置文件有误" not in full.stderr
    guide = run("checklist", "门特", "--region", "绵阳", "-f", "json")
    assert guide.exit_code == 0 and json.loads(guide.stdout)["id"] == "chronic"
    needs = run("estimate", "--tier", "3", "-a", "8000", "-t", "职工", "--not-retired")
    assert needs.exit_code == ExitCode.ERROR and needs.stdout == ""
    assert needs.stderr.count("\n") == 1 and f"没有权限读取 {path}" in needs.stderr and "--region" in needs.stderr
    assert "config reset" not in needs.stderr and "内部错误" not in needs.stderr
    shown = run("config", "show")
    assert shown.exit_code == ExitCode.ERROR and f"没有权限读取 {path}" in shown.stderr
    quiet = run("checklist", "门特", "--region", "绵阳", "-f", "json", "-q")
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_read_only_config_dir_says_so(run, isolated_dirs, monkeypatch):
    def denied(src, dst):
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(os, "replace", denied)
    result = run("config", "set", "region", "绵阳")
    assert result.exit_code == ExitCode.ERROR
    assert f"没有权限写入 {cfg_file(isolated_dirs)}" in result.stderr
    assert "内部错误" not in result.stderr and "Permission denied" not in result.stderr
    assert result.stderr.count("\n") == 1
    for args in (["policy", "init", "体检县", "--province", "四川", "--template"],
                 ["checklist", "门特", "-o", str(isolated_dirs["config"].parent / "门特.md")]):
        other = run(*args)
        assert other.exit_code == ExitCode.ERROR and "没有权限写入" in other.stderr, args
        assert "内部错误" not in other.stderr and "Permission denied" not in other.stderr


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root ignores file permissions")
def test_real_permissions(run, isolated_dirs):
    folder = cfg_file(isolated_dirs).parent
    folder.mkdir(parents=True)
    cfg_file(isolated_dirs).write_text('{"region": "绵阳"}', encoding="utf-8")
    try:
        folder.chmod(0o500)
        assert "没有权限写入" in run("config", "set", "tier", "3").stderr
        folder.chmod(0o000)
        ok = run("estimate", "-r", "绵阳", "-t", "职工", "--tier", "3", "-a", "8000", "--not-retired", "-f", "json")
        assert ok.exit_code == 0 and "没有权限读取" in ok.stderr
    finally:
        folder.chmod(0o700)


def test_reset_backups_never_collide(run, isolated_dirs, monkeypatch):
    import time

    monkeypatch.setattr(time, "strftime", lambda fmt, *a: "20260101-120000")  # every reset in the same second
    path = cfg_file(isolated_dirs)
    path.parent.mkdir(parents=True)
    for n in range(3):
        path.write_text(f"{{broken {n}", encoding="utf-8")
        result = run("config", "reset", "--yes")
        assert result.exit_code == 0, result.stderr
    backups = sorted(path.parent.glob("config.json.bak-*"))
    assert len(backups) == 3
    assert {b.read_text(encoding="utf-8") for b in backups} == {"{broken 0", "{broken 1", "{broken 2"}
    assert not path.exists()


def test_empty_config_file_is_an_empty_config(run, isolated_dirs):
    path = cfg_file(isolated_dirs)
    path.parent.mkdir(parents=True)
    for content in ("", "\n", "  \n"):
        path.write_text(content, encoding="utf-8")
        assert run.json("config", "show") == {}
        assert run("config", "set", "region", "绵阳").exit_code == 0
        assert run("config", "get", "region").stdout == "绵阳\n"


def test_show_says_what_the_stored_words_mean(run):
    run("config", "set", "type", "职工")
    run("config", "set", "tier", "三级")
    run("config", "set", "retired", "是")
    plain = run("config", "show", "-f", "plain").stdout
    assert "type: employee(职工医保)" in plain and "tier: 3(三级)" in plain and "retired: true(退休)" in plain
    table = run("config", "show", "-f", "table").stdout
    assert "employee(职工医保)" in table
    assert run.json("config", "show")["type"] == "employee"  # JSON keeps the stored value


def test_get_and_path_speak_json(run, isolated_dirs):
    run("config", "set", "region", "绵阳")
    assert run.json("config", "get", "region") == {"region": "绵阳"}
    assert run.json("config", "path") == {"path": str(cfg_file(isolated_dirs)), "exists": True}
    unset = run("config", "get", "tier", "-f", "json")
    assert unset.exit_code == ExitCode.ERROR and unset.stdout == ""


# ---- nothing lost: concurrent changes, symlinks, locks, loops ----------------------------------------


def _env(tmp_path, config):
    env = dict(os.environ, MEDINS_CONFIG_DIR=str(config), MEDINS_DATA_DIR=str(tmp_path / "data"),
               MEDINS_CACHE_DIR=str(tmp_path / "cache"), HOME=str(tmp_path / "home"))
    env.pop("MEDINS_DEBUG", None)
    return env


def test_concurrent_sets_of_different_keys_all_land(tmp_path):
    """Five real processes, each setting another key at the same moment, several rounds: every key
    is there afterwards (before the lock, most rounds lost one, e.g. a silent `retired: true`)."""
    import subprocess
    import sys

    pairs = [("region", "绵阳"), ("type", "职工"), ("retired", "true"), ("tier", "3"), ("min_confidence", "secondary")]
    for round_ in range(4):
        folder = tmp_path / f"round{round_}"
        env = _env(tmp_path, folder)
        procs = [subprocess.Popen([sys.executable, "-m", "medins_cli", "config", "set", key, value], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for key, value in pairs]
        outs = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0] * 5, [o[1] for o in outs]
        saved = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        assert saved == {"region": "绵阳", "type": "employee", "retired": True, "tier": "3",
                         "min_confidence": "secondary"}, round_
        assert sorted(p.name for p in folder.iterdir()) == ["config.json"]  # no lock or temp file left


def test_a_symlinked_config_keeps_its_link_and_changes_its_target(run, isolated_dirs, tmp_path):
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    target = dotfiles / "medins.json"
    target.write_text('{"region": "绵阳"}', encoding="utf-8")
    target.chmod(0o640)
    link = cfg_file(isolated_dirs)
    link.parent.mkdir(parents=True)
    link.symlink_to(target)
    assert run("config", "set", "tier", "3").exit_code == 0
    assert run("config", "unset", "region").exit_code == 0
    assert link.is_symlink() and link.resolve() == target
    assert json.loads(target.read_text(encoding="utf-8")) == {"tier": "3"}
    assert target.stat().st_mode & 0o777 == 0o640  # the file keeps its permissions
    assert sorted(p.name for p in dotfiles.iterdir()) == ["medins.json"]
    # reset moves the target aside, beside itself; the link stays and the next set writes the target
    result = run("config", "reset", "--yes")
    assert result.exit_code == 0 and str(dotfiles / "medins.json.bak-") in result.stderr
    assert link.is_symlink() and not target.exists()
    assert run("config", "set", "type", "居民").exit_code == 0
    assert link.is_symlink() and json.loads(target.read_text(encoding="utf-8")) == {"type": "resident"}
    [backup] = dotfiles.glob("medins.json.bak-*")
    assert json.loads(backup.read_text(encoding="utf-8")) == {"tier": "3"}


try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]


def _hold_lock(path):
    """Take the config's lock as another medins would (flock on config.json.lock)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


@pytest.mark.skipif(fcntl is None, reason="flock is POSIX")
def test_a_held_lock_is_waited_for_and_said_once(run, isolated_dirs, monkeypatch):
    import threading

    from medins_cli.store import userfile

    monkeypatch.setattr(userfile, "WAIT_NOTICE", 0.1)
    path = cfg_file(isolated_dirs)
    fd = _hold_lock(path)
    timer = threading.Timer(0.6, os.close, (fd,))
    timer.start()
    try:
        result = run("config", "set", "tier", "3")
    finally:
        timer.join()
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("等待中") == 1 and f"另一个 medins 正在写 {path}" in result.stderr
    assert run("config", "get", "tier").stdout == "3\n"


@pytest.mark.skipif(fcntl is None, reason="flock is POSIX")
def test_a_lock_held_too_long_gives_up_in_one_line(run, isolated_dirs, monkeypatch):
    from medins_cli.store import userfile

    monkeypatch.setattr(userfile, "WAIT_NOTICE", 0.1)
    monkeypatch.setattr(userfile, "LOCK_TIMEOUT", 0.4)
    run("config", "set", "region", "绵阳")
    path = cfg_file(isolated_dirs)
    before = path.read_bytes()
    fd = _hold_lock(path)
    try:
        for args in (["config", "set", "tier", "3"], ["config", "unset", "region"], ["config", "reset", "--yes"]):
            result = run(*args)
            assert result.exit_code == ExitCode.ERROR, args
            last = result.stderr.splitlines()[-1]
            assert last.startswith("错误:另一个 medins 正在写") and "等了 0.4 秒" in last and "没有写入" in last
            assert "Traceback" not in result.stderr
    finally:
        os.close(fd)
    assert path.read_bytes() == before


@pytest.mark.parametrize("args", [["config", "show"], ["config", "set", "tier", "3"], ["config", "unset", "tier"],
                                  ["config", "reset", "--yes"], ["estimate", "--tier", "3", "--amount", "100"]])
def test_a_config_folder_that_is_a_symlink_loop_is_named(run, tmp_path, monkeypatch, args):
    loop = tmp_path / "loop"
    loop.symlink_to(loop)  # points at itself
    monkeypatch.setenv("MEDINS_CONFIG_DIR", str(loop))
    result = run(*args)
    assert result.exit_code == ExitCode.ERROR, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert f"{loop} 是循环的符号链接" in result.stderr and "MEDINS_CONFIG_DIR" in result.stderr
    assert "config reset" not in result.stderr and "无需重置" not in result.stderr


def test_a_reset_whose_backup_fails_leaves_nothing_half_made(run, isolated_dirs, monkeypatch):
    path = cfg_file(isolated_dirs)
    path.parent.mkdir(parents=True)
    path.write_text("{broken", encoding="utf-8")

    def no_links(src, dst, *a, **k):  # a file system without hard links …
        raise OSError(1, "Operation not permitted")

    def full(src, dst):  # … that is full
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "link", no_links)
    monkeypatch.setattr(os, "replace", full)
    result = run("config", "reset", "--yes")
    assert result.exit_code == ExitCode.ERROR and "磁盘空间不足" in result.stderr
    assert path.read_text(encoding="utf-8") == "{broken"
    assert sorted(p.name for p in path.parent.iterdir()) == ["config.json"]


@pytest.mark.skipif(fcntl is None, reason="flock is POSIX")
def test_without_flock_the_lock_file_itself_is_the_lock(run, isolated_dirs, monkeypatch):
    """Some network file systems have no flock: holding the lock is having created config.json.lock."""
    import errno

    from medins_cli.store import userfile

    def no_locks(fd, op):
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    monkeypatch.setattr(userfile, "WAIT_NOTICE", 0.1)
    monkeypatch.setattr(userfile, "LOCK_TIMEOUT", 0.4)
    path = cfg_file(isolated_dirs)
    assert run("config", "set", "region", "绵阳").exit_code == 0
    assert sorted(p.name for p in path.parent.iterdir()) == ["config.json"]
    lock = path.with_name("config.json.lock")
    lock.write_text("", encoding="utf-8")  # another medins holds it (or one that crashed left it)
    result = run("config", "set", "tier", "3")
    assert result.exit_code == ExitCode.ERROR and "等待中" in result.stderr
    assert f"如果没有别的 medins 在运行,删掉 {lock} 后再试" in result.stderr.splitlines()[-1]
    lock.unlink()
    assert run("config", "set", "tier", "3").exit_code == 0
    assert json.loads(path.read_text(encoding="utf-8")) == {"region": "绵阳", "tier": "3"}
