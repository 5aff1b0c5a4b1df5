"""Which files a command was given (files as named, folders recursively), why one cannot be
read, and how to show a path that may hold undecodable bytes or control characters."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

_SKIP_DIRS = {"__pycache__", "node_modules"}


def iter_files(paths: tuple[str, ...]) -> Iterator[Path]:
    """Every path named, and every entry below every folder named that is not a folder (sorted,
    hidden ones skipped): regular files, but also links (dangling, looping, to a folder), named
    pipes and devices, so that the caller accounts for each (`unreadable_reason`). Links to
    folders found inside a folder are not followed (no loops); a folder named is read."""
    for name in paths:
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


def unreadable_reason(path: Path) -> str | None:
    """Why a path cannot be read as a report file, found without opening it (so a named pipe or a
    device never blocks); None for a readable regular file."""
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
