"""Evaluations: EdgeWisePersona routine scoring and baselines, and the dataset evaluations (ranking metrics are in edgerec.rank.metrics)."""
