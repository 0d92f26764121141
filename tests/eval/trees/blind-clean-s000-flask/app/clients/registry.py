"""Client for the internal model registry, where finished fine-tunes are recorded."""
from __future__ import annotations

import logging
from dataclasses import dataclass

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

log = logging.getLogger(__name__)

MAX_RESPONSE_BYTES = 64 * 1024


class RegistryError(RuntimeError):
    pass


@dataclass(frozen=True)
class RegisteredModel:
    model_id: str
    version: str


class ModelRegistryClient:
    def __init__(self, base_url: str, token: str, *, connect_timeout: float, read_timeout: float,
                 max_retries: int) -> None:
        self._base_url = base_url.rstrip("/")
        self._timeout = (connect_timeout, read_timeout)
        self._session = requests.Session()
        self._session.headers.update({
            "Authorization": f"Bearer {token}",
            "User-Agent": "training-worker/1.0",
        })
        retry = Retry(
            total=max_retries,
            connect=max_retries,
            read=max_retries,
            status=max_retries,
            backoff_factor=0.5,
            backoff_jitter=0.25,
            status_forcelist=(429, 500, 502, 503, 504),
            # Registration is a PUT keyed by job id, so replaying it is safe.
            allowed_methods=frozenset({"GET", "PUT"}),
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        adapter = HTTPAdapter(max_retries=retry, pool_connections=2, pool_maxsize=4)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)

    def register(self, job_id: str, *, base_model: str, artifact_uri: str, metrics: dict) -> RegisteredModel:
        url = f"{self._base_url}/v1/models/{job_id}"
        try:
            response = self._session.put(
                url,
                json={"base_model": base_model, "artifact_uri": artifact_uri, "metrics": metrics},
                timeout=self._timeout,
            )
        except requests.RequestException as exc:
            raise RegistryError(f"registry unreachable: {exc}") from exc

        if response.status_code >= 400:
            raise RegistryError(f"registry returned {response.status_code}: {response.text[:200]}")
        if len(response.content) > MAX_RESPONSE_BYTES:
            raise RegistryError("registry response too large")
        try:
            body = response.json()
            return RegisteredModel(model_id=str(body["model_id"]), version=str(body["version"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise RegistryError("registry returned an unexpected body") from exc

    def ping(self) -> bool:
        try:
            response = self._session.get(f"{self._base_url}/healthz", timeout=self._timeout)
        except requests.RequestException as exc:
            log.warning("registry ping failed", extra={"error": str(exc)})
            return False
        return response.ok

    def close(self) -> None:
        self._session.close()
