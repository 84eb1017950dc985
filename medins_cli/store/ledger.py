"""The ledger: a person's slips (and expected bills) of each year, in a local SQLite database.

A real database, treated as one:
- the schema version is ``PRAGMA user_version``; :data:`MIGRATIONS` take any older file forward, a
  fresh file too (so the path an old file takes is the one every file takes);
- every write is one ``BEGIN IMMEDIATE`` transaction (migrations included), so two ``medins slip
  add`` started at the same moment both land: the second waits for the first (busy timeout);
- a corrupt, foreign, newer or locked file is reported in one Chinese line and left exactly as it
  is: medins never deletes, renames or recreates it;
- money is integer fen, never float; reads never create the file.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Iterator

from medins_cli.core.ledger import Entry
from medins_cli.core.slip import MONEY
from medins_cli.errors import DataError, is_permission, os_reason
from medins_cli.store.paths import user_data_dir

FILE_NAME = "ledger.sqlite3"
BUSY_TIMEOUT = 10.0  # seconds another writer may hold the lock before we give up
MONEY_COLUMNS = tuple(MONEY)

_V1_MONEY = ",\n".join(f"    {column} INTEGER" for column in MONEY_COLUMNS)
#: version → statements taking the previous version to it. Never edit a released step: add one.
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        f"""CREATE TABLE slips (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    person TEXT NOT NULL,
    date TEXT NOT NULL,
    region TEXT, plan TEXT, visit TEXT NOT NULL, tier TEXT, retired INTEGER, admission INTEGER,
    remote TEXT, hospital TEXT,
{_V1_MONEY},
    added TEXT NOT NULL
)""",
    ),
    # 2: expected bills (slip add --estimate) beside slips, and the year for the per-person queries
    2: (
        "ALTER TABLE slips ADD COLUMN kind TEXT NOT NULL DEFAULT 'slip' CHECK (kind IN ('slip', 'estimate'))",
        "ALTER TABLE slips ADD COLUMN year INTEGER",
        "UPDATE slips SET year = CAST(substr(date, 1, 4) AS INTEGER)",
        "CREATE INDEX slips_person_year ON slips (person, year)",
    ),
}
SCHEMA_VERSION = max(MIGRATIONS)

_CONTEXT_COLUMNS = ("person", "date", "year", "kind", "region", "plan", "visit", "tier", "retired", "admission",
                    "remote", "hospital")


def ledger_path() -> Path:
    return user_data_dir() / FILE_NAME


def _problem(path: Path, exc: Exception) -> DataError:
    """One Chinese line for a database or file error (SQLite's and the system's English left out)."""
    import errno

    text = str(exc).lower()
    if isinstance(exc, OSError):
        if is_permission(exc):
            return DataError(f"没有权限读写账本 {path}:请检查它和所在目录的权限")
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            return _disk_full(path)
        return DataError(f"打不开账本 {path}:{os_reason(exc)}。请检查路径和权限")
    if getattr(exc, "sqlite_errorname", None) == "SQLITE_FULL" or ("disk" in text and "full" in text):
        return _disk_full(path)
    if "locked" in text or "busy" in text:
        return DataError(f"账本 {path} 正被另一个 medins 或程序使用(等了 {BUSY_TIMEOUT:g} 秒):请稍后再试")
    if "readonly" in text or "read-only" in text or "permission" in text or "unable to open" in text:
        return DataError(f"没有权限读写账本 {path}(或打不开它):请检查它和所在目录的权限")
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return DataError(f"账本 {path} 已损坏或不是数据库:medins 没有改动它;请从备份恢复,或把它改名保存后重新记账")
    return DataError(f"账本 {path} 读写出错:medins 没有改动它;请从备份恢复,或把它改名保存后重新记账")


def _disk_full(path: Path) -> DataError:
    return DataError(f"磁盘已满,没能写入账本 {path}:账本没有改动(这次的写入整个撤销了);请腾出空间后再试")


def _rollback(conn: sqlite3.Connection) -> None:
    """Undo the open transaction, if SQLite has not already (it does on a full disk): a failing
    ROLLBACK must never hide the error that made it necessary."""
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass


@contextmanager
def _guard(path: Path) -> Iterator[None]:
    try:
        yield
    except (sqlite3.Error, OSError) as exc:
        raise _problem(path, exc) from None


def _open(path: Path, *, create: bool) -> sqlite3.Connection | None:
    """A connection in autocommit mode (transactions are explicit), or None when there is no
    ledger yet and ``create`` is False. Checks the file is a medins ledger this version can read."""
    if not create and not path.exists():
        return None
    new = not path.exists()
    if new:
        path.parent.mkdir(parents=True, exist_ok=True)
    mode = "rwc" if create else "rw"
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True, timeout=BUSY_TIMEOUT,
                           isolation_level=None)
    if new:
        try:
            os.chmod(path, 0o600)  # what someone spent on health care is nobody else's business
        except OSError:
            pass
    try:
        ok = conn.execute("PRAGMA quick_check").fetchone()
        if ok is None or ok[0] != "ok":
            raise sqlite3.DatabaseError(f"malformed: {ok[0] if ok else 'no answer'}")
        _check_identity(conn, path)
    except BaseException:
        conn.close()
        raise
    return conn


def _version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _check_identity(conn: sqlite3.Connection, path: Path) -> None:
    version = _version(conn)
    tables = _tables(conn) - {"sqlite_sequence"}
    if version > SCHEMA_VERSION:
        raise DataError(f"账本 {path} 是更新版本的 medins 写的(格式 {version},这个版本只认到 {SCHEMA_VERSION}):"
                        "请升级 medins;medins 没有改动它")
    if version == 0 and tables:
        raise DataError(f"{path} 不是 medins 的账本(里面有别的表:{'、'.join(sorted(tables))}):medins 没有改动它;"
                        "请把它移走,或用 MEDINS_DATA_DIR 指向别的目录")
    if version >= 1 and "slips" not in tables:
        raise DataError(f"账本 {path} 缺少 slips 表(格式 {version}):文件已损坏,medins 没有改动它;"
                        "请从备份恢复,或把它改名保存后重新记账")


def _migrate(conn: sqlite3.Connection) -> None:
    """Bring the file to :data:`SCHEMA_VERSION`; call inside a write transaction (re-reads the
    version under the lock, so two processes never run a step twice)."""
    version = _version(conn)
    for step in range(version + 1, SCHEMA_VERSION + 1):
        for statement in MIGRATIONS[step]:
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {step}")


@contextmanager
def _write(path: Path) -> Iterator[sqlite3.Connection]:
    """One write transaction on the ledger (created and migrated as needed)."""
    with _guard(path):
        conn = _open(path, create=True)
        assert conn is not None
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                _migrate(conn)
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)
                raise
        finally:
            conn.close()


@contextmanager
def _read(path: Path) -> Iterator[sqlite3.Connection | None]:
    """A read of the ledger (None when there is none). An older file is migrated first."""
    with _guard(path):
        conn = _open(path, create=False)
        if conn is None:
            yield None
            return
        try:
            if _version(conn) < SCHEMA_VERSION:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    _migrate(conn)
                    conn.execute("COMMIT")
                except BaseException:
                    _rollback(conn)
                    raise
            yield conn
        finally:
            conn.close()


# ---- rows ---------------------------------------------------------------------------------


def fen(value: Decimal | None) -> int | None:
    """Yuan (≤ 2 decimals) → integer fen, exactly."""
    if value is None:
        return None
    return int((value * 100).to_integral_value())


def yuan(value: int | None) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value) / 100).quantize(Decimal("0.01"))


def _row_values(entry: Entry) -> list[object]:
    retired = None if entry.retired is None else int(entry.retired)
    context = [entry.person, entry.date, entry.year, entry.kind, entry.region, entry.plan, entry.visit, entry.tier,
               retired, entry.admission, entry.remote, entry.hospital]
    return [*context, *(fen(entry.amounts.get(k)) for k in MONEY_COLUMNS),
            dt.datetime.now().isoformat(timespec="seconds")]


_SELECT = f"SELECT id, {', '.join(_CONTEXT_COLUMNS)}, {', '.join(MONEY_COLUMNS)} FROM slips"


def _entry(row: tuple) -> Entry:  # type: ignore[type-arg]
    (id_, person, date, _year, kind, region, plan, visit, tier, retired, admission, remote, hospital,
     *money) = row
    return Entry(id=id_, person=person, date=date, kind=kind, visit=visit,
                 amounts={k: yuan(v) for k, v in zip(MONEY_COLUMNS, money, strict=True)},
                 region=region, plan=plan, tier=tier, retired=None if retired is None else bool(retired),
                 admission=admission, remote=remote, hospital=hospital)


class AlreadyInLedger(DataError):
    """Bills that are already in the ledger (:func:`medins_cli.core.ledger.bill_key`): nothing was
    stored. ``matches`` pairs the index of each such new bill with the stored entry it equals."""

    def __init__(self, matches: list[tuple[int, Entry]]) -> None:
        super().__init__(f"账本里已有这张单(#{matches[0][1].id}):没有记入账本")
        self.matches = matches


class RepeatedBill(DataError):
    """Two of the bills to store are the same bill (indexes ``first`` and ``again``): nothing was stored."""

    def __init__(self, first: int, again: int) -> None:
        super().__init__(f"第 {again + 1} 张与第 {first + 1} 张是同一张单:没有记入账本")
        self.first, self.again = first, again


def add(entries: Iterable[Entry], path: Path | None = None, *, allow_duplicate: bool = False) -> list[int]:
    """Store bills, all or none (one transaction); returns their ids.

    Unless ``allow_duplicate``, a bill the ledger already holds (same person, date, region, total
    and fund paid) stops the whole write with :class:`AlreadyInLedger`, and a bill given twice with
    :class:`RepeatedBill`. The check is made inside the write transaction, so two ``slip add`` of
    the same file at the same moment store it once."""
    from medins_cli.core.ledger import bill_key, repeated

    path = path or ledger_path()
    rows = list(entries)
    columns = (*_CONTEXT_COLUMNS, *MONEY_COLUMNS, "added")
    sql = f"INSERT INTO slips ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    ids = []
    with _write(path) as conn:
        if not allow_duplicate:
            matches: list[tuple[int, Entry]] = []
            for number, entry in enumerate(rows):
                same = [old for old in (_entry(row) for row in conn.execute(
                    _SELECT + " WHERE person = ? AND year = ? AND date = ? ORDER BY id",
                    (entry.person, entry.year, entry.date)))
                    if bill_key(old) == bill_key(entry)]
                if same:  # each new bill paired with a stored one of its own where there are enough
                    paired = {old.id for _, old in matches}
                    matches.append((number, next((old for old in same if old.id not in paired), same[0])))
            if matches:
                raise AlreadyInLedger(matches)
            if (pair := repeated(rows)) is not None:
                raise RepeatedBill(*pair)
        for entry in rows:
            ids.append(int(conn.execute(sql, _row_values(entry)).lastrowid or 0))
    return ids


def entries(person: str | None = None, year: int | None = None, path: Path | None = None) -> list[Entry]:
    """Stored bills, oldest first (by date, then as added); [] when there is no ledger yet."""
    path = path or ledger_path()
    where: list[str] = []
    args: list[object] = []
    if person is not None:
        where.append("person = ?")
        args.append(person)
    if year is not None:
        where.append("year = ?")
        args.append(year)
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY date, id"
    with _read(path) as conn:
        if conn is None:
            return []
        return [_entry(row) for row in conn.execute(sql, args)]


def remove(slip_id: int, path: Path | None = None) -> Entry | None:
    """Delete one bill; returns it (None when there is no such id)."""
    path = path or ledger_path()
    if not path.exists():
        return None
    with _write(path) as conn:
        row = conn.execute(_SELECT + " WHERE id = ?", (slip_id,)).fetchone()
        if row is None:
            return None
        conn.execute("DELETE FROM slips WHERE id = ?", (slip_id,))
        return _entry(row)


def persons(path: Path | None = None) -> list[str]:
    path = path or ledger_path()
    with _read(path) as conn:
        if conn is None:
            return []
        return [row[0] for row in conn.execute("SELECT DISTINCT person FROM slips ORDER BY person")]
