"""A rendition's bytes in, the same picture out carrying our signed C2PA manifest.

Pure: no database, no settings. The manifest names the original upload as its parent
ingredient, with the original's own manifest inside it, so a reader can follow the chain back
to the agency or camera that signed it; then what we did (opened the original, cropped,
resized, re-encoded) and the credit and copyright the rendition carries.
"""

import hashlib
import io
from dataclasses import dataclass
from functools import cached_property

import c2pa

from articles.credentials.reading import reader_settings
from articles.photometa import PhotoMetadata

GENERATOR = "Newsroom"
ORIGINAL = "original"


class SigningError(ValueError):
    """The key or certificate cannot sign: a configuration problem, said plainly."""


@dataclass(frozen=True)
class SigningKey:
    """The newsroom's private key and certificate chain (signing certificate first), PEM."""

    key_pem: bytes
    certificate_pem: bytes

    @cached_property
    def fingerprint(self):
        """Changes with the certificate: part of every signed rendition's name."""
        return hashlib.sha256(self.certificate_pem).hexdigest()[:16]

    @cached_property
    def organisation(self):
        """Who readers are told signed our renditions: the certificate's organisation."""
        from cryptography import x509
        from cryptography.x509.oid import NameOID

        certificate = x509.load_pem_x509_certificate(self.certificate_pem)
        names = certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
        return str(names[0].value) if names else certificate.subject.rfc4514_string()

    def signer(self):
        info = c2pa.C2paSignerInfo(b"es256", self.certificate_pem, self.key_pem, None)
        try:
            return c2pa.Signer.from_info(info)
        except c2pa.C2paError as error:
            raise SigningError(f"The Content Credentials key cannot sign: {error}") from error


@dataclass(frozen=True)
class Original:
    """The upload a rendition is drawn from, as the ingredient every manifest names."""

    content: bytes
    mime_type: str
    title: str


def builder_settings(trust_anchors=""):
    """The original's manifest is verified as it is taken in, against the same trust anchors
    as uploads, and the result kept with it. Our own claim thumbnail would be one more copy of
    a picture that is already a small copy."""
    return reader_settings(trust_anchors) | {"builder": {"thumbnail": {"enabled": False}}}


def sign(
    content,
    mime_type,
    *,
    key: SigningKey,
    original: Original,
    metadata,
    cropped,
    trust_anchors="",
):
    """`content` (a rendition of `original`) with our manifest embedded and signed."""
    builder_manifest = manifest(metadata, title=original.title)
    signed = io.BytesIO()
    try:
        with (
            c2pa.Context.from_dict(builder_settings(trust_anchors)) as context,
            c2pa.Builder(builder_manifest, context=context) as builder,
            key.signer() as signer,
        ):
            builder.add_ingredient(
                {"title": original.title, "relationship": "parentOf", "label": ORIGINAL},
                original.mime_type,
                io.BytesIO(original.content),
            )
            for action in actions(cropped=cropped):
                builder.add_action(action)
            builder.sign(signer, mime_type, io.BytesIO(content), signed)
    except c2pa.C2paError as error:
        raise SigningError(f"The rendition could not be signed: {error}") from error
    return signed.getvalue()


def actions(*, cropped):
    """What we did to the original, in order; a derived picture's first action is "opened"."""
    done = [{"action": "c2pa.opened", "parameters": {"ingredientIds": [ORIGINAL]}}]
    if cropped:
        done.append({"action": "c2pa.cropped"})
    done.append({"action": "c2pa.resized"})
    done.append({"action": "c2pa.transcoded", "parameters": {"description": "re-encoded"}})
    return done


def manifest(metadata: PhotoMetadata, *, title):
    work = {"@context": "https://schema.org", "@type": "CreativeWork"}
    if metadata.creator:
        work["author"] = [{"@type": "Person", "name": metadata.creator}]
    if metadata.credit:
        work["creditText"] = metadata.credit
    if metadata.copyright_notice:
        work["copyrightNotice"] = metadata.copyright_notice
    if metadata.licence_url:
        work["license"] = metadata.licence_url
    return {
        "claim_generator_info": [{"name": GENERATOR, "version": "1"}],
        "title": title,
        "assertions": [{"label": "stds.schema-org.CreativeWork", "data": work}],
    }
