"""`.env` not covered by `.gitignore`.

## What it does
Reports a repository with no top-level `.gitignore`, or one whose patterns do not ignore `.env`.

## Why it matters in production
The next `git add .` commits local credentials; once pushed they are in every clone and must be
rotated.

## Example
```text
# .gitignore
__pycache__/
```

## Use instead
```text
# .gitignore
.env
.env.*
!.env.example
```

## Known limitations
Global git excludes (`core.excludesFile`) are not visible.

## References
- https://git-scm.com/docs/gitignore
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-SE-303",
    name="env-not-gitignored",
    category=Category.SECRETS,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.REPO}),
    fix="Add .env and .env.* (except .env.example) to the top-level .gitignore.",
    references=("https://git-scm.com/docs/gitignore",),
)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    if not model.source_files and not model.env_vars:
        return
    ctx.examine(RULE)
    records = [r for r in model.facts.get("gitignore", []) if r.get("file") == ".gitignore"]
    if not records:
        yield Hit(
            line=None, path=None, message="no .gitignore: .env files and local secrets can be committed"
        )
        return
    import pathspec  # only a project with a .gitignore pays for it

    spec = pathspec.GitIgnoreSpec.from_lines(records[0].get("patterns", []))
    if not spec.match_file(".env"):
        yield Hit(line=None, path=".gitignore", message=".gitignore does not ignore .env")
