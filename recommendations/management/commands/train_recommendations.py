from django.core.management.base import BaseCommand

from recommendations.services import recommendations_train


class Command(BaseCommand):
    help = "Train the served recommender now and store neighbours and readers' lists."

    def handle(self, *args, **options):
        run = recommendations_train(echo=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"run #{run.pk}: {run.metrics}"))
