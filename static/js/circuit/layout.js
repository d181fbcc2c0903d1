// Pure positions for a circuit trace: sources on the left, gates in columns by depth,
// the output on the right. No DOM. Ids are the trace's own (w0…, g0…).

export const GEOMETRY = {
  columnGap: 180, rowGap: 92, gateRadius: 24, left: 70, top: 46, outputLength: 140,
};

/** Column of every gate: one more than the deepest gate feeding it (sources are column 0). */
function gateColumns(trace) {
  const producer = new Map(trace.gates.map((g) => [g.output, g]));
  const column = new Map();
  for (const gate of trace.gates) {
    let depth = 1;
    for (const input of gate.inputs) {
      const source = producer.get(input);
      if (source) depth = Math.max(depth, column.get(source.id) + 1);
    }
    column.set(gate.id, depth);
  }
  return { column, producer };
}

/** Source wires (inputs and constants) that some gate reads, in order of first use. */
function sourceWires(trace, producer) {
  const seen = new Set();
  const order = [];
  for (const gate of trace.gates) {
    for (const input of gate.inputs) {
      if (!producer.has(input) && !seen.has(input)) { seen.add(input); order.push(input); }
    }
  }
  if (!trace.gates.length) order.push(trace.output_wire);
  return order;
}

/** Order nodes in each column by the mean row of what feeds them (fewer crossings). */
function orderColumns(columns, feeders, partners) {
  const row = new Map();
  columns.forEach((ids) => ids.forEach((id, i) => row.set(id, i)));
  const mean = (ids, shift) => {
    const rows = ids.map((f) => row.get(f)).filter((r) => r !== undefined);
    return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length + shift : 0;
  };
  for (let c = 1; c < columns.length; c += 1) {
    // Gates follow what feeds them; a late source goes just below its gate's other inputs.
    const key = (id) => (feeders.has(id) ? mean(feeders.get(id), 0) : mean(partners.get(id) || [], 0.5));
    columns[c].sort((a, b) => key(a) - key(b));
    columns[c].forEach((id, i) => row.set(id, i));
  }
}

/**
 * Layout of a trace: {nodes: Map(id → {x, y, kind}), edges: [{id, wire, from, to, label}],
 * output: {wire, from, x1, y, x2}, width, height}. Node ids: gates g…, sources w…; `kind` is "source" or "gate".
 */
export function layoutCircuit(trace) {
  const G = GEOMETRY;
  const { column, producer } = gateColumns(trace);
  const sources = sourceWires(trace, producer);
  const depth = Math.max(0, ...column.values());
  const columns = Array.from({ length: depth + 1 }, () => []);
  const nodeOf = (wire) => (producer.has(wire) ? producer.get(wire).id : wire);
  const consumer = new Map();
  [...trace.gates].reverse().forEach((g) => g.inputs.forEach((w) => consumer.set(w, g)));
  // A source sits just left of the first gate that reads it (as `c` in seed 004's neuron),
  // so a late input does not cross the whole circuit.
  for (const wire of sources) {
    const first = consumer.get(wire);
    columns[first ? column.get(first.id) - 1 : 0].push(wire);
  }
  trace.gates.forEach((g) => columns[column.get(g.id)].push(g.id));
  const feeders = new Map(trace.gates.map((g) => [g.id, g.inputs.map(nodeOf)]));
  const partners = new Map(sources.map((w) => [w, consumer.has(w)
    ? consumer.get(w).inputs.map(nodeOf).filter((n) => n !== w) : []]));
  orderColumns(columns, feeders, partners);
  const tallest = Math.max(...columns.map((c) => c.length));
  const nodes = new Map();
  columns.forEach((ids, c) => {
    const offset = ((tallest - ids.length) * G.rowGap) / 2;
    ids.forEach((id, r) => nodes.set(id, {
      x: G.left + c * G.columnGap, y: G.top + offset + r * G.rowGap, kind: feeders.has(id) ? "gate" : "source",
    }));
  });
  const edges = [];
  const labelled = new Set();
  for (const gate of trace.gates) {
    gate.inputs.forEach((wire, slot) => {
      const label = !labelled.has(wire);
      labelled.add(wire);
      edges.push({ id: `${nodeOf(wire)}-${gate.id}-${slot}`, wire, from: nodeOf(wire), to: gate.id, slot,
        slots: gate.inputs.length, label });
    });
  }
  const last = nodes.get(nodeOf(trace.output_wire));
  const output = { wire: trace.output_wire, from: nodeOf(trace.output_wire), x1: last.x, y: last.y,
    x2: last.x + G.outputLength };
  return { nodes, edges, output, width: output.x2 + 90, height: G.top * 2 + (tallest - 1) * G.rowGap + 30 };
}
