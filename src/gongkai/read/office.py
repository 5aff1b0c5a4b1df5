"""LibreOffice headless conversions: DOC/WPS/RTF/ODT to DOCX for reading (and, for the report
writer, DOCX to PDF).

DOC and WPS (OLE compound files), RTF and ODT are converted to DOCX, then read as DOCX. LibreOffice is
optional: where `soffice` is not installed the file gets a clear `unreadable` finding saying
what to install. A conversion runs in its own profile folder with a time limit, so a file that
hangs LibreOffice cannot hang a batch.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .document import Document, ReadError

CONVERT_SECONDS = 120


class ConversionError(Exception):
    """A LibreOffice conversion that gave no file (the caller words the message for its user)."""


class OfficeMissing(ConversionError):
    """LibreOffice (`soffice`) is not installed."""


class ConversionTimeout(ConversionError):
    """LibreOffice did not finish within the time limit."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(data: bytes, suffix: str, target: str, *, seconds: int = CONVERT_SECONDS) -> bytes:
    """The file LibreOffice makes of `data` (a file ending in `suffix`, e.g. ".doc") for a
    `--convert-to` target such as "pdf" or "docx:MS Word 2007 XML".

    Raises `OfficeMissing` when LibreOffice is not installed, `ConversionTimeout` after
    `seconds`, `ConversionError` when it writes no file. Each call has its own profile folder,
    so conversions neither share state nor wait for a LibreOffice the user has open.
    """
    program = soffice()
    if program is None:
        raise OfficeMissing("soffice")
    extension = target.split(":", 1)[0]
    with tempfile.TemporaryDirectory(prefix="gongkai-office-") as folder:
        work = Path(folder)
        source = work / f"input{suffix}"
        source.write_bytes(data)
        command = [
            program,
            f"-env:UserInstallation=file://{work / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=seconds, check=False)
        except subprocess.TimeoutExpired as error:
            raise ConversionTimeout(str(seconds)) from error
        result = work / "out" / f"input.{extension}"
        if not result.exists():
            raise ConversionError(target)
        return result.read_bytes()


def convert_to_docx(data: bytes, suffix: str = ".doc") -> bytes:
    """The DOCX LibreOffice makes of a DOC/WPS file, or ReadError."""
    try:
        return convert(data, suffix, "docx:MS Word 2007 XML")
    except OfficeMissing as error:
        raise ReadError(
            "这是DOC/WPS/RTF/ODT等Word以外格式的文档，读取需要 LibreOffice：请安装（Debian/Ubuntu：apt-get install libreoffice-writer-nogui），"
            "或在Word/WPS中另存为DOCX后再检查"
        ) from error
    except ConversionTimeout as error:
        raise ReadError(f"LibreOffice转换超过{CONVERT_SECONDS}秒未完成，文件可能已损坏") from error
    except ConversionError as error:
        raise ReadError("LibreOffice无法转换此文件（可能已损坏，或不是Word/WPS/ODT文档）") from error


# The suffix LibreOffice is given for each media type sniffed (a DOC file may be named .wps).
_SUFFIXES = {"application/rtf": ".rtf", "application/vnd.oasis.opendocument.text": ".odt"}


def read_office(data: bytes, path: str, sha256: str, media_type: str) -> Document:
    """A DOC/WPS (OLE), RTF or ODT file, converted to DOCX by LibreOffice and read as DOCX."""
    from .docx import read_docx

    named = Path(path).suffix.lower()
    suffix = _SUFFIXES.get(media_type) or (named if named in (".doc", ".wps") else ".doc")
    document = read_docx(convert_to_docx(data, suffix), path, sha256)
    document.media_type = "application/msword" if media_type == "application/x-ole-storage" else media_type
    return document
