"""X12 validation with pyx12, for the tests.

pyx12 ships its 005010 maps for the 835 and others, but not for the 271 of 005010X279A1: the map used here
is pyx12's own 271 map (004010X092A1), whose loops, segments and code lists the 5010 guide kept for
everything the gateway writes, with the 5010 envelope (ISA11 the repetition separator, ISA12 00501, ST03,
GS08 005010X279A1) and the service type codes 5010 added to EB03 (e.g. MH mental health, UC urgent care, PT
physical therapy). Element lengths come from pyx12's data element dictionary, which is 5010's."""

from __future__ import annotations

import io
import json
import re
import shutil
from functools import cache
from pathlib import Path

import pyx12
import pyx12.params
import pyx12.x12n_document

_PYX12_MAPS = Path(pyx12.__file__).parent / "map"
_MAP_271 = "271.5010.X279.A1.xml"
# Service type codes (data element 1365) that 005010 added to the 004010 list.
_SERVICE_TYPES_ADDED_IN_5010 = [
    "A0",
    "A1",
    "A2",
    "A3",
    "A4",
    "A5",
    "A6",
    "A7",
    "A8",
    "A9",
    "AA",
    "AB",
    "AC",
    "AD",
    "AE",
    "AF",
    "AG",
    "AH",
    "AI",
    "AJ",
    "AK",
    "AL",
    "AM",
    "AN",
    "AO",
    "AQ",
    "AR",
    "B1",
    "B2",
    "B3",
    "BA",
    "BB",
    "BC",
    "BD",
    "BE",
    "BF",
    "BG",
    "BH",
    "BI",
    "BJ",
    "BK",
    "BL",
    "BM",
    "BN",
    "BP",
    "BQ",
    "BR",
    "BS",
    "BT",
    "BU",
    "BV",
    "BW",
    "BX",
    "BY",
    "BZ",
    "C1",
    "CA",
    "CB",
    "CC",
    "CD",
    "CE",
    "CF",
    "CG",
    "CH",
    "CI",
    "CJ",
    "CK",
    "CL",
    "CM",
    "CN",
    "CO",
    "CP",
    "CQ",
    "GF",
    "GN",
    "GY",
    "IC",
    "MH",
    "NI",
    "ON",
    "PT",
    "PU",
    "RN",
    "RT",
    "TC",
    "TN",
    "UC",
]


def _map_271_5010(map_4010: str) -> str:
    """pyx12's 004010X092A1 271 map with the 005010X279A1 envelope."""
    text = map_4010.replace("004010X092A1", "005010X279A1")
    # ISA11: the repetition separator in 5010 (any character), no longer the standards identifier "U".
    text = re.sub(
        r'(<element xid="ISA11">\s*)<data_ele>I10</data_ele>(.*?)<valid_codes>\s*<code>U</code>\s*</valid_codes>',
        r"\1<data_ele>I65</data_ele>\2",
        text,
        count=1,
        flags=re.S,
    )
    text = text.replace("<code>00401</code>", "<code>00501</code>", 1)
    added = "".join(f"<code>{code}</code>" for code in _SERVICE_TYPES_ADDED_IN_5010)
    text = re.sub(r'(<element xid="EB03">.*?<valid_codes>)', lambda found: found[1] + added, text, flags=re.S)
    st03 = (
        '<element xid="ST03"><data_ele>1705</data_ele><name>Implementation Convention Reference</name>'
        "<usage>R</usage><seq>03</seq><valid_codes><code>005010X279A1</code></valid_codes></element>"
    )
    return re.sub(r'(<element xid="ST02">.*?</element>)', r"\1" + st03, text, count=1, flags=re.S).replace(
        "X092A1-271", "X279A1-271"
    )


@cache
def map_directory(under: Path) -> Path:
    """pyx12's maps, with the 005010X279A1 271 map added, in a folder of their own."""
    folder = under / "pyx12-maps"
    shutil.copytree(_PYX12_MAPS, folder, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
    (folder / _MAP_271).write_text(_map_271_5010((_PYX12_MAPS / "271.4010.X092.A1.xml").read_text()))
    index = (folder / "maps.xml").read_text()
    entry = f'<map vriic="005010X279A1" fic="HB" abbr="271">{_MAP_271}</map>'
    index = index.replace('<version icvn="00501">', f'<version icvn="00501">\n    {entry}', 1)
    (folder / "maps.xml").write_text(index)
    return folder


def x12_errors(document: str, maps: Path) -> list[str]:
    """What pyx12 finds wrong with an X12 document (empty when it is valid)."""
    errors = io.StringIO()
    valid = pyx12.x12n_document.x12n_document(
        param=pyx12.params.params(),
        src_file=io.StringIO(document),
        fd_997=None,
        fd_html=None,
        fd_xmldoc=None,
        fd_json=errors,
        map_path=str(maps),
    )
    found = _errors_in(json.loads(errors.getvalue())) if errors.getvalue().strip() else []
    if not valid and not found:
        found = ["pyx12 rejected the document"]
    return found


def _errors_in(report: object) -> list[str]:
    """Every error of pyx12's JSON report, at whatever level (interchange, group, transaction, segment)."""
    if isinstance(report, list):
        return [error for item in report for error in _errors_in(item)]
    if not isinstance(report, dict):
        return []
    found = [json.dumps(error) for error in report.get("errors", [])]
    for key, value in report.items():
        if key != "errors":
            found += _errors_in(value)
    return found
