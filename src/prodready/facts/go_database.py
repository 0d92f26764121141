"""Go SQL connections to networked databases and how their DSNs bound the wait (read by PR-TO-003)."""

from __future__ import annotations

import re
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import descendants, string_value, text
from prodready.lazyre import lazy_compile
from prodready.model import Language
from prodready.rules.base import FactCollector

FACTS = FactCollector("go-database")

NETWORK_DRIVERS = frozenset({"postgres", "pgx", "mysql", "postgresql"})
OPENERS = frozenset({"sql.Open", "sqlx.Open", "sqlx.Connect", "sqlx.MustConnect", "sqlx.MustOpen"})
GORM_DIALECTS = frozenset({"postgres.Open", "mysql.Open"})
# A DSN written in the code: `host=%s port=%d ...`, `postgres://%s:%s@...`, MySQL's `%s:%s@tcp(%s)/%s`
DSN_FORMAT = lazy_compile(r"(?i)^(host=|.*\buser=.*\bdbname=)|^postgres(ql)?://|@tcp\(")
# What bounds the wait: libpq's connect_timeout / statement_timeout, the MySQL driver's timeout,
# readTimeout, writeTimeout (in a DSN or a mysql.Config)
TIMEOUT_PARAM = lazy_compile(r"connect_timeout|statement_timeout|[?&]timeout=|readTimeout=|writeTimeout=")
# go-sql-driver/mysql's Config struct: `cfg.Timeout = ...`, `Timeout: 5 * time.Second`
MYSQL_CONFIG_TIMEOUT = lazy_compile(r"\b(Timeout|ReadTimeout|WriteTimeout)\s*[:=]")


def _skip(ctx: TreeContext) -> bool:
    return ctx.path.endswith("_test.go") or ("sql" not in ctx.text and "gorm" not in ctx.text and "host=" not in ctx.text)


@FACTS.on_tree("source_file", languages=(Language.GO,), skip_file=_skip)
def collect(root: Any, ctx: TreeContext) -> None:
    if _skip(ctx) or re.search(r"(?i)(^|/)(test|tests|testutil|testdata|mocks?|examples?|scripts?|tools?)/", ctx.path):
        return
    if TIMEOUT_PARAM.search(ctx.text) or "go-sql-driver/mysql" in ctx.text and MYSQL_CONFIG_TIMEOUT.search(ctx.text):
        ctx.emit("signal", line=None, name="go-db-timeout", detail="DSN or driver config sets a timeout")
    for call in descendants(root, "call_expression"):
        name = go.callee(call)
        arguments = go.call_args(call)
        if name in OPENERS and arguments:
            driver = string_value(arguments[0])
            if driver in NETWORK_DRIVERS or driver is None and re.search(r"(?i)postgres|mysql", ctx.text):
                ctx.emit("go_db_open", line=call.start_point[0] + 1, call=name, driver=driver or "")
        elif name in GORM_DIALECTS:
            ctx.emit("go_db_open", line=call.start_point[0] + 1, call=name, driver=name.split(".")[0])
        elif name == "fmt.Sprintf" and arguments:
            template = string_value(arguments[0])
            if template is not None and DSN_FORMAT.search(template) and not TIMEOUT_PARAM.search(template):
                ctx.emit("go_dsn", line=call.start_point[0] + 1, template=text(arguments[0])[:60])
