"""`.env` not covered by `.gitignore`.

## What it does
Reports a top-level `.gitignore` whose patterns do not ignore `.env`, and a repository with no
`.gitignore` at all that holds a dotenv file with values (`.env`, `.env.local`, `.env.production`;
templates such as `.env.example` are meant to be committed and do not count).

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
        if not any(_real_env_file(path) for path in model.all_paths):
            return  # no ignore file, but no secrets file either (at most a template): nothing to commit by accident
        yield Hit(
            line=None, path=None, message="no .gitignore: .env files and local secrets can be committed"
        )
        return
    import pathspec  # only a project with a .gitignore pays for it

    spec = pathspec.GitIgnoreSpec.from_lines(records[0].get("patterns", []))
    if not spec.match_file(".env"):
        yield Hit(line=None, path=".gitignore", message=".gitignore does not ignore .env")


TEMPLATE_SUFFIXES = ("example", "sample", "template", "dist", "tmpl", "defaults", "default", "ci", "test", "docker")


def _real_env_file(path: str) -> bool:
    """A dotenv file that holds values (`.env`, `.env.local`, `.env.production`), not a template."""
    name = path.rsplit("/", 1)[-1].lower()
    if name == ".env":
        return True
    return name.startswith(".env.") and not name.endswith(TEMPLATE_SUFFIXES)
