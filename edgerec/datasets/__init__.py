"""Dataset loaders and generators: EdgeWisePersona format, MovieLens."""
