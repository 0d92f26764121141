"""Find CORS configurations in Python (Starlette/FastAPI middleware, flask-cors, raw headers)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from prodready.engine.context import PyContext
from prodready.lang import python as pyast

ANY = "*"


@dataclass
class CorsConfig:
    node: ast.AST  # where to point: the origins keyword / the call
    origins: list[str] | None  # None = unknown (a variable we could not resolve)
    any_origin: bool
    credentials: bool
    library: str


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
