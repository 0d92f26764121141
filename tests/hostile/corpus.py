"""The hostile corpus, generated at run time: each case writes one bad file (or directory) into a
tree that also holds a normal, well-formed service file with a known finding."""

from __future__ import annotations

import os
import random
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

# The well-formed file every tree holds: one PR-TO-001 finding (HTTP call without timeout).
GOOD_FILE = "service/app.py"
GOOD_TEXT = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n"
GOOD_RULE = "PR-TO-001"


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], None]
    bad: str | None  # the path expected in `skipped` (None: the file may be audited or ignored)
    reason: str = ""  # a word expected in its reason


def _write(root: Path, rel: str, data: str | bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, "utf-8")


def text(rel: str, data: str | bytes) -> Callable[[Path], None]:
    return lambda root: _write(root, rel, data)


def _deep_json(depth: int) -> str:
    return '{"a": ' * depth + "1" + "}" * depth


def _fifo(rel: str) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(root / rel)

    return build


def _symlink(rel: str, target: str) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, root / rel)

    return build


def _char_device(rel: str) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        import stat

        try:
            os.mknod(root / rel, 0o644 | stat.S_IFCHR, os.makedev(1, 3))  # like /dev/null
        except (PermissionError, OSError):
            pytest.skip("cannot create a device node here")

    return build


def _socket(rel: str) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.bind(str(root / rel))
        except OSError:  # path too long for AF_UNIX on some systems: a FIFO instead
            os.mkfifo(root / rel)
        finally:
            sock.close()

    return build


def _bytes_name(raw: bytes, data: bytes, directory: bool = False) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        base = os.fsencode(root)
        if directory:
            os.mkdir(base + b"/" + raw)
            with open(base + b"/" + raw + b"/inner.py", "wb") as handle:
                handle.write(data)
        else:
            with open(base + b"/" + raw, "wb") as handle:
                handle.write(data)

    return build


ALIAS_BOMB = "apiVersion: v1\nkind: ConfigMap\n" + "\n".join(
    ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    + ["data: *a9"]
)
MERGE_BOMB = "services:\n  m0: &m0 {" + ", ".join(f"k{j}: v" for j in range(10)) + "}\n" + "".join(
    f"  m{i}: &m{i} {{<<: *m{i - 1}, " + ", ".join(f"a{j}: *m{i - 1}" for j in range(9)) + "}\n" for i in range(1, 10)
) + "  bomb: {<<: [*m9, *m8, *m7]}\n"
HUGE_ANCHOR = "services:\n  base: &big\n" + "".join(f"    k{i}: value{i}\n" for i in range(4000)) + "".join(
    f"  s{i}: *big\n" for i in range(200)
)

