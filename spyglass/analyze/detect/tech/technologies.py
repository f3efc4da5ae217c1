"""``add_technologies(report, capture)``: ``report.technologies`` and urlscan's
``meta.processors.wappa``."""

from __future__ import annotations

from typing import Any

from spyglass.analyze.detect.tech.match import match_capture
from spyglass.analyze.detect.tech.model import Fingerprints, TechInfo
from spyglass.analyze.detect.tech.resolve import Detection, resolve
from spyglass.models import RawCapture, Report, Technology
from spyglass.refdata import fingerprints
from spyglass.refdata.techindex import compiled


def add_technologies(report: Report, capture: RawCapture) -> Report:
    """Set ``report.technologies`` and ``meta.processors.wappa``."""
    processors = report.meta.setdefault("processors", {})
    prints = compiled()
    if prints is None:
        reason = fingerprints.load().reason or "fingerprints unavailable"
        processors["wappa"] = {"state": "unavailable", "reason": reason}
        report.technologies = []
        return report
    detections = resolve(match_capture(capture, prints), prints)
    report.technologies = [_technology(d, prints) for d in detections]
    processors["wappa"] = {
        "state": "done",
        "data": [_wappa_entry(d, prints) for d in detections],
        "source": {**prints.source, "skipped": dict(sorted(prints.skipped.items()))},
    }
    return report


def _category_names(tech: TechInfo, prints: Fingerprints) -> list[str]:
    return [prints.categories[c]["name"] for c in tech.categories if c in prints.categories]


def _evidence(detection: Detection) -> list[str]:
    if detection.implied_by:
        return [f"implied by {detection.implied_by}"]
    return list(dict.fromkeys(hit.evidence for hit in detection.hits))


def _technology(detection: Detection, prints: Fingerprints) -> Technology:
    tech = detection.tech
    return Technology(
        name=tech.name,
        version=detection.version or None,
        categories=_category_names(tech, prints),
        confidence=detection.confidence,
        website=tech.website,
        icon=tech.icon,
        evidence=_evidence(detection),
    )


def _wappa_entry(detection: Detection, prints: Fingerprints) -> dict[str, Any]:
    """One of urlscan's ``meta.processors.wappa.data`` items."""
    tech = detection.tech
    if detection.implied_by:
        confidence = [{"confidence": detection.confidence,
                       "pattern": f"implied by {detection.implied_by}"}]  # fmt: skip
    else:
        distinct = {id(hit.pattern): hit for hit in detection.hits}.values()
        confidence = [
            {"confidence": hit.pattern.confidence, "pattern": hit.pattern.source or hit.evidence}
            for hit in distinct
        ]
    return {
        "app": tech.name,
        "version": detection.version or None,
        "icon": tech.icon,
        "website": tech.website,
        "categories": [
            {"name": prints.categories[c]["name"], "priority": prints.categories[c].get("priority")}
            for c in tech.categories
            if c in prints.categories
        ],
        "confidence": confidence,
        "confidenceTotal": detection.confidence,
    }
