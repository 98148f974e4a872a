"""Safety checks for uploaded .docx/.xlsx files, run before any parser touches the bytes."""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # python-docx is only needed by read_docx
    from docx.document import Document

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Password-protected .docx/.xlsx are OLE containers holding this stream (name stored in UTF-16).
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_CHUNK = 64 * 1024
#: Small parts compress very well legitimately; the ratio check only applies above this size.
_RATIO_FLOOR = 1024 * 1024
_FORBIDDEN_TOKENS = (b"<!doctype", b"<!entity")
#: The same tokens as UTF-16 bytes, lower-cased, since an XML part may be UTF-16 encoded.
_FORBIDDEN_PATTERNS = tuple(
    token.decode("ascii").encode(codec) for token in _FORBIDDEN_TOKENS
    for codec in ("utf-8", "utf-16-le", "utf-16-be")
)
_OVERLAP = max(len(p) for p in _FORBIDDEN_PATTERNS)
#: Office writes XML in UTF-8 or UTF-16 only; a part in any other encoding (UTF-32, EBCDIC, UTF-7, a legacy code
#: page) could hide a DOCTYPE from the byte scan above, so it is refused outright. The first bytes tell the family
#: (XML 1.0 appendix F); UTF-32's are tested before UTF-16's, whose byte-order mark they begin with.
_NOT_UTF8_OR_16 = (b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\x00<", b"<\x00\x00\x00",
                   b"\x00\x00<\x00", b"\x00<\x00\x00", b"\x4c\x6f\xa7\x94", b"+/v")
_UTF16_BE, _UTF16_LE = (b"\xfe\xff", b"\x00<\x00?"), (b"\xff\xfe", b"<\x00?\x00")
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)[\"']")
_ALLOWED_ENCODINGS = {"utf-8", "utf8", "utf-16", "utf16", "utf-16le", "utf-16be", "us-ascii", "ascii"}
#: Images are never parsed as XML, so the scan skips them.
_MEDIA_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svgz", ".webp")


@dataclass(frozen=True)
class _Kind:
    """What one Office format looks like from the outside."""

    ext: str
    required_part: str
    legacy_hint: str
    app_name: str


_KINDS = {
    "docx": _Kind(".docx", "word/document.xml",
                  "这是旧版 Word 97-2003 (.doc) 文件，请在 Word 中另存为 .docx 后再上传", "Word"),
    "xlsx": _Kind(".xlsx", "xl/workbook.xml",
                  "这是旧版 Excel 97-2003 (.xls) 文件，请在 Excel 中另存为 .xlsx 后再上传", "Excel"),
}


class OfficeFileError(ValueError):
    """An uploaded Office file was refused; str() is a Chinese message for the user."""


def check_office_zip(data: bytes, *, kind: str, max_bytes: int = 20 * 1024 * 1024,
                     max_entries: int = 2000, max_uncompressed: int = 200 * 1024 * 1024,
                     max_ratio: int = 200) -> None:
    """Refuse empty, legacy, corrupt, oversized, zip-bomb or entity-bearing Office files."""
    spec = _KINDS.get(kind)
    if spec is None:
        raise ValueError(f"unknown office kind {kind!r}")
    _check_outer_bytes(data, spec, max_bytes)
    with _open_zip(data, spec) as archive:
        infos = archive.infolist()
        _check_entries(infos, spec, max_entries, max_uncompressed, max_ratio)
        _check_required_part(archive, spec)
        _scan_xml_parts(archive, infos, spec, max_uncompressed)


def _check_outer_bytes(data: bytes, spec: _Kind, max_bytes: int) -> None:
    """Checks that need no unzipping: emptiness, size, OLE and ZIP signatures."""
    if not data:
        raise OfficeFileError("文件为空，请重新选择文件")
    if len(data) > max_bytes:
        raise OfficeFileError(f"文件过大（{_mb(len(data))}），上限为 {_mb(max_bytes)}")
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_STREAM in data:
            raise OfficeFileError(f"文件设有打开密码，请在 {spec.app_name} 中取消密码后重新保存再上传")
        raise OfficeFileError(spec.legacy_hint)
    if not data.startswith(b"PK"):
        raise OfficeFileError(f"文件已损坏或不是 {spec.ext} 文件")


def _open_zip(data: bytes, spec: _Kind) -> zipfile.ZipFile:
    """Open the ZIP directory, turning every low-level failure into one Chinese message."""
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError,
            NotImplementedError) as exc:
        raise OfficeFileError(f"文件已损坏或不是 {spec.ext} 文件（无法读取压缩结构）") from exc


