"""Hits -> detections: versions and confidence summed per technology, then requires,
requiresCategory, excludes and implies."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from spyglass.analyze.detect.tech.match import Hit
from spyglass.analyze.detect.tech.model import MAX_VERSION_CHARS, Fingerprints, TechInfo
from spyglass.analyze.detect.tech.patterns import _LEADING_NUMBER


@dataclass
class Detection:
    tech: TechInfo
    hits: list[Hit] = field(default_factory=list)
    confidence: int = 0
    version: str = ""
    implied_by: str | None = None


def resolve(hits: Iterable[Hit], prints: Fingerprints) -> list[Detection]:
    """Wappalyzer's resolution: requires, excludes, implies; one detection per technology.

    Confidence is the sum of the distinct patterns' confidences, at most 100. The version comes
    from the most confident patterns; among those the longest that looks like one (at most
    15 characters, not a timestamp), as Wappalyzer picks it.
    """
    found: dict[str, Detection] = {}
    for hit in hits:
        tech = prints.techs.get(hit.pattern.tech)
        if tech is not None:
            found.setdefault(tech.name, Detection(tech)).hits.append(hit)
    for detection in found.values():
        _score(detection)
    _drop_unmet_requirements(found, prints)
    for detection in list(found.values()):
        for excluded in detection.tech.excludes:
            found.pop(excluded, None)
    _add_implied(found, prints)
    _drop_unmet_requirements(found, prints)
    return sorted(found.values(), key=lambda d: (_priority(d.tech, prints), d.tech.name.lower()))


def _score(detection: Detection) -> None:
    distinct = {id(hit.pattern): hit for hit in detection.hits}.values()
    detection.confidence = min(100, sum(hit.pattern.confidence for hit in distinct))
    best = -1
    for hit in distinct:
        version = hit.version
        if not _plausible_version(version):
            continue
        confidence = hit.pattern.confidence
        if confidence > best or (confidence == best and len(version) > len(detection.version)):
            best, detection.version = confidence, version


def _plausible_version(version: str) -> bool:
    if not version or len(version) > MAX_VERSION_CHARS:
        return False
    leading = _LEADING_NUMBER.match(version)
    return leading is None or int(leading.group(0)) < 10000


def _drop_unmet_requirements(found: dict[str, Detection], prints: Fingerprints) -> None:
    changed = True
    while changed:
        changed = False
        categories = {c for d in found.values() for c in d.tech.categories}
        for name, detection in list(found.items()):
            tech = detection.tech
            unmet = any(r not in found for r in tech.requires) or any(
                c not in categories for c in tech.requires_category
            )
            if unmet:
                del found[name]
                changed = True


def _add_implied(found: dict[str, Detection], prints: Fingerprints) -> None:
    queue = list(found.values())
    while queue:
        detection = queue.pop()
        for name, confidence, version in detection.tech.implies:
            tech = prints.techs.get(name)
            if tech is None or name in found:
                continue
            implied = Detection(
                tech,
                confidence=min(detection.confidence, confidence),
                version=version or "",
                implied_by=detection.tech.name,
            )
            found[name] = implied
            queue.append(implied)


def _priority(tech: TechInfo, prints: Fingerprints) -> int:
    priorities = [prints.categories.get(c, {}).get("priority", 99) for c in tech.categories]
    return min(priorities, default=99)
