"""Issued documents as files: HTML rendered to PDF/A-2b, signed PAdES-B-T, and checked.

Rendering uses WeasyPrint (fonts from Debian's fonts-nanum, embedded); signing uses pyHanko
with the platform's document-signing key (`Keystore.document_signing_key`) and a time-stamp
from the platform's local time-stamping authority (`nara.exchange.timestamps.LocalAuthority`,
or an external one by setting); checking uses pyHanko's validator with the platform CA as the
only trust root. pyHanko's API is asynchronous: `async_sign` and `async_check` are for async
callers, `sign` and `check` for the others (they run the coroutine on a loop of their own,
in a thread of their own when the caller is already inside an event loop).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import os
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from asn1crypto import keys as asn1_keys  # type: ignore[import-untyped]
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

if TYPE_CHECKING:
    from nara.exchange.timestamps.authority import TimeStampAuthority

T = TypeVar("T")

SIGNATURE_FIELD = "NaraIssuance"
PDFA_VARIANT = "pdf/a-2b"


def _font_configuration() -> Any:
    """This thread's WeasyPrint font configuration, made once (per process and thread) and
    reused by every rendering: fontconfig and Pango are set up once, not per document."""
    key = (os.getpid(), threading.get_ident())
    configuration = _FONT_CONFIGURATIONS.get(key)
    if configuration is None:
        from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]

        configuration = _FONT_CONFIGURATIONS[key] = FontConfiguration()
    return configuration


_FONT_CONFIGURATIONS: dict[tuple[int, int], Any] = {}


def render_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """`html` as a PDF/A-2b file, fonts embedded."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    document: bytes = HTML(string=html, base_url=base_url).write_pdf(
        pdf_variant=PDFA_VARIANT, custom_metadata=True, font_config=_font_configuration()
    )
    return document


def run_sync(make: Callable[[], Awaitable[T]]) -> T:
    """Run the coroutine `make()` to completion from synchronous code."""

    async def run() -> T:
        return await make()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(run())
    result: list[T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(run()))
        except BaseException as error:  # noqa: BLE001  (re-raised in the caller's thread)
            errors.append(error)

    thread = threading.Thread(target=target, name="nara-documents-pdf")
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]


def _asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _asn1_key(key: ec.EllipticCurvePrivateKey) -> asn1_keys.PrivateKeyInfo:
    return asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def _time_stamper(authority: TimeStampAuthority) -> Any:
    """A pyHanko `TimeStamper` asking `authority` (local: answered in process)."""
    from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper

    from nara.exchange.timestamps.authority import HTTPAuthority, LocalAuthority

    if isinstance(authority, HTTPAuthority):
        return HTTPTimeStamper(authority.url)
    if not isinstance(authority, LocalAuthority):
        raise TypeError(f"no time-stamper for {authority!r}")
    local: LocalAuthority = authority

    class LocalTimeStamper(TimeStamper):
        """Asks the platform's own authority in process, without HTTP."""

        async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
            return local.respond(req)

    return LocalTimeStamper()  # type: ignore[no-untyped-call]


@dataclass
class _Signing:
    """A pyHanko signer for one key, certificate and CA, and the room its signatures take
    (measured on the first signature with each time-stamping authority, then reused)."""

    signer: Any
    bytes_reserved: dict[str, int]
    """By time-stamping authority (its name: `local` or its address), the room reserved for
    a signature with its token."""


_SIGNERS: dict[bytes, _Signing] = {}
_SIGNERS_LOCK = threading.Lock()
_MAX_SIGNERS = 16


def _signing(
    key: ec.EllipticCurvePrivateKey, certificate: x509.Certificate, ca_certificate: x509.Certificate
) -> _Signing:
    """The cached signer of `key` with `certificate` and the CA's (made on first use)."""
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    private = _asn1_key(key)
    identity = hashlib.sha256(
        private.dump()
        + certificate.public_bytes(serialization.Encoding.DER)
        + ca_certificate.public_bytes(serialization.Encoding.DER)
    ).digest()
    with _SIGNERS_LOCK:
        found = _SIGNERS.get(identity)
    if found is not None:
        return found
    made = _Signing(
        signer=signers.SimpleSigner(
            signing_cert=_asn1_certificate(certificate),
            signing_key=private,
            cert_registry=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
                [_asn1_certificate(ca_certificate)]
            ),
        ),
        bytes_reserved={},
    )
    with _SIGNERS_LOCK:
        if len(_SIGNERS) >= _MAX_SIGNERS:
            _SIGNERS.clear()
        return _SIGNERS.setdefault(identity, made)


async def async_sign(
    pdf: bytes,
    *,
    key: ec.EllipticCurvePrivateKey,
    certificate: x509.Certificate,
    ca_certificate: x509.Certificate,
    authority: TimeStampAuthority,
    reason: str,
    location: str = "",
) -> bytes:
    """`pdf` signed PAdES-B-T (an incremental update): a CAdES signature by `key` over the
    whole file, with `certificate` and the CA's embedded, and a signature time-stamp.

    The pyHanko signer (per key and certificates) is made once and kept, and so is the room the
    signature takes in the file, measured on the first signature with each time-stamping
    authority (by its name) and reserved again with a margin; pyHanko would otherwise
    estimate it before every signature with a trial signature and a trial time-stamp, and
    reserve half as much again. Should a signature not fit, it is made again with pyHanko's
    estimate."""
    from pyhanko.sign.general import SigningError

    signing = _signing(key, certificate, ca_certificate)
    stamper = _time_stamper(authority)
    reserved = signing.bytes_reserved.get(authority.name)
    try:
        signed = await _sign_once(
            pdf,
            signer=signing.signer,
            stamper=stamper,
            reserved=reserved,
            reason=reason,
            location=location,
        )
    except SigningError:
        if reserved is None:
            raise
        # The reservation measured earlier was too small (a larger token, say): measure anew.
        signing.bytes_reserved.pop(authority.name, None)
        reserved = None
        signed = await _sign_once(
            pdf,
            signer=signing.signer,
            stamper=stamper,
            reserved=reserved,
            reason=reason,
            location=location,
        )
    if reserved is None and (size := _room_for(signed)) is not None:
        signing.bytes_reserved[authority.name] = size
    return signed


