"""Upload jobs: receiving files into a job folder within limits, then ingesting it in the background.

Receiving (`Incoming`, `MultipartReceiver`): each file of a request is written to a hidden
staging folder under the upload folder as it streams in, counted against `UploadLimits`
(bytes per file, bytes per request, files per request); ZIPs are expanded safely
(`zipsafe`). Files are named `<n><suffix>` — the suffix only when it is one of
`ALLOWED_SUFFIXES` — and the client's name is kept for display in the job's manifest, never
used as a path. A refusal (`UploadRefused`, 400 or 413) removes the staging folder: nothing is
stored. Accepted, the staging folder becomes `<upload folder>/<job id>/` in one rename.

Running (`JobRunner`): worker threads take jobs from a queue and run `pipeline.ingest` over the
job folder — the same as `gongkai ingest` (idempotent by SHA-256; every file gets a row in
`files`, unreadable ones with their reason). A clerk's new contents are marked drafts *before*
ingest (no moment where a viewer could see them); a reviewer's or admin's uploads are
published. The manifest (`.manifest.json`) and the outcome (`.result.json`) are kept in the job
folder (hidden: ingest skips them), so a job interrupted by a restart is run again on start.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import queue
import re
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from python_multipart import MultipartParser
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import parse_options_header
from sqlalchemy import select

from ..files import shown
from ..pipeline import IngestSummary, default_workers, ingest
from ..store import Store, StoreError
from ..store.review import ROLES, ReportReview, Role, User
from ..store.schema import files as files_table
from ..store.schema import reports as reports_table
from .security import Visibility
from .zipsafe import Expanded, ZipLimits, expand, is_zip_name, size_text

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

    from . import UploadLimits

# Suffixes a stored file may keep (the readers decide the type from the bytes; a suffix helps
# LibreOffice and people looking at the folder). Anything else is stored without one.
ALLOWED_SUFFIXES = frozenset(
    {".txt", ".text", ".md", ".csv", ".tsv", ".pdf", ".doc", ".docx", ".wps", ".rtf", ".odt", ".htm", ".html", ".shtml", ".mht",
     ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".gif", ".bmp", ".zip"}
)  # fmt: skip
ACCEPT = ",".join(sorted(ALLOWED_SUFFIXES))  # for <input type=file accept=…>
FIELD = "files"  # the multipart field of the files
MANIFEST = ".manifest.json"
RESULT = ".result.json"
JOB_ID = re.compile(r"^[0-9a-f]{32}$")
NAME_CHARACTERS = 255  # a displayed client name is cut here
FIELD_BYTES = 64 * 1024  # a non-file form field (the CSRF token) is at most this long
BEIJING = timezone(timedelta(hours=8), "北京时间")
STALE_STAGING = 24 * 3600.0  # seconds after which a staging folder left by a crash is removed

JobState = Literal["queued", "running", "done", "failed"]
STATE_NAMES: dict[str, str] = {"queued": "排队中", "running": "处理中", "done": "已完成", "failed": "失败"}
FILE_STATUS_NAMES: dict[str, str] = {"waiting": "等待处理", "read": "已读取", "findings": "有问题", "unreadable": "无法读取"}
AGENCY_MISMATCH = "报告中的机关与您的机关不符"


class UploadRefused(Exception):
    """The request is refused as a whole (nothing stored): 400 (malformed, unsafe) or 413 (too large)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def new_job_id() -> str:
    return secrets.token_hex(16)


def display_name(name: str) -> str:
    """A client's file name as shown (never used as a path): control, bidi and zero-width
    characters escaped, cut at NAME_CHARACTERS."""
    text = shown(name.strip()) or "（无文件名）"
    return text if len(text) <= NAME_CHARACTERS else text[: NAME_CHARACTERS - 1] + "…"


def safe_suffix(name: str) -> str:
    """The suffix a stored file gets: the client's, lower-cased, if it is allowed; else none."""
    base = re.split(r"[/\\]", name)[-1]
    dot = base.rfind(".")
    suffix = base[dot:].lower() if dot > 0 else ""
    return suffix if suffix in ALLOWED_SUFFIXES else ""


