import pytest
from spyglass.analyze.verdicts.base import Inputs
from spyglass.analyze.verdicts.brands import brands_engine
from tests.testweb.corpus import samples

@pytest.mark.parametrize("name", [s.name for s in samples() if s.label != "benign" and not s.name.startswith("phish-brand")])
async def test_dbg(corpus_report, name):
    s = await corpus_report(name)
    r = brands_engine(Inputs(report=s.report, capture=s.capture))
    print("RES", s.sample.label, name, r.malicious, r.score, r.brands, [e.reason[:150] for e in r.evidence if e.kind == "brand-impersonation" or e.kind.startswith("lookalike")])