async def _sign_once(
    pdf: bytes, *, signer: Any, stamper: Any, reserved: int | None, reason: str, location: str
) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location or None,
    )
    pdf_signer = signers.PdfSigner(metadata, signer=signer, timestamper=stamper)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    _align_producer(writer)
    output = io.BytesIO()
    await pdf_signer.async_sign_pdf(writer, output=output, bytes_reserved=reserved)
    return output.getvalue()


def _room_for(signed: bytes) -> int | None:
    """The room (hexadecimal digits) to reserve for the next signatures like the one in
    `signed`: its CMS object's size, twice (hexadecimal), with a tenth and 256 digits more for
    what varies (times, serial numbers, ECDSA signature lengths). pyHanko's own estimate
    reserves half as much again, and every digit reserved is read again by each verification.
    `None` when the signature cannot be read back (pyHanko then estimates every time)."""
    from asn1crypto import parser
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        embedded = PdfFileReader(io.BytesIO(signed), strict=False).embedded_signatures[-1]
        contents = bytes(embedded.sig_object["/Contents"])
        _, _, _, header, body, _ = parser.parse(contents, strict=False)
    except Exception:  # noqa: BLE001  (no reuse then)
        return None
    digits = 2 * (len(header) + len(body))
    room = digits + digits // 10 + 256
    return room + room % 2


def _align_producer(writer: Any) -> None:
    """Name pyHanko alone as the producer in the document information, as pyHanko's update of
    the XMP metadata will: PDF/A wants the two to agree."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.metadata.model import VENDOR

    reference = writer.trailer.raw_get("/Info") if "/Info" in writer.trailer else None
    if reference is None:
        return
    info = reference.get_object()
    info["/Producer"] = generic.TextStringObject(VENDOR)
    writer.update_container(info)


def sign(
    pdf: bytes,
    *,
    key: ec.EllipticCurvePrivateKey,
    certificate: x509.Certificate,
    ca_certificate: x509.Certificate,
    authority: TimeStampAuthority,
    reason: str,
    location: str = "",
) -> bytes:
    """`async_sign` for synchronous callers."""
    return run_sync(
        lambda: async_sign(
            pdf,
            key=key,
            certificate=certificate,
            ca_certificate=ca_certificate,
            authority=authority,
            reason=reason,
            location=location,
        )
    )


@dataclass(frozen=True)
class SignatureCheck:
    """What pyHanko's validator says of a PDF's signatures, checked against the platform CA.

    `signed`: the file has a signature; `readable`: it could be parsed at all; `intact`: the
    signed bytes are unchanged; `trusted`: the signer's certificate chains to the platform CA
    (and the time-stamp's too); `entire_file`: the signature covers the whole file (nothing was
    appended after signing); `signer`: the signer certificate's subject; `signed_at`: the
    time-stamp's time; `reason`: pyHanko's summary when something fails.
    """

    readable: bool
    signed: bool
    intact: bool = False
    trusted: bool = False
    entire_file: bool = False
    signer: str = ""
    signed_at: dt.datetime | None = None
    number: str | None = None
    summary: str = ""

    @property
    def valid(self) -> bool:
        return self.readable and self.signed and self.intact and self.trusted and self.entire_file


def _number_of(reader: Any) -> str | None:
    """The confirmation number a Nara document carries in its metadata (keywords), if any."""
    try:
        info = reader.trailer_view.get("/Info")
        keywords = None if info is None else info.get_object().get("/Keywords")
    except Exception:  # noqa: BLE001  (a damaged file simply has no readable number)
        return None
    return None if keywords is None else str(keywords).strip() or None


async def async_check(pdf: bytes, *, ca_certificate: x509.Certificate) -> SignatureCheck:
    """Validate the signatures of `pdf` with pyHanko, trusting only the platform CA."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError) as error:
        return SignatureCheck(readable=False, signed=False, summary=f"unreadable PDF: {error}")
    number = _number_of(reader)
    if not signatures:
        return SignatureCheck(readable=True, signed=False, number=number, summary="no signature")
    root = _asn1_certificate(ca_certificate)
    context = ValidationContext(trust_roots=[root], allow_fetching=False)
    embedded = signatures[-1]
    try:
        status = await async_validate_pdf_signature(
            embedded,
            signer_validation_context=context,
            ts_validation_context=ValidationContext(trust_roots=[root], allow_fetching=False),
        )
    except Exception as error:  # noqa: BLE001  (any failure to validate is a failed check)
        return SignatureCheck(
            readable=True, signed=True, number=number, summary=f"not verifiable: {error}"
        )
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    timestamp = status.timestamp_validity
    return SignatureCheck(
        readable=True,
        signed=True,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        entire_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE and len(signatures) == 1,
        signer=status.signing_cert.subject.human_friendly,
        signed_at=None if timestamp is None else timestamp.timestamp,
        number=number,
        summary=status.summary(),
    )


def check(pdf: bytes, *, ca_certificate: x509.Certificate) -> SignatureCheck:
    """`async_check` for synchronous callers."""
    return run_sync(lambda: async_check(pdf, ca_certificate=ca_certificate))
