"""The report as PDF: the DOCX converted by LibreOffice headless (`read.office.convert`, the
helper gongkai's DOC reader uses), in its own profile folder and with a time limit."""

from __future__ import annotations

from ..read.office import ConversionError, ConversionTimeout, OfficeMissing, convert
from .compose import Composition
from .docx import to_docx

PDF_SECONDS = 120


class WriteError(Exception):
    """A report that could not be written; the message is a Chinese sentence for the user."""


def to_pdf(composition: Composition, seconds: int = PDF_SECONDS) -> bytes:
    """The composed report as PDF bytes, or WriteError saying what went wrong."""
    try:
        return convert(to_docx(composition), ".docx", "pdf", seconds=seconds)
    except OfficeMissing as error:
        raise WriteError(
            "生成PDF需要 LibreOffice，但本机没有安装：请安装（Debian/Ubuntu：apt-get install libreoffice-writer-nogui），"
            "或改为输出DOCX（--out 报告.docx）后在Word/WPS中另存为PDF。"
        ) from error
    except ConversionTimeout as error:
        raise WriteError(f"LibreOffice在{seconds}秒内没有完成PDF转换，请重试，或改为输出DOCX后在Word/WPS中另存为PDF。") from error
    except ConversionError as error:
        raise WriteError("LibreOffice没有生成PDF文件（转换失败），请改为输出DOCX后在Word/WPS中另存为PDF。") from error
