"""The HTML report in a real Chromium: offline, no console errors, the slider replays the campaign."""
import io
from pathlib import Path

import pytest

from kriegsspiel.report.check import check_article
from kriegsspiel.report.html import render_html
from kriegsspiel.report.wikitext import render_article

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.browser


@pytest.fixture
def page():
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        pg = browser.new_page(viewport={"width": 1280, "height": 1000})
        pg.errors, pg.remote, pg.fetched = [], [], []
        pg.on("console", lambda m: m.type in ("error", "warning") and pg.errors.append(m.text))
        pg.on("pageerror", lambda e: pg.errors.append(str(e)))
        pg.on("request", lambda r: r.url.startswith(("file:", "data:")) or pg.remote.append(r.url))
        pg.on("requestfinished", lambda r: r.url.startswith(("file:", "data:")) or pg.fetched.append(r.url))
        yield pg
        browser.close()


def _open(page, tmp_path, html):
    f = tmp_path / "report.html"
    f.write_text(html, encoding="utf-8")
    page.goto(f.as_uri())
    page.wait_for_selector("#map circle")
    return f


def _slide(page, i):
    page.eval_on_selector("#day", "(el, v) => { el.value = v; el.dispatchEvent(new Event('input')); }", str(i))


def test_page_offline_slider_and_screenshot(page, tmp_path, result, ensemble):
    chk = check_article(render_article(result).replace("2,260 killed", "9,000 killed"), ensemble, {})
    _open(page, tmp_path, render_html(result, ensemble, check=chk))
    assert page.errors == [] and page.remote == []

    okha = 'circle[data-side]'  # every place mark carries its side for the day
    def sides():
        return page.eval_on_selector_all(okha, "els => els.map(e => e.getAttribute('data-side'))")
    before, date0 = sides(), page.text_content("#date")
    assert date0 == "2 June 1944"
    _slide(page, 3)
    after, date3 = sides(), page.text_content("#date")
    assert date3 == "5 June 1944"
    assert before != after and after.count("japan") == before.count("japan") + 3
    assert "Okha" in page.text_content("#events")
    assert page.locator("#ensemble line.claim").count() == 6  # every checked claim is marked
    assert page.locator("#ensemble line.claim.implausible").count() == 1  # the inflated one stands out

    png = page.screenshot(full_page=True)
    from PIL import Image, ImageStat

    img = Image.open(io.BytesIO(png)).convert("L")
    assert img.size[0] >= 1000 and ImageStat.Stat(img).stddev[0] > 20
    (tmp_path / "report.png").write_bytes(png)
    assert page.errors == [] and page.remote == []


def test_play_button_advances_the_day(page, tmp_path, result):
    _open(page, tmp_path, render_html(result))
    page.click("#play")
    for _ in range(50):  # the page's CSP forbids eval, so poll from here instead of wait_for_function
        if page.input_value("#day") == "2":
            break
        page.wait_for_timeout(100)
    assert page.input_value("#day") == "2"
    assert page.text_content("#date") == "4 June 1944"


def test_hostile_names_stay_text_in_the_browser(page, tmp_path, hostile_result):
    _open(page, tmp_path, render_html(hostile_result))
    page.evaluate("window.__pwned = false")
    assert page.evaluate("window.__pwned") is False
    assert page.locator("body script").count() == 2
    assert "<script>alert(1)</script>" in page.text_content("h1")
    assert "<script>alert(1)</script>" in page.text_content("#events")
    assert page.errors == [] and page.remote == []


def test_csp_blocks_network_loads(page, tmp_path, result):
    html = render_html(result).replace("</body>", '<img src="http://example.invalid/x.png"></body>')
    _open(page, tmp_path, html)
    page.wait_for_timeout(300)
    assert page.fetched == []  # attempted, and stopped by the CSP
    assert any("Content Security Policy" in e for e in page.errors)
