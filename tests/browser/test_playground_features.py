"""From TF Playground: neuron maps (each hidden and output neuron of a 2-input network shows its
own output over the input plane inside its circle, from the API's numbers, and follows
training), "New data" (the dataset drawn again from a new seed) and the discretized boundary."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.page import idle, network_id, open_page

PIXEL = """async ([id, col, row]) => {
  const image = document.querySelector(`#${id} image.map`);
  const img = new Image();
  img.src = image.getAttribute('href');
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.width; canvas.height = img.height;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  return [img.width, Array.from(ctx.getImageData(col, row, 1, 1).data)];
}"""


def _expected(value: float, mid: float, span: float) -> list[int]:
    t = max(-1.0, min(1.0, (value - mid) / span))
    colour = (0, 114, 178) if t >= 0 else (213, 94, 0)
    return [round(255 + (c - 255) * abs(t)) for c in colour] + [255]


def test_maps_show_each_neurons_output_and_follow_training(page: Page) -> None:
    open_page(page, "#preset=xor")
    expect(page.locator("[data-testid=map-n-2-0]")).to_be_attached()
    hidden = page.locator("#n-1-0 image.map, #n-1-1 image.map")
    assert hidden.count() == 2
    grid = page.request.get(f"/api/networks/{network_id(page)}/predict"
                            "?resolution=48&neurons=true").json()
    # The output neuron (sigmoid: white at ½) at the grid's bottom-left corner (x_min, y_min).
    width, pixel = page.evaluate(PIXEL, ["n-2-0", 0, 47])
    assert width == 48
    value = grid["neurons"][1][0][0]
    assert all(abs(a - b) <= 2 for a, b in zip(pixel, _expected(value, 0.5, 0.5), strict=True))
    before = page.get_attribute("[data-testid=map-n-2-0]", "href")
    page.fill("[data-testid=epochs]", "400")
    page.click("[data-testid=train]")
    idle(page)
    page.wait_for_function(
        "old => document.querySelector('[data-testid=map-n-2-0]').getAttribute('href') !== old",
        arg=before)
    # Trained XOR: every sample right, and the accuracy line says so (not the starting 50%).
    expect(page.locator("[data-testid=accuracy]")).to_have_text("Accuracy on the 4 samples: 100.0%")


COLOURS = """() => {
  const canvas = document.querySelector('[data-testid=boundary]');
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  const seen = new Map();
  for (let i = 1; i < 40; i++) for (let j = 1; j < 40; j++) {
    const d = ctx.getImageData(Math.floor(width * i / 40), Math.floor(height * j / 40), 1, 1).data;
    seen.set(d.join(), (seen.get(d.join()) || 0) + 1);
  }
  const counts = [...seen.values()].sort((a, b) => b - a);
  return (counts[0] + (counts[1] || 0)) / (39 * 39);  // the two commonest colours' share
}"""


def test_new_data_and_discretized_boundary(page: Page) -> None:
    open_page(page, "#preset=xor&dataset=circle&samples=60&layers=2,4,1")
    first = network_id(page)
    rows = page.request.get(f"/api/networks/{first}/data").json()["inputs"]
    page.click("[data-testid=regenerate]")
    page.wait_for_function("old => document.querySelector('[data-testid=network]')"
                           ".dataset.network !== old", arg=first)
    idle(page)
    assert "dataSeed=" in page.evaluate("location.hash")
    again = page.request.get(f"/api/networks/{network_id(page)}/data").json()["inputs"]
    assert len(again) == 60 and again != rows

    page.wait_for_function("() => Number(document.querySelector('[data-testid=boundary]')"
                           ".dataset.drawn || 0) > 0")
    smooth = page.evaluate(COLOURS)
    page.check("[data-testid=discretize]")
    assert "discretize=1" in page.evaluate("location.hash")
    flat = page.evaluate(COLOURS)
    # Two flat fills cover the map but for the data points and the seam between them.
    assert flat > 0.8 > smooth, (flat, smooth)


def test_a_test_share_holds_rows_out_and_charts_their_loss(page: Page) -> None:
    open_page(page, "#preset=xor&dataset=circle&samples=100&layers=2,4,1")
    page.select_option("[data-testid=test-ratio]", "0.3")
    page.wait_for_function("() => location.hash.includes('testRatio=0.3')")
    idle(page)
    state = page.request.get(f"/api/networks/{network_id(page)}").json()
    assert (state["dataset"]["samples"], state["dataset"]["test_samples"]) == (70, 30)
    page.fill("[data-testid=epochs]", "200")
    page.click("[data-testid=train]")
    idle(page)
    chart = page.locator("[data-testid=loss-chart]")  # drawn after training's last redraw
    assert int(chart.get_attribute("data-test-points") or 0) >= 2
    assert int(chart.get_attribute("data-points") or 0) == 200
    expect(page.locator("[data-testid=test-ratio]")).to_have_value("0.3")


def test_extra_inputs_make_the_circle_linearly_separable(page: Page) -> None:
    open_page(page, "#preset=xor&dataset=circle&samples=60&layers=2,1&activations=sigmoid"
                    "&loss=bce&learningRate=1")
    expect(page.locator("[data-testid=features]")).to_be_visible()
    first = network_id(page)
    page.check("[data-testid=features] input[value=x1_squared]")
    page.wait_for_function("old => document.querySelector('[data-testid=network]')"
                           ".dataset.network !== old", arg=first)
    idle(page)
    second = network_id(page)
    page.check("[data-testid=features] input[value=x2_squared]")
    page.wait_for_function("old => document.querySelector('[data-testid=network]')"
                           ".dataset.network !== old", arg=second)
    idle(page)
    assert "features=x1_squared,x2_squared" in page.evaluate("location.hash")
    state = page.request.get(f"/api/networks/{network_id(page)}").json()
    assert state["layers"] == [4, 1]
    assert state["dataset"]["input_names"] == ["x1", "x2", "x1²", "x2²"]
    expect(page.locator("[data-testid=network]")).to_contain_text("x1²")
    expect(page.locator("[data-testid=boundary]")).to_be_visible()
    page.fill("[data-testid=epochs]", "3000")
    page.click("[data-testid=train]")
    idle(page)
    page.wait_for_function("() => Number(document.querySelector('[data-testid=accuracy]')"
                           ".dataset.accuracy) >= 0.95")
