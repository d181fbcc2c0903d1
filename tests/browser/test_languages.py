"""The page in the source articles' five languages (static/i18n/*.json through static/js/i18n.js).

Each page is rendered in each language after a forward and a backward pass (the chain rule open
in Explain, the hover card up, the help overlay open): no English word the English page shows
may remain in the visible text, the tooltips or the aria-labels (an allow-list keeps symbols,
function and variable names), numbers use the language's decimal separator, `lang=` survives a
reload and the language menu, and axe-core finds no WCAG 2.1 A/AA violation in any language.
The catalogs' completeness is tests/js/i18n.test.mjs's part."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.axe import violations
from tests.support.live import ROOT
from tests.support.page import backward_done, idle

LANGUAGES = ["fr", "de", "ro", "ru"]

# Names and symbols that are the same in every language: the app, formats and libraries,
# the activation and circuit functions (the expression syntax), variable names, the menu's
# own language names, the method names of the initializers and optimizers.
NAMES = {
    "backprop", "viz", "API", "CSV", "NumPy", "PyTorch", "JSON", "py", "Adam", "SGD", "XOR",
    "linear", "sigmoid", "tanh", "relu", "leaky_relu", "leaky", "softmax", "exp", "log", "max",
    "min", "pow", "sign", "sin", "out", "English", "Français", "Deutsch", "Română", "Русский",
    "Xavier", "Glorot", "He", "Playground", "netflow", "sigm", "smax", "lin", "prev",
    "Celsius", "Fahrenheit", "Python", "numpy", "Esc", "zout",
}
# Words these languages share with English (the same spelling, their own word too).
SHARED = {
    "fr": {"activation", "article", "circuit", "classes", "expression", "gradient", "mode",
           "momentum", "pause", "phases", "script", "signal", "source", "Backpropagation",
           "circuits", "matrices", "par", "test", "table"},
    "de": {"Backprop", "Backpropagation", "Sigmoid", "Gradient"},
    "ro": {"clipboard", "contrast", "link", "momentum", "script", "set", "gradient", "neuron",
           "circuit", "test"},
    "ru": set(),
}
DECIMAL_POINT = re.compile(r"\d\.\d")

# Every text a person meets: what is shown, and the tooltips and labels of what is shown.
READ_PAGE = """() => {
  const shown = (el) => !el.closest('[hidden]') && el.getClientRects().length > 0;
  const attrs = [...document.querySelectorAll('[title], [aria-label], [placeholder], [alt]')]
    .filter(shown)
    .flatMap((el) => ['title', 'aria-label', 'placeholder', 'alt'].map((a) => el.getAttribute(a)))
    .filter(Boolean);
  const options = [...document.querySelectorAll('select option')].map((o) => o.textContent);
  return { text: document.body.innerText, attrs: attrs.join('\\n'), options: options.join('\\n') };
}"""


def words(text: str) -> set[str]:
    """Words of three or more Latin letters (names like w5, h1, i2 and single letters drop)."""
    return set(re.findall(r"(?<![\w/.])[A-Za-z][A-Za-z_]{2,}(?![\w(])", text))


def read(page: Page) -> dict[str, str]:
    return page.evaluate(READ_PAGE)


def show_network(page: Page, lang: str) -> dict[str, str]:
    """The 2-2-1 after a forward and a backward pass, w5's chain rule open, h1 hovered."""
    page.goto(f"/?lang={lang}")
    page.wait_for_selector("body[data-ready=true]")
    page.get_by_test_id("forward").click()
    idle(page)
    backward_done(page)
    page.get_by_test_id("edge-hit-e-2-0-0").click()
    page.get_by_test_id("node-n-1-0").hover()
    expect(page.get_by_test_id("tooltip")).to_be_visible()
    got = read(page)
    page.keyboard.press("?")
    expect(page.get_by_test_id("help")).to_be_visible()
    got["help"] = page.get_by_test_id("help").inner_text()
    return got


