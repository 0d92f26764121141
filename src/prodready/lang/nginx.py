"""An nginx configuration reader: directives with their arguments, lines and blocks.

Tokens come from crossplane's lexer (quotes, escapes, `${var}`, comments and Lua blocks handled as
nginx does), fed the text the engine already read: crossplane's ``parse`` opens the file and its
includes by itself, and an audit never reads a file twice or follows an include out of the tree.
The tokens are assembled into a tree here, without crossplane's directive catalogue, so third-party
modules' directives are kept rather than reported as errors.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from crossplane.errors import NgxParserBaseException
from crossplane.lexer import _balance_braces, _lex_file_object

from prodready.lazyre import lazy_compile

MAX_DIRECTIVES = 20_000
MAX_DEPTH = 64

# A block nginx would have at the top of a file (http, server, location, ...) and one directive
# ended by `;`: what a `.conf` file of another program (logstash, supervisord, a KEY=value list) lacks.
_BLOCK = lazy_compile(r"^[ \t]*(http|server|location|upstream|events|stream|map|types)\b[^{;]{0,200}\{", re.MULTILINE)
_DIRECTIVE = lazy_compile(r"^[ \t]*[a-z_][a-z0-9_]*[ \t]+[^\n;{}#]*;[ \t]*(#.*)?$", re.MULTILINE)


class NginxSyntaxError(ValueError):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(eq=False, slots=True)
class Directive:
    name: str
    args: list[str]
    line: int
    end_line: int
    block: list[Directive] | None = None
    parent: Directive | None = field(default=None, repr=False)

    @property
    def is_block(self) -> bool:
        return self.block is not None

    def children(self, name: str | None = None) -> list[Directive]:
        items = self.block or []
        return [d for d in items if name is None or d.name == name]

    def ancestors(self) -> Iterator[Directive]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def context(self) -> str:
        """`http`, `server`, `location`... of the innermost enclosing block ('main' at the top)."""
        return self.parent.name if self.parent is not None else "main"


@dataclass(slots=True)
class NginxConfig:
    directives: list[Directive]

    def walk(self) -> Iterator[Directive]:
        stack = list(reversed(self.directives))
        while stack:
            node = stack.pop()
            yield node
            if node.block:
                stack.extend(reversed(node.block))

    def find(self, name: str) -> list[Directive]:
        return [d for d in self.walk() if d.name == name]

    @property
    def has_http_block(self) -> bool:
        return any(d.name == "http" and d.is_block for d in self.directives)


def looks_like_nginx(text: str) -> bool:
    return bool(_BLOCK.search(text) and _DIRECTIVE.search(text))


def parse_nginx(text: str) -> NginxConfig:
    """The directive tree; raises NginxSyntaxError on unbalanced braces or a directive left open."""
    try:
        tokens = list(_balance_braces(_lex_file_object(io.StringIO(text))))
    except NgxParserBaseException as exc:
        raise NginxSyntaxError(str(exc.strerror), exc.lineno) from exc
    top: list[Directive] = []
    stack: list[tuple[Directive | None, list[Directive]]] = [(None, top)]
    count = 0
    index = 0
    while index < len(tokens):
        token, line, quoted = tokens[index]
        index += 1
        parent, siblings = stack[-1]
        if not quoted and token == "}":
            if parent is not None:
                parent.end_line = line
            stack.pop()
            continue
        if not quoted and token.startswith("#"):
            continue
        if not quoted and token in ("{", ";"):
            continue  # a stray separator
        directive = Directive(name=token, args=[], line=line, end_line=line, parent=parent)
        count += 1
        if count > MAX_DIRECTIVES:
            raise NginxSyntaxError(f"more than {MAX_DIRECTIVES} directives", line)
        terminator = ""
        while index < len(tokens):
            word, word_line, word_quoted = tokens[index]
            index += 1
            if not word_quoted and word in ("{", ";", "}"):
                terminator = word
                directive.end_line = word_line
                break
            if not word_quoted and word.startswith("#"):
                continue
            directive.args.append(word)
        siblings.append(directive)
        if terminator == "{":
            directive.block = []
            if len(stack) > MAX_DEPTH:
                raise NginxSyntaxError(f"blocks nested deeper than {MAX_DEPTH}", line)
            stack.append((directive, directive.block))
        elif terminator == "}":
            raise NginxSyntaxError(f'directive "{directive.name}" is not terminated by ";"', line)
        elif terminator == "":
            raise NginxSyntaxError(f'unexpected end of file, expecting ";" after "{directive.name}"', line)
    return NginxConfig(directives=top)
