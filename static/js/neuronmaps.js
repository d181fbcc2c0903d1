// Each hidden and output neuron's own output over the input plane, drawn inside the neuron
// (TF Playground's neuron maps): what each one has learned to detect. The numbers come from
// GET …/predict?neurons=true (or a training run's live grid), never recomputed here.

const NS = "http://www.w3.org/2000/svg";
const MAX_VALUES = 250000;  // the server's limit on grid points × neurons (app/predict.py)
const NEG = [213, 94, 0];   // the drawing's vermillion (negative)
const POS = [0, 114, 178];  // and blue (positive)

/** Whether a grid of `points` points may carry the maps of this network's neurons. */
export function mapsFit(layers, points) {
  return layers.length > 1 && points * layers.slice(1).reduce((a, b) => a + b, 0) <= MAX_VALUES;
}

/**
 * RGBA pixels of one neuron's map: rows of `n` values (x fastest, y upwards) as an image
 * (y downwards), white at `mid`, blue above, vermillion below, full colour at `span`.
 */
export function mapPixels(values, n, mid, span) {
  const rows = values.length / n;
  const pixels = new Uint8ClampedArray(values.length * 4);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < n; c++) {
      const v = values[r * n + c];
      const t = Math.max(-1, Math.min(1, (v - mid) / (span || 1)));
      const [cr, cg, cb] = t >= 0 ? POS : NEG;
      const k = Math.abs(t);
      const at = ((rows - 1 - r) * n + c) * 4;
      pixels[at] = 255 + (cr - 255) * k;
      pixels[at + 1] = 255 + (cg - 255) * k;
      pixels[at + 2] = 255 + (cb - 255) * k;
      pixels[at + 3] = 255;
    }
  }
  return pixels;
}

/** Centre and scale of a layer's colours: 0..1 activations around ½, others around 0. */
function scale(activation, values) {
  if (activation === "sigmoid" || activation === "softmax") return [0.5, 0.5];
  let max = 0;
  for (const v of values) max = Math.max(max, Math.abs(v));
  return [0, max];
}

/** Draw (or refresh) the maps inside the nodes of `svg` from a predict grid with `neurons`. */
export function paintNeuronMaps(svg, model, grid) {
  if (!grid?.neurons || !Array.isArray(grid.ys)) return;
  const n = grid.xs.length;
  const canvas = document.createElement("canvas");
  canvas.width = n;
  canvas.height = grid.ys.length;
  const ctx = canvas.getContext("2d");
  grid.neurons.forEach((layer, k) => {
    const activation = model.activations[k] || "linear";
    const [mid, span] = scale(activation, layer.flat());
    layer.forEach((values, j) => {
      const node = svg.querySelector(`#n-${k + 1}-${j}`);
      const circle = node?.querySelector("circle.body");
      if (!circle) return;
      ctx.putImageData(new ImageData(mapPixels(values, n, mid, span), n), 0, 0);
      let image = node.querySelector("image.map");
      if (!image) {
        image = document.createElementNS(NS, "image");
        image.setAttribute("class", "map");
        image.setAttribute("preserveAspectRatio", "none");
        image.setAttribute("data-testid", `map-n-${k + 1}-${j}`);
        circle.after(image);
      }
      const r = Number(circle.getAttribute("r")) || 10;
      for (const [name, value] of [["x", -r], ["y", -r], ["width", 2 * r], ["height", 2 * r]]) {
        image.setAttribute(name, value);
      }
      image.setAttribute("href", canvas.toDataURL());
    });
  });
  svg.classList.add("with-maps");
}

/** Take the maps out (a network without a 2-D grid, or maps turned off). */
export function clearNeuronMaps(svg) {
  for (const image of svg.querySelectorAll("image.map")) image.remove();
  svg.classList.remove("with-maps");
}
