"""What the verdict step is configured with, loaded once per process.

``VerdictData.from_settings(settings)``: the sanctions list the settings point at
(``SPYGLASS_SANCTIONS_FILE``, a list rebuilt by ``spyglass data update``, or the bundled one)
and the YARA rules (bundled plus ``SPYGLASS_YARA_RULES``). A worker makes it before its first
scan, so a user rule that does not compile stops it at start, naming the file.
``VerdictData.bundled()``: what ships with Spyglass, for reports built without settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import yara

from spyglass.refdata.sanctions_list import BUNDLED, SanctionsList, load, sanctions_path
from spyglass.refdata.yara import load_rules

if TYPE_CHECKING:
    from spyglass.settings import Settings


@dataclass(frozen=True)
class VerdictData:
    sanctions: SanctionsList
    yara: yara.Rules

    @classmethod
    def bundled(cls) -> VerdictData:
        return cls(sanctions=load(BUNDLED), yara=load_rules(None))

    @classmethod
    def from_settings(cls, settings: Settings) -> VerdictData:
        return cls(
            sanctions=load(sanctions_path(settings)), yara=load_rules(settings.yara_rules_dir)
        )
