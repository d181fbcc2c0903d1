"""The layered network, batched (micrograd's nn.py in NumPy).

Where each number is computed: `passes.py` holds the forward, backward (∂L/∂w) and update
math; `network.py` runs it phase by phase and records `trace.py`'s records; `fastloop.py`
runs the same math many times without traces. The vocabulary (activations, losses,
optimizers, initializers) is a lookup table each; `spec.py` names and bounds them.
"""
