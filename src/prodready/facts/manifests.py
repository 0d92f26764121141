"""Dependencies from manifests, compose services, Dockerfiles and test files, for the ProjectModel."""

from __future__ import annotations

import ast
import posixpath
import re
from typing import Any

from prodready.engine.context import (
    DockerfileContext,
    FileContext,
    ManifestContext,
    PyContext,
    YamlContext,
)
from prodready.lang.yamldoc import YList, YMap
from prodready.lazyre import lazy_compile
from prodready.model import Language
from prodready.rules._pyutil import not_test_file
from prodready.rules.base import FactCollector
from prodready.rules.container._compose import environment as service_environment

FACTS = FactCollector("manifests")

FRAMEWORK_PACKAGES = {
    "fastapi": "fastapi", "flask": "flask", "django": "django", "starlette": "starlette",
    "aiohttp": "aiohttp", "sanic": "sanic", "litestar": "litestar", "express": "express",
    "next": "nextjs", "koa": "koa", "fastify": "fastify", "@nestjs/core": "nestjs",
    "github.com/gin-gonic/gin": "gin", "github.com/labstack/echo/v4": "echo",
    "github.com/gofiber/fiber/v2": "fiber", "github.com/go-chi/chi/v5": "chi",
    "github.com/gorilla/mux": "gorilla/mux", "github.com/gorilla/websocket": "gorilla/websocket",
}
_REQ_NAME = lazy_compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _pypi(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _emit_dependency(ctx: Any, ecosystem: str, name: str, line: int | None = None) -> None:
    normalised = _pypi(name) if ecosystem == "pypi" else name.lower()
    ctx.emit("dependency", line=line, ecosystem=ecosystem, name=normalised)
    framework = FRAMEWORK_PACKAGES.get(normalised) or FRAMEWORK_PACKAGES.get(name)
    if framework:
        ctx.emit("framework", line=line, name=framework)


# Test runners, linters and formatters: tools of the developer, never of the running service.
DEV_TOOL = lazy_compile(
    r"(?i)^(pytest|pytest[-_.][\w.-]+|coverage|ruff|black|flake8|flake8[-_.][\w.-]+|mypy|pylint|isort|pre-commit|tox|nox|"
    r"hypothesis|polyfactory|factory[-_.]boy|inline[-_.]snapshot|dirty[-_.]equals|ipdb|pdbpp|bandit|autopep8|yapf|pyright|"
    r"types-[\w.-]+)$"
)
# requirements files that hold the runtime set (not requirements-dev.txt, test.txt, ...)
RUNTIME_REQUIREMENTS = frozenset({
    "requirements.txt", "requirements-prod.txt", "requirements_prod.txt", "requirements-production.txt",
    "prod.txt", "production.txt", "base.txt",
})


def _runtime_dev_tools(ctx: ManifestContext) -> None:
    """Emit the dev tools a manifest lists among the runtime dependencies: [project].dependencies,
    [tool.poetry.dependencies], or a runtime requirements file."""
    found: list[tuple[str, int | None]] = []
    if ctx.kind == "requirements":
        if ctx.path.rsplit("/", 1)[-1].lower() not in RUNTIME_REQUIREMENTS:
            return
        for number, raw in enumerate(ctx.lines, start=1):
            match = _REQ_NAME.match(raw.split("#", 1)[0])
            if match and DEV_TOOL.match(match.group(1)):
                found.append((match.group(1), number))
    else:
        project = ctx.data.get("project", {}) if isinstance(ctx.data.get("project"), dict) else {}
        names = [m.group(1) for spec in (project.get("dependencies") or []) if (m := _REQ_NAME.match(str(spec)))]
        poetry = ctx.data.get("tool", {}).get("poetry", {}) if isinstance(ctx.data.get("tool"), dict) else {}
        names += [str(name) for name in (poetry.get("dependencies") or {})]
        for name in names:
            if DEV_TOOL.match(name):
                found.append((name, _manifest_line(ctx.lines, name)))
    if found:
        ctx.emit("runtime_dev_tool", line=found[0][1], names=[name for name, _ in found])


def _manifest_line(lines: list[str], name: str) -> int | None:
    """The line that declares `name` (`"pytest==9.0"` in a list, `pytest = "^7"` in a table)."""
    pattern = re.compile(rf"""^\s*["']?{re.escape(name)}(\s*[=<>!~\[;]|["'\s]|$)""", re.IGNORECASE)
    return next((number for number, line in enumerate(lines, start=1) if pattern.match(line)), None)


@FACTS.on_file(Language.MANIFEST)
def manifest(ctx: ManifestContext) -> None:
    if ctx.kind == "requirements":
        _runtime_dev_tools(ctx)
        for number, raw in enumerate(ctx.lines, start=1):
            line = raw.split("#", 1)[0].strip()
            if not line or line.startswith(("-", "git+", "http")):
                continue
            match = _REQ_NAME.match(line)
            if match:
                _emit_dependency(ctx, "pypi", match.group(1), number)
    elif ctx.kind == "pyproject" and isinstance(ctx.data, dict):
        _runtime_dev_tools(ctx)
        project = ctx.data.get("project", {})
        specs: list[str] = list(project.get("dependencies", []) or [])
        for extra in (project.get("optional-dependencies", {}) or {}).values():
            specs.extend(extra or [])
        for spec in specs:
            match = _REQ_NAME.match(str(spec))
            if match:
                _emit_dependency(ctx, "pypi", match.group(1))
        poetry = ctx.data.get("tool", {}).get("poetry", {})
        for section in ("dependencies", "dev-dependencies"):
            for name in (poetry.get(section, {}) or {}):
                if name.lower() != "python":
                    _emit_dependency(ctx, "pypi", name)
        for group in (poetry.get("group", {}) or {}).values():
            for name in (group.get("dependencies", {}) or {}):
                _emit_dependency(ctx, "pypi", name)
    elif ctx.kind == "pipfile":
        section = None
        for raw in ctx.lines:
            line = raw.strip()
            if line.startswith("["):
                section = line
            elif section in ("[packages]", "[dev-packages]") and "=" in line:
                _emit_dependency(ctx, "pypi", line.split("=", 1)[0].strip().strip('"'))
    elif ctx.kind == "package.json" and isinstance(ctx.data, dict):
        for section in ("dependencies", "devDependencies", "peerDependencies"):
            for name in (ctx.data.get(section) or {}):
                _emit_dependency(ctx, "npm", str(name))
        express = (ctx.data.get("dependencies") or {}).get("express") if isinstance(ctx.data.get("dependencies"), dict) else None
        if isinstance(express, str):
            # Express 5 forwards a rejected async handler to the error middleware; 4 does not.
            ctx.emit("signal", line=None, name="express-version", detail=express)
        scripts = ctx.data.get("scripts") or {}
        if isinstance(scripts, dict):
            ctx.emit("npm_scripts", line=None, scripts={str(k): str(v) for k, v in scripts.items()})
    elif ctx.kind == "go.mod":
        from prodready.lang.gomod import go_requirements

        for module, _version, number in go_requirements(ctx.lines):
            _emit_dependency(ctx, "go", module, number)
    elif ctx.kind == "gitignore":
        from prodready.engine.discover import MAX_IGNORE_PATTERNS, sanitize_pattern

        # Only patterns that compile and match in linear time (the same filter discovery uses).
        patterns: list[str] = []
        for line in ctx.lines:
            pattern = sanitize_pattern(line.strip())[0]
            if pattern is not None:
                patterns.append(pattern)
                if len(patterns) >= MAX_IGNORE_PATTERNS:
                    break
        ctx.emit("gitignore", line=None, patterns=patterns)
    elif ctx.kind == "readme":
        names = sorted(set(re.findall(r"\b[A-Z][A-Z0-9_]{2,}\b", ctx.text)))
        ctx.emit("documented_env", line=None, names=names, source="readme")


# Only mode-like settings keep their value in the facts (GIN_MODE=release); other values may be secrets.
_MODE_KEY = lazy_compile(r"(?i)(^|_)(MODE|ENV|ENVIRONMENT|DEBUG)$")


def _emit_deploy_env(ctx: Any, key: str, value: Any, line: int | None) -> None:
    """An environment variable that deployment sets (Dockerfile ENV, compose, .env, Kubernetes)."""
    shown = str(value).strip().strip("\"'")[:40] if _MODE_KEY.search(key) and value is not None else ""
    ctx.emit("deploy_env", line=line, key=key, value=shown)


@FACTS.on_file(Language.DOTENV)
def dotenv(ctx: Any) -> None:
    name = ctx.path.rsplit("/", 1)[-1].lower()
    for entry in ctx.entries:
        _emit_deploy_env(ctx, entry.key, entry.value, entry.line)
    if any(word in name for word in ("example", "sample", "template", "dist", "defaults")):
        ctx.emit("documented_env", line=None, names=[e.key for e in ctx.entries], source=ctx.path)
        for entry in ctx.entries:  # read by the secret rules when the code loads this file at runtime
            ctx.emit("template_env_entry", line=entry.line, key=entry.key, value=entry.value)


def _mounts_context(service: YMap, context: str) -> bool:
    """A volume that bind-mounts the build context over the image (`.:/app`): the container runs
    the checkout, not what the image was built with — a development set-up."""
    volumes = service.get("volumes")
    if not isinstance(volumes, YList):
        return False
    wanted = posixpath.normpath(context or ".")
    for volume in volumes:
        if isinstance(volume, YMap):
            source = volume.get("source") if volume.get("type", "bind") == "bind" else None
        else:
            entry = str(volume)
            source = entry.split(":", 1)[0] if ":" in entry else None
        if isinstance(source, str) and posixpath.normpath(source) == wanted:
            return True
    return False


@FACTS.on_file(Language.COMPOSE)
def compose(ctx: YamlContext) -> None:
    for document in ctx.documents:
        if not isinstance(document, YMap):
            continue
        services = document.get("services")
        if not isinstance(services, YMap):
            continue
        for name, service in services.items():
            if not isinstance(service, YMap):
                continue
            deploy = service.get("deploy") if isinstance(service.get("deploy"), YMap) else YMap()
            resources = deploy.get("resources") if isinstance(deploy, YMap) else None
            limits = isinstance(resources, YMap) and isinstance(resources.get("limits"), YMap)
            for key, value, env_line in service_environment(service):
                _emit_deploy_env(ctx, key, value, env_line)
            environment = service.get("environment")
            env_names: list[str] = []
            if isinstance(environment, YMap):
                env_names = list(environment)
            elif isinstance(environment, YList):
                env_names = [str(item).split("=", 1)[0] for item in environment]
            build = service.get("build")
            context = build.get("context") if isinstance(build, YMap) else build
            dockerfile = build.get("dockerfile") if isinstance(build, YMap) else None
            replicas = deploy.get("replicas") if isinstance(deploy, YMap) else None
            ctx.emit(
                "compose_service",
                line=services.line_of(name),
                name=str(name),
                image=str(service.get("image") or ""),
                build=str(context or ""),
                dockerfile=str(dockerfile or ""),
                mounts_context=context is not None and _mounts_context(service, str(context)),
                has_healthcheck=isinstance(service.get("healthcheck"), YMap),
                has_limits=bool(limits or service.get("mem_limit") or service.get("cpus")),
                restart=str(service.get("restart") or (deploy.get("restart_policy") if isinstance(deploy, YMap) else "") or ""),
                command=str(service.get("command") or ""),
                env=env_names,
                replicas=replicas if isinstance(replicas, int) else None,
                ports=[str(p) for p in service.get("ports") or []] if isinstance(service.get("ports"), YList) else [],
            )
            ctx.emit("documented_env", line=None, names=env_names, source=ctx.path)


@FACTS.on_file(Language.KUBERNETES)
def kubernetes(ctx: YamlContext) -> None:
    ctx.emit("k8s_manifest", line=None)
    if "livenessProbe" in ctx.text or "readinessProbe" in ctx.text:
        # the kubelet probes these containers itself: an image HEALTHCHECK would be ignored there
        ctx.emit("k8s_probe", line=None)
    for document in ctx.documents:
        stack: list[Any] = [document]
        while stack:
            node = stack.pop()
            if isinstance(node, YMap):
                env = node.get("env")
                if isinstance(env, YList) and isinstance(node.get("image"), str):
                    for item in env:
                        if isinstance(item, YMap) and "name" in item:
                            _emit_deploy_env(ctx, str(item.get("name")), item.get("value"), item.line_of("name"))
                stack.extend(v for v in node.values() if isinstance(v, YMap | YList))
            elif isinstance(node, YList):
                stack.extend(v for v in node if isinstance(v, YMap | YList))


@FACTS.on_file(Language.DOCKERFILE)
def dockerfile(ctx: DockerfileContext) -> None:
    for instruction in ctx.dockerfile.find("ENV"):
        pairs = re.findall(r"([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|'[^']*'|\S+)", instruction.args_text)
        if not pairs:
            parts = instruction.args_text.split(None, 1)
            pairs = [(parts[0], parts[1])] if len(parts) == 2 else []
        for key, value in pairs:
            _emit_deploy_env(ctx, key, value, instruction.line)
    stage = ctx.dockerfile.final_stage()
    if not stage:
        return
    copies = [
        i for i in ctx.dockerfile.instructions
        if i.keyword in {"COPY", "ADD"} and "from" not in i.flags and any(w in {".", "./"} for w in i.words()[:-1])
    ]
    ctx.emit(
        "dockerfile",
        line=stage[0].line,
        base=stage[0].args_text.split(" AS ")[0].split(" as ")[0].strip(),
        has_healthcheck=any(i.keyword == "HEALTHCHECK" and not i.args_text.upper().startswith("NONE") for i in stage),
        cmd=" ".join(" ".join(i.words()) for i in stage if i.keyword in {"CMD", "ENTRYPOINT"}),
        # the instruction that starts the container: where a reviewer points for image-level defects
        start_line=next((i.line for i in reversed(stage) if i.keyword in {"CMD", "ENTRYPOINT"}), stage[0].line),
        copies_context=bool(copies),
        copy_line=copies[0].line if copies else None,
        expose=[w.split("/")[0] for i in stage if i.keyword == "EXPOSE" for w in i.words() if w.split("/")[0].isdigit()],
    )


HTTP_TEST_MARKERS = lazy_compile(
    r"TestClient|AsyncClient|httpx|requests\.|test_client\(|\.client\.(get|post)|supertest|request\(app\)|"
    r"httptest\.|fetch\(|axios|aiohttp.test_utils|LiveServerTestCase|APIClient|webtest"
)
# A text HTTP_TEST_MARKERS matches holds one of these (one per alternative): searching for them
# is much faster than running the regex over every test file.
_HTTP_TEST_WORDS = (
    "TestClient", "AsyncClient", "httpx", "requests.", "test_client(", ".client.", "supertest", "request(app)",
    "httptest.", "fetch(", "axios", "aiohttp", "LiveServerTestCase", "APIClient", "webtest",
)


def http_test_markers(text: str) -> bool:
    return any(word in text for word in _HTTP_TEST_WORDS) and HTTP_TEST_MARKERS.search(text) is not None


# What PR-TS-304 (routes untested) reads of a test file, gathered here, where the file is read
# anyway and in parallel, instead of reading every test file again in the project pass.
# The path part of a URL written in a test: `"/api/v1/users/1"`, `f"{prefix}/users?x=1"`.
URL_TEXT = lazy_compile(r"/[a-z0-9_.{}$-]+(?:/[a-z0-9_.{}$-]*)*")
IDENTIFIER = lazy_compile(r"[a-z_][a-z0-9_]*")
MAX_TEST_BYTES = 400_000


def test_summary(lowered: str) -> dict[str, Any]:
    """PR-TS-304's reading of a test file's (lower-cased, at most MAX_TEST_BYTES) text: the URL
    segments it writes, the names in it when it builds URLs by name (`url_for(`, `reverse(`, else
    None), and how many tests it seems to hold."""
    return {
        "url_parts": sorted({part for url in URL_TEXT.findall(lowered) for part in url.split("/") if part}),
        "names": sorted(set(IDENTIFIER.findall(lowered))) if "url_for(" in lowered or "reverse(" in lowered else None,
        "tests": lowered.count("def test") + lowered.count("it(") + lowered.count("test(") + lowered.count("func test"),
    }


def _test_summary(ctx: FileContext) -> dict[str, Any]:
    """``test_summary`` of the file as PR-TS-304 reads it from disk (its first MAX_TEST_BYTES
    bytes, decoded with replacement); nothing when the context's text is not the file's own
    bytes (the rule then reads the file itself)."""
    if not ctx.verbatim:
        return {}
    text = ctx.text
    if len(text) > MAX_TEST_BYTES // 4 and not (text.isascii() and len(text) <= MAX_TEST_BYTES):
        text = text.encode("utf-8")[:MAX_TEST_BYTES].decode("utf-8", "replace")
    return {"reading": test_summary(text.lower())}


@FACTS.on_python(ast.Module, skip_file=not_test_file)
def python_tests(tree: ast.Module, ctx: PyContext) -> None:
    if not ctx.is_test_file:
        return
    functions = [
        n for n in ctx.nodes_of(ast.FunctionDef, ast.AsyncFunctionDef) if n.name.startswith("test")
    ]
    if functions:
        ctx.emit("test", line=functions[0].lineno, count=len(functions), **_test_summary(ctx))
        if http_test_markers(ctx.text):
            ctx.emit("http_test", line=None)


# (file handlers: they read the text only, so test files need not be parsed for them)
@FACTS.on_file(Language.JAVASCRIPT, Language.TYPESCRIPT)
def js_tests(ctx: FileContext) -> None:
    if not ctx.is_test_file:
        return
    if re.search(r"\b(it|test|describe)\s*\(", ctx.text):
        ctx.emit("test", line=None, count=1, **_test_summary(ctx))
        if http_test_markers(ctx.text):
            ctx.emit("http_test", line=None)


@FACTS.on_file(Language.GO)
def go_tests(ctx: FileContext) -> None:
    if not ctx.path.endswith("_test.go"):
        return
    if re.search(r"func Test\w*\(", ctx.text):
        ctx.emit("test", line=None, count=1, **_test_summary(ctx))
        if http_test_markers(ctx.text):
            ctx.emit("http_test", line=None)
