"""Attacks behind `edgerec audit` and the notebooks in privacy/."""
