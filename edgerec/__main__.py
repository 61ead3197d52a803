"""``python -m edgerec`` runs the CLI."""
from edgerec.cli.main import main

if __name__ == "__main__":  # pragma: no cover
    main()
