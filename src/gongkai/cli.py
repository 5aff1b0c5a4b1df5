"""The `gongkai` command: a thin layer over the library."""

from __future__ import annotations

import json
import os
import re
import sys
import textwrap
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

from . import __version__, limits, render
from .api import check as check_file
from .check import RULES
from .files import is_url, iter_files, path_text, shown

if TYPE_CHECKING:  # the store (SQLAlchemy) is imported only by the commands that use it
    from .store import Store


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gongkai")
def cli() -> None:
    """gongkai：读取、核查政府信息公开工作年度报告。"""


def _usage_in_chinese(error: click.UsageError) -> str:
    if isinstance(error, click.MissingParameter):
        return f"缺少参数 {error.param.human_readable_name if error.param else ''}".strip()
    if isinstance(error, click.NoSuchOption):
        return f"没有这个选项：{error.option_name}"
    if isinstance(error, click.BadParameter):
        param = error.param
        name = "/".join(param.opts) if isinstance(param, click.Option) else (param.human_readable_name if param else "")
        choices = getattr(param.type, "choices", None) if param else None
        allowed = f"，只能是 {'、'.join(map(str, choices))}" if choices else ""
        ours = f"：{error.message}" if re.search(r"[\u4e00-\u9fff]", error.message) else ""  # our own messages are Chinese
        return f"参数取值无效：{name}{allowed}{ours}"
    unknown = re.match(r"No such command '(.+)'", error.message)
    if unknown:
        return f"没有这个命令：{unknown.group(1)}（可用命令：{'、'.join(sorted(cli.commands))}）"
    if "Got unexpected extra argument" in error.message:
        return "多余的参数：" + error.message.split("(", 1)[-1].rstrip(")")
    return f"命令用法不正确（{error.message}）"


def main() -> None:
    """Entry point: click's own usage errors are answered in Chinese, exit code 2."""
    try:
        limits.from_environment()
    except ValueError as error:
        click.echo(f"环境变量 GONGKAI_LIMIT_… 有误：{error}", err=True)
        sys.exit(2)
    try:
        cli.main(standalone_mode=False)
    except click.UsageError as error:
        command = error.ctx.command_path if error.ctx else "gongkai"
        click.echo(f"用法错误：{_usage_in_chinese(error)}\n运行 “{command} --help” 查看用法。", err=True)
        sys.exit(2)
    except click.Abort:
        click.echo("已中止。", err=True)
        sys.exit(130)
    except Exception as error:  # noqa: BLE001 — the last line of defence: never a bare traceback
        from .store.guard import StoreError

        if isinstance(error, StoreError):
            click.echo(str(error), err=True)  # a database that failed mid-command (locked too long, disk full…)
            sys.exit(2)
        click.echo(_internal_error(error), err=True)
        sys.exit(3)


def _internal_error(error: BaseException) -> str:
    """One line for the user about a bug in gongkai, the full traceback kept in a file to send."""
    import tempfile
    import traceback

    details = "".join(traceback.format_exception(error))
    try:
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", prefix="gongkai-error-", suffix=".txt", delete=False) as handle:
            handle.write(f"gongkai {__version__}\n{' '.join(sys.argv)}\n\n{details}")
        kept = f"详细信息已保存到 {handle.name}，"
    except OSError:
        kept = ""
    return f"gongkai 内部错误（{type(error).__name__}: {shown(str(error))[:200]}）。这是 gongkai 的缺陷，不是您的文件的问题；{kept}请把它报告给 gongkai 开发者。"


DB_HELP = "数据库：SQLite 文件路径（默认 gongkai.db）或 postgresql://用户:密码@主机/库名"

# Options shared by several commands, defined once (the way sqlite-utils does).
Decorator = Callable[[Callable[..., None]], Callable[..., None]]


def db_option(purpose: str = "") -> Decorator:
    return click.option("--db", default=None, help=purpose + DB_HELP)


def format_option(*choices: str, default: str | None = "text", help: str = "输出格式") -> Decorator:
    """`--format`, passed to the command as `output`; required when there is no default."""
    return click.option(
        "--format", "output", type=click.Choice(choices), default=default, required=default is None, show_default=default is not None, help=help
    )


