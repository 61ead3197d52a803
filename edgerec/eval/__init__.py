"""Evaluation: ranking metrics as free functions, and dataset evaluations built on them."""
