"""The HTML page charts the rail freight reaching the scenario's reference place when the run reports it."""

import copy
import json
import re

from kriegsspiel.report.html import render_html


def _payload(page: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="ks-data">(.*?)</script>', page, re.S).group(1))


def test_freight_chart_present_with_freight(result):
    r = copy.deepcopy(result)
    r["timeline"]["freight_reference"] = "Khabarovsk"
    page = render_html(r)
    assert 'id="chart-freight"' in page
    assert _payload(page)["result"]["timeline"]["freight_east_t"] == r["timeline"]["freight_east_t"]


def test_no_freight_chart_without_freight(result):
    r = copy.deepcopy(result)
    r["timeline"]["freight_east_t"] = [0.0] * len(r["timeline"]["dates"])
    assert 'id="chart-freight"' not in render_html(r)
