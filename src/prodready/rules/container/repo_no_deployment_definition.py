"""Web service with no container image or deployment definition

## What it does
Reports a web service whose repository contains no Dockerfile/Containerfile, no compose file, no
Kubernetes manifest or Helm chart, no Procfile and no platform file (`fly.toml`, `app.yaml`,
`render.yaml`, `railway.json`, `heroku.yml`, `serverless.yml`, `vercel.json`, `netlify.toml`,
`nixpacks.toml`, systemd units, Ansible/Terraform directories).

## Why it matters in production
Then nothing in version control says how the service is built and started in production: which
runtime version, which process manager, how many workers, which port, which environment. Every
deployment is hand-made, cannot be reviewed or reproduced, and the production-readiness settings
this report asks for (workers, timeouts, health checks, non-root user) have nowhere to live.

## Example
```text
app.js  package.json  src/  views/      # `npm start` on some server, configured by hand
```

## Use instead
```dockerfile
FROM node:20.11-alpine
WORKDIR /app
COPY package*.json ./
RUN npm ci --omit=dev
COPY . .
USER node
CMD ["node", "app.js"]
```

## Known limitations
Deployment definitions kept in another repository (a platform or infrastructure repo) are not
seen; suppress with that reason.

## References
- https://12factor.net/build-release-run
- https://docs.docker.com/get-started/docker-concepts/building-images/writing-a-dockerfile/
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._repo import main_path
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CT-315",
    name="no-deployment-definition",
    category=Category.CONTAINER,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.REPO}),
    fix="Commit how the service runs in production: a Dockerfile (and compose/Kubernetes files) or the platform's manifest.",
    references=("https://12factor.net/build-release-run",),
)

DEPLOY_FILE = lazy_compile(
    r"(?i)(^|/)(dockerfile(\.[\w.-]+)?|[\w.-]+\.dockerfile|containerfile|(docker-)?compose[\w.-]*\.ya?ml|procfile|"
    r"app\.ya?ml|fly\.toml|render\.ya?ml|railway\.(json|toml)|heroku\.yml|serverless\.ya?ml|vercel\.json|"
    r"netlify\.toml|nixpacks\.toml|chart\.yaml|kustomization\.ya?ml|skaffold\.ya?ml|[\w.-]+\.service|"
    r"appspec\.ya?ml|Dockerrun\.aws\.json|\.platform\.app\.yaml|apprunner\.ya?ml|now\.json|wsgi\.ini|uwsgi\.ini|"
    r"gunicorn[\w.-]*\.(py|conf))$"
    r"|(^|/)(k8s|kubernetes|helm|charts|deploy|deployment|deployments|ansible|terraform|\.ebextensions|"
    r"\.platform|infra|ops)/"
)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    main = main_path(model)
    if not model.is_web_service or main is None:
        return  # no application entry point: a library, not a service
    ctx.examine(RULE)
    if model.dockerfiles or model.compose_services or model.facts.get("k8s_manifest"):
        return
    if any(DEPLOY_FILE.search(path) for path in model.all_paths):
        return
    yield Hit(
        line=None,
        path=main,
        message="no Dockerfile, compose file, Procfile or platform manifest: nothing in the repository says how "
        "the service is built and run in production",
    )
