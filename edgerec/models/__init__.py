"""On-device model runtimes, each imported lazily in its own module.

``embed`` (onnxruntime sentence embeddings) and ``embed_export`` (its one-time
torch export); see docs/embedder.md.
"""
