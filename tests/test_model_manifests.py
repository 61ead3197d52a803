"""The model manifests in models/ (for people) and in the package (for a wheel install) agree."""

import json

from helpers import REPO


def test_packaged_manifests_equal_the_checked_in_ones():
    packaged = sorted((REPO / "edgerec" / "models" / "manifests").glob("*.json"))
    assert packaged, "no packaged manifests"
    for path in packaged:
        source = REPO / "models" / path.name
        assert source.exists(), f"models/{path.name} is missing"
        assert json.loads(path.read_text()) == json.loads(source.read_text()), f"{path.name} differs from models/"
    for source in (REPO / "models").glob("*.json"):
        assert (REPO / "edgerec" / "models" / "manifests" / source.name).exists(), f"{source.name} is not packaged"
