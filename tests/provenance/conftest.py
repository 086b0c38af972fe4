"""Real image files carrying each generator's metadata, written the way the generators write it."""

from __future__ import annotations

import datetime
import io
import json
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

EXIF_IFD = 0x8769
USER_COMMENT = 0x9286
TRAINED = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"


def a1111_infotext(prompt: str, negative: str, settings: dict[str, object]) -> str:
    """The text A1111's create_infotext writes: values with , : or newline are JSON-quoted."""

    def quote(value: object) -> object:
        text = str(value)
        if "," not in text and "\n" not in text and ":" not in text:
            return value
        return json.dumps(text, ensure_ascii=False)

    line = ", ".join(f"{k}: {quote(v)}" for k, v in settings.items() if v is not None)
    negative_text = f"\nNegative prompt: {negative}" if negative else ""
    return f"{prompt}{negative_text}\n{line}".strip()


def png_bytes(
    texts: dict[str, str] | None = None,
    *,
    itxt: bool = False,
    zipped: bool = False,
    size: tuple[int, int] = (64, 48),
) -> bytes:
    info = PngInfo()
    for key, value in (texts or {}).items():
        if itxt:
            info.add_itxt(key, value, zip=zipped)
        else:
            info.add_text(key, value, zip=zipped)
    out = io.BytesIO()
    Image.new("RGB", size, (120, 30, 200)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def chunk(kind: bytes, payload: bytes, *, crc: int | None = None) -> bytes:
    value = zlib.crc32(kind + payload) if crc is None else crc
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", value)


def with_chunks(png: bytes, *chunks: bytes) -> bytes:
    """The PNG with extra chunks inserted just before IEND (the last 12 bytes)."""
    return png[:-12] + b"".join(chunks) + png[-12:]


def exif_bytes(
    user_comment: bytes | None = None,
    *,
    endian: str = ">",
    ifd0: dict[int, object] | None = None,
    exif_ifd: dict[int, object] | None = None,
) -> bytes:
    """An EXIF block; endian ">" + UTF-16-BE UserComment is what piexif (A1111) writes."""
    exif = Image.Exif()
    exif.endian = endian
    for tag, value in (ifd0 or {}).items():
        exif[tag] = value
    sub = exif.get_ifd(EXIF_IFD)
    for tag, value in (exif_ifd or {}).items():
        sub[tag] = value
    if user_comment is not None:
        sub[USER_COMMENT] = user_comment
    return exif.tobytes()


def image_bytes(fmt: str, *, exif: bytes | None = None, size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, (40, 160, 90)).save(out, fmt, **kwargs)
    return out.getvalue()


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, bytes], Path]:
    def _write(name: str, data: bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return _write


# --- C2PA: a throwaway CA and an ES256 signing certificate, made with `cryptography` ---


@pytest.fixture(scope="session")
def c2pa_signing() -> tuple[bytes, bytes]:
    """(certificate chain PEM, private key PEM). The CA is not trusted: validation says so."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)

    def name(common: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, common),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Workstation Test CA"),
            ]
        )

    def usage(**flags: bool) -> x509.KeyUsage:
        names = (
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        )
        return x509.KeyUsage(**{n: flags.get(n, False) for n in names})

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(name("Test Root"))
        .issuer_name(name("Test Root"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(name("Test Signer"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage(digital_signature=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    chain = leaf.public_bytes(pem) + ca.public_bytes(pem)
    private = key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return chain, private


@pytest.fixture
def c2pa_sign(c2pa_signing: tuple[bytes, bytes]) -> Callable[..., bytes]:
    """sign(image bytes, media type, remote_url=None) -> signed bytes (manifest embedded or not)."""
    import c2pa

    chain, private = c2pa_signing

    def sign(data: bytes, media_type: str, remote_url: str | None = None) -> bytes:
        manifest = {
            "claim_generator_info": [{"name": "Test Image Generator", "version": "2.1"}],
            "title": "generated image",
            "assertions": [
                {
                    "label": "c2pa.actions",
                    "data": {"actions": [{"action": "c2pa.created", "digitalSourceType": TRAINED}]},
                }
            ],
        }
        signer = c2pa.Signer.from_info(
            c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, chain, private, None)
        )
        builder = c2pa.Builder(manifest)
        if remote_url:
            builder.set_remote_url(remote_url)
            builder.set_no_embed()
        out = io.BytesIO()
        builder.sign(signer, media_type, io.BytesIO(data), out)
        return out.getvalue()

    return sign