def show_circuits(page: Page, lang: str) -> dict[str, str]:
    """The one-neuron circuit after both passes, and the gradient check."""
    page.goto(f"/circuits?lang={lang}")
    expect(page.locator("#circuit-check tbody tr")).to_have_count(5)
    page.select_option("#circuit-speed", "300")
    page.locator("#circuit-play-both").click()
    done = json.loads((ROOT / "static" / "i18n" / f"{lang}.json").read_text())["circuit.done"]
    expect(page.locator("#circuit-status")).to_have_text(done, timeout=30_000)
    page.locator("#circuit-nudge").click()
    expect(page.locator("#circuit-nudged-output")).to_be_visible()
    return read(page)


def untranslated(got: dict[str, str], english: dict[str, str], lang: str) -> set[str]:
    """English words left: for Russian any Latin word, otherwise words the English page shows."""
    allowed = {word.lower() for word in NAMES | SHARED[lang]}
    text = "\n".join(got.values())
    found = {word for word in words(text) if word.lower() not in allowed}
    return found if lang == "ru" else found & words("\n".join(english.values()))


@pytest.fixture(scope="module")
def english(browser, server_url: str) -> dict[str, dict[str, str]]:
    """Both pages in English, the reference for what an untranslated word looks like."""
    context = browser.new_context(base_url=server_url, viewport={"width": 1280, "height": 900},
                                  locale="en-US")
    page = context.new_page()
    try:
        return {"network": show_network(page, "en"), "circuits": show_circuits(page, "en")}
    finally:
        context.close()


def shown_in(new_page, show, reference: dict[str, str], lang: str) -> tuple[Page, dict[str, str]]:
    """A page shown in `lang` (by `show`), checked to have its lang and no English left."""
    page = new_page(lang, {"width": 1280, "height": 900})
    got = show(page, lang)
    assert page.evaluate("document.documentElement.lang") == lang
    left = untranslated(got, reference, lang)
    assert not left, " ".join(sorted(left))
    return page, got


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_network_page_is_translated(new_page, english, lang: str) -> None:
    page, got = shown_in(new_page, show_network, english["network"], lang)
    # w5's gradient and the output, with the language's decimal comma.
    expect(page.get_by_test_id("value-n-2-0")).to_have_text("0,191")
    expect(page.get_by_test_id("grad-e-2-0-0")).to_contain_text("\u22120,688")
    expect(page.get_by_test_id("explain-panel")).to_contain_text("\u22120,68765")
    assert not DECIMAL_POINT.search(got["text"]), DECIMAL_POINT.findall(got["text"])
    page.keyboard.press("Escape")
    assert violations(page) == []  # WCAG 2.1 A/AA in this language too (lang, names, contrast)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_circuits_page_is_translated(new_page, english, lang: str) -> None:
    page, got = shown_in(new_page, show_circuits, english["circuits"], lang)
    expect(page.locator("#circuit-output")).to_have_text("0,8808")
    assert not DECIMAL_POINT.search(got["text"]), DECIMAL_POINT.findall(got["text"])
    assert violations(page) == []


def test_the_language_is_kept_in_the_url_and_chosen_from_the_browser(
        browser, server_url: str) -> None:
    context = browser.new_context(base_url=server_url, locale="de-DE")
    page = context.new_page()
    try:
        page.goto("/")  # no lang= in the URL: the browser's language
        page.wait_for_selector("body[data-ready=true]")
        assert page.evaluate("document.documentElement.lang") == "de"
        expect(page.get_by_test_id("forward")).to_contain_text("Vorwärts")
        page.select_option("[data-testid=lang-menu]", "ru")  # the menu puts lang= in the URL
        page.wait_for_url(re.compile(r"lang=ru"))
        page.wait_for_selector("body[data-ready=true]")
        assert "#" in page.url or page.url.endswith("lang=ru")
        expect(page.get_by_test_id("forward")).to_contain_text("Вперёд")
        page.reload()
        page.wait_for_selector("body[data-ready=true]")
        assert page.evaluate("document.documentElement.lang") == "ru"
        expect(page.get_by_test_id("step-count")).to_contain_text("шаг 0")
        # The links between the pages keep it.
        page.get_by_role("link", name="Схемы").click()
        page.wait_for_url(re.compile(r"/circuits\?lang=ru"))
        expect(page.locator("#circuit-trace")).to_have_text("Вычислить")
    finally:
        context.close()


