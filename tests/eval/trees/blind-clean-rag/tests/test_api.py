"""HTTP-level tests with in-memory fakes for Postgres, Redis and the model."""
import uuid
from contextlib import asynccontextmanager

import fakeredis
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.datastores import get_session
from app.main import create_app
from app.rag import Answer, ConversationNotFound
from app.security import RateLimiter, create_access_token
from tests.test_units import make_settings


class FakeStores:
    def __init__(self, db_up: bool = True) -> None:
        self.db_up = db_up

    async def ping_db(self) -> None:
        if not self.db_up:
            raise ConnectionRefusedError("postgres down")

    async def ping_redis(self) -> None:
        return None

    def session_factory(self):
        @asynccontextmanager
        async def _session():
            yield FakeSession()

        return _session()


class FakeSession:
    async def scalar(self, _query):
        return None


class FakeRag:
    async def answer(self, session, user_id, question, conversation_id):
        if conversation_id is not None:
            raise ConversationNotFound(str(conversation_id))
        return Answer(conversation_id=uuid.uuid4(), content=f"echo: {question}", sources=["about"])


@pytest.fixture
def settings():
    return make_settings(RATE_LIMIT_LOGIN_PER_MIN=2, RATE_LIMIT_CHAT_PER_MIN=3, MAX_REQUEST_BYTES=2048)


def build_client(settings, stores=None) -> TestClient:
    app = create_app(settings)

    @asynccontextmanager
    async def fake_lifespan(app_):
        app_.state.stores = stores or FakeStores()
        app_.state.limiter = RateLimiter(fakeredis.FakeAsyncRedis(decode_responses=True))
        app_.state.rag = FakeRag()
        yield

    app.router.lifespan_context = fake_lifespan

    async def fake_session():
        yield FakeSession()

    app.dependency_overrides[get_session] = fake_session
    return TestClient(app)


def auth_header(settings) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_access_token(uuid.uuid4(), settings)}"}


def test_health_is_public_and_dependency_free(settings):
    with build_client(settings, FakeStores(db_up=False)) as client:
        assert client.get("/health").json() == {"status": "ok"}


def test_ready_reports_503_when_database_down(settings):
    with build_client(settings, FakeStores(db_up=False)) as client:
        response = client.get("/ready")
    assert response.status_code == 503
    assert response.json()["checks"] == {"postgres": "fail", "redis": "ok"}
    assert "postgres down" not in response.text


def test_ready_ok(settings):
    with build_client(settings) as client:
        assert client.get("/ready").status_code == 200


def test_request_id_is_echoed(settings):
    with build_client(settings) as client:
        response = client.get("/health", headers={"X-Request-ID": "abc123"})
    assert response.headers["X-Request-ID"] == "abc123"


def test_cors_allows_only_listed_origin(settings):
    with build_client(settings) as client:
        ok = client.options("/api/v1/chat", headers={
            "Origin": "https://app.acme.io", "Access-Control-Request-Method": "POST"})
        bad = client.options("/api/v1/chat", headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert ok.headers.get("access-control-allow-origin") == "https://app.acme.io"
    assert "access-control-allow-origin" not in bad.headers


def test_docs_hidden_in_production(settings):
    with build_client(settings) as client:
        assert client.get("/docs").status_code == 404


def test_metrics_requires_token(settings):
    with build_client(settings) as client:
        assert client.get("/metrics").status_code == 401
        ok = client.get("/metrics", headers={"Authorization": f"Bearer {'m' * 32}"})
    assert ok.status_code == 200
    assert "http_requests_total" in ok.text


def test_chat_requires_authentication(settings):
    with build_client(settings) as client:
        assert client.post("/api/v1/chat", json={"message": "hi"}).status_code == 401


def test_chat_validates_input(settings):
    with build_client(settings) as client:
        headers = auth_header(settings)
        assert client.post("/api/v1/chat", json={"message": "   "}, headers=headers).status_code == 422
        too_long = client.post("/api/v1/chat", json={"message": "x" * 4001}, headers=headers)
        assert too_long.status_code in (413, 422)


def test_chat_answers_and_hides_foreign_conversations(settings):
    with build_client(settings) as client:
        headers = auth_header(settings)
        ok = client.post("/api/v1/chat", json={"message": "who are you?"}, headers=headers)
        assert ok.status_code == 200 and ok.json()["answer"] == "echo: who are you?"
        missing = client.post("/api/v1/chat", headers=headers,
                              json={"message": "hi", "conversation_id": str(uuid.uuid4())})
        assert missing.status_code == 404


def test_chat_is_rate_limited_per_user(settings):
    with build_client(settings) as client:
        headers = auth_header(settings)
        codes = [client.post("/api/v1/chat", json={"message": "q"}, headers=headers).status_code
                 for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_login_failures_are_rate_limited(settings):
    body = {"email": "someone@acme.io", "password": "definitely-wrong-pw"}
    with build_client(settings) as client:
        codes = [client.post("/api/v1/auth/login", json=body).status_code for _ in range(3)]
    assert codes == [401, 401, 429]


def test_oversized_body_rejected(settings):
    with build_client(settings) as client:
        response = client.post("/api/v1/chat", content=b"x" * 4096,
                               headers={**auth_header(settings), "Content-Type": "application/json"})
    assert response.status_code == 413


def test_unhandled_errors_do_not_leak_details(settings):
    with build_client(settings) as client:
        app = client.app

        @app.get("/boom")
        async def boom():
            raise RuntimeError("secret internal detail")

        response = TestClient(app, raise_server_exceptions=False).get("/boom")
    assert response.status_code == 500
    assert "secret internal detail" not in response.text


def test_websocket_rejects_bad_token(settings):
    with build_client(settings) as client:
        with client.websocket_connect("/api/v1/ws/chat") as ws:
            ws.send_json({"token": "not-a-token"})
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_json()
    assert closed.value.code == 1008


def test_websocket_rejects_foreign_origin(settings):
    with build_client(settings) as client:
        with pytest.raises(WebSocketDisconnect):
            with client.websocket_connect("/api/v1/ws/chat", headers={"Origin": "https://evil.example"}):
                pass


def test_websocket_answers_after_auth(settings):
    token = create_access_token(uuid.uuid4(), settings)
    with build_client(settings) as client:
        with client.websocket_connect("/api/v1/ws/chat", headers={"Origin": "https://app.acme.io"}) as ws:
            ws.send_json({"token": token})
            ws.send_json({"message": "hello"})
            reply = ws.receive_json()
            ws.send_json({"message": ""})
            invalid = ws.receive_json()
    assert reply["type"] == "answer" and reply["answer"] == "echo: hello"
    assert invalid == {"type": "error", "error": "invalid_message", "detail": invalid["detail"]}