def upload_root(configured: Path | None, store: Store) -> Path:
    """Where uploads are kept: the configured folder; else next to a SQLite database file
    (`gongkai.db` → `gongkai-uploads/`); else a new private temporary folder."""
    if configured is not None:
        root = Path(configured)
    else:
        database = store.engine.url.database if store.dialect == "sqlite" else None
        if database and database != ":memory:" and not database.startswith("file:"):
            db = Path(database)
            root = db.with_name(f"{db.stem}-uploads")
        else:
            root = Path(tempfile.mkdtemp(prefix="gongkai-uploads-"))
    root = Path(os.path.abspath(root))
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    return root


# ------------------------------------------------------------------ receiving


@dataclass
class UploadedFile:
    """One file of a job, as its manifest keeps it."""

    n: int
    name: str  # the client's name, for display only
    stored: str  # its file name in the job folder: <n><suffix>
    size: int
    sha256: str
    archive: str | None = None  # the ZIP it came from (display name)
    note: str | None = None


@dataclass
class _Part:
    name: str
    path: Path
    is_zip: bool
    handle: IO[bytes]
    size: int = 0
    digest: Any = field(default_factory=hashlib.sha256)


class Incoming:
    """The files of one request on their way into a job folder (see the module docstring)."""

    def __init__(self, root: Path, limits: UploadLimits, job_id: str) -> None:
        self.root = root
        self.limits = limits
        self.job_id = job_id
        self.staging = root / f".incoming-{job_id}"
        self.staging.mkdir(mode=0o700)
        self.parts: list[_Part] = []
        self.total = 0
        self._current: _Part | None = None

    def begin(self, client_name: str) -> None:
        """A new file starts (its name as the client sent it)."""
        self.end()
        if len(self.parts) + 1 > self.limits.files:
            raise UploadRefused(f"一次最多上传 {self.limits.files} 个文件（ZIP 中的文件也计入），本次超过上限，未接收", 413)
        path = self.staging / f".part-{len(self.parts) + 1}"
        part = _Part(client_name, path, is_zip_name(client_name), path.open("xb"))
        self.parts.append(part)
        self._current = part

    def write(self, data: bytes) -> None:
        part = self._current
        if part is None or not data:
            return
        part.size += len(data)
        self.total += len(data)
        if part.size > self.limits.file_bytes:
            raise UploadRefused(f"文件“{display_name(part.name)}”超过单个文件的上限 {size_text(self.limits.file_bytes)}，本次上传未接收", 413)
        if self.total > self.limits.request_bytes:
            raise UploadRefused(too_large_request(self.limits), 413)
        part.digest.update(data)
        part.handle.write(data)

    def end(self) -> None:
        """The current file is complete."""
        if self._current is not None:
            self._current.handle.close()
            self._current = None

    def finish(self) -> tuple[Path, list[UploadedFile]]:
        """Expand the ZIPs, number the files and move the staging folder to the job folder."""
        self.end()
        kept = []
        for part in self.parts:
            if part.size > 0 or part.name.strip():
                kept.append(part)
            else:
                part.path.unlink()  # an empty file input sends an empty part without a name
        if not kept:
            raise UploadRefused("没有收到文件：请选择要上传的报告文件（字段名 files）")
        plain = sum(1 for part in kept if not part.is_zip)
        room = ZipLimits(self.limits.file_bytes, self.limits.unzipped_bytes, self.limits.files - plain)
        out: list[UploadedFile] = []
        for part in kept:
            if not part.is_zip:
                stored = f"{len(out) + 1}{safe_suffix(part.name)}"
                part.path.rename(self.staging / stored)
                out.append(UploadedFile(len(out) + 1, display_name(part.name), stored, part.size, part.digest.hexdigest()))
                continue
            label = f"压缩包“{display_name(part.name)}”"
            members = expand(part.path, _numbered(self.staging, len(out) + 1), room, label)
            part.path.unlink()
            for member in members:
                out.append(_member(len(out) + 1, member, display_name(part.name)))
            room = ZipLimits(room.file_bytes, room.unzipped_bytes - sum(m.size for m in members), room.files - len(members))
        if not out:
            raise UploadRefused("没有收到文件：上传的 ZIP 中没有文件")
        folder = self.root / self.job_id
        self.staging.rename(folder)
        return folder, out

    def discard(self) -> None:
        """Remove everything received (the request was refused)."""
        self.end()
        for part in self.parts:
            if not part.handle.closed:
                part.handle.close()
        shutil.rmtree(self.staging, ignore_errors=True)


