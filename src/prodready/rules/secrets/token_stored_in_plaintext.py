"""Bearer token stored in the database as issued

## What it does
Flags database columns that hold a credential the service issues or accepts — API keys, API/access/
refresh/session/auth tokens, password-reset and verification tokens — under their plain name, in
the schemas services declare:
- Django, SQLAlchemy, Flask-SQLAlchemy, SQLModel and peewee model fields;
- Go structs mapped by gorm, sqlx (`db:` tags), bun or xorm;
- Prisma models, Mongoose schemas and Sequelize models;
- `CREATE TABLE` / `ADD COLUMN` statements in SQL migrations.

A bare `key` or `value` column counts only in a model or table named for tokens, API keys or
sessions. Columns named as digests (`token_hash`, `hashed_key`, `key_digest`), token metadata
(`token_type`, `token_expires`), push-notification device tokens and public share links are not
credentials of the service and are skipped, and so is a project that hashes its tokens (a
`sha256(token)`-style call or `make_password(key)` anywhere in its code).

## Why it matters in production
A token kept as issued is a password kept in clear text: whoever reads the table — through SQL
injection, a leaked backup, a replica, an admin export or a support dump — can act as every user
whose token is in it, and nothing shows that they did. The service only needs to recognise a
token, so it can keep a SHA-256 of it and compare digests: a leak of the table then yields nothing usable.

## Example
```python
class ApiToken(models.Model):
    key = models.CharField(max_length=40, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE)
```

## Use instead
```python
class ApiToken(models.Model):
    key_digest = models.CharField(max_length=64, unique=True)  # sha256(token).hexdigest()
    user = models.ForeignKey(User, on_delete=models.CASCADE)
# issue: token = secrets.token_urlsafe(32); store sha256(token); show the token once
# check: ApiToken.objects.get(key_digest=sha256(presented).hexdigest())
```

## Known limitations
Tokens of other services kept to call them (OAuth tokens of a linked account, SMTP passwords) need
encryption rather than hashing; they are reported the same way when their column has one of the
names above. Columns encrypted by the ORM layer under a plain name are not recognised.

## References
- https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html
- https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from prodready.engine.context import ProjectContext
from prodready.engine.safeio import read_head
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._secretutil import snake_case
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-SE-006",
    name="token-stored-in-plaintext",
    category=Category.SECRETS,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.GO, Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Store a SHA-256 digest of each token the service issues and look tokens up by digest; show the token once.",
    references=(
        "https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html",
        "https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html",
    ),
)

# Column names (snake_case) that are a bearer credential on their own.
TOKEN_COLUMNS = frozenset({
    "token", "api_key", "apikey", "api_token", "access_token", "refresh_token", "session_token", "auth_token",
    "reset_token", "password_reset_token", "reset_password_token", "remember_token", "verification_token",
    "verify_token", "confirmation_token", "confirm_token", "login_token", "bearer_token", "access_key",
})
# `key` / `value` are the credential only in a model named for it (ApiToken.key, UserTokens.value).
GENERIC_COLUMNS = frozenset({"key", "value", "secret"})
TOKEN_MODEL = lazy_compile(r"(?i)(token|api_?key|session|access_?key|^keys?$)")
# Models whose token is somebody else's identifier, or meant to be handed out.
NOT_CREDENTIAL_MODEL = lazy_compile(
    r"(?i)(push|fcm|apns|firebase|notification|subscri|share|public|csrf|social|oauth|account|provider|identity|"
    r"integration|connection|bucket|blacklist|denylist|revoked|response|request|schema|dto|serializer|form|"
    r"settings|config|payload)"
)

PY_CLASS = lazy_compile(r"^class\s+(?P<name>\w+)\s*\((?P<bases>[^)]*)\)")
PY_MODEL_BASE = lazy_compile(r"(?i)(model|base|sqlmodel|document|table)\b")
NOT_PY_MODEL_BASE = lazy_compile(r"(BaseModel|BaseSettings|Schema|Serializer|Form)\b")
PY_FIELD = lazy_compile(
    r"^(?P<indent>[ \t]+)(?P<name>\w+)\s*(?::[^=\n]+)?=\s*(?:[\w.]+\.)?(?:\w+Field|Column|mapped_column)\((?P<args>[^\n]*)"
)
GO_STRUCT = lazy_compile(r"^type\s+(?P<name>\w+)\s+struct\s*\{")
GO_FIELD = lazy_compile(r"^\s+(?P<name>[A-Z]\w*)\s+(?:\*?string|\[\]byte|sql\.NullString)\s+`(?P<tag>[^`]*)`")
GO_DB_TAG = lazy_compile(r"\b(gorm|db|bun|xorm|sql|pg):\"(?P<column>[^\"]*)\"")
PRISMA_MODEL = lazy_compile(r"^model\s+(?P<name>\w+)\s*\{")
PRISMA_FIELD = lazy_compile(r"^\s+(?P<name>\w+)\s+String\b(?P<rest>[^\n]*)")
JS_FIELD = lazy_compile(
    r"^\s+(?P<name>\w+)\s*:\s*(?:\{\s*(?:type\s*:\s*)?)?(?:String\b|(?:DataTypes|Sequelize|Schema\.Types)\.(?:STRING|TEXT|UUID|CHAR|String)\b)"
)
JS_OPEN_FIELD = lazy_compile(r"^\s+(?P<name>\w+)\s*:\s*\{\s*$")
JS_TYPE_LINE = lazy_compile(r"^\s*type\s*:\s*(?:String\b|(?:DataTypes|Sequelize|Schema\.Types)\.(?:STRING|TEXT|UUID|CHAR|String)\b)")
JS_MODEL = lazy_compile(r"(?:model\s*\(\s*['\"](?P<m1>\w+)['\"]|define\s*\(\s*['\"](?P<m2>\w+)['\"]|class\s+(?P<m3>\w+)\s+extends\s+Model|const\s+(?P<m4>\w+)\s*=\s*(?:new\s+)?(?:mongoose\.)?Schema\b)")
SQL_TABLE = lazy_compile(r"(?i)create\s+table\s+(?:if\s+not\s+exists\s+)?[\"`\[]?(?:\w+\.)?(?P<name>\w+)")
SQL_ALTER = lazy_compile(r"(?i)alter\s+table\s+(?:if\s+exists\s+)?[\"`\[]?(?:\w+\.)?(?P<name>\w+)[\"`\]]?\s+add\s+(?:column\s+)?(?:if\s+not\s+exists\s+)?[\"`\[]?(?P<column>\w+)[\"`\]]?\s+(?P<type>\w+)")
SQL_COLUMN = lazy_compile(r"(?i)^\s*[\"`\[]?(?P<name>\w+)[\"`\]]?\s+(?P<type>varchar|text|char|character|uuid|string|nvarchar|blob)\b")
# A name assigned a digest somewhere (`token=get_token_hash(raw)`, `Token: hashToken(t)`): that column keeps digests.
HASHED_ASSIGNMENT = lazy_compile(
    r"(?P<name>\w+)\s*(?::=|[:=])\s*(?:await\s+)?[\w.]*?\b(?:\w*hash\w*|digest|sha\d+|sha3_\d+|createHash|make_password|hmac\w*)\s*\(",
    re.IGNORECASE,
)
MAX_BYTES = 400_000


def _column(name: str) -> str:
    return snake_case(name).lower()


def credential_column(column: str, model: str) -> bool:
    column = _column(column)
    if model and NOT_CREDENTIAL_MODEL.search(model):
        return False
    if column in TOKEN_COLUMNS:
        return True
    return column in GENERIC_COLUMNS and bool(model) and bool(TOKEN_MODEL.search(model))


def _python(lines: list[str]) -> Iterator[tuple[int, str, str]]:
    model = ""
    for number, line in enumerate(lines, start=1):
        klass = PY_CLASS.match(line)
        if klass:
            bases = klass.group("bases")
            model = klass.group("name") if PY_MODEL_BASE.search(bases) and not NOT_PY_MODEL_BASE.search(bases) else ""
            continue
        if line and not line[0].isspace():
            model = ""
            continue
        field = PY_FIELD.match(line)
        if field and model and "ForeignKey" not in line and "relationship" not in line:
            yield number, model, field.group("name")


def _braced_blocks(lines: list[str], header: re.Pattern[str]) -> Iterator[tuple[int, str, str]]:
    """(line number, block name, line) of each line inside `type X struct {` / `model X {` blocks."""
    name = ""
    for number, line in enumerate(lines, start=1):
        opened = header.match(line)
        if opened:
            name = opened.group("name")
        elif line.startswith("}"):
            name = ""
        elif name:
            yield number, name, line


def _go(lines: list[str]) -> Iterator[tuple[int, str, str]]:
    for number, model, line in _braced_blocks(lines, GO_STRUCT):
        field = GO_FIELD.match(line)
        tag = GO_DB_TAG.search(field.group("tag")) if field else None
        if field is None or tag is None or tag.group("column").startswith("-"):
            continue  # not a database column
        column = tag.group("column").split(";")[0].split(",")[0]
        column = column.removeprefix("column:") if column.startswith("column:") else ""
        yield number, model, column or field.group("name")


def _prisma(lines: list[str]) -> Iterator[tuple[int, str, str]]:
    for number, model, line in _braced_blocks(lines, PRISMA_MODEL):
        field = PRISMA_FIELD.match(line)
        if field:
            yield number, model, field.group("name")


def _javascript(lines: list[str], text: str) -> Iterator[tuple[int, str, str]]:
    if not re.search(r"\b(Schema|DataTypes|Sequelize|sequelize)\b", text):
        return
    model = ""
    for number, line in enumerate(lines, start=1):
        header = JS_MODEL.search(line)
        if header:
            model = re.sub(r"Schema$", "", next(g for g in header.groups() if g))
        field = JS_FIELD.match(line)
        if field:
            yield number, model, field.group("name")
            continue
        opened = JS_OPEN_FIELD.match(line)
        if opened and number < len(lines) and JS_TYPE_LINE.match(lines[number]):
            yield number, model, opened.group("name")


def _sql(lines: list[str]) -> Iterator[tuple[int, str, str]]:
    table = ""
    for number, line in enumerate(lines, start=1):
        alter = SQL_ALTER.search(line)
        if alter and alter.group("type").lower() in ("varchar", "text", "char", "character", "uuid", "nvarchar"):
            yield number, alter.group("name"), alter.group("column")
            continue
        created = SQL_TABLE.search(line)
        if created:
            table = created.group("name")
            continue
        if line.strip().startswith(")"):
            table = ""
            continue
        column = SQL_COLUMN.match(line)
        if column and table:
            yield number, table, column.group("name")


def _columns(path: str, text: str) -> Iterator[tuple[int, str, str]]:
    lines = text.splitlines()
    if path.endswith(".py"):
        yield from _python(lines)
    elif path.endswith(".go"):
        yield from _go(lines)
    elif path.endswith(".prisma"):
        yield from _prisma(lines)
    elif path.endswith((".js", ".ts", ".mjs", ".cjs")):
        yield from _javascript(lines, text)
    elif path.endswith(".sql"):
        yield from _sql(lines)


SCHEMA_FILE = lazy_compile(r"\.(py|go|prisma|js|ts|mjs|cjs|sql)$")
NOT_SCHEMA_DIR = lazy_compile(r"(?i)(^|/)(tests?|__tests__|spec|e2e|fixtures|examples?|docs?|scripts|node_modules|vendor|dist|build|frontend|client|public|static)/")


def _squash(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _hashed(table: str, column: str, digests: list[tuple[str, str, str]], path: str) -> bool:
    """The code fills this column with a digest: an assignment of a hash to the column's name in the
    model's own file, or next to the model's name (`SessionToken(token=get_token_hash(raw))`)."""
    wanted = _squash(table)
    singular = wanted[:-1] if wanted.endswith("s") else wanted
    for file, name, before in digests:
        if name != _column(column):
            continue
        if before == "*" or file == path or wanted in before or singular in before:
            return True
    return False


# Where a token is looked up by its value (where it is minted is judged for its randomness, another concern).


def _places(texts: dict[str, str], column: str) -> list[tuple[str, int, str]]:
    names = {column, _column(column), re.sub(r"_(\w)", lambda m: m.group(1).upper(), _column(column))}
    alternatives = "|".join(sorted(re.escape(n) for n in names))
    looked_up = re.compile(
        rf"(filter_by\(\s*(?:{alternatives})\s*=|objects\.get\(\s*(?:{alternatives})\s*=|\.(?:{alternatives})\s*==|"
        rf"where:\s*\{{\s*(?:{alternatives})\b|findOne\(\s*\{{\s*(?:{alternatives})\b|(?i:where|or|and)\s*\(?\s*[\"`]?(?:{alternatives})[\"`]?\s*=\s*[$?%:@])"
    )
    places: list[tuple[str, int, str]] = []
    for path, text in texts.items():
        if not any(n in text for n in names):
            continue  # (most files never name the column: skip splitting them into lines)
        for number, line in enumerate(text.splitlines(), start=1):
            if looked_up.search(line):
                places.append((path, number, "looked up by its value here"))
            if len(places) >= 3:
                return places
    return places


HASH_WORDS = ("hash", "digest", "sha", "hmac", "make_password", "bcrypt", "argon2", "blake2")
# What a file must contain to declare a model column at all (substring tests: case-insensitive
# regexes over every file of a big tree cost seconds).
SCHEMA_WORDS = ("Field(", "Column(", "mapped_column(", "struct {", "struct{", "model ", "Schema", "DataTypes", "Sequelize")
SCHEMA_WORDS_LOWER = ("create table", "add column")
NAME_WORDS = ("token", "key", "value", "secret")


def _may_declare_columns(text: str, lower: str) -> bool:
    return any(w in lower for w in NAME_WORDS) and (
        any(w in text for w in SCHEMA_WORDS) or any(w in lower for w in SCHEMA_WORDS_LOWER)
    )


def _digests(path: str, text: str, lower: str) -> Iterator[tuple[str, str, str]]:
    """(file, column, text before) of each assignment of a digest: only lines that name a hash are
    matched against the assignment pattern."""
    starts: set[int] = set()
    for word in HASH_WORDS:
        at = lower.find(word)
        while at != -1:
            starts.add(lower.rfind("\n", 0, at) + 1)
            at = lower.find(word, at + len(word))
    for start in sorted(starts):
        end = text.find("\n", start)
        line = text[start:end if end != -1 else len(text)]
        for match in HASHED_ASSIGNMENT.finditer(line):
            name = _column(match.group("name"))
            base = re.sub(r"^hashed_|_(hash|hashed|digest)$", "", name)
            if base != name:  # `token_hash = get_token_hash(token)`: the column's tokens are hashed
                yield "", base, "*"
            offset = start + match.start()
            yield path, name, _squash(text[max(0, offset - 400):offset])


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    tests = set(model.test_files)
    candidates: list[tuple[str, int, str, str]] = []
    digests: list[tuple[str, str, str]] = []
    code_paths: list[str] = []  # read again only when there is a column to judge (keeps memory flat)
    for path in model.all_paths:
        if not SCHEMA_FILE.search(path) or path in tests or NOT_SCHEMA_DIR.search(path) \
                or path.endswith((".d.ts", ".test.ts", ".spec.ts", ".down.sql")):
            continue
        text = read_head(str(Path(model.root) / path), MAX_BYTES).decode("utf-8", "replace")
        lower = text.lower()
        if not path.endswith(".sql"):
            code_paths.append(path)
        if not _may_declare_columns(text, lower):
            continue
        for line, table, column in _columns(path, text):
            if credential_column(column, table):
                candidates.append((path, line, table, column))
    if not candidates:
        return
    ctx.examine(RULE)
    texts = {path: read_head(str(Path(model.root) / path), MAX_BYTES).decode("utf-8", "replace") for path in code_paths}
    for path, text in texts.items():  # which columns the code fills with digests (only now: it costs)
        digests.extend(_digests(path, text, text.lower()))
    if any(not path.endswith(".sql") for path, _l, _t, _c in candidates):
        # the models say what the tables hold; migrations repeat (and rename) the same columns
        candidates = [c for c in candidates if not c[0].endswith(".sql")]
    seen: set[tuple[str, str]] = set()
    for path, line, table, column in candidates:
        key = (re.sub(r"(_new|_old|\d+)$", "", table.lower()), _column(column))
        if key in seen or _hashed(table, column, digests, path):
            continue  # the same column declared again, or one the code fills with a digest
        seen.add(key)
        elsewhere = tuple(p for p in _places(texts, column) if (p[0], p[1]) != (path, line))
        yield Hit(
            line=line,
            path=path,
            message=f"`{table}.{column}` keeps the credential as issued: anyone who reads the table or a backup "
            "can use every token in it; store a SHA-256 digest and compare digests",
            elsewhere=elsewhere,
        )
