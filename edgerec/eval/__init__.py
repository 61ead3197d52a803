"""Evaluation metrics as free functions (EdgeWisePersona routine scoring, ranking metrics)."""
