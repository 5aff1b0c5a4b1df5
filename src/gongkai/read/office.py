"""DOC and WPS (OLE compound files): converted to DOCX by LibreOffice headless, then read as DOCX.

LibreOffice is optional: where `soffice` is not installed the file gets a clear `unreadable`
finding saying what to install. A conversion runs in its own profile folder with a time limit,
so a file that hangs LibreOffice cannot hang a batch.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .document import Document, ReadError

CONVERT_SECONDS = 120


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(data: bytes, suffix: str = ".doc") -> bytes:
    """The DOCX LibreOffice makes of a DOC/WPS file, or ReadError."""
    program = soffice()
    if program is None:
        raise ReadError(
            "这是DOC/WPS等旧版Office文件，读取需要 LibreOffice：请安装（Debian/Ubuntu：apt-get install libreoffice-writer-nogui），"
            "或在Word/WPS中另存为DOCX后再检查"
        )
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
            "docx:MS Word 2007 XML",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=CONVERT_SECONDS, check=False)
        except subprocess.TimeoutExpired as error:
            raise ReadError(f"LibreOffice转换超过{CONVERT_SECONDS}秒未完成，文件可能已损坏") from error
        result = work / "out" / "input.docx"
        if not result.exists():
            raise ReadError("LibreOffice无法转换此文件（可能已损坏，或不是Word/WPS文档）")
        return result.read_bytes()


def read_office(data: bytes, path: str, sha256: str) -> Document:
    from .docx import read_docx

    suffix = Path(path).suffix.lower() if Path(path).suffix.lower() in (".doc", ".wps", ".rtf") else ".doc"
    document = read_docx(convert_to_docx(data, suffix), path, sha256)
    document.media_type = "application/msword"
    return document
