"""Find CORS configurations in Python (Starlette/FastAPI middleware, flask-cors, raw headers)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile
from prodready.model import Hit

ANY = "*"


@dataclass
class CorsConfig:
    node: ast.AST  # where to point: the origins keyword / the call
    origins: list[str] | None  # None = unknown (a variable we could not resolve)
    any_origin: bool
    credentials: bool
    library: str
    origins_expr: ast.AST | None = None  # the expression the origins come from, when not a literal
    call: ast.Call | None = None  # the middleware/extension call that configures it


def _literal_strings(node: ast.AST | None, ctx: PyContext) -> list[str] | None:
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        values = [pyast.const_str(e) for e in node.elts]
        return [v for v in values if v is not None] if all(v is not None for v in values) else None
    name = pyast.dotted(node)
    if name and "." not in name:
        for assign in ctx.tree.body:  # a module-level constant in the same file
            if isinstance(assign, ast.Assign) and any(pyast.dotted(t) == name for t in assign.targets):
                return _literal_strings(assign.value, ctx)
    return None


def _true(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def configs(ctx: PyContext) -> Iterator[CorsConfig]:
    for call in ctx.nodes_of(ast.Call):
        name = ctx.call_name(call) or ""
        short = name.split(".")[-1]
        if (
            short == "add_middleware"
            and call.args
            and "CORSMiddleware" in (ctx.qualified(call.args[0]) or "")
        ):
            origins_kw = pyast.keyword(call, "allow_origins")
            regex_kw = pyast.keyword(call, "allow_origin_regex")
            mw_origins = _literal_strings(origins_kw.value, ctx) if origins_kw else []
            regex = pyast.const_str(regex_kw.value) if regex_kw else None
            any_origin = (mw_origins is not None and ANY in mw_origins) or regex in {
                ".*",
                ".+",
                "^.*$",
                "https?://.*",
            }
            creds_kw = pyast.keyword(call, "allow_credentials")
            yield CorsConfig(
                node=(origins_kw or regex_kw or call) if any_origin else call,
                origins=mw_origins,
                any_origin=any_origin,
                credentials=_true(creds_kw.value) if creds_kw else False,
                library="CORSMiddleware",
                origins_expr=origins_kw.value if origins_kw is not None and mw_origins is None else None,
                call=call,
            )
        elif name in {"flask_cors.CORS", "flask_cors.cross_origin"}:
            origins_kw = pyast.keyword(call, "origins")
            resources_kw = pyast.keyword(call, "resources")
            origins: list[str] | None
            if origins_kw is not None:
                origins = _literal_strings(origins_kw.value, ctx)
            elif resources_kw is not None:
                origins = None
                if isinstance(resources_kw.value, ast.Dict):
                    found: list[str] = []
                    for value in resources_kw.value.values:
                        if isinstance(value, ast.Dict):
                            for key, inner in zip(value.keys, value.values, strict=False):
                                if pyast.const_str(key) == "origins":
                                    found.extend(_literal_strings(inner, ctx) or [])
                    origins = found or None
            else:
                origins = [ANY]  # flask-cors default: every origin
            any_origin = origins is not None and ANY in origins
            creds = pyast.keyword(call, "supports_credentials")
            yield CorsConfig(
                node=origins_kw or call,
                origins=origins,
                any_origin=any_origin,
                credentials=_true(creds.value) if creds else False,
                library=short,
                origins_expr=origins_kw.value if origins_kw is not None and origins is None else None,
            )
    for assign in ctx.nodes_of(ast.Assign):
        target = assign.targets[0]
        if (
            isinstance(target, ast.Subscript)
            and (pyast.const_str(target.slice) or "").lower() == "access-control-allow-origin"
        ):
            header = pyast.const_str(assign.value)
            yield CorsConfig(
                node=assign,
                origins=[header] if header else None,
                any_origin=header == ANY,
                credentials=False,
                library="header",
            )


# Origins read from a settings object (`allow_origins=settings.cors_origin_list`) are resolved through
# the env facts: the setting's default is what a deployment that never sets it serves.
SETTING_SIGNAL = "cors-origins-from-setting"
ORIGIN_SETTING = lazy_compile(r"(?i)(cors|origin)")


def note_setting_origins(config: CorsConfig, ctx: PyContext) -> None:
    """Record (once per configuration) that its origins come from a settings attribute."""
    expr = config.origins_expr
    name = pyast.dotted(expr) if expr is not None else None
    if name is None and isinstance(expr, ast.Call):
        name = pyast.dotted(expr.func)  # settings.origins() / get_origins()
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in {"split", "strip"}:
        name = pyast.dotted(expr.func.value)  # settings.CORS_ORIGINS.split(",")
    parts = (name or "").split(".")
    settings_parts = [part for part in parts[1:] if ORIGIN_SETTING.search(part)]
    if not settings_parts:
        return
    ctx.emit(
        "signal", line=getattr(expr, "lineno", None), name=SETTING_SIGNAL,
        detail=settings_parts[-1], credentials=config.credentials, library=config.library,
    )


def wildcard_setting_defaults(model: Any, credentials: bool) -> Iterator[Hit]:
    """A CORS configuration (with or without credentials) whose origins setting defaults to `*`."""
    wildcard = [
        var for var in model.env_vars
        if var.file.endswith(".py") and ORIGIN_SETTING.search(var.name) and var.default is not None
        and any(part.strip() == ANY for part in re.split(r"[,\s\[\]\"']+", str(var.default)))
    ]
    if not wildcard:
        return
    var = wildcard[0]
    consequence = "reflects any origin" if credentials else "allows any origin"
    how = "allows credentials and its origins come from" if credentials else "takes its origins from"
    for signal in model.facts.get("signal", []):
        if signal.get("name") == SETTING_SIGNAL and bool(signal.get("credentials")) == credentials:
            yield Hit(
                line=signal.get("line"),
                path=str(signal["file"]),
                message=f"{signal.get('library', 'CORS')} {how} `{signal.get('detail')}`, whose setting {var.name} "
                f"defaults to '*' (in {var.file}:{var.line}): a deployment that does not set it {consequence}",
            )
