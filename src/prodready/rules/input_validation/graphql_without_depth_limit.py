"""GraphQL server without a query depth or complexity limit

## What it does
Flags a GraphQL server built with no limit on how deep or how costly one query may be: Apollo
`new ApolloServer({...})` and `graphqlHTTP({...})` without `validationRules`, graphql-yoga
`createYoga({...})` without a depth/cost plugin, gqlgen `handler.NewDefaultServer(...)` /
`handler.New(...)` in a file that never adds `extension.FixedComplexityLimit`, and Strawberry
`strawberry.Schema(...)` without a `QueryDepthLimiter` extension.

## Why it matters in production
GraphQL lets the client write the query. A few lines of nested relations (`posts { author {
posts { author { ... } } } }`), hundreds of aliases of one expensive field, or a batch of such
queries in one request make the server resolve millions of objects: one anonymous request takes
the CPU, the database and the memory of the whole service. Rate limits count requests, not cost,
so they do not help.

## Example
```js
const server = new ApolloServer({ typeDefs, resolvers })
```

## Use instead
```js
const depthLimit = require('graphql-depth-limit')
const server = new ApolloServer({ typeDefs, resolvers, validationRules: [depthLimit(8)] })
```

## Known limitations
Options built elsewhere and passed as a variable are not judged; limits enforced by a gateway in
front of the service are not seen.

## References
- https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html#query-limiting-depth-amount
- https://gqlgen.com/reference/complexity/
- https://strawberry.rocks/docs/extensions/query-depth-limiter
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import golang as go
from prodready.lang import javascript as js
from prodready.lang import python as pyast
from prodready.lang.treesitter import field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._memo import once_per_file
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-IV-010",
    name="graphql-without-depth-limit",
    category=Category.INPUT_VALIDATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO}),
    fix="Add a depth and complexity limit (graphql-depth-limit / graphql-armor, gqlgen FixedComplexityLimit, Strawberry QueryDepthLimiter).",
    references=("https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html#query-limiting-depth-amount",),
)

# anything in the file that limits depth or cost (a plugin, a rule, an armor preset)
LIMITED = lazy_compile(r"(?i)depth_?limit|depthLimit|complexity|graphql-armor|costLimit|maxDepth|max_depth|QueryDepthLimiter|MaxAliases")
JS_SERVERS = {"ApolloServer": "validationRules", "createYoga": "plugins", "graphqlHTTP": "validationRules"}
MESSAGE = "{what} accepts queries of any depth and cost: one nested or aliased query can exhaust the service"


@once_per_file
def _js_skip(ctx: TreeContext) -> bool:
    return ctx.is_test_file or not any(name in ctx.text for name in JS_SERVERS)


@RULE.on_tree("new_expression", "call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_js_skip)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _js_skip(ctx):
        return
    if node.type == "new_expression":
        constructor = field(node, "constructor")
        name = text(constructor).rsplit(".", 1)[-1] if constructor is not None else ""
        arguments_node = field(node, "arguments")
        arguments = list(arguments_node.named_children) if arguments_node is not None else []
    else:
        name = js.callee(node).rsplit(".", 1)[-1]
        arguments = js.args(node)
    if name not in JS_SERVERS or name == "ApolloServer" and node.type != "new_expression":
        return
    options = arguments[0] if arguments else None
    if options is None or options.type != "object":
        return  # options built elsewhere: not judged
    ctx.examine(RULE)
    if LIMITED.search(ctx.text) or js.object_has_key(options, JS_SERVERS[name]) and name != "createYoga":
        return
    yield RULE.hit(node, MESSAGE.format(what=f"`{name}`"))


@once_per_file
def _go_skip(ctx: TreeContext) -> bool:
    return ctx.is_test_file or "gqlgen/graphql/handler" not in ctx.text


@RULE.on_tree("call_expression", languages=(Language.GO,), callee={"handler.NewDefaultServer", "handler.New"}.__contains__, skip_file=_go_skip)
def check_go(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _go_skip(ctx) or go.callee(node) not in {"handler.NewDefaultServer", "handler.New"}:
        return
    ctx.examine(RULE)
    if LIMITED.search(ctx.text):
        return
    yield RULE.hit(node, MESSAGE.format(what=f"gqlgen `{go.callee(node)}` without extension.FixedComplexityLimit"))


@once_per_file
def _py_skip(ctx: PyContext) -> bool:
    return in_test_file(ctx) or "strawberry" not in ctx.text


@RULE.on_python(ast.Call, calls=["Schema"], skip_file=_py_skip)
def check_python(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if _py_skip(ctx) or ctx.call_name(node) not in {"strawberry.Schema", "strawberry.federation.Schema"}:
        return
    ctx.examine(RULE)
    extensions = pyast.keyword(node, "extensions")
    if LIMITED.search(ctx.text) or (extensions is not None and LIMITED.search(ast.unparse(extensions.value))):
        return
    yield RULE.hit(node, MESSAGE.format(what="`strawberry.Schema`"))
