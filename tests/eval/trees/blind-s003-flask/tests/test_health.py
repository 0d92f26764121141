def test_liveness(client):
    response = client.get("/health/liveness")
    assert response.status_code == 200
    assert response.get_json() == {"status": "alive"}


def test_health_reports_version(client):
    body = client.get("/health").get_json()
    assert body["status"] == "healthy"
    assert "version" in body


def test_readiness_checks_dependencies(client):
    body = client.get("/health/readiness").get_json()
    assert set(body["checks"]) >= {"database", "redis"}


def test_current_returns_series_list(client):
    response = client.get("/api/data/current")
    assert response.status_code == 200
    assert "series" in response.get_json()


def test_search_requires_query(client):
    assert client.get("/api/data/search?q=a").status_code == 400