CASES: list[Case] = [
    # Deep nesting, every format and language
    Case("deep-package-json", text("package.json", _deep_json(5000)), "package.json", "nested"),
    Case("deep-pyproject", text("pyproject.toml", "a = " + "[" * 5000 + "]" * 5000 + "\n"), "pyproject.toml"),
    Case("deep-compose", text("docker-compose.yml", "services:\n  web: " + "[" * 5000 + "]" * 5000 + "\n"), "docker-compose.yml"),
    Case("deep-k8s", text("k8s/pod.yaml", "apiVersion: v1\nkind: Pod\nspec: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n"), "k8s/pod.yaml"),
    Case("deep-k8s-block", text("k8s/deploy.yaml", "apiVersion: v1\nkind: Pod\n" + "".join(" " * i + "a:\n" for i in range(400)) + " " * 400 + "a: 1\n"), "k8s/deploy.yaml"),
    Case("deep-python", text("deep.py", "x = " + "(" * 1000 + "1" + ")" * 1000 + "\n"), "deep.py"),
    Case("deep-python-binop", text("binop.py", "x = " + "1 + " * 60000 + "1\n"), None),
    Case("deep-js", text("deep.js", "const x = " + "[" * 20000 + "]" * 20000 + ";\n"), None),
    Case("deep-ts", text("deep.ts", "let y = " + "(" * 20000 + "1" + ")" * 20000 + ";\n"), None),
    Case("deep-go", text("deep.go", "package main\nfunc f() int { return " + "(" * 20000 + "1" + ")" * 20000 + " }\n"), None),
    Case("deep-dockerfile", text("Dockerfile", "FROM python:3.12\n" + "RUN echo \\\n" * 20000 + "  done\n"), None),
    # Manifests and config of unexpected shapes
    Case("pyproject-project-list", text("pyproject.toml", "project = [1, 2]\n"), None),
    Case("pyproject-deps-ints", text("pyproject.toml", "[project]\nname = 1\ndependencies = [1, 2, {a = 1}]\n[project.optional-dependencies]\nx = 5\n"), None),
    Case("package-json-shapes", text("package.json", '{"dependencies": 5, "devDependencies": [1], "scripts": "x", "name": {}}'), None),
    Case("package-json-list", text("package.json", "[1, 2, 3]"), "package.json"),
    Case("package-json-invalid", text("package.json", '{"a": '), "package.json", "invalid"),
    Case("compose-shapes", text("docker-compose.yml", "services: [1, 2]\n"), None),
    Case("compose-services-scalars", text("compose.yaml", "services:\n  web: 5\n  db: [a]\n  x: {environment: 7, ports: 9, healthcheck: [1], deploy: 3}\n"), None),
    Case("k8s-shapes", text("k8s/bad.yaml", "apiVersion: v1\nkind: Deployment\nspec: {template: {spec: {containers: 5}}}\n---\nkind: 7\napiVersion: [1]\n---\n- 1\n"), None),
    Case("yaml-complex-keys", text("k8s/keys.yaml", "apiVersion: v1\nkind: ConfigMap\n? [a, b]\n: 1\n? {x: 1}\n: 2\n"), None),
    Case("dotenv-garbage", text(".env", "=\n==\nexport\nA\n\x00\n" + "B=" + "x" * 5000 + "\n"), None),
    Case("requirements-garbage", text("requirements.txt", "-r requirements.txt\n--index-url\n===\n" + "a" * 10000 + "\n"), None),
    Case("gomod-garbage", text("go.mod", "module\nrequire (\n\n" + ")" * 100 + "\n"), None),
    # YAML bombs
    Case("yaml-alias-bomb", text("k8s/bomb.yaml", ALIAS_BOMB), "k8s/bomb.yaml", "max-yaml-nodes"),
    Case("yaml-merge-bomb", text("docker-compose.yml", MERGE_BOMB), "docker-compose.yml", "max-yaml-nodes"),
    Case("yaml-huge-anchor", text("compose.yml", HUGE_ANCHOR), "compose.yml", "max-yaml-nodes"),
    # Links, special files, names
    Case("symlink-loop-file", _symlink("loop.py", "loop.py"), "loop.py", "loop"),
    Case("symlink-loop-pair", lambda root: (_symlink("a.py", "b.py")(root), _symlink("b.py", "a.py")(root)) and None, "a.py", "loop"),
    Case("symlink-dir-loop", _symlink("sub/up", ".."), None),
    Case("symlink-dev-zero", _symlink("zero.py", "/dev/zero"), "zero.py", "outside"),
    Case("char-device-in-tree", _char_device("null.py"), "null.py", "device"),
    Case("symlink-dev-zero-noext", _symlink("run", "/dev/zero"), None),
    Case("symlink-outside", _symlink("passwd.py", "/etc/passwd"), "passwd.py", "outside"),
    Case("fifo-source", _fifo("worker.py"), "worker.py", "FIFO"),
    Case("fifo-dockerfile", _fifo("Dockerfile"), "Dockerfile", "FIFO"),
    Case("fifo-gitignore", _fifo(".gitignore"), ".gitignore", "FIFO"),
    Case("fifo-pyproject", _fifo("pyproject.toml"), "pyproject.toml", "FIFO"),
    Case("fifo-noext", _fifo("manage"), None),
    Case("socket-source", _socket("s.py"), "s.py", "not a regular file"),
    Case("non-utf8-file-name", _bytes_name(b"bad\xff\xfe.py", b"import os\n"), "bad\ufffd\ufffd.py", "UTF-8"),
    Case("non-utf8-dir-name", _bytes_name(b"dir\xff", b"import os\n", directory=True), "dir\ufffd/", "UTF-8"),
    Case("long-name", text("n" * 240 + ".py", "import os\n"), None),
    Case("odd-names", lambda root: [
        _write(root, name, "import requests\nrequests.get('x')\n")
        for name in ("sp ace.py", "new\nline.py", "esc\x1b]0;pwned\x07.py", "<script>alert(1)</script>.py",
                     "back`tick.py", "[bold red]markup[/].py", "-rf.py", "ünï©ødé.py")
    ] and None, None),
    # .gitignore: invalid, catastrophic, huge
    Case("gitignore-invalid", text(".gitignore", "!\nfoo\\\n[z-a]\n\\\n*.log\n"), None),
    Case("gitignore-catastrophic", text(".gitignore", "**/" * 40 + "a" + "*a" * 30 + "*b\n" + "*" * 5000 + "x\n"), None),
    Case("gitignore-huge", text(".gitignore", "".join(f"pattern{i}*/x{i}/**/*.tmp\n" for i in range(100_000))), None),
    # Binary noise with no ASCII at all: random bytes could spell a pattern (`*`, `s*`) that really
    # ignores the good file, which made this case fail once in a while.
    Case("gitignore-binary", text(".gitignore", bytes(random.Random(4096).randrange(0x80, 0x100) for _ in range(4096))), None),
    # Encodings and sizes
    Case("binary-py", text("blob.py", b"\x00\x01\x02\xff" * 1000), "blob.py", "binary"),
    Case("invalid-utf8", text("latin.py", b"x = '\xe9t\xe9'\n"), "latin.py", "UTF-8"),
    Case("utf16-bom", text("wide.py", "import requests\nrequests.get('u')\n".encode("utf-16")), None),
    Case("nul-bytes", text("nul.js", "const a = 1;\x00\x00\nfetch(x)\n"), "nul.js", "binary"),
    Case("cr-only", text("cr.py", "import requests\rrequests.get('x')\rx = 1\r"), None),
    Case("huge-one-line", lambda root: _write(root, "huge.js", b"a" * 50_000_000), "huge.js", "max-file-size"),
    Case("long-lines-token", text("token.py", "API = '" + "A1b2" * 75_000 + "'\nimport requests\nrequests.get(API)\n"), None),
    Case("many-lines-js", text("lines.js", "x;\n" * 200_000), None),
    Case("many-lines-py", text("lines.py", "x = 1  # prodready: ignore[PR-TO-001]\n" * 20_000), None),
    Case("minified-js", text("bundle.js", "var a=1;" * 100_000), None),
    # Syntax errors everywhere
    Case("syntax-python", text("broken.py", "def f(:\n  return ]\n"), "broken.py", "syntax"),
    Case("syntax-js", text("broken.js", "function ( { ) } ] ;;; <<< " * 50), None),
    Case("syntax-go", text("broken.go", "package\nfunc { { ( ]\n" * 50), None),
    Case("syntax-dockerfile", text("Dockerfile", "\\\n\\\nFROM\nRUN [\"\nUSER\nCOPY --from=\n"), None),
    Case("syntax-yaml", text("docker-compose.yml", "services: [\n  - {\n"), "docker-compose.yml", "invalid YAML"),
    Case("syntax-pyproject", text("pyproject.toml", "[[[\n"), "pyproject.toml", "invalid"),
    Case("empty-files", lambda root: [_write(root, n, "") for n in ("e.py", "e.js", "Dockerfile", "docker-compose.yml", ".env", "package.json", "pyproject.toml", "go.mod", "e.go")] and None, None),
]
