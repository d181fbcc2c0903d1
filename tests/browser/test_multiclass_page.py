"""Multi-class from the page: the k-arm spiral in the menu, softmax over all outputs, k colours."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page, expect

from tests.support.page import idle, network_id, open_page, set_field, wait_new_network

SPIRAL = ("#preset=xor&dataset=spirals&samples=300&layers=2,8,8,3&activations=tanh,tanh,softmax"
          "&loss=cross_entropy&optimizer=adam&learningRate=0.03")

# Pixels of the map by the order of their channels: each class's tint keeps its colour's order
# (blue b > g > r, orange r > g > b, green g > b > r), whatever the network's certainty.
COUNT_TINTS = """() => {
  const canvas = document.querySelector('[data-testid=boundary]');
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  const counts = { blue: 0, orange: 0, green: 0, total: data.length / 4 };
  for (let i = 0; i < data.length; i += 4) {
    const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
    if (b > g + 8 && g > r + 8) counts.blue++;
    else if (r > g + 8 && g > b + 8) counts.orange++;
    else if (g > b + 8 && b > r + 8) counts.green++;
  }
  return counts;
}"""


def test_menu_offers_the_spiral_arms_with_softmax_and_cross_entropy(page: Page,
                                                                    server_url: str) -> None:
    open_page(page, "#preset=xor&activations=tanh,sigmoid&loss=bce")
    old = network_id(page)
    page.select_option("[data-testid=dataset]", "spirals")
    wait_new_network(page, old)
    idle(page)
    state = httpx.get(f"{server_url}/api/networks/{network_id(page)}").json()
    assert state["layers"][-1] == 3
    assert state["activations"][-1] == "softmax" and state["spec"]["loss"] == "cross_entropy"
    assert state["dataset"]["target_names"] == ["class 1", "class 2", "class 3"]
    expect(page.get_by_test_id("classes")).to_have_value("3")
    old = network_id(page)
    set_field(page, "classes", "4")
    wait_new_network(page, old)
    idle(page)
    state = httpx.get(f"{server_url}/api/networks/{network_id(page)}").json()
    assert state["layers"][-1] == 4 and len(state["dataset"]["target_names"]) == 4
    assert "classes=4" in page.evaluate("location.hash")


def test_three_arm_spiral_trains_to_90_percent_and_its_map_shows_three_colours(
        page: Page) -> None:
    open_page(page, SPIRAL)
    set_field(page, "epochs", "600")
    page.get_by_test_id("train").click()
    accuracy = page.get_by_test_id("accuracy")
    expect(accuracy).to_contain_text("Accuracy on the 300 samples")
    page.wait_for_function("() => Number(document.querySelector('[data-testid=accuracy]')"
                           ".dataset.accuracy) >= 0.9", timeout=60_000)
    idle(page)
    boundary = page.get_by_test_id("boundary")
    expect(boundary).to_have_attribute("data-classes", "3")
    expect(boundary).to_have_attribute("data-colours", "3")
    counts = page.evaluate(COUNT_TINTS)
    for tint in ("blue", "orange", "green"):
        assert counts[tint] > 0.08 * counts["total"], counts


def test_explain_writes_softmax_over_all_outputs(page: Page, server_url: str) -> None:
    open_page(page, SPIRAL.replace("spirals", "blobs"))  # a spiral's first sample is (0, 0)
    page.get_by_test_id("forward").click()
    idle(page)
    trace = httpx.post(f"{server_url}/api/networks/{network_id(page)}/step",
                       json={"phase": "forward"}).json()
    out = [n for n in trace["nodes"] if n["layer"] == 3]
    page.get_by_test_id("node-n-3-1").click()
    lines = page.get_by_test_id("explain-panel").locator(".eq").all_inner_texts()
    first = next(i for i, t in enumerate(lines) if "softmax(z)" in t)
    softmax = lines[first:first + 3]
    assert softmax[0].count(" + ") == 2 and softmax[1].count(" + ") == 2
    shown = float(softmax[2].rsplit(" = ", 1)[1].replace("\u2212", "-"))
    assert abs(shown - out[1]["a"]) < 1e-5


def test_a_csv_class_column_becomes_softmax_outputs(page: Page, server_url: str,
                                                   tmp_path) -> None:
    csv = tmp_path / "pets.csv"
    csv.write_text("weight,ears,kind\n4,1,cat\n30,1,dog\n5,0.9,cat\n0.1,0.2,fish\n25,1,dog\n")
    open_page(page, "#preset=xor")
    old = network_id(page)
    page.get_by_test_id("csv-class").fill("kind")
    page.get_by_test_id("csv").set_input_files(str(csv))
    wait_new_network(page, old)
    idle(page)
    state = httpx.get(f"{server_url}/api/networks/{network_id(page)}").json()
    assert state["dataset"]["target_names"] == ["kind=cat", "kind=dog", "kind=fish"]
    assert state["layers"][-1] == 3 and state["activations"][-1] == "softmax"
    assert state["spec"]["loss"] == "cross_entropy"
    assert state["dataset"]["targets"][3] == [0.0, 0.0, 1.0]


def test_discretized_classes_are_drawn_at_full_strength(page: Page) -> None:
    open_page(page, SPIRAL.replace("spirals", "blobs") + "&discretize=1")
    expect(page.get_by_test_id("boundary")).to_have_attribute("data-colours", "3")
    counts = page.evaluate("""() => {
      const canvas = document.querySelector('[data-testid=boundary]');
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      const tints = new Set(['115,177,213', '232,166,115', '115,202,178']);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (tints.has(`${data[i]},${data[i + 1]},${data[i + 2]}`)) n++;
      }
      return n / (data.length / 4);
    }""")
    assert counts > 0.6
