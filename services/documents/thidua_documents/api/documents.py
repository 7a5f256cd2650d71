"""The register: an issued document's metadata, its file, and proof that it regenerates."""

import hashlib

from fastapi import APIRouter, HTTPException, Response, status
from pydantic import BaseModel, Field

from thidua_documents.api.deps import DocumentId, Reader, RegisterDep, ScopedWriter, SettingsDep
from thidua_documents.api.errors import ENTRY_RESPONSES, ProblemPublic
from thidua_documents.api.files import PREVIEW_BUSY, DocumentPublic, docx_response
from thidua_documents.preview import PreviewUnavailable, pdf_preview
from thidua_documents.register import Entry, Register
from thidua_documents.signing import KeyStore, NoSigningKey, SignedPdf, load_root, verify

router = APIRouter(prefix="/documents", tags=["register"], responses=ENTRY_RESPONSES)


class RegenerationPublic(BaseModel):
    document_id: str
    position: int
    template_version: str
    recorded_sha256: str
    regenerated_sha256: str
    recorded_canonical_sha256: str
    regenerated_canonical_sha256: str
    identical: bool


def _entry(register: Register, document_id: str) -> Entry:
    entry = register.get(document_id)
    if entry is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no document {document_id} in the register")
    return entry


@router.get("")
def list_documents(register: RegisterDep, _: Reader) -> list[DocumentPublic]:
    """Every issued document, by issuing body, type, year and number."""
    return [DocumentPublic.of(entry) for entry in register.entries()]


@router.get("/{document_id}")
def get_document(document_id: DocumentId, register: RegisterDep, _: Reader) -> DocumentPublic:
    return DocumentPublic.of(_entry(register, document_id))


@router.get("/{document_id}/file", response_class=Response)
def get_file(document_id: DocumentId, register: RegisterDep, _: Reader) -> Response:
    entry = _entry(register, document_id)
    content = register.content(document_id) or b""
    number = f"{entry.number:02d}" if entry.number is not None else "khong-so"
    return docx_response(content, f"{entry.kind}-{entry.year}-{number}.docx", {"X-SHA256": entry.sha256})


@router.get("/{document_id}/preview.pdf", response_class=Response,
            responses={429: PREVIEW_BUSY,
                       503: {"model": ProblemPublic, "description": "LibreOffice is not installed on this server"}})
def get_preview(document_id: DocumentId, register: RegisterDep, _: Reader) -> Response:
    """A PDF rendering of the issued file through LibreOffice headless, for a quick look."""
    _entry(register, document_id)
    try:
        pdf = pdf_preview(register.content(document_id) or b"")
    except PreviewUnavailable as error:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(error)) from None
    return Response(pdf, media_type="application/pdf")


class SignedPdfPublic(BaseModel):
    document_id: str
    sha256: str
    size: int
    signed_by: str

    @classmethod
    def of(cls, signed: SignedPdf) -> "SignedPdfPublic":
        return cls(document_id=signed.document_id, sha256=signed.sha256, size=signed.size,
                   signed_by=signed.signed_by)


@router.post("/{document_id}/signed.pdf", status_code=status.HTTP_201_CREATED,
             responses={409: {"model": ProblemPublic,
                              "description": "The stored file is not the one issued (sign-only-what-was-issued)"},
                        503: {"model": ProblemPublic,
                              "description": "No signing key for the issuing body, or no LibreOffice"}})
def sign_document(document_id: DocumentId, register: RegisterDep, settings: SettingsDep,
                  may_issue: ScopedWriter) -> SignedPdfPublic:
    """Produce the issued document as a PDF/A signed with its issuing body's key (PAdES), with
    the signer's image and the body's seal placed as Phụ lục I §II.7 of Nghị định 30/2020
    draws them, and record its SHA-256. Made once; asking again returns the same file.
    Only a writer within the issuing body's scope may sign in its name."""
    may_issue(_entry(register, document_id).issuer_key)
    if settings.body_keys_dir is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "no signing keys configured "
                            "(DOCUMENTS_BODY_KEYS_DIR)")
    try:
        signed = register.sign(document_id, KeyStore(settings.body_keys_dir))
    except (NoSigningKey, PreviewUnavailable) as error:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(error)) from None
    if signed is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no document {document_id} in the register")
    return SignedPdfPublic.of(signed)


@router.get("/{document_id}/signed.pdf", response_class=Response,
            responses={404: {"model": ProblemPublic, "description": "Not issued, or not signed yet (POST first)"}})
def get_signed(document_id: DocumentId, register: RegisterDep, _: Reader) -> Response:
    """Download the signed PDF; its SHA-256 is in the X-SHA256 header and in the register."""
    entry = _entry(register, document_id)
    signed = register.signed(document_id)
    if signed is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"document {document_id} has no signed PDF yet")
    number = f"{entry.number:02d}" if entry.number is not None else "khong-so"
    return Response(signed.content, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{entry.kind}-{entry.year}-{number}-signed.pdf"',
        "X-SHA256": signed.sha256})


class SignatureCheckPublic(BaseModel):
    document_id: str
    sha256: str = Field(description="SHA-256 of the signed PDF as stored now")
    recorded_sha256: str = Field(description="SHA-256 the register recorded when it was signed")
    unchanged: bool = Field(description="The stored file is the one recorded")
    intact: bool = Field(description="The signed bytes are unchanged since signing")
    trusted: bool = Field(description="The signing certificate chains up to the trust root")
    bottom_line: bool = Field(description="pyHanko's overall verdict: the one to rely on")
    signer: str


@router.get("/{document_id}/signed.pdf/verification",
            responses={404: {"model": ProblemPublic, "description": "Not issued, or not signed yet"},
                       503: {"model": ProblemPublic, "description": "No trust root configured (DOCUMENTS_TRUST_ROOT)"}})
def check_signature(document_id: DocumentId, register: RegisterDep, settings: SettingsDep,
                    _: Reader) -> SignatureCheckPublic:
    """Verify the signed PDF's signature offline against the trust root alone, and its bytes
    against the SHA-256 the register recorded (auditors may ask: it stores nothing)."""
    _entry(register, document_id)
    signed = register.signed(document_id)
    if signed is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"document {document_id} has no signed PDF yet")
    if settings.trust_root is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "no trust root configured (DOCUMENTS_TRUST_ROOT)")
    checked = verify(signed.content, load_root(settings.trust_root))
    now = hashlib.sha256(signed.content).hexdigest()
    return SignatureCheckPublic(document_id=document_id, sha256=now, recorded_sha256=signed.sha256,
                                unchanged=now == signed.sha256, intact=checked.intact, trusted=checked.trusted,
                                bottom_line=checked.bottom_line, signer=checked.signer)


@router.post("/{document_id}/regenerate")
def regenerate(document_id: DocumentId, register: RegisterDep, _: Reader) -> RegenerationPublic:
    """Render the document again from its recorded position and template version, and compare
    canonical forms (the parts uncompressed, then their XML in C14N: zip bytes differ between
    zlib builds). Stores nothing, so an auditor may ask too."""
    result = register.regenerate(document_id)
    if result is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no document {document_id} in the register")
    return RegenerationPublic(document_id=document_id, position=result.entry.position,
                              template_version=result.entry.template_version,
                              recorded_sha256=result.entry.sha256, regenerated_sha256=result.sha256,
                              recorded_canonical_sha256=result.entry.canonical_sha256,
                              regenerated_canonical_sha256=result.canonical_sha256, identical=result.identical)
