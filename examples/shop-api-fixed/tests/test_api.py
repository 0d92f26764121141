from fastapi.testclient import TestClient

from app.main import app


def test_liveness():
    client = TestClient(app)
    assert client.get("/healthz").status_code == 200


def test_orders_require_auth():
    client = TestClient(app)
    assert client.get("/orders", params={"customer": "x"}).status_code in (401, 403)
