"""`prodready verify`: prove on the running service what the static audit can only read.

Probes (health, CORS, anonymous access, body limit, malformed JSON, rate limit, slow headers,
security headers), an open-model load test, process sampling and a SIGTERM drain test. Everything
it finds is an ordinary ``Finding`` of a runtime rule (``Language.RUNTIME``) in the audit's JSON
contract, plus a ``runtime`` object with the probes, load figures, resource samples and criteria.
"""