def _numbered(folder: Path, first: int) -> Callable[[str], Path]:
    """Paths for the members of a ZIP: <n><suffix> from `first` on, in the order asked."""
    numbers = itertools.count(first)
    return lambda member: folder / f"{next(numbers)}{safe_suffix(member)}"


def _member(n: int, member: Expanded, archive: str) -> UploadedFile:
    note = "压缩包中的 ZIP 文件不展开，按一个文件处理" if is_zip_name(member.name) else None
    return UploadedFile(n, display_name(member.name), member.path.name, member.size, member.sha256, archive, note)


def too_large_request(limits: UploadLimits) -> str:
    return f"上传内容超过一次上传的上限 {size_text(limits.request_bytes)}，未接收；请分批上传"


class MultipartReceiver:
    """A streaming multipart/form-data parser that writes the parts of field `files` into an
    `Incoming` as they arrive; other fields (the CSRF token) are read and ignored."""

    def __init__(self, content_type: str, incoming: Incoming) -> None:
        kind, options = parse_options_header(content_type)
        boundary = options.get(b"boundary")
        if kind != b"multipart/form-data" or not boundary:
            raise UploadRefused("请以 multipart/form-data 格式上传文件（字段名 files）")
        charset = options.get(b"charset", b"utf-8").decode("latin-1")
        self.charset = charset if charset.lower() in ("utf-8", "utf8", "gb18030", "gbk") else "utf-8"
        self.incoming = incoming
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""
        self._file = False
        self._field_bytes = 0
        callbacks: MultipartCallbacks = {
            "on_part_begin": self._part_begin,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value_data,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
        }
        self.parser = MultipartParser(boundary, callbacks)

    def write(self, chunk: bytes) -> None:
        try:
            self.parser.write(chunk)
        except FormParserError as error:
            raise UploadRefused(f"上传的数据格式有误，无法解析（{error}）") from error

    def finish(self) -> None:
        try:
            self.parser.finalize()
        except FormParserError as error:
            raise UploadRefused(f"上传的数据不完整，无法解析（{error}）") from error
        self.incoming.end()

    def _part_begin(self) -> None:
        self._disposition = b""
        self._file = False
        self._field_bytes = 0

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _header_value_data(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]
        if len(self._header_value) > FIELD_BYTES:
            raise UploadRefused("上传的数据格式有误：分段头过长")

    def _header_end(self) -> None:
        if self._header_name.strip().lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name = self._header_value = b""

    def _headers_finished(self) -> None:
        _kind, options = parse_options_header(self._disposition.decode("latin-1"))
        name = options.get(b"name", b"").decode("latin-1")
        if name == FIELD and b"filename" in options:
            self._file = True
            self.incoming.begin(options[b"filename"].decode(self.charset, "replace"))

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._file:
            self.incoming.write(data[start:end])
            return
        self._field_bytes += end - start
        if self._field_bytes > FIELD_BYTES:
            raise UploadRefused("上传的数据格式有误：表单字段过长")

    def _part_end(self) -> None:
        if self._file:
            self.incoming.end()
        self._file = False


# ------------------------------------------------------------------ jobs


