"""Dataset loaders and generators (EdgeWisePersona format, MovieLens). They take a path and never ship or download data."""
