"""Unpinned or `latest` base image.

## What it does
Flags `FROM` lines whose image has no tag, the `latest` tag, or a channel tag that names no
version (`node:lts-alpine`, `node:current`, `debian:bookworm`... `python:slim`), and no digest. References to
earlier build stages, `scratch` and images named through build arguments are ignored.
In compose files, flags service `image:` values with no tag or `latest` (a service that is
built from a `build:` section names its own image and is skipped; development compose files too).
In Kubernetes manifests, flags container images the same way; an image name that a
`kustomization.yaml` rewrites (`images: - name: api, newTag: 1.4.2`) and templated values are
skipped.

## Why it matters in production
An unpinned base changes under you: a rebuild for a one-line fix can pull a new OS, a new Python or
Node major version, and break the service — or silently change its security posture. Builds stop
being reproducible and rollbacks stop meaning anything.

## Example
```dockerfile
FROM python:latest
```

## Use instead
```dockerfile
FROM python:3.12.7-slim-bookworm
```

Tags with no version number at all (`node:lts-alpine`, `golang:alpine`, `nginx:stable`) float
across major versions too and are flagged the same way.

## Known limitations
Tags that float within a major version (`python:3`) are accepted.

In compose, `image: redis` pulls whatever `redis:latest` is on the day a host is (re)created: two
replicas of one deployment can run different major versions.

## References
- https://docs.docker.com/build/building/best-practices/#from
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from prodready.engine.context import DockerfileContext, ProjectContext, YamlContext
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.container._compose import is_dev_compose, services
from prodready.rules.container._docker import base_image

RULE = RuleMeta(
    id="PR-CT-303",
    name="unpinned-base-image",
    category=Category.CONTAINER,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.DOCKERFILE, Language.COMPOSE, Language.KUBERNETES}),
    fix="Pin the base image to a specific version tag (and ideally a digest).",
    references=("https://docs.docker.com/build/building/best-practices/#from",),
)


# Tags that name a channel, not a version: node:lts-alpine, node:current, python:slim.
FLOATING = lazy_compile(r"^(lts|current|stable|edge|rolling)([-._][a-z]+)*$|^(alpine|slim|bookworm|bullseye|buster|jammy|noble)$")


@RULE.on_file(Language.DOCKERFILE)
def check(ctx: DockerfileContext) -> Iterator[Hit]:
    stages: set[str] = set()
    for instruction in ctx.dockerfile.find("FROM"):
        words = instruction.args_text.split()
        image = base_image(instruction)
        if len(words) >= 3 and words[-2].lower() == "as":
            stages.add(words[-1].lower())
        if not image or image.lower() in stages or image == "scratch" or "$" in image:
            continue
        ctx.examine(RULE)
        if "@" in image:
            continue
        name_tag = image.rsplit("/", 1)[-1]
        tag = name_tag.split(":", 1)[1] if ":" in name_tag else None
        if tag is None or tag == "latest":
            yield Hit(
                line=instruction.line,
                message=f"base image `{image}` is {'unpinned' if tag is None else 'latest'}",
            )
        elif _floating(tag) and not _os_codename(image):
            yield Hit(
                line=instruction.line,
                message=f"base image `{image}` uses the floating tag `{tag}`: its major version changes under you",
            )


# Docker Hub official images a compose file pulls by bare name.
OFFICIAL_IMAGES = frozenset({
    "redis", "postgres", "mysql", "mariadb", "mongo", "nginx", "rabbitmq", "memcached", "elasticsearch",
    "kibana", "logstash", "traefik", "httpd", "haproxy", "caddy", "node", "python", "golang", "alpine",
    "ubuntu", "debian", "busybox", "adminer", "wordpress", "consul", "vault", "zookeeper", "cassandra",
    "influxdb", "telegraf", "chronograf", "mongo-express", "registry", "nats", "eclipse-mosquitto",
    "couchdb", "neo4j", "sonarqube", "jenkins", "gitea", "nextcloud", "ghost", "drupal", "joomla",
    "phpmyadmin", "percona", "clickhouse", "solr", "memgraph", "minio", "keycloak", "openjdk", "php",
    "ruby", "rust", "tomcat", "jetty", "varnish", "swarm", "docker", "kong", "redmine", "odoo",
})


@RULE.on_file(Language.COMPOSE)
def check_compose(ctx: YamlContext) -> Iterator[Hit]:
    if is_dev_compose(ctx.path, ctx):
        return
    for _block, name, service in services(ctx):
        image = service.get("image")
        if not isinstance(image, str) or "build" in service or "$" in image or not image.strip():
            continue
        ctx.examine(RULE)
        if "@" in image:
            continue
        name_tag = image.rsplit("/", 1)[-1]
        tag = name_tag.split(":", 1)[1] if ":" in name_tag else None
        if "/" not in image and name_tag.split(":", 1)[0].lower() not in OFFICIAL_IMAGES:
            continue  # `image: my-api`: most likely built locally (make/docker build -t), not pulled
        if tag is None or tag == "latest" or _floating(tag) and not _os_codename(image):
            how = "with no tag" if tag is None else "at latest" if tag == "latest" else f"at the floating tag `{tag}`"
            yield Hit(
                line=service.line_of("image"),
                message=f"service `{name}` runs image `{image}` {how}: each pull may bring a new major version",
            )


@RULE.on_project
def check_kubernetes(ctx: ProjectContext) -> Iterator[Hit]:
    from prodready.rules._k8s import k8s_containers

    rewritten = {str(r.get("name")) for r in ctx.model.facts.get("kustomize_image", [])}
    for container in k8s_containers(ctx.model):
        image = str(container.get("image") or "")
        if not image or "{{" in image or "$" in image or image in rewritten:
            continue
        ctx.examine(RULE)
        if "@" in image:
            continue
        name_tag = image.rsplit("/", 1)[-1]
        tag = name_tag.split(":", 1)[1] if ":" in name_tag else None
        if image.split(":", 1)[0] in rewritten:
            continue
        if "/" not in image and name_tag.split(":", 1)[0].lower() not in OFFICIAL_IMAGES:
            continue  # `image: api`: loaded into the cluster by the build (kind, minikube), not pulled
        if tag is None or tag == "latest" or _floating(tag) and not _os_codename(image):
            how = "with no tag" if tag is None else "at latest" if tag == "latest" else f"at the floating tag `{tag}`"
            yield Hit(
                line=container.get("image_line") or container.get("line"),
                path=str(container["file"]),
                message=f"container `{container.get('name', '?')}` runs image `{image}` {how}: each node may pull "
                "a different version",
            )


def _floating(tag: str) -> bool:
    """`lts-alpine`, `alpine`, `slim`, `stable`, `current`: a tag with no version number at all."""
    return not any(char.isdigit() for char in tag) and "$" not in tag


def _os_codename(image: str) -> bool:
    """`debian:bookworm-slim`, `ubuntu:jammy`: a release codename pins the OS major version; so
    does a repository that names it (`gcr.io/distroless/static-debian12:nonroot`)."""
    repository = image.rsplit("/", 1)[-1].split(":", 1)[0].lower()
    return repository in {"debian", "ubuntu", "centos", "rockylinux", "almalinux"} or bool(
        re.search(r"-(debian|ubuntu|ubi|alpine)\d+", repository)
    )