def paths_argument() -> Decorator:
    return click.argument("paths", nargs=-1, required=True)


def _set_limits(_context: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> None:
    try:
        for text in values:
            name, value = limits.parse_assignment(text)
            limits.configure(**{name: value})
    except ValueError as error:
        raise click.BadParameter(str(error)) from error


def limit_option() -> Decorator:
    return click.option(
        "--limit",
        multiple=True,
        metavar="名称=数值",
        expose_value=False,
        callback=_set_limits,
        help=f"放宽或收紧读取每个文件的限制（可多次给出），例如 seconds_per_file=300。可用：{'、'.join(limits.Limits.names())}",
    )


def _open_store(db: str | None) -> Store:
    from .store import Store, StoreError

    try:
        return Store(db)
    except StoreError as error:
        click.echo(str(error), err=True)
        sys.exit(2)


@cli.command()
@paths_argument()
@format_option("text", "json", "jsonl")
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="error", show_default=True, help="出现何种级别的问题时退出码为1")
@db_option("同时与数据库中同一机关上一年度的报告比对（跨年度规则）。")
@limit_option()
def check(paths: tuple[str, ...], output: str, fail_on: str, db: str | None) -> None:
    """核查报告文件（可给文件夹，递归查找）。退出码：0 无错误，1 有错误，2 用法错误。

    Each file is read in a worker process of its own, within the limits (--limit): a file that
    hangs or crashes its reader costs only itself."""
    from .pipeline import Task, run_local

    store = _open_existing_store(db) if db else None
    for name in paths:
        if not is_url(name) and Path(name).is_dir() and not any(Path(name).rglob("*")):
            click.echo(f"提示：文件夹 {name} 中没有文件。", err=True)
    tasks = [Task("", path if isinstance(path, str) else os.fsdecode(path)) for path in iter_files(paths)]
    failing = ("error",) if fail_on == "error" else ("error", "warning")
    tally = render.Tally()
    # Each record is printed as soon as it is checked and then dropped: a folder of any size
    # is checked in the memory of one report (a JSON array is written element by element).
    array = output == "json" and len(tasks) != 1
    if array:
        click.echo("[")
    for _task, record in run_local(tasks, workers=1):
        if store is not None and not record.notes.fatal:
            from .pipeline import check_with_store

            record = check_with_store(store, record)
        if output == "text":
            click.echo(render.findings_text(record))
        elif output == "jsonl":
            click.echo(json.dumps(record.to_dict(), ensure_ascii=False))
        elif output == "json":
            indented = json.dumps(record.to_dict(), ensure_ascii=False, indent=1)
            click.echo(("," if tally.files else "") + (textwrap.indent(indented, " ") if array else indented))
        tally.add(record, failing)
    if array:
        click.echo("]")
    elif output == "text":
        click.echo(tally.text())
    sys.exit(1 if tally.failing else 0)


@cli.command()
@paths_argument()
@db_option()
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="并行读取的进程数（默认：CPU核数，最多4）")
@click.option("--cluster", default=None, metavar="tcp://主机:8786|local[:N]",
              help="在 Dask 集群上读取：dask scheduler 的地址，或 local:N（本机 N 个工作进程）；文件须在各工作机的相同路径下。需要 pip install 'gongkai[cluster]'")  # fmt: skip
