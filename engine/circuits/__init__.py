"""Scalar circuits of gates (micrograd's engine.py): every wire a value and a gradient.

`gates.py` (each gate's forward and local derivatives), `circuit.py` (wires, forward,
backward with +=), `expression.py` (the safe parser), `trace.py` (traces, numerical checks,
presets), `neuron.py` (one neuron of a network as its circuit).
"""
