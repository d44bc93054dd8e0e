"""Is a worker alive on this machine? For a container's or systemd's health check:

python manage.py worker_health     # exit 0 and the workers, or exit 1
"""

from django.core.management.base import BaseCommand, CommandError

from remiss import worker


class Command(BaseCommand):
    help = "Avslutar med 0 om en arbetsprocess på den här datorn har hörts av nyligen, annars 1."

    def handle(self, *args, **options) -> None:
        alive = worker.healthy_here()
        if not alive:
            raise CommandError("Ingen arbetsprocess på den här datorn har hörts av nyligen.")
        for heartbeat in alive:
            self.stdout.write(f"{heartbeat}: senast hörd {heartbeat.seen_at:%H:%M:%S}")
