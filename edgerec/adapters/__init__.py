"""Outside formats in and out of edgerec.

:mod:`edgerec.adapters.home_assistant` reads Home Assistant ``state_changed``
events into the store, derives a device schema from the entities, mines
routines from people's device changes and writes them as Home Assistant
automation YAML for review (never applied).
"""
