from django.apps import AppConfig


class CrosscenterConfig(AppConfig):
    name = "crosscenter"
    verbose_name = "跨省通办"

    def ready(self):
        # The message handlers register themselves by kind (messaging.HANDLERS).
        from deposits.selectors import LEDGER_CHECKS
        from withdrawals.services import JOINT_FOLLOWERS

        from . import checks, joint, transfer  # noqa: F401  (checks registers gjj.E002)
        from .selectors import transfer_mismatches

        if joint.joint_application_moved not in JOINT_FOLLOWERS:
            JOINT_FOLLOWERS.append(joint.joint_application_moved)
        if transfer_mismatches not in LEDGER_CHECKS:
            LEDGER_CHECKS.append(transfer_mismatches)