def _check_entries(infos: list[zipfile.ZipInfo], spec: _Kind, max_entries: int,
                   max_uncompressed: int, max_ratio: int) -> None:
    """Refuse by the central directory alone: entry count, declared sizes, ratios, encryption."""
    if len(infos) > max_entries:
        raise OfficeFileError(f"文件内部条目过多（{len(infos)} 个，上限 {max_entries} 个），疑似恶意文件")
    declared = sum(info.file_size for info in infos)
    if declared > max_uncompressed:
        raise OfficeFileError(f"文件解压后过大（{_mb(declared)}，上限 {_mb(max_uncompressed)}），疑似压缩炸弹")
    for info in infos:
        if info.flag_bits & 0x1:
            raise OfficeFileError(f"文件内容已加密，请在 {spec.app_name} 中取消密码后重新保存再上传")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_FLOOR and ratio > max_ratio:
            raise OfficeFileError(f"文件压缩比异常（{ratio:.0f} 倍），疑似压缩炸弹，已拒绝")


def _check_required_part(archive: zipfile.ZipFile, spec: _Kind) -> None:
    """The main part must exist; name the other format when the user mixed them up."""
    names = set(archive.namelist())
    if spec.required_part in names:
        return
    for other in _KINDS.values():
        if other.required_part in names:
            raise OfficeFileError(f"这是 {other.app_name} 文件（{other.ext}），请上传 {spec.ext} 文件")
    raise OfficeFileError(f"文件缺少 {spec.required_part}，不是有效的 {spec.ext} 文件")


def _scan_xml_parts(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], spec: _Kind,
                    budget: int) -> None:
    """Stream every non-media part looking for DOCTYPE/ENTITY, never inflating more than ``budget``.

    Not only *.xml: a content-type override can make a parser read XML from a part with any name.
    """
    remaining = budget
    for info in infos:
        if info.is_dir() or info.filename.lower().endswith(_MEDIA_EXTENSIONS):
            continue
        remaining = _scan_one(archive, info, spec, remaining)


def _scan_one(archive: zipfile.ZipFile, info: zipfile.ZipInfo, spec: _Kind, remaining: int) -> int:
    """Scan one part in chunks; the overlap catches a token split across two chunks."""
    tail, first = b"", True
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(min(_CHUNK, remaining + 1)):
                if first:
                    _check_encoding(chunk[:512])
                    first = False
                remaining -= len(chunk)
                if remaining < 0:
                    raise OfficeFileError("文件解压后过大，疑似压缩炸弹，已拒绝")
                window = (tail + chunk).lower()
                if any(pattern in window for pattern in _FORBIDDEN_PATTERNS):
                    raise OfficeFileError("文件包含不允许的 XML 声明（DOCTYPE/ENTITY），可能是恶意文件，已拒绝")
                tail = window[-_OVERLAP:]
    except OfficeFileError:
        raise
    except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError, NotImplementedError,
            RuntimeError) as exc:
        raise OfficeFileError(f"文件已损坏（{info.filename} 无法解压），请重新保存后上传 {spec.ext} 文件") from exc
    return remaining


def _check_encoding(head: bytes) -> None:
    """Refuse a part that is (or declares itself) XML in an encoding other than UTF-8 or UTF-16."""
    if head.startswith(_NOT_UTF8_OR_16):
        raise OfficeFileError("文件中的 XML 使用了不支持的编码（Office 只使用 UTF-8 或 UTF-16），可能是恶意文件，已拒绝")
    codec = "utf-16-be" if head.startswith(_UTF16_BE) else "utf-16-le" if head.startswith(_UTF16_LE) else "utf-8"
    declared = _DECLARATION.match(head.decode(codec, errors="ignore").lstrip("\ufeff"))
    if declared and declared.group(1).strip().lower() not in _ALLOWED_ENCODINGS:
        raise OfficeFileError(f"文件中的 XML 声明了不支持的编码（{declared.group(1)[:20]}），可能是恶意文件，已拒绝")


def read_docx(data: bytes) -> Document:
    """Check an uploaded .docx and open it with python-docx."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    check_office_zip(data, kind="docx")
    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, zlib.error) as exc:
        raise OfficeFileError("无法读取 Word 文档内容，请在 Word 中打开并另存为 .docx 后再上传") from exc
    except etree.LxmlError as exc:  # a part that is not well-formed XML
        raise OfficeFileError("Word 文档内容已损坏，请在 Word 中打开并另存为 .docx 后再上传") from exc


def _mb(size: int) -> str:
    """Human size in MB for messages."""
    return f"{size / (1024 * 1024):.1f} MB"
