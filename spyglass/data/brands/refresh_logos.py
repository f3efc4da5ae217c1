"""Refill the ``logos`` of brands.json and icons/ from an unpacked ``simple-icons`` package.

Run after ``npm pack simple-icons && tar xzf simple-icons-*.tgz``::

    python -m spyglass.data.brands.refresh_logos package/

For every slug a brand lists under ``icons``, copies ``icons/<slug>.svg`` next to this file
and records its title, colour, the sha256 of the file and the sha256 of its path data
(whitespace collapsed, as ``spyglass.refdata.brand_list.path_digest`` computes it). Update
the SOURCE file by hand with the version and date.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).parent
_PATH_D = re.compile(r'<path[^>]*?\sd="([^"]+)"')


def path_digest(d: str) -> str:
    return hashlib.sha256(" ".join(d.split()).encode()).hexdigest()


def main(package: Path) -> None:
    meta = {i["slug"]: i for i in json.loads((package / "data/simple-icons.json").read_text())}
    data = json.loads((HERE / "brands.json").read_text(encoding="utf-8"))
    icons = HERE / "icons"
    shutil.rmtree(icons, ignore_errors=True)
    icons.mkdir()
    for brand in data["brands"]:
        brand["logos"] = []
        for slug in brand["icons"]:
            svg = package / "icons" / f"{slug}.svg"
            body = svg.read_bytes()
            (icons / svg.name).write_bytes(body)
            paths = _PATH_D.findall(body.decode())
            brand["logos"].append(
                {
                    "slug": slug,
                    "title": meta[slug]["title"],
                    "hex": meta[slug]["hex"],
                    "svg_sha256": hashlib.sha256(body).hexdigest(),
                    "path_sha256": [path_digest(d) for d in paths],
                }
            )
    text = json.dumps(data, indent=1, ensure_ascii=False)
    (HERE / "brands.json").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
