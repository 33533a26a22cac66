"""A picture's C2PA manifest in, a summary an editor can read out: who signed it, whether the
file is still what they signed, what they say was done to it.

Pure: no database. The summary is stored on the photo (`Credentials.as_json`) so pages and the
admin never open the file again.
"""

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import c2pa

TRUSTED, UNTRUSTED, INVALID = "trusted", "untrusted", "invalid"
# IPTC digital source types (the last part of the code's URL) that mean generative AI made the
# picture, wholly or in part.
GENERATIVE_AI = {"trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia"}
CAPTURED = {"digitalCapture", "negativeFilm", "positiveFilm", "print"}
# What editors read for each action the manifest records; unknown actions keep their own name.
ACTION_WORDS = {
    "c2pa.created": "created",
    "c2pa.opened": "opened",
    "c2pa.cropped": "cropped",
    "c2pa.resized": "resized",
    "c2pa.edited": "edited",
    "c2pa.color_adjustments": "colour adjusted",
    "c2pa.filtered": "filtered",
    "c2pa.orientation": "rotated",
    "c2pa.placed": "composited",
    "c2pa.transcoded": "re-encoded",
    "c2pa.converted": "re-encoded",
    "c2pa.published": "published",
    "c2pa.redacted": "redacted",
}
# Failure codes that mean the bytes are no longer the ones signed.
_CHANGED = ("dataHash.mismatch", "hashedURI.mismatch", "boxesHash.mismatch", "bmffHash.mismatch")


@dataclass(frozen=True)
class Credentials:
    """What a picture's active manifest says, and whether to believe it."""

    state: str  # TRUSTED, UNTRUSTED (intact, but no CA we trust issued it) or INVALID
    signer: str = ""  # the signing certificate's organisation
    signed_at: str = ""  # ISO 8601, from a time-stamp; often absent
    captured_at: str = ""  # ISO 8601, from the first action's "when"
    creator: str = ""
    credit: str = ""
    copyright_notice: str = ""
    actions: tuple[str, ...] = ()  # c2pa action labels, in order
    source_types: tuple[str, ...] = ()  # digitalSourceType codes across the whole chain
    ingredients: tuple[str, ...] = ()  # titles of what it was made from
    ingredient_signers: tuple[str, ...] = ()  # who signed those, where they carry a manifest
    failures: tuple[str, ...] = ()  # validation codes that failed
    generator: str = field(default="")  # the software that wrote the manifest

    def as_json(self):
        return asdict(self)

    @classmethod
    def from_json(cls, data):
        """The stored summary; None for a photo without one."""
        if not data:
            return None
        known = {name: value for name, value in data.items() if name in cls.__dataclass_fields__}
        for name in ("actions", "source_types", "ingredients", "ingredient_signers", "failures"):
            known[name] = tuple(known.get(name, ()))
        return cls(**known)

    @property
    def is_trusted(self):
        return self.state == TRUSTED

    @property
    def is_changed_after_signing(self):
        return any(code.endswith(_CHANGED) for code in self.failures)

    @property
    def is_ai_generated(self):
        return any(code.rsplit("/", 1)[-1] in GENERATIVE_AI for code in self.source_types)

    @property
    def is_captured(self):
        return any(code.rsplit("/", 1)[-1] in CAPTURED for code in self.source_types)

    def warnings(self):
        """What an editor must know before trusting the picture, most serious first."""
        found = []
        if self.is_changed_after_signing:
            found.append("The file was changed after it was signed: its credentials are void.")
        elif self.state == INVALID:
            found.append("The Content Credentials are invalid: the signature does not verify.")
        elif self.state == UNTRUSTED:
            found.append(
                f"Signed by {self.signer or 'an unknown signer'}, whose certificate no "
                "authority we trust issued: the credit it claims is unconfirmed."
            )
        if self.is_ai_generated:
            found.append("The credentials declare the picture AI-generated, wholly or in part.")
        return found

    def summary(self):
        """One line: "Signed by Reuters, captured 2025-11-04 06:12 UTC, cropped"."""
        parts = [f"Signed by {self.signer or 'an unnamed signer'}"]
        if self.signed_at:
            parts.append(f"signed {_utc(self.signed_at)}")
        if self.captured_at:
            parts.append(
                f"{'captured' if self.is_captured else 'created'} {_utc(self.captured_at)}"
            )
        parts.extend(self.edits())
        return ", ".join(parts)

    def edits(self):
        """The recorded actions beyond creating or opening the file, in words, once each."""
        words = []
        for action in self.actions:
            word = ACTION_WORDS.get(action, action.removeprefix("c2pa."))
            if word not in ("created", "opened") and word not in words:
                words.append(word)
        return words