@dataclass
class Job:
    id: str
    owner: str
    role: Role
    agency_key: str | None  # the owner's agency (a clerk's)
    created: str
    folder: Path
    files: list[UploadedFile]
    known: set[str] = field(default_factory=set)  # contents stored before this upload
    state: JobState = "queued"
    done: int = 0
    started: float | None = None  # time.monotonic() when ingest began
    elapsed: float = 0.0  # seconds of ingest, once finished
    summary: IngestSummary = field(default_factory=IngestSummary)
    error: str | None = None
    finished_at: str | None = None

    @property
    def total(self) -> int:
        return len(self.files)

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    def seconds(self) -> float:
        if self.finished or self.started is None:
            return self.elapsed
        return time.monotonic() - self.started

    def rate(self) -> float:
        """Files per second so far."""
        seconds = self.seconds()
        return round(self.done / seconds, 2) if seconds > 0 and self.done else 0.0

    def manifest(self) -> dict[str, Any]:
        return {
            "id": self.id, "owner": self.owner, "role": self.role, "agency_key": self.agency_key, "created": self.created,
            "files": [asdict(f) for f in self.files], "known": sorted(self.known),
        }  # fmt: skip

    def outcome(self, state: JobState) -> dict[str, Any]:
        return {"state": state, "summary": self.summary.as_dict(), "error": self.error, "elapsed": self.elapsed, "finished_at": self.finished_at}

    def visible_to(self, user: User) -> bool:
        """A job is its uploader's (and every admin's)."""
        return user.role == "admin" or user.name == self.owner


def now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_time(stamp: str) -> str:
    """A stored UTC time (2024-01-31T08:00:00Z) as Beijing time for people: 2024-01-31 16:00."""
    try:
        moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return stamp
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def new_job(store: Store, user: User, folder: Path, uploaded: list[UploadedFile]) -> Job:
    """The job of files received into `folder`, its manifest written; a clerk's contents that the
    store does not hold yet are marked drafts now, before ingest can publish them."""
    known = {f.sha256 for f in uploaded if store.parser_version_of(f.sha256) is not None}
    job = Job(folder.name, user.name, user.role, user.agency_key, now_text(), folder, uploaded, known)
    if user.role == "clerk":
        for sha in sorted({f.sha256 for f in uploaded} - known):
            store.set_report_review(sha, draft=True, uploaded_by=user.name, by=user.name)
    _write_json(folder / MANIFEST, job.manifest())
    return job


def _write_json(path: Path, data: dict[str, Any]) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    temporary.replace(path)


