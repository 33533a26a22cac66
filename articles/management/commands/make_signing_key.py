"""A development certificate authority and signing key for Content Credentials, made once.

`make run` calls it and points NEWSROOM_C2PA_KEY, NEWSROOM_C2PA_CERT and
NEWSROOM_C2PA_TRUST_ANCHORS at what it wrote. Never for production: there the certificate comes
from an authority on the C2PA trust list.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from articles.credentials.authority import issue_signing_certificate, make_authority

FILES = ("authority.pem", "signing-key.pem", "signing-cert.pem")


class Command(BaseCommand):
    help = "Write a development C2PA certificate authority and signing key, unless there."
    # The checks would refuse the very files this is about to write.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("folder", nargs="?", default="var/c2pa")

    def handle(self, *, folder, **options):
        folder = Path(folder)
        paths = [folder / name for name in FILES]
        if all(path.exists() for path in paths):
            self.stdout.write(f"Content Credentials key already in {folder}/.")
            return
        folder.mkdir(parents=True, exist_ok=True)
        organisation = f"{settings.NEWSROOM_SITE_NAME} (development)"
        authority = make_authority(organisation)
        signing = issue_signing_certificate(authority, organisation)
        authority_path, key_path, certificate_path = paths
        authority_path.write_bytes(authority.certificate_pem)
        certificate_path.write_bytes(signing.certificate_pem)
        key_path.touch(mode=0o600)
        key_path.write_bytes(signing.key_pem)
        self.stdout.write(f"Wrote a development Content Credentials key to {folder}/.")