@format_option("text", "json")
@limit_option()
@click.option(
    "--fail-on",
    type=click.Choice(["never", "unreadable", "error", "warning"]),
    default="never",
    show_default=True,
    help="何时退出码为1：有读不了的文件（unreadable），或本次读入的报告有错误（error，含读不了的文件）/警告（warning）",
)
def ingest(paths: tuple[str, ...], db: str | None, workers: int | None, cluster: str | None, output: str, fail_on: str) -> None:
    """把报告读入数据库（可给文件夹）。同一文件只存一次；解析器升级后重新读取并替换；中断后再运行即可续完。"""
    from .pipeline import ClusterError, IngestSummary, default_workers
    from .pipeline import ingest as run_ingest

    store = _open_store(db)
    total = sum(1 for _ in iter_files(paths))
    with click.progressbar(
        length=total,
        label="读取报告",
        show_eta=True,
        show_percent=True,
        item_show_func=lambda text: text,
        file=sys.stderr,
    ) as bar:
        state = {"done": 0}

        def progress(path: str, summary: IngestSummary) -> None:
            state["done"] += 1
            bar.update(1, f"{state['done']}/{total} 问题 {summary.findings} 条")

        try:
            summary = run_ingest(store, paths, workers or default_workers(), progress, cluster)
        except ClusterError as error:
            click.echo(f"\n{error}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("\n已中断：已读完的文件都已入库；再次运行同一命令即可续完。", err=True)
            sys.exit(130)
    if output == "json":
        click.echo(json.dumps({k: v for k, v in summary.as_dict().items()}, ensure_ascii=False))
    else:
        click.echo(summary.line())
    failing = {
        "never": False,
        "unreadable": summary.unreadable > 0,
        "error": summary.unreadable > 0 or summary.errors > 0,
        "warning": summary.unreadable > 0 or summary.findings > 0,
    }
    sys.exit(1 if failing[fail_on] else 0)


@cli.command()
@db_option()
@click.option("--link", nargs=2, metavar="名称 机关键", default=None, help="人工确认：把印出的机关名称归入某个机关（键）")
@format_option("text", "json")
def agencies(db: str | None, link: tuple[str, str] | None, output: str) -> None:
    """列出印出的机关名称如何归并为同一机关（精确、模糊、人工），或用 --link 人工改正。"""
    store = _open_existing_store(db)
    if link:
        from .pipeline import refresh_cross_year

        refresh_cross_year(store, store.link_agency(*link))
        click.echo(f"已将“{link[0]}”归入机关“{link[1]}”，并重新做了跨年度核查。")
        return
    names = store.agency_names()
    if output == "json":
        click.echo(json.dumps(names, ensure_ascii=False, indent=1))
        return
    methods = {"exact": "精确", "fuzzy": "模糊", "manual": "人工"}
    for entry in names:
        mark = "  ← 请核对" if entry["method"] == "fuzzy" else ""
        click.echo(f"{shown(str(entry['agency_key']))}\t{shown(str(entry['name']))}\t{methods.get(str(entry['method']), entry['method'])} {float(entry['score']):.2f}{mark}")


@cli.command()
@click.argument("file")
@click.option("--draw", "drawing", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="图片.png",
              help="另把一页画成PNG：读出的每个单元格画框并标出读到的数（红框：有问题的单元格，绿框：其余）。仅限PDF或扫描图片")
@click.option("--page", type=click.IntRange(min=1), default=None, help="与 --draw 同用：画第几页（默认：表三所在页）")
def show(file: str, drawing: Path | None, page: int | None) -> None:
    """按模板标签对齐显示读出的三张表，便于与原文核对。"""
    if page is not None and drawing is None:
        click.echo("--page 只能与 --draw 一起使用。", err=True)
        sys.exit(2)
    path = Path(file)
    if drawing is not None and path.is_file():
        from .draw import drawable

        refusal = drawable(path)
        if refusal:
            click.echo(f"{file}：{refusal}", err=True)
            sys.exit(2)
    record = check_file(path)
    if record.notes.fatal or record.notes.not_a_report:
        click.echo(f"{file}：{record.findings[0].message}", err=True)
        sys.exit(1)
    if drawing is not None:
        from .draw import DrawError, draw

        try:
            drawn = draw(record, drawing, page)
        except DrawError as error:
            click.echo(f"{file}：{error}", err=True)
            sys.exit(2)
        flagged = f"，其中{drawn.flagged}个有问题（红框）" if drawn.flagged else ""
        click.echo(f"已把第{drawn.page}页画到 {drawing}（{drawn.size[0]}×{drawn.size[1]}像素）：{drawn.cells}个单元格{flagged}。", err=True)
    click.echo(render.tables_text(record))


@cli.command()
@format_option("text", "json", "markdown")
def rules(output: str) -> None:
    """列出全部核查规则（代码、名称、级别、说明）。"""
    if output == "json":
        catalog = [{"code": r.code, "name": r.name, "severity": r.severity, "needs": r.needs, "doc": r.doc} for r in RULES]
        click.echo(json.dumps(catalog, ensure_ascii=False, indent=1))
    elif output == "markdown":
        click.echo(render.rules_markdown())
    else:
        click.echo(render.rules_text())


def _open_existing_store(db: str | None) -> Store:
    """The store for a command that only reads: a SQLite file that does not exist is an error, not a new database."""
    from .store import DEFAULT_DB

    name = db or DEFAULT_DB
    if "://" not in name and not Path(name).is_file():
        click.echo(f"数据库 {name} 不存在：先用 gongkai ingest 把报告读入数据库，或用 --db 指定数据库。", err=True)
        sys.exit(2)
    return _open_store(db)


def _grouping(_context: click.Context, _param: click.Parameter, value: str) -> tuple[str, ...]:
    keys = tuple(key.strip() for key in value.split(",") if key.strip())
    if keys == ("report",) or (keys and len(set(keys)) == len(keys) and set(keys) <= {"year", "agency", "region"}):
        return keys
    raise click.BadParameter(f"{value}：可选 year、agency、region（可用逗号组合，不重复），或单独的 report", param_hint="--by")


@cli.command()
@db_option()
@click.option(
    "--by",
    callback=_grouping,
    default="year",
    show_default=True,
    metavar="year|agency|region[,…]|report",
    help="按年度、机关、地区汇总（可组合，如 region,year），或逐份报告列出（含年度内排名、同比）",
)
@format_option("text", "csv", "json", "markdown")
@click.option("--indicators", "keys", default=None, metavar="键,键…", help="只列这些指标（键见 --list；all 为全部）。默认：text/markdown 列主要指标，csv/json 列全部指标")
@click.option("--list", "list_only", is_flag=True, help="列出全部指标的定义（--format markdown 即 docs/indicators.md）")
def stats(db: str | None, by: tuple[str, ...], output: str, keys: str | None, list_only: bool) -> None:
    """统计指标：公开率、不予公开率、无法提供率、不予处理率、结转率、复议诉讼纠错率、问题数等。"""
    from .analyse import INDICATORS, MAIN_INDICATORS, indicators_markdown
    from .analyse.browse import GroupKey
    from .analyse.indicators import indicators_text, select
    from .analyse.stats import grouped_table, render_lines, reports_table

    if list_only:
        if output == "markdown":
            click.echo(indicators_markdown(), nl=False)
        elif output == "json":
            catalog = [{"key": i.key, "name": i.name, "kind": i.kind, "formula": i.formula, "cells": list(i.cells)} for i in INDICATORS]
            click.echo(json.dumps(catalog, ensure_ascii=False, indent=1))
        else:
            click.echo(indicators_text())
        return
    if keys is None:
        chosen = MAIN_INDICATORS if output in ("text", "markdown") else INDICATORS
    elif keys.strip() == "all":
        chosen = INDICATORS
    else:
        try:
            chosen = select(k.strip() for k in keys.split(",") if k.strip())
        except KeyError as error:
            click.echo(f"没有这个指标：{error.args[0]}（用 gongkai stats --list 查看全部指标）", err=True)
            sys.exit(2)
    store = _open_existing_store(db)
    with store.engine.connect() as connection:  # every figure from SQL: no record is loaded
        if by == ("report",):
            table = reports_table(connection, chosen)
        else:
            table = grouped_table(connection, cast("tuple[GroupKey, ...]", by), chosen)
        for piece in render_lines(table, output):
            click.echo(piece, nl=False)
    if output != "csv":
        click.echo()


@cli.command()
@db_option()
@format_option("csv", "xlsx", "jsonl", default=None, help="csv：文件夹（cells.csv、reports.csv、findings.csv）；xlsx：Excel 工作簿；jsonl：每行一条记录")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="输出路径（csv 为文件夹）")
def export(db: str | None, output: str, out: Path) -> None:
    """导出数据库中的全部报告：CSV、Excel（官方表格式样，问题单元格标色加批注）或 JSON Lines。"""
    from .export import export as run_export

    if output == "csv" and out.exists() and not out.is_dir():
        click.echo(f"{out} 是文件；--format csv 需要一个文件夹。", err=True)
        sys.exit(2)
    if output != "csv" and out.is_dir():
        click.echo(f"{out} 是文件夹；--format {output} 需要一个文件路径。", err=True)
        sys.exit(2)
    store = _open_existing_store(db)
    reports = store.reports()  # streamed: the export holds one page of reports at a time
    if output != "csv":
        out.parent.mkdir(parents=True, exist_ok=True)
    click.echo(run_export(reports, output, out))


