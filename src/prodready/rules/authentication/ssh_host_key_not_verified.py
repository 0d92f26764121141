"""SSH connection that accepts any host key

## What it does
Flags SSH clients configured to trust whatever key the server presents: Go's
`ssh.InsecureIgnoreHostKey()` as a `HostKeyCallback`, and paramiko's
`set_missing_host_key_policy(AutoAddPolicy())` / `WarningPolicy()`. Test code is skipped.

## Why it matters in production
The host key is the only thing that proves the SSH server is the one you meant. Without the check,
anyone on the path (a compromised router, a hostile Wi-Fi, DNS spoofing) can sit in the middle,
read the password or the forwarded database traffic, and answer as the server. Tunnels to
databases and deploy connections are exactly where these clients are used.

## Example
```go
config := &ssh.ClientConfig{
    User:            user,
    Auth:            []ssh.AuthMethod{ssh.Password(password)},
    HostKeyCallback: ssh.InsecureIgnoreHostKey(),
}
```

## Use instead
```go
hostKeys, err := knownhosts.New(knownHostsPath)
if err != nil {
    return err
}
config := &ssh.ClientConfig{User: user, Auth: auth, HostKeyCallback: hostKeys}
```

## Known limitations
A callback of the project's own that returns nil for every key is not recognised; other SSH
libraries (asyncssh's `known_hosts=None`, Node's ssh2 without `hostVerifier`) are not read.

## References
- https://pkg.go.dev/golang.org/x/crypto/ssh#InsecureIgnoreHostKey
- https://pkg.go.dev/golang.org/x/crypto/ssh/knownhosts
- https://docs.paramiko.org/en/stable/api/client.html#paramiko.client.AutoAddPolicy
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import golang as go
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-009",
    name="ssh-host-key-not-verified",
    category=Category.AUTHENTICATION,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.GO, Language.PYTHON}),
    fix="Verify the host key against known_hosts (knownhosts.New / RejectPolicy with load_system_host_keys) or a pinned key.",
    references=("https://pkg.go.dev/golang.org/x/crypto/ssh/knownhosts",),
)

PERMISSIVE_POLICIES = {"AutoAddPolicy", "WarningPolicy"}


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda c: c == "ssh.InsecureIgnoreHostKey",
              skip_file=in_test_code)
def check_go(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if go.callee(node) != "ssh.InsecureIgnoreHostKey" or non_production(ctx.path, ctx.is_test_file):
        return
    ctx.examine(RULE)
    yield RULE.hit(node, "ssh.InsecureIgnoreHostKey(): any server key is accepted, so the connection can be "
                         "intercepted and its credentials read")


@RULE.on_python(ast.Call, calls=["set_missing_host_key_policy"], skip_file=in_test_file)
def check_paramiko(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or not node.args:
        return
    policy = node.args[0]
    name = ""
    if isinstance(policy, ast.Call):
        name = (ctx.call_name(policy) or "").rsplit(".", 1)[-1]
    elif isinstance(policy, (ast.Name, ast.Attribute)):
        name = policy.id if isinstance(policy, ast.Name) else policy.attr
    ctx.examine(RULE)
    if name in PERMISSIVE_POLICIES:
        yield RULE.hit(node, f"paramiko {name}: unknown host keys are accepted, so the connection can be "
                             "intercepted and its credentials read")
