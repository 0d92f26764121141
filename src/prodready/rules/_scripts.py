"""Container start scripts of a project, with how each is used (for the project pass)."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from prodready.engine.context import is_test_path
from prodready.lazyre import lazy_compile
from prodready.rules._process import hands_over, is_shell_c, program, server_launch

if TYPE_CHECKING:  # (imported where used: the project pass loads this module for every tree,
    # and only a tree with shell scripts needs the reader)
    from prodready.lang.shell import Command, ShellScript

# Names that say "this is how the container starts", without any reference to the script.
START_NAME = lazy_compile(
    r"^((docker|container)[-_])?entrypoint([-_.][\w.-]*)?$|^[\w-]+[-_]entrypoint$|^(docker[-_])?start(up)?$|"
    r"^start[-_](server|app|web|api|prod|production|service|container|backend)$|^boot$|^run[-_](server|app|web|api|prod)$"
)
PRESTART_NAME = lazy_compile(r"^(pre[-_]?start|before[-_]start|release)$")


def _stem(path: str) -> str:
    base = posixpath.basename(path).lower()
    for suffix in (".sh", ".bash"):
        if base.endswith(suffix):
            return base[: -len(suffix)]
    return base


@dataclass
class StartScript:
    path: str
    script: ShellScript
    refs: list[dict[str, Any]] = field(default_factory=list)  # start_reference facts that name it

    @property
    def referenced(self) -> bool:
        return bool(self.refs)

    @property
    def named_start(self) -> bool:
        return bool(START_NAME.match(_stem(self.path)))

    @property
    def named_prestart(self) -> bool:
        return bool(PRESTART_NAME.match(_stem(self.path)))

    @property
    def hook(self) -> bool:
        """Run by the base image's own start script before the server (sourced, under its `set -e`)."""
        return any(r.get("hook") for r in self.refs)

    @property
    def behind_init(self) -> bool:
        """Every reference puts an init process (tini, dumb-init) in front of it."""
        return bool(self.refs) and all(r.get("init") for r in self.refs)

    def hand_over(self) -> list[tuple[Command, str]]:
        """The final commands that start the long-running process: (command, what it starts)."""
        found = []
        for command in self.script.finals:
            if command.background:
                continue
            if hands_over(command.argv):
                found.append((command, "the container's command"))
                continue
            server = server_launch(command.argv)
            if server:
                found.append((command, server))
        return found


def _referenced_names(model: Any) -> tuple[dict[str, list[dict[str, Any]]], dict[str, str]]:
    aliases = {str(r.get("dest")): str(r.get("source")) for r in model.facts.get("copy_alias", [])}
    names: dict[str, list[dict[str, Any]]] = {}
    for ref in model.facts.get("start_reference", []):
        words = [str(w) for w in ref.get("words") or []]
        inner = is_shell_c(words)
        if inner is not None:
            words = words + inner.split()
        for word in words:
            word = word.strip("'\"").rstrip(";&|")
            base = posixpath.basename(word)
            if not base or base.startswith("-") or not ("/" in word or base.endswith((".sh", ".bash"))):
                continue  # a script is named by a path or by its .sh name, not by a bare word
            for name in {base, aliases.get(base, base)}:
                names.setdefault(name, []).append(ref)
    # a script a process manager starts (supervisord `command=bash start.sh`, Procfile `web: ./run.sh`)
    from prodready.rules._launchers import launched_commands, script_named

    for launched in launched_commands(model):
        script = script_named(launched.command)
        if script and launched.launcher != "uwsgi":
            names.setdefault(script, []).append(
                {"file": launched.path, "line": launched.line, "words": launched.command.split(), "via": launched.launcher}
            )
    return names, aliases


def start_scripts(model: Any, *, include_tests: bool = False) -> Iterator[StartScript]:
    """Every shell script of the project, with the references that start it."""
    names, _aliases = _referenced_names(model)
    records = model.facts.get("shell_script", [])
    if records:
        from prodready.lang.shell import Command, ShellScript
    for record in records:
        path = str(record.get("file", ""))
        if not include_tests and is_test_path(path):
            continue
        script = ShellScript(
            shebang=str(record.get("shebang", "")),
            commands=[Command.from_json(c) for c in record.get("commands") or []],
            toggles=[(int(line), bool(on)) for line, on in record.get("toggles") or []],
            called={str(n) for n in record.get("called") or []},
        )
        base = posixpath.basename(path)
        refs = list(names.get(base, []))
        yield StartScript(path=path, script=script, refs=refs)


def inline_script(words: list[str], shell_form_text: str | None = None) -> ShellScript | None:
    """The shell program a start command runs: the text of a shell-form CMD, or the string of
    `sh -c "..."`; None for a plain exec-form command (no shell involved)."""
    from prodready.lang.shell import read_script

    text = shell_form_text if shell_form_text is not None else is_shell_c(words)
    if text is None or not text.strip():
        return None
    return read_script(text)


def start_migrations(script: ShellScript) -> tuple[list[tuple[Command, str]], str | None]:
    """(migrations that run before the hand-over, what is handed over to) for an inline start
    command or a start script; the hand-over is None when the script ends without starting
    anything long-running (a one-shot migration job)."""
    from prodready.rules._process import migration

    server: str | None = None
    for command in script.finals:
        if command.background:
            continue
        if hands_over(command.argv):
            server = server or "the container's command"
        else:
            server = server or server_launch(command.argv)
    found = []
    for command in script.commands:
        if command.final or not script.runs_by_default(command):
            continue
        name = migration(command.argv)
        if name:
            found.append((command, name))
    if server is None and found:
        # `kinto migrate --ini x && kinto start --ini x`: the CLI that migrated now serves
        tools = {program(c.argv)[0] for c, _ in found if program(c.argv)}
        for command in script.finals:
            words = program(command.argv)
            if not command.background and len(words) > 1 and words[0] in tools and words[1] in SERVE_SUBCOMMANDS:
                server = f"{words[0]} {words[1]}"
    return found, server


# What a project's own CLI calls serving, after it migrated (`app migrate && app serve`).
SERVE_SUBCOMMANDS = frozenset({"start", "serve", "server", "run", "web", "runserver"})
