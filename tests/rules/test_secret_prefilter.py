"""The literal pre-filter in front of the secret-format patterns must never hide a known format."""

from __future__ import annotations

from prodready.redact import KNOWN_SECRET_PATTERNS
from prodready.rules._secretutil import KNOWN_FORMAT_PREFILTER, known_format

# One real-shaped sample per known format (fake values). A new format without a sample fails below.
SAMPLES = {
    "private key": "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
    "AWS access key id": "AKIAIOSFODNN7EXAMPLQ",
    "GitHub token": "ghp_" + "a1B2c3D4e5" * 4,
    "GitHub fine-grained token": "github_pat_" + "A1b2C3d4E5" * 5,
    "Slack token": "xoxb-1234567890-abcdefghij",
    "Stripe key": "sk_live_" + "a1B2c3D4e5F6g7H8",
    "OpenAI key": "sk-proj-" + "a1B2c3D4e5F6g7H8i9J0k",
    "Google API key": "AIza" + "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
    "JSON web token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlc2ln",
    "SendGrid key": "SG.a1B2c3D4e5F6g7H8i9.J0k1L2m3N4o5P6q7R8",
}


def test_every_known_format_has_a_sample_that_passes_the_prefilter() -> None:
    labels = [label for label, _ in KNOWN_SECRET_PATTERNS]
    assert sorted(labels) == sorted(SAMPLES), "add a sample (and a prefilter literal) for the new format"
    for label, sample in SAMPLES.items():
        assert KNOWN_FORMAT_PREFILTER.search(sample), label
        assert known_format(sample) == label


def test_ordinary_strings_are_ruled_out_by_the_prefilter() -> None:
    for text in ("SELECT * FROM users WHERE id = %s", "application/json", "the quick brown fox"):
        assert known_format(text) is None


def test_the_prefilter_literals_are_the_prefilter() -> None:
    """may_hold_known_format (substring searches, for whole files) answers as the pattern does."""
    import re

    from prodready.rules._secretutil import KNOWN_FORMAT_TEXTS, may_hold_known_format

    # the pattern is an alternation of literals and one-character classes: its expansion
    expanded = []
    for alternative in KNOWN_FORMAT_PREFILTER.pattern.replace("\\.", ".").split("|"):
        group = re.search(r"\[(\w+)\]", alternative)
        if group is None:
            expanded.append(alternative)
        else:
            expanded += [alternative[: group.start()] + c + alternative[group.end() :] for c in group.group(1)]
    assert sorted(expanded) == sorted(KNOWN_FORMAT_TEXTS)
    texts = [*SAMPLES.values(), "", "const a = 1", "ghx_ rk- sk AKI ASI AIz ey SG xo -----BEGI", "ask_ mark_ risk-free"]
    texts += [w[:-1] + " " + w[1:] for w in KNOWN_FORMAT_TEXTS]
    for sample in texts:
        assert may_hold_known_format(sample) == (KNOWN_FORMAT_PREFILTER.search(sample) is not None), sample
