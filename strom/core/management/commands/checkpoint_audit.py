from django.core.management.base import BaseCommand, CommandError

from strom.core.checkpoints import CheckpointRefused, write_checkpoint


class Command(BaseCommand):
    help = (
        "Sign the audit chain's head (sequence number and hash) with STROM_AUDIT_CHECKPOINT_KEY; "
        "nothing is written when the head has not moved. The worker runs this every 15 minutes."
    )

    def handle(self, *args, **options):
        try:
            checkpoint, written = write_checkpoint()
        except CheckpointRefused as exc:
            raise CommandError(f"No checkpoint written: {exc}.") from exc
        if checkpoint is None:
            self.stdout.write("The audit trail is empty: nothing to sign yet.")
        elif written:
            self.stdout.write(
                self.style.SUCCESS(f"Checkpoint written: event {checkpoint.seq}, hash {checkpoint.hash}.")
            )
        else:
            self.stdout.write(f"Nothing new since the checkpoint at event {checkpoint.seq}.")
