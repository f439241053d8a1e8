from .access_log import AccessLog
from .account import AccessCode
from .calendar import ReferenceCounter, StatutoryHoliday
from .claim import Channel, Claim, Outcome
from .damage import DamageItem, DamageKind, Verdict
from .document import Document, DocumentKind, ImmutableRecordError
from .history import ClaimTransition, ClockEvent, ClockEventKind
from .inspection import Inspection
from .letter import Letter, LetterKind
from .message import Message
from .outbox import OutgoingEmail
from .parties import Mandate, Person, PreferredChannel
from .payment import Payment, PaymentBatch
from .property import MINING_MUNICIPALITIES, Property
from .retention import AnonymisationCategory, AnonymisationRecord, RetentionRun
from .staff import Absence, Recusal, StaffProfile, Team

__all__ = [
    "MINING_MUNICIPALITIES",
    "Absence",
    "AccessCode",
    "AccessLog",
    "AnonymisationCategory",
    "AnonymisationRecord",
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
    "Inspection",
    "Letter",
    "LetterKind",
    "Mandate",
    "Message",
    "Outcome",
    "OutgoingEmail",
    "Payment",
    "PaymentBatch",
    "Person",
    "PreferredChannel",
    "Property",
    "Recusal",
    "ReferenceCounter",
    "RetentionRun",
    "StaffProfile",
    "StatutoryHoliday",
    "Team",
    "Verdict",
]
