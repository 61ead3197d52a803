"""edgerec itself opens no connection: no module of the SDK imports a network library.

The threat model's "nothing leaves the machine" rests on this (privacy/THREAT_MODEL.md). It checks
edgerec's own code, not the runtimes it loads (llama.cpp, onnxruntime), which are run offline on local files.
"""

import ast

from helpers import REPO

NETWORK = {"socket", "ssl", "http", "urllib", "urllib3", "requests", "httpx", "aiohttp", "ftplib", "smtplib",
           "websocket", "websockets", "grpc", "huggingface_hub", "xmlrpc"}


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0]


def test_no_sdk_module_imports_a_network_library():
    files = sorted((REPO / "edgerec").rglob("*.py"))
    assert len(files) > 40
    found = {(str(p.relative_to(REPO)), name) for p in files for name in _imports(p) if name in NETWORK}
    assert found == set()


def test_the_check_sees_imports(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("import socket\nfrom urllib.request import urlopen\nfrom . import http\n")
    assert list(_imports(sample)) == ["socket", "urllib"]
