"""The staff side listens to the dossier: claims never import casework, so casework hooks in here."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from claims.models import ClaimTransition


@receiver(post_save, sender=ClaimTransition, dispatch_uid="casework-assign-on-submit")
def assign_after_submit(sender, instance: ClaimTransition, created: bool, raw: bool = False, **kwargs) -> None:
    """A claim was submitted: once that commits, the worker gives it a case guide."""
    if raw or not created or instance.name != "submit":
        return
    from .tasks import enqueue_assignment

    claim_id = instance.claim_id
    transaction.on_commit(lambda: enqueue_assignment(claim_id))


@receiver(post_save, sender=ClaimTransition, dispatch_uid="casework-objection-record")
def record_objection(sender, instance: ClaimTransition, created: bool, raw: bool = False, **kwargs) -> None:
    """An objection was filed (portal or paper): it is recorded in the same transaction, as part of the step.
    A decision on it taken outside the objection pages (the admin) still closes the open objection."""
    if raw or not created or instance.name not in ("file_objection", "decide_objection"):
        return
    from .services.objections import objection_close, objection_record

    if instance.name == "file_objection":
        objection_record(transition=instance)
    else:
        objection_close(transition=instance)
