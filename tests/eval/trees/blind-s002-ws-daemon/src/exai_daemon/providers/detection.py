"""Work out which AI providers this daemon can use."""
from __future__ import annotations

import logging
from dataclasses import dataclass

import requests

from ..config import Settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProviderSpec:
    name: str
    base_url: str
    api_key: str
    default_model: str


def detect_providers(settings: Settings) -> list[ProviderSpec]:
    specs: list[ProviderSpec] = []
    if settings.kimi_api_key:
        specs.append(
            ProviderSpec("kimi", settings.kimi_base_url.rstrip("/"), settings.kimi_api_key, "kimi-k2-0905-preview")
        )
    else:
        logger.warning("KIMI_API_KEY is not set; Kimi provider disabled")
    if settings.glm_api_key:
        specs.append(ProviderSpec("glm", settings.glm_base_url.rstrip("/"), settings.glm_api_key, "glm-4.6"))
    else:
        logger.warning("GLM_API_KEY is not set; GLM provider disabled")

    for spec in specs:
        _probe(spec)
    return specs


def _probe(spec: ProviderSpec) -> None:
    """Best-effort reachability check so misconfiguration shows up in the logs early."""
    try:
        resp = requests.get(
            f"{spec.base_url}/models",
            headers={"Authorization": f"Bearer {spec.api_key}"},
        )
        if resp.status_code != 200:
            logger.warning("provider %s: /models returned HTTP %s", spec.name, resp.status_code)
    except requests.RequestException:
        pass