def _utc(moment):
    try:
        parsed = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    except ValueError:
        return moment
    if parsed.utcoffset() is not None:
        parsed = parsed.astimezone(UTC)
    return f"{parsed:%Y-%m-%d %H:%M} UTC"


def reader_settings(trust_anchors=""):
    """The library's settings: verify against our trust anchors, and never go on the network."""
    settings = {
        "verify": {
            "verify_trust": True,
            "ocsp_fetch": False,
            "remote_manifest_fetch": False,
        }
    }
    if trust_anchors:
        settings["trust"] = {"trust_anchors": trust_anchors}
    return settings


def read_credentials(file, mime_type, *, trust_anchors="") -> Credentials | None:
    """The manifest of a binary file-like object, or None when it carries none.

    `trust_anchors` is PEM text of the certificate authorities whose signers we trust. A
    manifest the library cannot even parse is reported INVALID, never raised: the picture may
    still be used, with a warning.
    """
    file.seek(0)
    try:
        with c2pa.Context.from_dict(reader_settings(trust_anchors)) as context:
            reader = c2pa.Reader.try_create(mime_type, file, None, context)
            if reader is None:
                return None
            with reader:
                store = json.loads(reader.json())
    except c2pa.C2paError as error:
        return Credentials(state=INVALID, failures=(f"unreadable: {error}"[:200],))
    finally:
        file.seek(0)
    return summarise(store)


def summarise(store) -> Credentials:
    """A manifest store, as the library's Reader.json() gives it, in summary."""
    manifests = store.get("manifests") or {}
    active = manifests.get(store.get("active_manifest")) or {}
    results = (store.get("validation_results") or {}).get("activeManifest") or {}
    failures = tuple(item.get("code", "") for item in results.get("failure") or ())
    state = store.get("validation_state", "")
    if state == "Trusted":
        verdict = TRUSTED
    elif state == "Valid" and all(code.startswith("signingCredential.") for code in failures):
        verdict = UNTRUSTED
    else:
        verdict = INVALID
    actions = [action for action in _actions(active) if isinstance(action, dict)]
    work = _creative_work(active)
    generator = next(iter(active.get("claim_generator_info") or ()), {})
    return Credentials(
        state=verdict,
        signer=_signer(active),
        signed_at=str((active.get("signature_info") or {}).get("time") or ""),
        captured_at=str(next((a["when"] for a in actions if a.get("when")), "")),
        creator=_names(work.get("author")),
        credit=str(work.get("creditText") or ""),
        copyright_notice=str(work.get("copyrightNotice") or ""),
        actions=tuple(str(action.get("action", "")) for action in actions),
        source_types=tuple(
            sorted(
                {
                    str(action["digitalSourceType"])
                    for manifest in manifests.values()
                    for action in _actions(manifest)
                    if isinstance(action, dict) and action.get("digitalSourceType")
                }
            )
        ),
        ingredients=tuple(
            str(ingredient.get("title") or "untitled")
            for ingredient in active.get("ingredients") or ()
        ),
        ingredient_signers=tuple(
            _signer(manifests.get(ingredient.get("active_manifest")) or {})
            for ingredient in active.get("ingredients") or ()
            if ingredient.get("active_manifest") in manifests
        ),
        failures=failures,
        generator=str(generator.get("name", "")) if isinstance(generator, dict) else "",
    )


def _signer(manifest):
    signature = manifest.get("signature_info") or {}
    return str(signature.get("issuer") or signature.get("common_name") or "")


def _actions(manifest):
    for assertion in manifest.get("assertions") or ():
        if str(assertion.get("label", "")).startswith("c2pa.actions"):
            yield from (assertion.get("data") or {}).get("actions") or ()


def _creative_work(manifest):
    for assertion in manifest.get("assertions") or ():
        if assertion.get("label") in ("stds.schema-org.CreativeWork", "schema.org.CreativeWork"):
            data = assertion.get("data")
            if isinstance(data, dict):
                return data
    return {}


def _names(people):
    if isinstance(people, dict):
        people = [people]
    if not isinstance(people, list):
        return ""
    names = [str(p.get("name")) for p in people if isinstance(p, dict) and p.get("name")]
    return ", ".join(names)