def test_a_full_step_on_xor_with_the_matrix_view_leaves_no_latin_word_in_russian(new_page) -> None:
    """Russian is the strictest check: any Latin word but a name is English left over. The XOR
    net adds the batch lines, bce's fused δ, sigmoid, the update rule and the matrix view."""
    page = new_page("ru", {"width": 1280, "height": 900})
    page.goto("/?lang=ru#preset=xor&matrix=1")
    page.wait_for_selector("body[data-ready=true]")
    page.get_by_test_id("step").click()
    idle(page)
    page.get_by_test_id("edge-hit-e-2-0-0").click()
    page.get_by_test_id("node-n-2-0").hover()
    expect(page.get_by_test_id("matrix-view")).to_contain_text("Слой 1")
    got = read(page)
    explain = page.get_by_test_id("explain-panel").inner_text()
    assert "пакет (среднее по m = 4 примерам)" in explain, explain
    left = untranslated(got, {}, "ru")
    assert not left, " ".join(sorted(left))
    assert not DECIMAL_POINT.search(got["text"]), DECIMAL_POINT.findall(got["text"])


# More samples than the matrix view shows (its "n shown" note), a train/test split (the map's
# legend) and a map with its accuracy line.
MATRIX_AND_MAP = ("#preset=xor&dataset=circle&samples=40&testRatio=0.3&layers=2,3,1"
                  "&activations=tanh,sigmoid&matrix=1")


def show_matrix_and_map(page: Page, lang: str) -> dict[str, str]:
    """A full step with the matrix view open, the boundary map, its legend and accuracy line."""
    page.goto(f"/?lang={lang}{MATRIX_AND_MAP}")
    page.wait_for_selector("body[data-ready=true]")
    page.get_by_test_id("step").click()
    idle(page)
    expect(page.get_by_test_id("accuracy")).not_to_be_empty()
    expect(page.get_by_test_id("boundary-legend")).to_be_visible()
    expect(page.locator("[data-testid=matrix-view] .shape").first).to_be_visible()
    got = read(page)
    got["matrix"] = page.get_by_test_id("matrix-view").inner_text()
    got["map"] = page.locator("#boundary-panel").inner_text()
    return got


@pytest.fixture(scope="module")
def english_matrix(browser, server_url: str) -> dict[str, str]:
    context = browser.new_context(base_url=server_url, viewport={"width": 1280, "height": 900},
                                  locale="en-US")
    try:
        return show_matrix_and_map(context.new_page(), "en")
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_matrix_view_and_the_map_are_translated(new_page, english_matrix, lang: str) -> None:
    _, got = shown_in(new_page, show_matrix_and_map, english_matrix, lang)
    # The English reference really had the texts checked here.
    assert "shown)" in english_matrix["matrix"] and "held-out" in english_matrix["map"]
    assert "Accuracy" in english_matrix["map"]
    assert not DECIMAL_POINT.search(got["matrix"] + got["map"])


def test_a_student_joining_reads_the_prompt_in_their_language(new_page) -> None:
    page = new_page("fr", {"width": 1280, "height": 900})
    page.goto("/join?lang=fr")
    catalog = json.loads((ROOT / "static" / "i18n" / "fr.json").read_text())
    expect(page.get_by_test_id("follow-bar")).to_contain_text(catalog["follow.join_prompt"])
    expect(page.get_by_role("button", name=catalog["follow.join"])).to_be_visible()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_longer_words_never_scroll_a_phone_sideways(new_page, lang: str) -> None:
    page = new_page(lang, {"width": 390, "height": 844})
    page.goto(f"/?lang={lang}")
    page.wait_for_selector("body[data-ready=true]")
    backward_done(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
