"""One finding per defect: the instances of one rule in one file become one finding with locations.

A reviewer writes "no timeout on the three outbound calls in client.py (lines 12, 40, 77)", not
three sections with the same why and fix. The grouped finding keeps every instance as a
`Location` (with the instance's own message, evidence and fingerprint, which baselines accept),
and takes a fingerprint from rule + path alone, so adding or fixing one place does not make the
rest look new.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from prodready.model import Finding, Location


def with_locations(finding: Finding, locations: tuple[Location, ...]) -> Finding:
    """The finding narrowed to some of its locations (baselines hide the accepted ones)."""
    first = locations[0]
    more = len(locations) - 1
    message = first.message or finding.message
    if more:
        message += f" (and {more} more place{'s' if more > 1 else ''} in this file)"
    return replace(finding, path=first.path, line=first.line, end_line=first.end_line, message=message,
                   evidence=first.evidence or finding.evidence, locations=locations)


def group_fingerprint(rule: str, path: str | None, severity: str) -> str:
    material = "\x1f".join(["group", rule, path or "", severity])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]


def group_findings(findings: list[Finding], separate: frozenset[str] = frozenset()) -> list[Finding]:
    """Merge line findings of the same rule, file and severity; project-wide findings, and those of
    the rules in ``separate`` (each place its own defect), stay alone."""
    groups: dict[tuple[str, str | None, str], list[Finding]] = {}
    order: list[tuple[str, str | None, str] | int] = []
    alone: list[Finding] = []
    for finding in findings:
        if finding.line is None or finding.path is None or finding.rule in separate:
            order.append(len(alone))
            alone.append(finding)
            continue
        key = (finding.rule, finding.path, finding.severity.value)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(finding)
    out: list[Finding] = []
    for item in order:
        if isinstance(item, int):
            out.append(alone[item])
            continue
        members = sorted(groups[item], key=lambda f: (f.line or 0, f.end_line or 0))
        # One place per line: a YAML anchor merged into ten services, or two hits on one statement,
        # is one thing to fix there.
        by_line: dict[int | None, Finding] = {}
        for member in members:
            by_line.setdefault(member.line, member)
        members = list(by_line.values())
        locations = _distinct_places(members)
        first = members[0]
        more = len(members) - 1
        message = first.message
        if more:
            message += f" (and {more} more place{'s' if more > 1 else ''} in this file)"
        out.append(
            replace(
                first,
                # The matcher's old id, when it had one: grouped fingerprints survived the id merge.
                fingerprint=group_fingerprint(first.matcher or first.rule, first.path, first.severity.value),
                message=message,
                locations=locations,
            )
        )
    return out


def _distinct_places(members: list[Finding]) -> tuple[Location, ...]:
    """Every member's own place, then its further places that no other member already names: two
    connections opened in the two branches of an `if` and closed on one line give that line once."""
    primaries = {(m.all_locations[0].path, m.all_locations[0].line) for m in members}
    seen: set[tuple[str | None, int | None]] = set()
    places: list[Location] = []
    for member in members:
        own, *further = member.all_locations
        places.append(own)
        seen.add((own.path, own.line))
        for place in further:
            key = (place.path, place.line)
            if place.line is not None and (key in primaries or key in seen):
                continue
            seen.add(key)
            places.append(place)
    return tuple(places)
