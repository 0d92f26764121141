"""A shell-script reader on tree-sitter-bash: every command with how it runs.

Rules about container start scripts ask a few questions of a script: which commands run
unconditionally, which run in a branch, a loop or a function, whose exit status is tested, which
one ends the script (the hand-over to the server), whether that one is `exec`'d, and whether
`set -e` is on. ``read_script`` answers them once per file; the result is plain data
(``Command.to_json``), so it can travel as a fact to the project pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

MAX_COMMANDS = 2000  # per script: a generated or hostile file stops here
MAX_WORDS = 24  # per command: enough to recognise any launcher or migration

# Where a command runs, from the script's point of view.
TOP = "top"  # unconditionally, at the top level (or in a `{ }` group / subshell at the top level)
BRANCH = "branch"  # in the body of an if/elif/else or a case item
LOOP = "loop"  # in the body of a while/until/for loop
FUNCTION = "function"  # in a function body (see Command.function)
CONDITION = "condition"  # as the condition of an if/while/until


@dataclass(frozen=True, slots=True)
class Command:
    line: int
    end_line: int
    argv: tuple[str, ...]  # the words, quotes removed from literal strings; expansions as written
    exec: bool = False  # run with the `exec` builtin (argv starts after it)
    background: bool = False  # ended with `&`
    context: str = TOP
    checked: bool = False  # its exit status is tested: `&&`/`||`, `if`/`while` condition, `!`
    in_pipeline: bool = False  # one stage of `a | b`
    function: str = ""  # the enclosing function's name, for context FUNCTION
    final: bool = False  # one of the commands that end the script (the hand-over)
    # In a top-level branch that runs unless an operator opts out: the `else` of
    # `if [ "$MAINTENANCE_MODE" = true ]`, or the body of `if [ "$SKIP_MIGRATIONS" != true ]`.
    by_default: bool = False

    @property
    def name(self) -> str:
        return self.argv[0] if self.argv else ""

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line, "end_line": self.end_line, "argv": list(self.argv), "exec": self.exec,
            "background": self.background, "context": self.context, "checked": self.checked,
            "in_pipeline": self.in_pipeline, "function": self.function, "final": self.final,
            "by_default": self.by_default,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Command:
        return cls(
            line=int(data.get("line") or 0), end_line=int(data.get("end_line") or 0),
            argv=tuple(str(w) for w in data.get("argv") or ()), exec=bool(data.get("exec")),
            background=bool(data.get("background")), context=str(data.get("context") or TOP),
            checked=bool(data.get("checked")), in_pipeline=bool(data.get("in_pipeline")),
            function=str(data.get("function") or ""), final=bool(data.get("final")),
            by_default=bool(data.get("by_default")),
        )


@dataclass(slots=True)
class ShellScript:
    shebang: str
    commands: list[Command] = field(default_factory=list)
    toggles: list[tuple[int, bool]] = field(default_factory=list)  # (line, errexit on?) from `set`/the shebang
    called: set[str] = field(default_factory=set)  # functions called unconditionally at the top level
    error_ratio: float = 0.0  # share of the text tree-sitter could not parse

    def errexit_at(self, line: int) -> bool:
        """Whether `set -e` is in force when the command on this line runs (top-level order)."""
        state = False
        for toggle_line, on in self.toggles:
            if toggle_line < line:
                state = on
        return state

    @property
    def finals(self) -> list[Command]:
        return [c for c in self.commands if c.final]

    def unconditional(self, command: Command) -> bool:
        """Runs on every start: at the top level, in a top-level loop, as a tested condition at the
        top level, or in a function the top level calls."""
        if command.context in (TOP, LOOP, CONDITION):
            return True
        return command.context == FUNCTION and command.function in self.called

    def runs_by_default(self, command: Command) -> bool:
        """Runs on every start unless an operator sets something to skip it."""
        return self.unconditional(command) or (command.context == BRANCH and command.by_default)


@lru_cache(maxsize=1)
def _parser() -> Any:
    # Imported here: the script helpers are loaded by project rules on every audit, the grammar
    # only for audits with shell scripts to parse.
    import tree_sitter
    import tree_sitter_bash

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))


def parse_tree(text: str) -> Any:
    return _parser().parse(text.encode("utf-8")).root_node


def _text(node: Any) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text is not None else ""


def word_text(node: Any) -> str:
    """A word as the shell would see it when it is literal: quotes removed."""
    kind = node.type
    if kind == "command_name" and node.named_child_count == 1:
        return word_text(node.named_children[0])
    if kind == "raw_string":
        return _text(node)[1:-1]
    if kind == "string":
        inner = _text(node)[1:-1]
        return inner
    if kind == "concatenation":
        return "".join(word_text(child) for child in node.children)
    return _text(node)


def _errexit_in(argv: tuple[str, ...]) -> bool | None:
    """True when `set` turns errexit on, False when off, None when untouched."""
    state: bool | None = None
    words = list(argv[1:])
    for index, word in enumerate(words):
        if word in ("-o", "+o") and index + 1 < len(words) and words[index + 1] == "errexit":
            state = word == "-o"
        elif len(word) > 1 and word[0] in "-+" and word[1] != "-" and "e" in word[1:] and word[1:].isalpha():
            state = word[0] == "-"
    return state


class _Reader:
    def __init__(self) -> None:
        self.commands: list[Command] = []
        self.starts: list[int] = []  # start byte of each command, for marking the final ones
        self.called: set[str] = set()
        self.default_spans: list[tuple[int, int]] = []  # byte ranges of branches taken unless opted out

    def add(self, node: Any, context: str, *, checked: bool, function: str, background: bool,
            in_pipeline: bool) -> None:
        if len(self.commands) >= MAX_COMMANDS:
            return
        words = [word_text(child) for child in node.children if child.type not in ("variable_assignment", "file_redirect", "herestring_redirect", "comment")]
        words = [w for w in words if w != ""] or [""]
        is_exec = words[0] == "exec"
        if is_exec:
            words = words[1:]
            while words and words[0].startswith("-"):
                words = words[2:] if words[0] == "-a" else words[1:]  # exec -a NAME, -c, -l
            if not words:
                return  # `exec > log 2>&1`: a redirection of the script itself, no program
        self.starts.append(node.start_byte)
        self.commands.append(
            Command(
                line=node.start_point.row + 1, end_line=node.end_point.row + 1, argv=tuple(words[:MAX_WORDS]),
                exec=is_exec, background=background, context=context, checked=checked,
                in_pipeline=in_pipeline, function=function,
            )
        )
        if context == TOP and not checked and not background and words[0]:
            self.called.add(words[0])

    def walk(self, node: Any, context: str, *, checked: bool = False, function: str = "",
             background: bool = False, in_pipeline: bool = False) -> None:
        kind = node.type
        if kind == "command":
            self.add(node, context, checked=checked, function=function, background=background, in_pipeline=in_pipeline)
            return
        if kind in ("comment", "variable_assignment", "declaration_command", "unset_command", "heredoc_body", "test_command"):
            return
        if kind == "redirected_statement":
            body = node.child_by_field_name("body")
            if body is not None:
                self.walk(body, context, checked=checked, function=function, background=background, in_pipeline=in_pipeline)
            return
        if kind == "function_definition":
            name = _text(node.child_by_field_name("name"))
            body = node.child_by_field_name("body")
            if body is not None:
                self.walk(body, FUNCTION, function=name)
            return
        if kind == "list":  # a && b, a || b: every part but the last is tested
            parts = [c for c in node.named_children if c.type != "comment"]
            for index, part in enumerate(parts):
                last = index == len(parts) - 1
                self.walk(part, context, checked=checked or not last, function=function, background=background and last,
                          in_pipeline=in_pipeline)
            return
        if kind == "pipeline":
            for part in node.named_children:
                self.walk(part, context, checked=checked, function=function, background=background, in_pipeline=True)
            return
        if kind == "negated_command":
            for part in node.named_children:
                self.walk(part, context, checked=True, function=function, in_pipeline=in_pipeline)
            return
        if kind in ("if_statement", "elif_clause", "while_statement", "until_statement"):
            inner = BRANCH if kind in ("if_statement", "elif_clause") else LOOP
            if context == FUNCTION:
                inner = FUNCTION
            elif context != TOP:
                inner = context if context in (BRANCH, LOOP) else BRANCH
            condition_context = CONDITION if context == TOP else inner
            conditions = node.children_by_field_name("condition")
            condition_ids = {c.id for c in conditions}
            if kind == "if_statement" and context == TOP:
                self._note_default_branch(node, conditions, condition_ids)
            for part in conditions:
                self.walk(part, condition_context, checked=True, function=function)
            for child in node.named_children:
                if child.id in condition_ids:
                    continue
                if child.type in ("elif_clause", "else_clause"):
                    self.walk(child, context, checked=checked, function=function)
                elif child.type == "do_group":
                    self._block(child, inner, function)
                else:
                    self.walk(child, inner, checked=checked, function=function)
            return
        if kind == "else_clause":
            inner = FUNCTION if context == FUNCTION else BRANCH if context in (TOP, CONDITION) else context
            self._block(node, inner, function)
            return
        if kind in ("for_statement", "c_style_for_statement", "select_statement"):
            inner = FUNCTION if context == FUNCTION else LOOP if context in (TOP, CONDITION) else context
            for child in node.named_children:
                if child.type == "do_group":
                    self._block(child, inner, function)
            return
        if kind == "case_statement":
            inner = FUNCTION if context == FUNCTION else BRANCH if context in (TOP, CONDITION) else context
            for item in node.named_children:
                if item.type == "case_item":
                    for child in item.named_children:
                        if child.start_byte >= (item.child_by_field_name("value") or item).end_byte:
                            self.walk(child, inner, function=function)
            return
        # program, compound_statement `{ }`, subshell `( )`, do_group and anything else: walk the children.
        self._block(node, context, function, checked=checked, background=background)

    def _note_default_branch(self, node: Any, conditions: list[Any], condition_ids: set[int]) -> None:
        condition = " ".join(_text(c) for c in conditions)
        if OPT_OUT_TEST.search(condition):
            body = [c for c in node.named_children if c.id not in condition_ids and c.type not in ("elif_clause", "else_clause")]
            if body:
                self.default_spans.append((body[0].start_byte, body[-1].end_byte))
        elif OPT_IN_TEST.search(condition):
            return  # `if [ "$RUN_MIGRATIONS" != true ]; then ...; else migrate`: the else is the opt-in
        for clause in node.named_children:
            if clause.type == "else_clause" and not OPT_OUT_TEST.search(condition):
                self.default_spans.append((clause.start_byte, clause.end_byte))

    def _block(self, node: Any, context: str, function: str, *, checked: bool = False, background: bool = False) -> None:
        children = node.children
        for index, child in enumerate(children):
            if not child.is_named:
                continue
            following = children[index + 1] if index + 1 < len(children) else None
            amp = following is not None and following.type == "&"
            # `cmd` then `if [ $? -ne 0 ]` / `[ $? = 0 ] || exit`: the status is tested on the next statement.
            after = next((c for c in children[index + 1 :] if c.is_named and c.type != "comment"), None)
            tested = after is not None and "$?" in _text(after)[:200]
            self.walk(child, context, checked=checked or tested, function=function, background=background or amp)


# A test that holds when a skip switch is unset: `[ "$SKIP_X" != "true" ]`, `[ -z "$DISABLE_X" ]`,
# `[ "$X" != "false" ]`. Its body runs on a default start.
OPT_OUT_TEST = re.compile(
    r"-z\s+\"?\$\{?\w*(?:SKIP|DISABLE|NO_)\w*"
    r"|\$\{?\w*(?:SKIP|DISABLE|NO_)\w*[^=!]*!=\s*\"?(?:true|1|yes)\b"
    r"|!=\s*\"?(?:false|0|no)\b",
    re.IGNORECASE,
)
# A test that holds when an enable switch is unset: its else branch is the opt-in.
OPT_IN_TEST = re.compile(r"-z\s+\"?\$\{?\w*(?:RUN|ENABLE|DO)_\w*|!=\s*\"?(?:true|1|yes)\b", re.IGNORECASE)


def _final_nodes(root: Any) -> list[Any]:
    """The statements that end the script: the last top-level statement, through if/case branches
    and the last part of an `a && b` list."""
    statements = [c for c in root.named_children if c.type not in ("comment", "heredoc_body")]
    if not statements:
        return []
    found: list[Any] = []

    def descend(node: Any) -> None:
        kind = node.type
        if kind == "redirected_statement":
            body = node.child_by_field_name("body")
            if body is not None:
                descend(body)
        elif kind == "list":
            parts = [c for c in node.named_children if c.type != "comment"]
            if parts:
                descend(parts[-1])
        elif kind in ("if_statement", "elif_clause", "else_clause"):
            conditions = {c.id for c in node.children_by_field_name("condition")}
            body = [c for c in node.named_children if c.id not in conditions and c.type not in ("elif_clause", "else_clause", "comment")]
            if body:
                descend(body[-1])
            for clause in node.named_children:
                if clause.type in ("elif_clause", "else_clause"):
                    descend(clause)
        elif kind == "case_statement":
            for item in node.named_children:
                if item.type != "case_item":
                    continue
                value_end = (item.child_by_field_name("value") or item).end_byte
                body = [c for c in item.named_children if c.start_byte >= value_end and c.type != "comment"]
                if body:
                    descend(body[-1])
        elif kind in ("compound_statement", "subshell"):
            body = [c for c in node.named_children if c.type != "comment"]
            if body:
                descend(body[-1])
        elif kind in ("command", "pipeline"):
            found.append(node)

    last = statements[-1]
    # `cmd &` as the last statement: the `&` follows it; a background command hands nothing over.
    if root.children and root.children[-1].type == "&":
        return []
    descend(last)
    return found


def read_script(text: str) -> ShellScript:
    first = text.split("\n", 1)[0]
    shebang = first[2:].strip() if first.startswith("#!") else ""
    root = parse_tree(text)
    reader = _Reader()
    reader.walk(root, TOP)
    final_starts = {node.start_byte for node in _final_nodes(root)}
    commands: list[Command] = []
    for command, start in zip(reader.commands, reader.starts, strict=True):
        if start in final_starts and command.context in (TOP, BRANCH) and not command.checked:
            command = replace(command, final=True)
        if command.context == BRANCH and any(lo <= start < hi for lo, hi in reader.default_spans):
            command = replace(command, by_default=True)
        commands.append(command)
    script = ShellScript(shebang=shebang, commands=commands, called=reader.called, error_ratio=_error_ratio(root))
    if any(w.startswith("-") and "e" in w[1:] and w[1:].isalpha() for w in shebang.split()[1:]):
        script.toggles.append((0, True))
    for command in commands:
        if command.name == "set" and command.context == TOP:
            state = _errexit_in(command.argv)
            if state is not None:
                script.toggles.append((command.line, state))
    return script


def _error_ratio(root: Any) -> float:
    if not root.has_error:
        return 0.0
    bad = 0
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            bad += node.end_byte - node.start_byte
        elif node.has_error:
            stack.extend(node.children)
    return bad / max(root.end_byte - root.start_byte, 1)
