"""Which files a command was given (files as named, folders recursively), why one cannot be
read, and how to show a path that may hold undecodable bytes or control characters.

An input is a local path or an fsspec URL (`s3://bucket/2024/`, `file:///data/`, … — `s3://`
needs s3fs: `pip install 'gongkai[s3]'`): a URL naming a folder stands for every file below it,
and each is read through fsspec by whichever process reads it (a Dask worker on another machine
included), so a cluster needs no shared file system."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

_SKIP_DIRS = {"__pycache__", "node_modules"}
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")

Input = Path | str  # a local path, or an fsspec URL (a str)


def is_url(name: Input) -> bool:
    """An fsspec URL (s3://…, file://…), not a local path."""
    return isinstance(name, str) and bool(_URL.match(name))


def _filesystem(url: str) -> tuple[Any, str]:
    import fsspec  # imported by the commands given a URL only

    system, root = fsspec.core.url_to_fs(url)
    return system, str(root)


def _url_files(url: str) -> list[str]:
    """The files below a URL naming a folder (sorted, hidden ones skipped), or the URL itself
    (a file, or a URL that cannot be listed: `unreadable_reason` then says why)."""
    try:
        system, root = _filesystem(url)
        if not system.isdir(root):
            return [url]
        found = [system.unstrip_protocol(p) for p in system.find(root) if not any(part.startswith(".") for part in p[len(root) :].split("/"))]
    except Exception:  # noqa: BLE001 — any failure of a remote listing is told per URL by unreadable_reason
        return [url]
    return sorted(found)


def iter_files(paths: tuple[str, ...]) -> Iterator[Input]:
    """Every path named, and every entry below every folder named that is not a folder (sorted,
    hidden ones skipped): regular files, but also links (dangling, looping, to a folder), named
    pipes and devices, so that the caller accounts for each (`unreadable_reason`). Links to
    folders found inside a folder are not followed (no loops); a folder named is read. A URL
    gives the files below it (as URLs)."""
    for name in paths:
        if is_url(name):
            yield from _url_files(name)
            continue
        path = Path(name)
        if not path.is_dir():
            yield path
            continue
        found: list[Path] = []
        for folder, dirs, names in os.walk(path, followlinks=False):
            here = Path(folder)
            dirs[:] = [d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS]
            found += [here / d for d in dirs if (here / d).is_symlink()]
            found += [here / n for n in names if not n.startswith(".")]
        yield from sorted(found)


def unreadable_reason(path: Input) -> str | None:
    """Why a path cannot be read as a report file, found without opening it (so a named pipe or a
    device never blocks); None for a readable regular file."""
    if is_url(path):
        return _url_reason(str(path))
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        return "链接指向的文件不存在" if path.is_symlink() else "文件不存在"
    except OSError as error:
        if error.errno == 40:  # ELOOP
            return "链接循环（链接最终指向它自己）"
        return f"无法访问：{error.strerror or error}"
    if stat.S_ISDIR(info.st_mode):
        return "是指向文件夹的链接，未跟随（以免循环）" if path.is_symlink() else "是文件夹，不是普通文件"
    if stat.S_ISFIFO(info.st_mode):
        return "是命名管道（FIFO），不是普通文件"
    if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode):
        return "是设备文件，不是普通文件"
    if stat.S_ISSOCK(info.st_mode):
        return "是套接字，不是普通文件"
    if not stat.S_ISREG(info.st_mode):
        return "不是普通文件"
    if not os.access(path, os.R_OK):
        return "没有读取权限"
    return None


def _url_reason(url: str) -> str | None:
    try:
        system, root = _filesystem(url)
        info = system.info(root)
    except ImportError as error:  # fsspec names the package a protocol needs (s3fs, gcsfs …)
        return f"读取 {url.split('://', 1)[0]}:// 地址需要另装软件包（{error}）；S3 请安装：pip install 'gongkai[s3]'"
    except FileNotFoundError:
        return "文件不存在"
    except Exception as error:  # noqa: BLE001 — a remote store fails in its own ways
        return f"无法访问：{type(error).__name__}: {error}"[:300]
    if info.get("type") == "directory":
        return "是文件夹，不是普通文件"
    return None


def input_size(path: Input) -> int:
    """The size in bytes of a local file or of a URL's object."""
    if is_url(path):
        system, root = _filesystem(str(path))
        return int(system.size(root))
    return Path(path).stat().st_size


def open_input(path: Input) -> IO[bytes]:
    """A local file or a URL's object, opened for reading bytes."""
    if is_url(path):
        system, root = _filesystem(str(path))
        stream: IO[bytes] = system.open(root, "rb")
        return stream
    return Path(path).open("rb")


_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def path_text(path: Path | str) -> str:
    """A path as text that can be stored and printed anywhere: bytes that are not UTF-8 (kept by
    Python as surrogates) become \\xNN, so the name is kept losslessly and never breaks an
    encoder."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def shown(text: str) -> str:
    """Text safe for a terminal or a one-line report: control, bidi and zero-width characters
    escaped (\\x1b, \\u202e…), so a file or agency name cannot move the cursor, retitle the window
    or reverse the line."""
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)