@cli.command()
@db_option()
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址（只对本机：127.0.0.1）")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="端口")
def serve(db: str | None, host: str, port: int) -> None:
    """启动网页（概览、报告列表、报告详情、上传、机关、对比、规则、审核）。首次启动且没有用户时，建立管理员 admin 并显示其一次性密码。"""
    import uvicorn

    from .web import Settings, create_app
    from .web.security import hash_password, new_password

    store = _open_store(db)
    if store.user_count() == 0:
        password = new_password()
        store.add_user("admin", "admin", hash_password(password))
        store.audit(None, "user_add", "admin", "首次启动自动建立")
        click.echo(f"已建立管理员 admin，一次性密码：{password}（请登录后在“用户”页建立其他用户）")
    click.echo(f"gongkai 网页：http://{host}:{port}/  （Ctrl-C 停止）")
    uvicorn.run(create_app(Settings(url=db), store), host=host, port=port, log_level="warning")


@cli.group()
def user() -> None:
    """网页用户：建立、重设密码、列出。"""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["admin", "reviewer", "clerk", "viewer"]), required=True, help="角色：管理员、审核人员、填报人员、查阅人员")
@click.option("--agency", default=None, help="填报人员所属机关（机关键，见 gongkai agencies）")
@click.option("--scope", default=None, help="审核人员的审核范围（地区，空为全部）")
@click.option("--password", default=None, help="密码（默认：随机生成并显示一次）")
@db_option()
def user_add(name: str, role: str, agency: str | None, scope: str | None, password: str | None, db: str | None) -> None:
    """建立一个网页用户（密码以 argon2 散列保存）。"""
    from .store import StoreError
    from .store.review import ROLES
    from .web.security import hash_password, new_password

    if role == "clerk" and not agency:
        raise click.UsageError("填报人员（clerk）必须用 --agency 指定所属机关")
    store = _open_store(db)
    shown_password = password or new_password()
    try:
        store.add_user(name, next(r for r in ROLES if r == role), hash_password(shown_password), agency, scope)
    except StoreError as error:
        click.echo(str(error), err=True)
        sys.exit(2)
    store.audit(None, "user_add", name, f"命令行建立，角色 {role}")
    click.echo(f"已建立用户 {shown(name)}（{role}）" + ("" if password else f"，一次性密码：{shown_password}"))


