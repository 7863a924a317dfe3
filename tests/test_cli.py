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


def test_a_sub_command_imports_only_what_it_needs() -> None:
    """`careassure measures` must not pay for the web app or the database layer on every call
    (cli.py registers sub-commands lazily); run in a fresh interpreter, as the console script."""
    import subprocess
    import sys

    probe = ("import sys\n"
             "from careassure.cli import main\n"
             "sys.argv = ['careassure', 'measures', '--help']\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in ('sqlalchemy', 'fastapi', 'careassure.web', "
             "'careassure.appdb', 'careassure.demo', 'pandas') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout[-400:]


def test_the_whole_command_lists_every_sub_command() -> None:
    from careassure.cli import COMMANDS, build_app

    assert set(get_command(build_app()).commands) == set(COMMANDS)  # type: ignore[attr-defined]
    only = get_command(build_app("measures"))
    assert set(only.commands) == {"measures"}  # type: ignore[attr-defined]
