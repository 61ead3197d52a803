"""The ``edgerec`` command line: a thin skin over the library (see ``main.py``)."""
