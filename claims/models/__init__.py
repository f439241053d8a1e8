from .account import AccessCode
from .calendar import ReferenceCounter, StatutoryHoliday
from .claim import Channel, Claim, Outcome
from .damage import DamageItem, DamageKind, Verdict
from .document import Document, DocumentKind, ImmutableRecordError
from .history import ClaimTransition, ClockEvent, ClockEventKind
from .letter import Letter, LetterKind
from .message import Message
from .outbox import OutgoingEmail
from .parties import Mandate, Person, PreferredChannel
from .property import MINING_MUNICIPALITIES, Property
from .staff import Recusal, Team

__all__ = [
    "MINING_MUNICIPALITIES",
    "AccessCode",
    "Channel",
    "Claim",
    "ClaimTransition",
    "ClockEvent",
    "ClockEventKind",
    "DamageItem",
    "DamageKind",
    "Document",
    "DocumentKind",
    "ImmutableRecordError",
    "Letter",
    "LetterKind",
    "Mandate",
    "Message",
    "Outcome",
    "OutgoingEmail",
    "Person",
    "PreferredChannel",
    "Property",
    "Recusal",
    "ReferenceCounter",
    "StatutoryHoliday",
    "Team",
    "Verdict",
]
