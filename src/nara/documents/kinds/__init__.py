"""The kinds of document this platform issues, and what each reads through the exchange.

A kind has a code (`family-relation`), Korean and English titles, the issuing authority's
name, its HTML template under `templates/`, and `fetch`, which reads the data it shows through
`nara.exchange` as the single window (`gov24`) and returns the content snapshot: plain JSON,
kept with the issuance and shown again by the verification page.

Resident registration numbers are not offered through the exchange, so certificates show
dates of birth where the paper certificate shows RRNs.
"""

from nara.core.errors import Message, NotFound
from nara.documents.kinds.base import ContextFor, DocumentKind
from nara.documents.kinds.business import business_registration
from nara.documents.kinds.family import basic, family_relation, marriage
from nara.documents.kinds.land import land_register
from nara.documents.kinds.residents import resident_abstract, resident_copy
from nara.documents.kinds.vehicles import vehicle_register

__all__ = ["KINDS", "ContextFor", "DocumentKind", "kind_of"]

FAMILY_ISSUER = "법원행정처장 Minister of National Court Administration"
RESIDENT_ISSUER = "행정안전부장관 Minister of the Interior and Safety"
RESIDENT_ATTEST_KO = "이 등·초본은 주민등록표의 원본 내용과 틀림없음을 증명합니다."
RESIDENT_ATTEST_EN = "We certify that the above agrees with the resident register."

KINDS: dict[str, DocumentKind] = {
    kind.code: kind
    for kind in (
        DocumentKind(
            code="family-relation",
            title_ko="가족관계증명서",
            title_en="Certificate of Family Relations",
            issuer=FAMILY_ISSUER,
            template="family-relation.html",
            fetch=family_relation,
            uses=(
                ("family/relations", "family-register"),
                ("residents/person-summaries", "register-check"),
            ),
        ),
        DocumentKind(
            code="basic",
            title_ko="기본증명서",
            title_en="Basic Certificate",
            issuer=FAMILY_ISSUER,
            template="basic.html",
            fetch=basic,
            uses=(
                ("family/relations", "certificate-issuance"),
                ("family/marriages-of-person", "certificate-issuance"),
                ("residents/person-summaries", "register-check"),
            ),
        ),
        DocumentKind(
            code="marriage",
            title_ko="혼인관계증명서",
            title_en="Certificate of Marriage Relations",
            issuer=FAMILY_ISSUER,
            template="marriage.html",
            fetch=marriage,
            uses=(
                ("family/marriages-of-person", "certificate-issuance"),
                ("residents/person-summaries", "register-check"),
            ),
        ),
        DocumentKind(
            code="resident-abstract",
            title_ko="주민등록표 초본",
            title_en="Abstract of Resident Registration",
            issuer=RESIDENT_ISSUER,
            template="resident-abstract.html",
            fetch=resident_abstract,
            uses=(
                ("residents/address-history", "certificate-issuance"),
                ("residents/person-summaries", "register-check"),
            ),
            attest_ko=RESIDENT_ATTEST_KO,
            attest_en=RESIDENT_ATTEST_EN,
        ),
        DocumentKind(
            code="resident-copy",
            title_ko="주민등록표 등본",
            title_en="Copy of Resident Registration",
            issuer=RESIDENT_ISSUER,
            template="resident-copy.html",
            fetch=resident_copy,
            uses=(
                ("residents/household-members", "certificate-issuance"),
                ("residents/address-history", "certificate-issuance"),
                ("residents/person-summaries", "register-check"),
            ),
            attest_ko=RESIDENT_ATTEST_KO,
            attest_en=RESIDENT_ATTEST_EN,
        ),
        DocumentKind(
            code="land-register",
            title_ko="등기사항전부증명서 (토지)",
            title_en="Certified Copy of the Land Register",
            issuer="등기관 Registrar, Court Registry Office",
            template="land-register.html",
            fetch=land_register,
            uses=(("land/register-of-parcel", "certificate-issuance"),),
            attest_ko="이 증명서는 등기기록의 내용과 틀림없음을 증명합니다.",
            attest_en="We certify that the above agrees with the land register.",
        ),
        DocumentKind(
            code="vehicle-register",
            title_ko="자동차등록원부 등본",
            title_en="Copy of the Vehicle Register",
            issuer="국토교통부장관 Minister of Land, Infrastructure and Transport",
            template="vehicle-register.html",
            fetch=vehicle_register,
            uses=(("vehicles/register-of-vehicle", "certificate-issuance"),),
            attest_ko="이 등본은 자동차등록원부의 기록 사항과 틀림없음을 증명합니다.",
            attest_en="We certify that the above agrees with the vehicle register.",
        ),
        DocumentKind(
            code="business-registration",
            title_ko="사업자등록증명",
            title_en="Certificate of Business Registration",
            issuer="국세청장 Commissioner of the National Tax Service",
            template="business-registration.html",
            fetch=business_registration,
            uses=(("business/registration-certificate", "certificate-issuance"),),
            attest_ko="위의 사업자등록 사항이 사실과 다름없음을 증명합니다.",
            attest_en="We certify that the above agrees with the business register.",
        ),
    )
}
"""Every kind this platform issues, by code."""


def kind_of(code: str) -> DocumentKind:
    """The kind `code`, or 404 `document_kind_unknown`."""
    kind = KINDS.get(code)
    if kind is None:
        raise NotFound(
            "document_kind_unknown",
            Message(
                f"No document of kind {code!r} is issued here.",
                f"{code!r} 종류의 증명서는 발급하지 않습니다.",
            ),
        )
    return kind
