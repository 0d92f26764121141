"""Commands that process launchers start: supervisord programs, uWSGI hooks and Procfile entries.

A service started by supervisord, uWSGI or a Procfile runs these commands in every container or
dyno, next to (or before) the server. They are read line by line, not parsed: each command with the
file and line a reviewer would point at. Nothing is executed.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prodready.engine.context import is_test_path
from prodready.engine.safeio import read_head

MAX_BYTES = 200_000
SUPERVISOR = re.compile(r"(?i)supervisor\w*\.(conf|ini)$|(^|/)supervisor(d)?/.*\.(conf|ini)$")
UWSGI = re.compile(r"(?i)(^|/)(uwsgi\w*|\w*uwsgi)\.ini$")
PROCFILE = re.compile(r"(^|/)Procfile$")
# uWSGI options that run a command around the app's start, once per instance
UWSGI_HOOKS = re.compile(r"^(hook|exec)-(pre-app|post-app|asap|as-root|as-user|master-start|accepting\d*)$")


@dataclass(frozen=True, slots=True)
class LaunchedCommand:
    path: str
    line: int
    command: str  # as written (a shell command line)
    launcher: str  # "supervisord", "uwsgi", "procfile"
    name: str  # the supervisord program or Procfile process type; the uWSGI option


def launcher_files(model: Any) -> list[str]:
    paths = getattr(model, "all_paths", None) or [p for p, _ in model.files]
    return [p for p in paths if (SUPERVISOR.search(p) or UWSGI.search(p) or PROCFILE.search(p)) and not is_test_path(p)]


def launched_commands(model: Any) -> Iterator[LaunchedCommand]:
    for path in launcher_files(model):
        text = read_head(str(Path(model.root) / path), MAX_BYTES).decode("utf-8", "replace")
        if PROCFILE.search(path):
            yield from _procfile(path, text)
        elif UWSGI.search(path):
            yield from _uwsgi(path, text)
        else:
            yield from _supervisor(path, text)


def _procfile(path: str, text: str) -> Iterator[LaunchedCommand]:
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.match(r"^([A-Za-z0-9_-]+):\s*(.+)$", line.strip())
        if match:
            yield LaunchedCommand(path, number, match.group(2), "procfile", match.group(1))


def _uwsgi(path: str, text: str) -> Iterator[LaunchedCommand]:
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.match(r"^\s*([\w-]+)\s*=\s*(.+?)\s*$", line)
        if match and UWSGI_HOOKS.match(match.group(1)):
            command = match.group(2)
            if match.group(1).startswith("hook-"):
                if not command.startswith("exec:"):
                    continue  # mount:, chdir:, print:... are not commands
                command = command[len("exec:"):]
            yield LaunchedCommand(path, number, command, "uwsgi", match.group(1))


def _supervisor(path: str, text: str) -> Iterator[LaunchedCommand]:
    program = ""
    for number, line in enumerate(text.splitlines(), start=1):
        section = re.match(r"^\s*\[program:([^\]]+)\]", line)
        if section:
            program = section.group(1).strip()
            continue
        if line.lstrip().startswith("["):
            program = ""
            continue
        match = re.match(r"^\s*command\s*=\s*(.+?)\s*$", line)
        if match and program:
            command = re.sub(r"\s+;.*$", "", match.group(1))  # an inline `; comment`
            yield LaunchedCommand(path, number, command, "supervisord", program)


def script_named(command: str) -> str | None:
    """`bash Procfile.sh`, `./bin/start.sh`: the base name of the script a command runs."""
    words = command.split()
    for word in words[:3]:
        if word.endswith(".sh"):
            return posixpath.basename(word)
    return None