@user.command("list")
@db_option()
def user_list(db: str | None) -> None:
    """列出网页用户。"""
    for entry in _open_existing_store(db).users():
        click.echo(f"{shown(entry.name)}\t{entry.role}\t{shown(entry.agency_key or '')}\t{shown(entry.scope or '')}\t{'启用' if entry.active else '停用'}")


# ---------------------------------------------------------------- the request ledger


@cli.group()
def ledger() -> None:
    """政府信息公开申请台账：建立（init），检查法定期限（check）；由台账写出年度报告用 gongkai write。"""


def _ledger_date(_context: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"“{value}”不是日期，应写为 YYYY-MM-DD，例如 2025-01-15") from None


@ledger.command("init")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--agency", required=True, help="机关名称（按年度报告落款填写）")
@click.option("--year", type=click.IntRange(2019, 2100), required=True, help="台账年度")
@click.option("--template", type=click.Choice(["2021", "2019"]), default=None, help="年度报告格式（默认按年度：2021年及以后为2021，2019–2020年为2019）")
@click.option("--carry-from", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="上年台账.xlsx",
              help="上一年度的台账：其中到12月31日仍未答复的申请填入“上年结转”")  # fmt: skip
@click.option("--carry-from-db", is_flag=True,
              help="没有上年台账时：按数据库中本机关上一年度报告表三“结转下年度继续办理”的件数填入“上年结转”（按申请人类型，日期待补全）")  # fmt: skip
