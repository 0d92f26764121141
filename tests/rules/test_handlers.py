"""Finding a route's handler by name in the project's source text (prodready.rules._handlers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from prodready.rules._handlers import HandlerSource, short_name


@pytest.mark.parametrize(
    ("handler", "name"),
    [
        ("views.login_user", "login_user"),
        ("LoginView.as_view()", "LoginView"),
        ("http.HandlerFunc(apiLogin)", "apiLogin"),
        ("asyncHandler(auth.login)", "login"),
        ("h.Login", "Login"),
    ],
)
def test_short_name(handler: str, name: str) -> None:
    assert short_name(handler) == name


def _tree(tmp_path: Path, files: dict[str, str]) -> HandlerSource:
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    return HandlerSource(str(tmp_path), list(files))


def test_definition_and_password_check_in_another_file(tmp_path: Path) -> None:
    source = _tree(tmp_path, {
        "users/urls.py": "urlpatterns = [url(r'^login/$', views.login_user)]\n",
        "users/views.py": "import x\n\n\ndef login_user(request):\n    name = request.POST['u']\n"
                          "    user = authenticate(request, username=name, password=request.POST['p'])\n"
                          "    return ok(user)\n\n\ndef other(request):\n    check_password('a', 'b')\n",
    })
    definition = source.definition("users/urls.py", "views.login_user")
    assert definition is not None and (definition.path, definition.line) == ("users/views.py", 4)
    check = source.credential_check(definition)
    assert check is not None and check.line == 6


def test_check_stops_at_the_next_definition(tmp_path: Path) -> None:
    source = _tree(tmp_path, {
        "main.go": "package main\n\nfunc handleLogin(w http.ResponseWriter, r *http.Request) {\n\tserve(w)\n}\n\n"
                   "func other() {\n\tbcrypt.CompareHashAndPassword(h, p)\n}\n",
    })
    definition = source.definition("main.go", "s.handleLogin")
    assert definition is not None and definition.line == 3
    assert source.credential_check(definition) is None  # the check below belongs to another function


def test_browser_client_is_not_the_handler(tmp_path: Path) -> None:
    source = _tree(tmp_path, {
        "src/app.ts": "app.post('/api/login', login)\n",
        "web/src/auth/api.js": "export const api = {\n  login(email, password) {\n    return fetch('/api/login')\n  },\n}\n",
    })
    assert source.definition("src/app.ts", "login") is None
