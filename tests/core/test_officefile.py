"""Upload safety for .docx/.xlsx: every refusal comes with a Chinese message."""
import io
import re
import zipfile

import docx
import pytest

from caseapp.core.officefile import OfficeFileError, check_office_zip, read_docx

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _docx_bytes() -> bytes:
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("魏县总工会")
    document.save(buffer)
    return buffer.getvalue()


def _rezip(data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """Copy a zip, replacing or adding entries."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, (replace or {}).get(info.filename, src.read(info)))
        for name, content in (add or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def _refusal(data: bytes, kind: str = "docx", **limits) -> str:
    with pytest.raises(OfficeFileError) as caught:
        check_office_zip(data, kind=kind, **limits)
    message = str(caught.value)
    assert re.search(r"[\u4e00-\u9fff]", message), message
    return message


def test_valid_docx_passes_and_opens():
    data = _docx_bytes()
    check_office_zip(data, kind="docx")
    assert read_docx(data).paragraphs[0].text == "魏县总工会"


def test_empty_file():
    assert "为空" in _refusal(b"")


def test_legacy_doc_and_xls_are_named():
    legacy = OLE + b"\x00" * 1024
    assert _refusal(legacy) == "这是旧版 Word 97-2003 (.doc) 文件，请在 Word 中另存为 .docx 后再上传"
    assert "请在 Excel 中另存为 .xlsx" in _refusal(legacy, kind="xlsx")


def test_password_protected_office_file():
    encrypted = OLE + b"\x00" * 64 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64
    assert "密码" in _refusal(encrypted)


def test_text_file_renamed_docx():
    assert _refusal("项目编码,项目名称\n".encode()) == "文件已损坏或不是 .docx 文件"


def test_truncated_zip():
    data = _docx_bytes()
    assert "已损坏" in _refusal(data[: len(data) // 2])


def test_corrupted_entry_data():
    data = bytearray(_zip({"word/document.xml": b"<w:document>" + b"x" * 5000 + b"</w:document>"}))
    data[60:70] = b"\xff" * 10  # inside the compressed stream: CRC or inflate fails on reading
    assert "已损坏" in _refusal(bytes(data))


def test_zip_bomb_by_ratio():
    bomb = _zip({"word/document.xml": b"<a/>", "word/media/blob.xml": b"\0" * (20 * 1024 * 1024)})
    assert "压缩炸弹" in _refusal(bomb)


def test_zip_bomb_by_declared_total():
    big = _zip({"word/document.xml": b"<a/>", "word/a.bin": b"\0" * (3 * 1024 * 1024)})
    assert "解压后过大" in _refusal(big, max_uncompressed=2 * 1024 * 1024, max_ratio=10**6)


def test_streaming_scan_stays_within_budget():
    # zipfile never inflates past an entry's declared size; the scan's own budget caps the total.
    entries = {f"word/part{i}.xml": b"<a>" + b" " * 400_000 + b"</a>" for i in range(3)}
    entries["word/document.xml"] = b"<a/>"
    assert "过大" in _refusal(_zip(entries), max_uncompressed=1_000_000, max_ratio=10**6)


def test_too_many_entries():
    entries = {f"word/media/{i}.xml": b"<a/>" for i in range(2001)}
    entries["word/document.xml"] = b"<a/>"
    assert "条目过多" in _refusal(_zip(entries))


def test_over_size_limit():
    assert "文件过大" in _refusal(_docx_bytes(), max_bytes=1000)


def test_missing_main_part():
    assert "缺少 word/document.xml" in _refusal(_zip({"[Content_Types].xml": b"<Types/>"}))


def test_xlsx_uploaded_as_docx_and_back():
    xlsx = _zip({"xl/workbook.xml": b"<workbook/>"})
    assert "这是 Excel 文件" in _refusal(xlsx)
    check_office_zip(xlsx, kind="xlsx")
    assert "这是 Word 文件" in _refusal(_docx_bytes(), kind="xlsx")


ENTITY_BOMB = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
               b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>')


def test_xml_entity_expansion_is_refused():
    data = _docx_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        body = archive.read("word/document.xml")
    hostile = _rezip(data, replace={"word/document.xml": ENTITY_BOMB + body.split(b"?>", 1)[1]})
    assert "DOCTYPE" in _refusal(hostile)
    with pytest.raises(OfficeFileError):
        read_docx(hostile)


def test_entity_in_utf16_part_and_across_chunk_boundary():
    utf16 = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'.encode("utf-16")
    assert "DOCTYPE" in _refusal(_zip({"word/document.xml": b"<a/>", "word/styles.xml": utf16}))
    padded = b"<a>" + b" " * (64 * 1024 - 7) + b"<!DOCTYPE x>"
    assert "DOCTYPE" in _refusal(_zip({"word/document.xml": padded}), max_ratio=10**6)


def test_read_docx_refuses_unparsable_main_part():
    data = _rezip(_docx_bytes(), replace={"word/document.xml": b"this is not xml <<<"})
    with pytest.raises(OfficeFileError, match="Word"):
        read_docx(data)


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        check_office_zip(_docx_bytes(), kind="pdf")


def test_entity_in_a_part_with_an_unusual_name():
    assert "DOCTYPE" in _refusal(_zip({"word/document.xml": b"<a/>", "word/evil.dat": ENTITY_BOMB + b"<a/>"}))
