"""Checks on uploaded files before anything touches the disk, and safe names for the copies.

An upload is accepted only when its suffix is allowed *and* its first bytes agree (a PDF starts with
``%PDF-``, a DOCX is a zip holding ``word/document.xml``, text is UTF-8 without NUL bytes). The
uploaded name is never used as a path: the copy gets a slug of it inside a fresh temporary folder.
"""

from __future__ import annotations

import io
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

MAX_UPLOAD_MB = 50
ALLOWED_SUFFIXES = (".pdf", ".docx", ".txt", ".md")


@dataclass(frozen=True)
class UploadCheck:
    name: str  # display name: the base name only
    suffix: str
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def base_name(name: str) -> str:
    """The last component of a name from any OS, without control characters."""
    last = PureWindowsPath(PurePosixPath(name or "").name).name
    clean = "".join(ch for ch in last if unicodedata.category(ch)[0] != "C").strip()
    return clean[:200] if clean.strip(".") else "upload"


def _looks_like(suffix: str, data: bytes) -> bool:
    if suffix == ".pdf":
        return data[:1024].lstrip(b"\xef\xbb\xbf\r\n\t ").startswith(b"%PDF-")
    if suffix == ".docx":
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                return "word/document.xml" in zf.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
    head = data[:65536]
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start > len(head) - 4  # a character cut at the sample's end
    return True


def check_upload(name: str, data: bytes, max_mb: int = MAX_UPLOAD_MB) -> UploadCheck:
    """Whether ``data`` may be parsed as the type its name claims, with a one-line reason if not."""
    shown = base_name(name)
    suffix = Path(shown).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        allowed = ", ".join(s.lstrip(".").upper() for s in ALLOWED_SUFFIXES)
        return UploadCheck(shown, suffix, f"{shown}: unsupported file type (allowed: {allowed})")
    if not data:
        return UploadCheck(shown, suffix, f"{shown}: the file is empty")
    if len(data) > max_mb * 1024 * 1024:
        return UploadCheck(shown, suffix, f"{shown}: larger than the {max_mb} MB limit")
    if not _looks_like(suffix, data):
        kind = suffix.lstrip(".").upper()
        return UploadCheck(shown, suffix, f"{shown}: the content is not a {kind} file")
    return UploadCheck(shown, suffix)


def safe_stem(name: str) -> str:
    """A file stem of ASCII letters, digits, '_' and '-' derived from an uploaded name."""
    stem = Path(base_name(name)).stem
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", ascii_stem).strip("_-.")[:80]
    return slug or "upload"


def save_upload(check: UploadCheck, data: bytes, folder: Path | None = None) -> Path:
    """Write an accepted upload to a new private temporary folder under a safe name; return its path."""
    if not check.ok:
        raise ValueError(check.error)
    tmp = Path(tempfile.mkdtemp(prefix="ctkb-upload-", dir=folder))
    path = tmp / f"{safe_stem(check.name)}{check.suffix}"
    path.write_bytes(data)
    return path


def discard_upload(path: Path) -> None:
    """Remove a saved upload and its private folder (the index keeps its own copy)."""
    path.unlink(missing_ok=True)
    if path.parent.name.startswith("ctkb-upload-"):
        try:
            path.parent.rmdir()
        except OSError:
            pass
