"""gongkai — read, check, store and write 政府信息公开工作年度报告.

    >>> import gongkai
    >>> record = gongkai.check("report.txt")
    >>> [f.rule for f in record.findings]
"""

from __future__ import annotations

from .api import check, check_text, read, read_text
from .model import Finding, Record

__version__ = "0.1.0"
__all__ = ["Finding", "Record", "__version__", "check", "check_text", "read", "read_text"]
