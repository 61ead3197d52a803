"""Privacy: local-DP reports a device can send, the fleet that aggregates them, and (elsewhere in
this package) the ledger, the user-level DP catalog and DP-SGD.

Heavy libraries are imported by one module each, at first use (OpenDP's local randomizer by
:mod:`edgerec.privacy.ldp`).
"""