def load_job(folder: Path) -> Job | None:
    """A job from its folder's manifest (and outcome, if it finished); None if unreadable."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        role = next(r for r in ROLES if r == data["role"])
        files = [UploadedFile(**item) for item in data["files"]]
        job = Job(data["id"], data["owner"], role, data.get("agency_key"), data["created"], folder, files, set(data.get("known", [])))
    except (OSError, ValueError, KeyError, TypeError, StopIteration):
        return None
    try:
        outcome = json.loads((folder / RESULT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return job  # never finished: to be run again
    job.state = "failed" if outcome.get("state") == "failed" else "done"
    job.summary = IngestSummary(**{k: int(v) for k, v in outcome.get("summary", {}).items() if k in IngestSummary.__dataclass_fields__})
    job.error = outcome.get("error")
    job.elapsed = float(outcome.get("elapsed") or 0.0)
    job.finished_at = outcome.get("finished_at")
    job.done = job.total if job.state == "done" else 0
    return job


def _older_than(path: Path, seconds: float) -> bool:
    try:
        return time.time() - path.stat().st_mtime > seconds
    except OSError:
        return False


class JobRunner:
    """Runs upload jobs in background threads (`threads` jobs at a time, each ingest with up to
    `workers` reader processes); jobs of earlier runs are loaded from the upload folder, and
    those a restart interrupted are queued again (ingest is idempotent)."""

    def __init__(self, store: Store, root: Path, threads: int = 2, workers: int | None = None) -> None:
        self.store = store
        self.root = root
        self.workers = workers or default_workers()
        self._jobs: dict[str, Job] = {}
        self._queue: queue.Queue[Job] = queue.Queue()
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        for folder in sorted(root.iterdir()) if root.is_dir() else []:
            if folder.name.startswith(".incoming-") and _older_than(folder, STALE_STAGING):
                shutil.rmtree(folder, ignore_errors=True)  # an upload cut off by a crash
            elif JOB_ID.match(folder.name) and folder.is_dir():
                job = load_job(folder)
                if job is not None and job.id == folder.name:
                    self._jobs[job.id] = job
                    if not job.finished:
                        self._queue.put(job)
        for index in range(threads):
            threading.Thread(target=self._serve, name=f"gongkai-upload-{index + 1}", daemon=True).start()

    def submit(self, job: Job) -> None:
        with self._lock:
            self._jobs[job.id] = job
        self._queue.put(job)

    def job(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id) if JOB_ID.match(job_id) else None

    def jobs(self, user: User, limit: int = 20) -> list[Job]:
        """The latest jobs `user` may see, newest first."""
        with self._lock:
            mine = [job for job in self._jobs.values() if job.visible_to(user)]
        return sorted(mine, key=lambda job: (job.created, job.id), reverse=True)[:limit]

    def wait(self, job_id: str, timeout: float) -> bool:
        """Wait until a job finished (True) or `timeout` seconds passed (False)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                job = self._jobs.get(job_id)
                if job is None or job.finished:
                    return job is not None
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)

    def _serve(self) -> None:
        while True:
            job = self._queue.get()
            try:
                self.run(job)
            finally:
                self._queue.task_done()

    def run(self, job: Job) -> None:
        """Ingest one job's folder and record the outcome (never raises)."""
        job.state, job.started, job.done = "running", time.monotonic(), 0

        def progress(_path: str, summary: IngestSummary) -> None:
            job.done += 1
            job.summary = summary

        state: JobState = "failed"
        try:
            summary = ingest(self.store, [str(job.folder)], workers=max(1, min(self.workers, job.total)), progress=progress)
            job.summary = summary
            publish(self.store, job)
            self._audit(job, "upload_done", summary.line())
            state = "done"
        except StoreError as error:
            job.error = f"数据库出错，处理中止：{error}"
        except Exception as error:  # noqa: BLE001 - a background job must record its failure, not vanish
            job.error = f"处理时发生内部错误（{type(error).__name__}），请重新上传或报告给 gongkai 开发者"
        job.elapsed = time.monotonic() - (job.started or time.monotonic())
        job.finished_at = now_text()
        if state == "failed":
            self._audit(job, "upload_failed", job.error)
        try:
            _write_json(job.folder / RESULT, job.outcome(state))
        except OSError:
            pass  # the outcome stays in memory; a restart runs the job again
        job.state = state  # only now is the job finished: its outcome is on disk first
        with self._changed:
            self._changed.notify_all()

    def _audit(self, job: Job, action: str, detail: str | None) -> None:
        try:
            self.store.audit(job.owner, action, f"upload:{job.id}", detail)
        except StoreError:
            pass


def publish(store: Store, job: Job) -> None:
    """After ingest: the reports of a reviewer's or admin's upload are published (a draft among
    them too); a clerk's new ones stay drafts (marked before ingest, confirmed here)."""
    shas = sorted({f.sha256 for f in job.files})
    stored = _reports_by_sha(store, shas)
    reviews = store.report_reviews(shas)
    for sha in shas:
        if sha not in stored:
            continue
        review = reviews.get(sha)
        if job.role == "clerk":
            if sha not in job.known and review is None:
                store.set_report_review(sha, draft=True, uploaded_by=job.owner, by=job.owner)
        elif review is not None and review.draft:
            store.set_report_review(sha, draft=False, by=job.owner)
        elif review is None and sha not in job.known:
            store.set_report_review(sha, draft=False, uploaded_by=job.owner, by=job.owner)


@dataclass(frozen=True)
class _Stored:
    id: int
    agency: str | None
    agency_key: str | None
    region: str | None
    year: int | None
    errors: int
    warnings: int


def _reports_by_sha(store: Store, shas: Iterable[str]) -> dict[str, _Stored]:
    wanted = list(shas)
    out: dict[str, _Stored] = {}
    t = reports_table.c
    with store.engine.connect() as connection:
        for start in range(0, len(wanted), 500):
            query = select(t.sha256, t.id, t.agency, t.agency_key, t.region, t.year, t.errors, t.warnings).where(t.sha256.in_(wanted[start : start + 500]))
            for row in connection.execute(query):
                out[row.sha256] = _Stored(row.id, row.agency, row.agency_key, row.region, row.year, row.errors, row.warnings)
    return out


