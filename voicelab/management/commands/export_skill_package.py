"""Write a store's Alexa skill package (ASK CLI v2 layout) from its settings and catalog.

python manage.py export_skill_package --store no-nicks build/no-nicks
cd build/no-nicks && ask deploy --target skill-metadata

With an Alexa account-linking client (``alexa_link_client``) the project also holds
account-linking.json: paste the client secret into it, then
ask smapi update-account-linking-info -s <skill id> \
    --account-linking-request file:account-linking.json
"""

from django.core.management.base import BaseCommand, CommandError

from merchant.models import Store
from voicelab.launch.services import skill_package_export_record
from voicelab.package import PackageInvalid, build_skill_package, write_skill_package


class Command(BaseCommand):
    help = "Export a store's skill.json and interaction models as an ASK CLI v2 skill package."

    def add_arguments(self, parser):
        parser.add_argument("--store", required=True, help="The store's slug.")
        parser.add_argument("out_dir", help="Directory of the ASK CLI project to write.")

    def handle(self, *args, store, out_dir, **options):
        try:
            shop = Store.objects.get(slug=store)
        except Store.DoesNotExist:
            raise CommandError(f'No store with the slug "{store}".') from None
        try:
            package = build_skill_package(store=shop)
        except PackageInvalid as invalid:
            for error in invalid.errors:
                self.stderr.write(self.style.ERROR(error))
            raise CommandError(
                f"The skill package of {shop.name} was not written: "
                f"{len(invalid.errors)} problem(s) above."
            ) from None
        for path in write_skill_package(package, out_dir):
            self.stdout.write(f"wrote {path}")
        # The launch checklist compares the catalog revision exported with the current one.
        skill_package_export_record(store=shop, source="command")
        for warning in package.warnings:
            self.stdout.write(self.style.WARNING(f"note: {warning}"))
        if package.account_linking is not None:
            self.stdout.write(
                self.style.WARNING(
                    "note: account-linking.json carries a placeholder for the client secret: "
                    "paste the secret shown when it was made (or rotate it with "
                    f"`python manage.py alexa_link_client --store {shop.slug}`), then run "
                    "`ask smapi update-account-linking-info -s <skill id> "
                    "--account-linking-request file:account-linking.json`."
                )
            )
