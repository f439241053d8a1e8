"""The only ways in for changes to a claim. `claim_transition` is the public entry point for steps."""

from .clock import claim_extend_term, claim_record_default_notice
from .filing import claim_create_draft
from .lifecycle import TRANSITION_SERVICES, claim_transition

__all__ = [
    "TRANSITION_SERVICES",
    "claim_create_draft",
    "claim_extend_term",
    "claim_record_default_notice",
    "claim_transition",
]
