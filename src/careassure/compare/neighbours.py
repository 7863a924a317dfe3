"""Reading a nearest-neighbours file: each council's group of similar councils.

The layout is the one the Oflog data explorer publishes: a JSON object whose keys are council ONS
codes and whose values are lists of council codes, the council's group of similar councils (the
council itself may be in its own list; it is never counted as its own neighbour). The published
file also carries groups for district councils and combined authorities, with the odd council
listed twice: any GSS code is accepted (only councils with figures are ever compared) and a
repeated member is counted once. Every problem is collected and reported at once; a file with
any problem imports nothing. It may be gzip-compressed (``.json.gz``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from careassure.compare.layouts import open_text
from careassure.compare.model import NationalFileError, Problem

MAX_GROUP = 50
GSS_CODE = re.compile(r"^[EWSN]\d{8}$")  # an ONS (Government Statistical Service) area code


def read_neighbours_file(path: Path) -> dict[str, list[str]]:
    """Council code -> its neighbours' codes, in the file's order, without itself."""
    name = path.name
    try:
        with open_text(path) as handle:
            data = json.load(handle)
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NationalFileError([Problem(name, None, None, f"cannot be read as JSON: {exc}")]) \
            from exc
    if not isinstance(data, dict) or not data:
        raise NationalFileError([Problem(name, None, None, (
            "must be a JSON object of council code -> list of similar councils' codes"))])
    problems: list[Problem] = []
    groups: dict[str, list[str]] = {}
    for code, members in data.items():
        problems += check_group(name, code, members)
        if isinstance(members, list):
            groups[code] = [m for m in dict.fromkeys(members) if m != code]
    if problems:
        raise NationalFileError(problems)
    return groups


def check_group(source: str, code: str, members: object) -> list[Problem]:
    """The problems of one council's group: its code, and its members."""
    problems = []
    if not GSS_CODE.match(code):
        problems.append(Problem(source, None, None, f"{code!r} is not an ONS area code"))
    return problems + check_members(source, code, members)


def check_members(source: str, name: str, members: object) -> list[Problem]:
    """The problems of a group's member list: 1 to 50 ONS area codes."""
    if not isinstance(members, list) or not members or len(members) > MAX_GROUP:
        return [Problem(source, None, None,
                        f"{name}: must list between 1 and {MAX_GROUP} council codes")]
    bad = [m for m in members if not isinstance(m, str) or not GSS_CODE.match(m)]
    if bad:
        return [Problem(source, None, None, (
            f"{name}: lists values that are not ONS area codes: "
            + ", ".join(map(repr, bad[:5]))))]
    return []
