from django.core.management.base import BaseCommand, CommandError

from demo.services import DemoAdminRefused, demo_admin_ensure


class Command(BaseCommand):
    help = "Create (or reset) the demo superuser `admin` with a random password. DEBUG/embedded only."

    def handle(self, *args, **options):
        try:
            password = demo_admin_ensure()
        except DemoAdminRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Admin: http://127.0.0.1:8000/admin/ usuário admin senha {password}")