def _file_rows(store: Store, paths: list[str]) -> dict[str, tuple[str | None, str, str | None]]:
    """path → (sha256, status, message) of the paths the store has noted."""
    out: dict[str, tuple[str | None, str, str | None]] = {}
    t = files_table.c
    with store.engine.connect() as connection:
        for start in range(0, len(paths), 500):
            query = select(t.path, t.sha256, t.status, t.message).where(t.path.in_(paths[start : start + 500]))
            for row in connection.execute(query):
                out[row.path] = (row.sha256, row.status, row.message)
    return out


def file_results(store: Store, job: Job, user: User) -> list[dict[str, Any]]:
    """Each file of a job as `user` may see it: its status, why (unreadable, already stored, not
    the clerk's agency …) and its report (linked when `user` may open it)."""
    paths = [os.path.join(str(job.folder), f.stored) for f in job.files]
    noted = _file_rows(store, paths)
    shas = sorted({f.sha256 for f in job.files})
    stored = _reports_by_sha(store, shas)
    reviews: dict[str, ReportReview] = store.report_reviews(shas)
    visibility = Visibility(user)
    first_of: dict[str, int] = {}
    out = []
    for upload, path in zip(job.files, paths, strict=True):
        row = noted.get(path)
        status = row[1] if row is not None else "waiting"
        messages: list[str] = []
        if upload.note:
            messages.append(upload.note)
        if row is not None and status == "unreadable":
            messages.append(row[2] or "无法读取")
        earlier = first_of.setdefault(upload.sha256, upload.n)
        if earlier != upload.n:
            messages.append(f"与本次上传的第 {earlier} 个文件内容相同，只入库一次")
        elif upload.sha256 in job.known:
            messages.append("此前已入库（内容相同），未重复入库")
        report = stored.get(upload.sha256) if row is not None and status != "unreadable" else None
        review = reviews.get(upload.sha256)
        mismatch = job.role == "clerk" and report is not None and report.agency_key != job.agency_key
        draft = report is not None and review is not None and review.draft
        if mismatch:
            printed = report.agency if report is not None and report.agency else "未读出"
            messages.append(f"{AGENCY_MISMATCH}（报告：{printed}）" + ("，仍为草稿，需审核人员处理" if draft else ""))
        if draft and not mismatch:
            messages.append("草稿（尚未发布）")
        linked = report is not None and visibility.sees(report.agency_key, report.region, review)
        out.append(
            {
                "n": upload.n,
                "name": upload.name,
                "archive": upload.archive,
                "size": upload.size,
                "status": status,
                "status_name": FILE_STATUS_NAMES.get(status, status),
                "message": "；".join(messages) or None,
                "report_id": report.id if report is not None and linked else None,
                "report_url": f"/reports/{report.id}" if report is not None and linked else None,
                "agency": report.agency if report is not None and linked else None,
                "year": report.year if report is not None and linked else None,
                "errors": report.errors if report is not None and linked else None,
                "warnings": report.warnings if report is not None and linked else None,
                "draft": draft,
                "agency_mismatch": mismatch,
            }
        )
    return out


def job_view(store: Store, job: Job, user: User) -> dict[str, Any]:
    """A job's progress and results (the JSON of GET /api/uploads/{job})."""
    summary = job.summary
    return {
        "id": job.id,
        "owner": job.owner,
        "created": job.created,
        "created_text": local_time(job.created),
        "state": job.state,
        "state_name": STATE_NAMES[job.state],
        "finished": job.finished,
        "error": job.error,
        "total": job.total,
        "done": min(job.done, job.total),
        "seconds": round(job.seconds(), 2),
        "rate": job.rate(),
        "summary": {**summary.as_dict(), "line": summary.line() if job.state == "done" else None},
        "files": file_results(store, job, user),
    }
