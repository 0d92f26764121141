"""Unsafe deserialisation.

## What it does
Flags `yaml.load` without a safe loader (`SafeLoader`/`CSafeLoader`; `yaml.safe_load` is fine),
`yaml.unsafe_load`, and `pickle`/`dill`/`marshal`/`jsonpickle` loading (`loads`, `load`,
`decode`) in service code.

## Why it matters in production
These formats can construct arbitrary objects: loading attacker-controlled data (a request body, a
message from a queue, a cached value someone could write) runs code on the server.

## Example
```python
config = yaml.load(body)
payload = pickle.loads(redis.get(key))
```

## Use instead
```python
config = yaml.safe_load(body)
payload = json.loads(redis.get(key))
```

## Known limitations
Pickle loading of files the service wrote itself is still reported; suppress with that reason.

## References
- https://docs.python.org/3/library/pickle.html
- https://pyyaml.org/wiki/PyYAMLDocumentation
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import is_script_like
from prodready.rules.base import RuleMeta
from prodready.rules.input_validation._taint import is_route_handler

RULE = RuleMeta(
    id="PR-IV-005",
    name="unsafe-deserialization",
    category=Category.INPUT_VALIDATION,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="Use yaml.safe_load / JSON; never unpickle data that crosses a trust boundary.",
    references=("https://docs.python.org/3/library/pickle.html",),
)

UNSAFE = {
    "pickle.loads",
    "pickle.load",
    "cPickle.loads",
    "dill.loads",
    "dill.load",
    "marshal.loads",
    "jsonpickle.decode",
    "yaml.unsafe_load",
    "shelve.open",
}
UNSAFE_LOADERS = {"Loader", "UnsafeLoader", "FullLoader", "CLoader", "CUnsafeLoader", "CFullLoader"}
NETWORK_DATA = lazy_compile(r"(?i)(request|body|payload|message|msg|recv|data|\.get\(|redis|cache|queue|socket|raw|content)")


@RULE.on_python(ast.Call, calls=["decode", "load", "loads", "open", "unsafe_load"])
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    name = ctx.call_name(node) or ""
    if name == "yaml.load":
        ctx.examine(RULE)
        loader = pyast.keyword(node, "Loader")
        value = loader.value if loader is not None else (node.args[1] if len(node.args) > 1 else None)
        loader_name = (pyast.dotted(value) or "").split(".")[-1] if value is not None else ""
        if value is None or loader_name in UNSAFE_LOADERS:
            yield RULE.hit(node, "yaml.load without SafeLoader can construct arbitrary objects")
    elif name in UNSAFE:
        if is_script_like(ctx) or not node.args:
            return
        ctx.examine(RULE)
        func = pyast.enclosing_function(node)
        from_request = func is not None and is_route_handler(func)
        if from_request or NETWORK_DATA.search(ast.unparse(node.args[0])):
            yield RULE.hit(node, f"{name}() deserialises data that can execute code")
