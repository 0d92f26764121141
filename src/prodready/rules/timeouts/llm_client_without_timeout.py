"""LLM client without an explicit timeout.

## What it does
Flags OpenAI, Azure OpenAI and Anthropic SDK clients (sync and async) and LangChain chat models
created without an explicit `timeout` (`request_timeout` for LangChain), and LiteLLM calls
(`completion`, `acompletion`, `embedding`...) that pass no `timeout` — also through a `**request`
dict the calling function builds without one — when `litellm.request_timeout` is set nowhere.

## Why it matters in production
The OpenAI and Anthropic SDKs wait up to 10 minutes per request by default, and retry on top of
that. A slow or stuck model call holds the request, its connection and often a concurrency slot;
streaming responses that stall never finish. Users see hangs; the service runs out of workers.

## Example
```python
client = AsyncOpenAI(api_key=settings.OPENAI_API_KEY)
```

## Use instead
```python
client = AsyncOpenAI(api_key=settings.OPENAI_API_KEY, timeout=30.0, max_retries=2)
```

## Known limitations
A timeout passed per request (`client.with_options(timeout=...)`) is not seen.

## References
- https://github.com/openai/openai-python#timeouts
- https://docs.anthropic.com/en/api/client-sdks
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import has_keyword, in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-TO-005",
    name="llm-client-without-timeout",
    category=Category.TIMEOUTS,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="Create the client with an explicit timeout (e.g. OpenAI(timeout=30.0, max_retries=2)).",
    references=("https://github.com/openai/openai-python#timeouts",),
)

CLIENTS = {
    "openai.OpenAI": "timeout",
    "openai.AsyncOpenAI": "timeout",
    "openai.AzureOpenAI": "timeout",
    "openai.AsyncAzureOpenAI": "timeout",
    "anthropic.Anthropic": "timeout",
    "anthropic.AsyncAnthropic": "timeout",
    "anthropic.AnthropicBedrock": "timeout",
    "langchain_openai.ChatOpenAI": "request_timeout",
    "langchain_openai.AzureChatOpenAI": "request_timeout",
    "langchain.chat_models.ChatOpenAI": "request_timeout",
    "langchain_anthropic.ChatAnthropic": "default_request_timeout",
    "langchain_community.chat_models.ChatOpenAI": "request_timeout",
}


LITELLM_CALLS = frozenset({"completion", "acompletion", "text_completion", "atext_completion", "embedding",
                           "aembedding", "image_generation", "aimage_generation"})


@RULE.on_python(ast.Call, calls=sorted(LITELLM_CALLS), skip_file=in_test_file)
def check_litellm(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    name = ctx.call_name(node) or ""
    if ctx.is_test_file or name.rpartition(".")[0] != "litellm" or name.rpartition(".")[2] not in LITELLM_CALLS:
        return
    ctx.examine(RULE)
    if any(pyast.keyword(node, k) is not None for k in ("timeout", "request_timeout")) or "litellm.request_timeout" in ctx.text:
        return
    if pyast.has_splat(node):
        # completion(**ai_request): the dict is built in the calling function; a timeout key there counts
        scope = pyast.enclosing_function(node)
        source = ast.get_source_segment(ctx.text, scope) if scope is not None else ctx.text
        if source is None or "timeout" in source:
            return
    yield RULE.hit(node, f"litellm {name.rpartition('.')[2]}() without timeout: the provider call can hold the worker for minutes")


@RULE.on_python(
    ast.Call,
    calls=[
        "Anthropic",
        "AnthropicBedrock",
        "AsyncAnthropic",
        "AsyncAzureOpenAI",
        "AsyncOpenAI",
        "AzureChatOpenAI",
        "AzureOpenAI",
        "ChatAnthropic",
        "ChatOpenAI",
        "OpenAI",
    ],
    skip_file=in_test_file,
)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    name = ctx.call_name(node)
    if name not in CLIENTS:
        return
    ctx.examine(RULE)
    if has_keyword(node, CLIENTS[name], "timeout", "request_timeout"):
        return
    yield RULE.hit(node, f"{name.split('.')[-1]}() without timeout: the SDK default waits up to 10 minutes")
