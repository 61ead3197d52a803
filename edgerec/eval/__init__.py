"""Evaluation: metrics as free functions (ranking, EdgeWisePersona routine scoring) and dataset evaluations built on them."""