@db_option("与 --carry-from-db 同用。")
@click.option("--force", is_flag=True, help="文件已存在时覆盖")
def ledger_init(path: Path, agency: str, year: int, template: str | None, carry_from: Path | None, carry_from_db: bool, db: str | None, force: bool) -> None:
    """建立一个年度的申请台账（Excel/WPS 可填，带下拉选项）。退出码：0 成功，1 上年台账或报告有误，2 用法错误。"""
    from .ledger import LedgerError, carried_forward_requests, init_ledger, read_ledger
    from .ledger.entries import Request, template_for_year, template_name
    from .ledger.tabulate import carried_from_report

    if carry_from is not None and carry_from_db:
        raise click.UsageError("--carry-from 与 --carry-from-db 只能用一个")
    if path.exists() and not force:
        click.echo(f"{shown(path_text(path))} 已存在；要覆盖请加 --force。", err=True)
        sys.exit(2)
    carried: list[Request] = []
    try:
        if carry_from is not None:
            last = read_ledger(carry_from)
            if last.year != year - 1:
                click.echo(f"{shown(path_text(carry_from))} 是{last.year}年度的台账，应给{year - 1}年度的台账。", err=True)
                sys.exit(2)
            carried = carried_forward_requests(last)
        elif carry_from_db:
            from .model import Record, Source
            from .pipeline import previous_of

            previous = previous_of(_open_existing_store(db), Record(Source(path_text(path)), template or template_for_year(year), year, agency.strip()))
            if previous is None:
                click.echo(f"数据库中没有{shown(agency.strip())}{year - 1}年度的报告（机关名称须与报告落款一致，见 gongkai agencies）。", err=True)
                sys.exit(1)
            carried = carried_from_report(previous, year)
        init_ledger(path, agency, year, template, carried)
    except LedgerError as error:
        click.echo(f"台账有误：\n{error}", err=True)
        sys.exit(1)
    chosen = template or template_for_year(year)
    carried_text = f"；“上年结转”已填入{len(carried)}件" if carry_from is not None or carry_from_db else ""
    if carry_from_db and carried:
        carried_text += "（按上年报告的件数，收到日期等待补全）"
    click.echo(f"已建立 {shown(agency.strip())} {year}年度政府信息公开申请台账：{shown(path_text(path))}（{template_name(chosen)}格式{carried_text}）。")
    click.echo(f"填好后检查期限：gongkai ledger check {shown(path_text(path))}")


@ledger.command("check")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@format_option("text", "json", "xlsx", help="text：每件一行；json；xlsx：台账副本加期限列，逾期行标红（需 --out）")
@click.option("--today", callback=_ledger_date, default=None, metavar="YYYY-MM-DD", help="按哪一天计算剩余或逾期的工作日（默认：今天）")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="输出文件（xlsx 必需；text、json 默认输出到屏幕）")
@click.option("--holidays", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="节假日.json",
              help="补充的节假日文件（格式同 gongkai/ledger/holidays.json），其中的年份优先于内置日历")  # fmt: skip
def ledger_check(path: Path, output: str, today: date | None, out: Path | None, holidays: Path | None) -> None:
    """检查台账中每件申请的法定期限（条例第三十至三十三条，按工作日和调休计算）。

    退出码：0 没有需要处理的申请，1 有逾期、缺少数据或日期矛盾的申请（或台账有误），2 用法错误。"""
    from .ledger import LedgerError, WorkCalendar, read_ledger, write_checked_copy
    from .ledger.report import check, check_json, check_text, summary_line
    from .ledger.workdays import HolidayFileError, default_calendar

    if output == "xlsx" and out is None:
        raise click.UsageError("--format xlsx 需要用 --out 指定输出的 Excel 文件")
    if out is not None and out.resolve() == path.resolve():
        raise click.UsageError("--out 不能是台账文件本身（以免覆盖填好的台账）")
    try:
        calendar = WorkCalendar.load(holidays) if holidays is not None else default_calendar()
    except HolidayFileError as error:
        click.echo(str(error), err=True)
        sys.exit(2)
    try:
        entries = read_ledger(path)
    except LedgerError as error:
        click.echo(f"台账有误：\n{error}", err=True)
        sys.exit(1)
    result = check(entries, today or date.today(), calendar)
    try:
        if output == "xlsx":
            assert out is not None
            write_checked_copy(path, result.deadlines, out, result.today)
            click.echo(f"已写出 {shown(path_text(out))}：{summary_line(result.deadlines)}")
        else:
            text = check_json(result) if output == "json" else check_text(result)
            if out is None:
                click.echo(text)
            else:
                out.write_text(text + "\n", encoding="utf-8")
                click.echo(f"已写出 {shown(path_text(out))}：{summary_line(result.deadlines)}")
    except OSError as error:
        click.echo(f"无法写入 {shown(path_text(out or Path('-')))}：{error.strerror or error}", err=True)
        sys.exit(2)
    sys.exit(1 if result.attention else 0)


