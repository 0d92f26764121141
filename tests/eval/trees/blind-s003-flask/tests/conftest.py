import os

import pytest

os.environ.setdefault("ENVIRONMENT", "test")
os.environ.setdefault("FRED_API_KEY", "0" * 32)
os.environ.setdefault("SECRET_KEY", "test-secret-key-for-pytest-only-0000")
os.environ["DATABASE_URL"] = os.getenv(
    "TEST_DATABASE_URL", "postgresql+psycopg2://econdash:econdash@localhost:5432/econdash_test"
)

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402


@pytest.fixture(scope="session")
def app():
    application = create_app()
    with application.app_context():
        db.create_all()
        yield application
        db.drop_all()


@pytest.fixture()
def client(app):
    return app.test_client()
