"""The README and docs say what the code does: their command outputs and catalog are regenerated here."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from gongkai.render import rules_markdown

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_setup_commands() -> None:
    first_block = re.search(r"```bash\n(.*?)```", README, re.S)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines() if line.strip()]
    assert commands == ["bash scripts/demo.sh", "bash scripts/test.sh"]
    for script in ("scripts/demo.sh", "scripts/test.sh"):
        assert (ROOT / script).is_file()
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_outputs_are_real(tmp_path: Path) -> None:
    """Each shown command runs, in order, in a fresh folder holding the repository's bundled
    `samples/` and `examples/` (the files a command writes land there, not in the checkout)."""
    blocks = re.findall(r"<!-- output: (.*?) -->\n```\n(.*?)```", README, re.S)
    assert blocks, "the README shows real command output"
    for bundled in ("samples", "examples"):
        (tmp_path / bundled).symlink_to(ROOT / bundled, target_is_directory=True)
    for command, shown in blocks:
        argv = command.split()
        assert argv[0] == "gongkai"
        result = subprocess.run(
            [sys.executable, "-m", "gongkai", *argv[1:]], cwd=tmp_path, capture_output=True, text=True, check=False
        )
        assert result.stdout == shown, f"README output of `{command}` is stale"


def test_rules_doc_is_generated_from_the_catalog() -> None:
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8").strip() == rules_markdown().strip()


def test_store_doc_is_generated_from_the_schema() -> None:
    from gongkai.store.schema import schema_markdown

    assert (ROOT / "docs" / "store.md").read_text(encoding="utf-8").strip() == schema_markdown().strip()
