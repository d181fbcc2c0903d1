"""The backprop-viz web service: JSON API over the engine, plus the page that draws it."""

__version__ = "0.1.0"
