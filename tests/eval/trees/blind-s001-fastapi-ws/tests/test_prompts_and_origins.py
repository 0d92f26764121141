import pytest

from app.llm.prompts import build_chat_messages
from app.ws.origin import normalise_origin


def test_history_trimmed_to_budget():
    history = [{"role": "user", "content": "x" * 50}, {"role": "assistant", "content": "y" * 50}]
    messages = build_chat_messages("sys", history, "hello", max_chars=70)
    assert messages[0] == {"role": "system", "content": "sys"}
    assert messages[-1] == {"role": "user", "content": "hello"}
    assert [m["content"] for m in messages[1:-1]] == ["y" * 50]


def test_history_kept_when_it_fits():
    history = [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]
    messages = build_chat_messages("sys", history, "c", max_chars=1000)
    assert [m["content"] for m in messages] == ["sys", "a", "b", "c"]


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("https://App.Parley.chat", "https://app.parley.chat"),
        ("https://app.parley.chat:443", "https://app.parley.chat"),
        ("http://localhost:5173/", "http://localhost:5173"),
    ],
)
def test_normalise_origin(raw, expected):
    assert normalise_origin(raw) == expected


def test_normalise_origin_rejects_other_schemes():
    with pytest.raises(ValueError):
        normalise_origin("ftp://example.com")
