"""The encrypted event store: :class:`EventStore`, :class:`Event`, :class:`ForgetReceipt`."""

from edgerec.store.event import Event
from edgerec.store.events import EventStore, ForgetReceipt

__all__ = ["EventStore", "Event", "ForgetReceipt"]
