"""Routines and profile from a user's own events: extraction, mining, NL profile.

The stateful entry point is :class:`ProfileBuilder`; the pure steps are
:func:`extract_actions` (one dialogue), :func:`mine_routines` (one user's
sessions) and :func:`reconstruct_routines` (both, for EdgeWisePersona sessions).
"""

from edgerec.profile.builder import ProfileBuilder
from edgerec.profile.extract import extract_actions
from edgerec.profile.mining import MiningConfig, MiningSession, mine_routines
from edgerec.profile.reconstruct import reconstruct_routines

__all__ = ["ProfileBuilder", "extract_actions", "MiningConfig", "MiningSession", "mine_routines",
           "reconstruct_routines"]
