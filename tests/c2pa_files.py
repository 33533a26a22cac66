"""Pictures signed with C2PA Content Credentials, made in the tests: no network, no fixtures on
disk. Each authority is a CA of our own making (articles.credentials.authority)."""

import io

import c2pa

from articles.credentials.authority import issue_signing_certificate, make_authority

CAPTURE = "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"
GENERATIVE = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
COMPOSITE_AI = "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia"


class Agency:
    """An organisation with its own certificate authority and a signing certificate from it."""

    def __init__(self, name):
        self.name = name
        self.authority = make_authority(name)
        self.signing = issue_signing_certificate(self.authority, name)

    def sign(
        self,
        picture,
        *,
        source_type=CAPTURE,
        edits=("c2pa.cropped",),
        creator="Jane Doe",
        credit="",
        copyright_notice="",
        when="2025-11-04T06:12:00Z",
        mime_type="image/jpeg",
    ):
        """The picture with a manifest: created (or captured) at `when`, then `edits`."""
        work = {"@context": "https://schema.org", "@type": "CreativeWork"}
        if creator:
            work["author"] = [{"@type": "Person", "name": creator}]
        if credit:
            work["creditText"] = credit
        if copyright_notice:
            work["copyrightNotice"] = copyright_notice
        actions = [{"action": "c2pa.created", "digitalSourceType": source_type, "when": when}]
        actions += [{"action": action} for action in edits]
        manifest = {
            "claim_generator_info": [{"name": f"{self.name} camera", "version": "1"}],
            "title": "picture.jpg",
            "assertions": [
                {"label": "c2pa.actions", "data": {"actions": actions}},
                {"label": "stds.schema-org.CreativeWork", "data": work},
            ],
        }
        info = c2pa.C2paSignerInfo(
            b"es256", self.signing.certificate_pem, self.signing.key_pem, None
        )
        signed = io.BytesIO()
        with c2pa.Signer.from_info(info) as signer, c2pa.Builder(manifest) as builder:
            builder.sign(signer, mime_type, io.BytesIO(picture), signed)
        return signed.getvalue()


def tampered(signed):
    """The signed file with one byte of its picture changed, as an edit after signing would."""
    changed = bytearray(signed)
    changed[-100] ^= 0x55
    return bytes(changed)
