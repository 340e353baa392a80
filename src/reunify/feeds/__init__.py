"""Hospital feeds into the store: HL7 v2 messages kept in a durable inbox and applied.

``Receiver(database).receive_batch(raws)`` stores, applies and answers messages (one commit);
``Receiver.handle`` is the handler for ``MllpServer``; ``replay`` feeds files through the same
path. See ``inbox`` for what is stored and how each ACK is chosen.
"""

from reunify.feeds.apply import apply_event
from reunify.feeds.facilities import FacilityMap, set_alias
from reunify.feeds.inbox import STATES, Context, Receipt, receive, receive_many
from reunify.feeds.people import NeedsReview, NoIncident, link_candidates
from reunify.feeds.receiver import Receiver
from reunify.feeds.run import Applied

__all__ = [
    "STATES",
    "Applied",
    "Context",
    "FacilityMap",
    "NeedsReview",
    "NoIncident",
    "Receipt",
    "Receiver",
    "apply_event",
    "link_candidates",
    "receive",
    "receive_many",
    "set_alias",
]
