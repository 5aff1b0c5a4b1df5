"""Expanding an uploaded ZIP without trusting it.

A member is refused (the whole archive with it) when its name is absolute, climbs out with
`..`, names a drive (`C:`), holds a NUL, or when it is a symbolic link or encrypted. A zip bomb
is refused twice over: before anything is written, from the sizes the archive declares (their
sum against `unzipped_bytes`, each against `file_bytes`, the ratio of a large member against
`MAX_RATIO`), and again while extracting, from the bytes actually produced — a header can lie.
Members are written to paths the caller chooses (never to their own names); nested ZIPs are
written as files, not expanded.
"""

from __future__ import annotations

import hashlib
import re
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MAX_RATIO = 100  # uncompressed : compressed, for a member larger than LARGE_MEMBER
LARGE_MEMBER = 1024 * 1024
CHUNK = 64 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


class ZipRefused(Exception):
    """The archive is refused; `status` is 400 (unsafe or broken) or 413 (too large)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class ZipLimits:
    file_bytes: int  # one member, uncompressed
    unzipped_bytes: int  # every member together, uncompressed
    files: int  # members (files) at most


@dataclass(frozen=True)
class Expanded:
    """One member written out."""

    name: str  # its name in the archive, for display only
    path: Path  # where it was written
    size: int
    sha256: str


def size_text(count: float) -> str:
    """A size as people read it: 12 KB, 3.5 MB."""
    if count >= 1024 * 1024 * 1024:
        return f"{count / 1024 / 1024 / 1024:.1f} GB"
    if count >= 1024 * 1024:
        return f"{count / 1024 / 1024:.1f} MB".replace(".0 MB", " MB")
    return f"{max(count, 0) / 1024:.0f} KB" if count >= 1024 else f"{int(count)} 字节"


def display_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its creator wrote it: archives made on Chinese Windows store GBK names
    without the UTF-8 flag, which `zipfile` decodes as CP437."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return name


def member_problem(info: zipfile.ZipInfo) -> str | None:
    """Why a member may not be expanded (None: it may): an unsafe name, a link, encryption."""
    name = info.filename
    if "\x00" in name:
        return "文件名含有空字符"
    if name.startswith(("/", "\\")):
        return "使用绝对路径"
    if _DRIVE.match(name):
        return "含有盘符"
    if any(part == ".." for part in re.split(r"[/\\]", name)):
        return "含有“..”（指向压缩包之外）"
    mode = info.external_attr >> 16
    if mode and stat.S_ISLNK(mode):
        return "是符号链接"
    if info.flag_bits & 0x1:
        return "已加密"
    return None


def is_zip_name(name: str) -> bool:
    return name.lower().endswith(".zip")


def expand(archive: Path, target: Callable[[str], Path], limits: ZipLimits, label: str = "ZIP 文件") -> list[Expanded]:
    """Write every file of `archive` to `target(its name)`; the files written, in archive order.

    Raises ZipRefused before writing anything when a name or a declared size is refused, and
    while writing when the bytes produced exceed what was declared or allowed (the caller
    removes what was written). `label` names the archive in messages.
    """
    try:
        with zipfile.ZipFile(archive) as opened:
            infos = opened.infolist()
            members = _checked(infos, limits, label)
            return _extract(opened, members, target, limits, label)
    except ZipRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError, OSError, RuntimeError) as error:
        raise ZipRefused(f"{label}不是有效的 ZIP 文件或已损坏，无法展开（{type(error).__name__}）") from error


def _checked(infos: list[zipfile.ZipInfo], limits: ZipLimits, label: str) -> list[zipfile.ZipInfo]:
    """The members to write, after every check that needs no decompression."""
    for info in infos:
        problem = member_problem(info)
        if problem is not None:
            raise ZipRefused(f"{label}中的“{display_name(info)}”{problem}，出于安全原因整个压缩包未接收")
    members = [info for info in infos if not info.is_dir()]
    if len(members) > limits.files:
        raise ZipRefused(f"{label}含有 {len(members)} 个文件，本次上传最多还能接收 {max(limits.files, 0)} 个（ZIP 中的文件也计入上限），未接收", 413)
    declared = sum(info.file_size for info in members)
    if declared > limits.unzipped_bytes:
        raise ZipRefused(f"{label}解压后共 {size_text(declared)}，超过上限 {size_text(limits.unzipped_bytes)}（可能是“压缩炸弹”），未接收", 413)
    for info in members:
        if info.file_size > limits.file_bytes:
            raise ZipRefused(f"{label}中的“{display_name(info)}”解压后 {size_text(info.file_size)}，超过单个文件的上限 {size_text(limits.file_bytes)}", 413)
        if info.file_size > LARGE_MEMBER and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ZipRefused(_ratio_message(label, info), 413)
    return members


def _ratio_message(label: str, info: zipfile.ZipInfo) -> str:
    return f"{label}中的“{display_name(info)}”压缩比超过 {MAX_RATIO}:1（可能是“压缩炸弹”），整个压缩包未接收"


def _extract(opened: zipfile.ZipFile, members: list[zipfile.ZipInfo], target: Callable[[str], Path], limits: ZipLimits, label: str) -> list[Expanded]:
    out: list[Expanded] = []
    total = 0
    for info in members:
        name = display_name(info)
        path = target(name)
        digest = hashlib.sha256()
        written = 0
        with opened.open(info) as source, path.open("xb") as sink:
            while chunk := source.read(CHUNK):
                written += len(chunk)
                total += len(chunk)
                if written > info.file_size:
                    raise ZipRefused(f"{label}中的“{name}”解压出的内容多于其声明的大小（压缩包被篡改），未接收", 413)
                if written > limits.file_bytes:
                    raise ZipRefused(f"{label}中的“{name}”解压后超过单个文件的上限 {size_text(limits.file_bytes)}", 413)
                if total > limits.unzipped_bytes:
                    raise ZipRefused(f"{label}解压后超过上限 {size_text(limits.unzipped_bytes)}（可能是“压缩炸弹”），未接收", 413)
                if written > LARGE_MEMBER and written > MAX_RATIO * max(info.compress_size, 1):
                    raise ZipRefused(_ratio_message(label, info), 413)
                digest.update(chunk)
                sink.write(chunk)
        out.append(Expanded(name, path, written, digest.hexdigest()))
    return out
