"""The command surface: every sub-command answers --help with an example."""

from __future__ import annotations

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from careassure import __version__
from careassure.cli import app

runner = CliRunner()


def _command_paths(command: object, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every leaf command's path; typer vendors click, so groups are told by their sub-commands."""
    if hasattr(command, "commands"):
        paths = []
        for name, sub in command.commands.items():  # type: ignore[attr-defined]
            paths.extend(_command_paths(sub, (*prefix, name)))
        return paths
    return [prefix]


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"careassure {__version__}"


@pytest.mark.parametrize("path", _command_paths(get_command(app)), ids=" ".join)
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output, f"`careassure {' '.join(path)} --help` shows no example"
