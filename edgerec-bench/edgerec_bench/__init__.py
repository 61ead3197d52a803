"""edgerec's benchmark kit: dataset loaders and generators, evaluations, benchmarks and their CLI groups.

The SDK (``edgerec``) never imports this package; its ``eval``, ``bench`` and ``datasets``
commands reach the ``edgerec`` CLI through the ``edgerec.commands`` entry points.
"""
