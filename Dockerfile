# prodready itself as a small image: `docker run --rm -v "$PWD:/src" prodready audit .`
# Build: docker build -t prodready .
FROM python:3.12-slim AS build
WORKDIR /build
COPY pyproject.toml README.md LICENSE ./
COPY src ./src
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.12-slim
LABEL org.opencontainers.image.title="prodready" \
      org.opencontainers.image.description="Production-readiness review for services" \
      org.opencontainers.image.licenses="MIT"
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-compile /wheels/*.whl \
    && rm -rf /wheels \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin prodready
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
USER 10001:10001
WORKDIR /src
# A one-shot CLI, not a service: no port, no long-running process to probe.
HEALTHCHECK NONE
ENTRYPOINT ["prodready"]
CMD ["audit", ".", "--no-history", "--no-cache"]
