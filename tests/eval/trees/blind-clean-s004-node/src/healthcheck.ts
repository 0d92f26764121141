import http from 'node:http';

/**
 * Container HEALTHCHECK probe. The slim base image has no curl; this runs
 * with the same node binary. Exit 0 healthy, 1 otherwise.
 */
const port = Number(process.env.HEALTHCHECK_PORT ?? process.env.PORT ?? 8080);
const path = process.env.HEALTHCHECK_PATH ?? '/healthz';

const req = http.get({ host: '127.0.0.1', port, path, timeout: 3_000 }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('timeout', () => {
  req.destroy();
  process.exit(1);
});
req.on('error', () => process.exit(1));
