"""Open a database safely: only gongkai's own, never a newer schema, every failure said in Chinese.

A SQLite file carries gongkai's application id (`PRAGMA application_id`) from the moment gongkai
creates it; a file that holds other tables and no such id is someone else's, and gongkai writes
nothing into it. Passwords never appear in a message.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from .schema import MIGRATIONS, current_version, metadata

APPLICATION_ID = 0x676B6169  # "gkai"
LOCK_ATTEMPTS = 4  # a busy database is tried this many times (each waits busy_timeout) before giving up

T = TypeVar("T")


class StoreError(Exception):
    """A database gongkai cannot or must not use; the message is a Chinese sentence for the user."""


def masked(url: str) -> str:
    """A database URL fit to print: the password replaced by ***."""
    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 — not a URL: mask anything that looks like user:password@
        return re.sub(r"(//[^:/@]+:)[^@]*@", r"\1***@", url)
    return parsed.render_as_string(hide_password=True) if parsed.password else url


def check_ownership(connection: Connection) -> None:
    """Refuse a database that gongkai did not create, or one written by a newer gongkai."""
    names = set(inspect(connection).get_table_names())
    ours = {t.name for t in metadata.sorted_tables}
    if connection.dialect.name == "sqlite":
        application_id = connection.exec_driver_sql("PRAGMA application_id").scalar()
        if application_id not in (0, APPLICATION_ID):
            raise StoreError("这不是 gongkai 的数据库（SQLite 文件属于其他程序），gongkai 不会写入；请用 --db 指定另一个文件。")
        if application_id == 0 and names and "schema_migrations" not in names:
            raise StoreError("这不是 gongkai 的数据库（文件中已有其他程序的表），gongkai 不会写入；请用 --db 指定另一个文件。")
    elif names & ours and "schema_migrations" not in names:
        raise StoreError("这个数据库中已有与 gongkai 同名的表，但不是 gongkai 建立的；gongkai 不会写入，请换一个数据库。")
    version = current_version(connection)
    if version > len(MIGRATIONS):
        raise StoreError(f"数据库由更新版本的 gongkai 建立（结构版本 {version}，本版本只认识到 {len(MIGRATIONS)}），请升级 gongkai。")


def claim(connection: Connection) -> None:
    """Mark a SQLite database as gongkai's (a no-op elsewhere, and when it is marked already)."""
    if connection.dialect.name == "sqlite" and connection.exec_driver_sql("PRAGMA application_id").scalar() != APPLICATION_ID:
        connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")


def use_wal(connection: Connection) -> None:
    """Put a claimed SQLite database in WAL mode: readers never block the writer, and a crash
    leaves no half transaction. Outside any transaction (SQLite cannot switch inside one)."""
    if connection.dialect.name == "sqlite" and connection.exec_driver_sql("PRAGMA journal_mode").scalar() != "wal":
        connection.exec_driver_sql("PRAGMA journal_mode=WAL")


def explain(error: BaseException, url: str) -> StoreError:
    """The Chinese sentence for a driver error while opening or writing a database."""
    if isinstance(error, StoreError):
        return error
    detail = str(getattr(error, "orig", None) or error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    lowered = detail.lower()
    where = masked(url)
    if "readonly" in lowered or "read-only" in lowered or "attempt to write a readonly database" in lowered:
        return StoreError(f"数据库 {where} 是只读的，无法写入：请检查文件权限。")
    if "locked" in lowered or "busy" in lowered:
        return StoreError(f"数据库 {where} 正被其他程序占用，等待后仍无法写入：请稍后再试。")
    if "malformed" in lowered or "not a database" in lowered or "file is encrypted" in lowered:
        return StoreError(f"数据库 {where} 已损坏或不是数据库文件：请用备份恢复，或用 --db 指定另一个文件。")
    if "unable to open" in lowered:
        return StoreError(f"无法打开数据库 {where}：文件夹不存在或没有权限。")
    if "password" in lowered or "authentication" in lowered:
        return StoreError(f"无法连接数据库 {where}：用户名或密码不对。")
    if "connection" in lowered or "could not" in lowered or "timeout" in lowered:
        return StoreError(f"无法连接数据库 {where}：{masked(detail)}")
    return StoreError(f"数据库 {where} 出错：{type(error).__name__}：{masked(detail)}")


def retrying(work: Callable[[], T], url: str) -> T:
    """Run a database operation, retrying while the database is locked by another writer; every
    driver error leaves as a StoreError with a Chinese message."""
    for attempt in range(LOCK_ATTEMPTS):
        try:
            return work()
        except OperationalError as error:
            text_ = str(error.orig).lower()
            transient = "locked" in text_ or "busy" in text_ or "already exists" in text_
            if not transient or attempt == LOCK_ATTEMPTS - 1:
                raise explain(error, url) from error
            time.sleep(0.2 * (attempt + 1))
        except (DBAPIError, SQLAlchemyError) as error:
            raise explain(error, url) from error
    raise AssertionError("unreachable")
