"""Log lines never carry an ID number, a phone number or a bank account, whoever wrote them."""
import logging

from caseapp.core.logscrub import scrub


def test_scrub_masks_numbers_but_keeps_ordinary_text():
    line = "查无此人 11010519491231002X，电话13812345678，账号6217000012345678901，金额100000分，请求 7f3a9c2b1d4e5f60"
    clean = scrub(line)
    assert "11010519491231002X" not in clean and "1101**********002X" in clean
    assert "13812345678" not in clean and "138****5678" in clean
    assert "6217000012345678901" not in clean
    assert "金额100000分" in clean and "7f3a9c2b1d4e5f60" in clean


def test_log_records_are_scrubbed_for_every_handler(app, caplog):
    log = logging.getLogger("some.library")
    with caplog.at_level(logging.WARNING):
        log.warning("bad row %s phone %s", "130434198001010011", "13912345678")
        try:
            raise ValueError("身份证号 130434198001010011 已存在")
        except ValueError:
            log.exception("insert failed")
    text = caplog.text
    assert "130434198001010011" not in text and "13912345678" not in text
    assert "1304**********0011" in text


def test_known_fields_are_masked_whatever_their_value_looks_like():
    line = 'id_number=1304X phone: 0310-1234567 {"bank_account": "62 17 00"} 身份证号：12345 手机 139 1234 5678'
    clean = scrub(line)
    assert clean == 'id_number=*** phone: *** {"bank_account": "***"} 身份证号：*** 手机 139****5678'


def test_numbers_inside_other_numbers_stay_whole():
    lines = ["Task reminders.send[4f1c] succeeded in 1.1096000000000228s: {'sent': 4}",
             "took 0.000013800138000123 seconds", "order a13800138000 and v11010519491231002X",
             "ts=1733126478123 ms", "size 6217000012345678901.5 MB"]
    assert [scrub(line) for line in lines] == lines


def test_numbers_with_separators_and_country_code_are_masked():
    clean = scrub("call +86 138-1234-5678 or 8613912345678, id 11010519491231002x.")
    assert clean == "call 138****5678 or 139****5678, id 1101**********002x."