# ---------------------------------------------------------------- the report, written


@cli.command()
@click.argument("ledger_path", metavar="台账.xlsx", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="年度报告文件：.docx、.html 或 .pdf（PDF 需要 LibreOffice）")
@click.option("--prose", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="正文文件夹",
              help="各部分的正文（1.md…6.md，或以部分标题命名的 .md/.txt 文件）：原样保留，其中的数字与表格核对")  # fmt: skip
@click.option("--published", callback=_ledger_date, default=None, metavar="YYYY-MM-DD", help="落款日期（默认：今天）")
@click.option("--government/--department", "government_level", default=None,
              help="县级以上人民政府本级报告（次年3月31日前发布）或部门、乡镇报告（1月31日前）；默认按机关名称判断")  # fmt: skip
@db_option("与数据库中本机关上一年度的报告比对（跨年度规则，如本年上年结转＝上年结转下年度）。")
def write(ledger_path: Path, out: Path, prose: Path | None, published: date | None, government_level: bool | None, db: str | None) -> None:
    """由申请台账写出年度报告（官方格式的标题、六个部分、三张表、落款和日期），并读回核查。

    写出的报告由 gongkai 读回，按 gongkai check 的全部规则核查（给出 --db 时含跨年度规则）；
    发现的问题照实列出，不改动任何数字。退出码：0 读回无错误，1 台账有误或读回有错误，2 用法错误。"""
    from .ledger import LedgerError, record_from_ledger
    from .ledger.entries import template_name
    from .writer import CompositionError, WriteError, load_prose, write_report
    from .writer.compose import chinese_date

    try:
        record = record_from_ledger(ledger_path)
    except LedgerError as error:
        click.echo(f"台账有误，无法写出报告：\n{error}", err=True)
        sys.exit(1)
    previous = None
    if db:
        from .pipeline import previous_of

        previous = previous_of(_open_existing_store(db), record)
        if previous is None:
            click.echo(f"提示：数据库中没有{shown(record.agency or '')}{(record.year or 0) - 1}年度的报告，未作跨年度比对。", err=True)
    try:
        sections = load_prose(prose) if prose is not None else None
        result = write_report(record, out, sections, published, government_level, previous)
    except (CompositionError, WriteError) as error:
        click.echo(str(error), err=True)
        sys.exit(2)
    except OSError as error:
        click.echo(f"无法写入 {shown(path_text(out))}：{error.strerror or error}", err=True)
        sys.exit(2)
    click.echo(
        f"已写出 {shown(path_text(result.path))}：{shown(record.agency or '')}{record.year}年政府信息公开工作年度报告"
        f"（{template_name(result.template)}格式，落款日期{chinese_date(result.published)}，法定期限{chinese_date(result.deadline)}）。"
    )
    compared = f"，并与{previous.year}年度报告比对" if previous is not None else ""
    click.echo(f"读回核查{compared}：错误 {result.errors} 条，警告 {result.warnings} 条，提示 {result.count('info')} 条。")
    for finding in result.findings:
        click.echo(f"   {render.SEVERITY_NAMES[finding.severity]} {finding.code} {finding.rule}：{shown(finding.message)}")
    for line in result.misread:
        click.echo(f"   读回不一致：{shown(line)}")
    for notice in result.notices:
        click.echo(f"   注意：{shown(notice)}")
    sys.exit(1 if result.errors or result.misread else 0)
