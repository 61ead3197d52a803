"""The encrypted event store: :class:`EventStore`, :class:`Event`, :class:`ForgetReceipt`."""

from edgerec.store.event import Event
from edgerec.store.events import EventStore
from edgerec.store.forgetting import ForgetReceipt

__all__ = ["EventStore", "Event", "ForgetReceipt"]
