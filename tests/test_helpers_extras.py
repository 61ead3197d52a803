"""The install line a test shows when an optional runtime is missing."""

from helpers import missing_extra


def test_missing_module_names_its_extra(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "llama_cpp" else real(name, *a))
    assert missing_extra("numpy", "llama_cpp") == "needs llama_cpp: pip install 'edgerec[llm]'"


def test_present_modules_need_nothing():
    assert missing_extra("numpy") is None
