"""Dataset loaders. They take a path and never ship or download data."""
