"""The kit's command groups (``edgerec eval``, ``edgerec bench``, ``edgerec datasets``), each a Typer app."""
