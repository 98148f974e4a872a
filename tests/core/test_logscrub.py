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
