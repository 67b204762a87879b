"""What staff read about a failed send (clinic.notifications.failures): the
error's kind and a short message, never an address."""

import smtplib
import socket

from hypothesis import given
from hypothesis import strategies as st

from clinic.notifications.failures import MAX_LENGTH, describe


@given(address=st.emails(), words=st.text(max_size=400))
def test_no_address_survives_whatever_the_server_says(address, words):
    errors = [
        smtplib.SMTPRecipientsRefused({address: (550, f"<{address}> {words}".encode())}),
        smtplib.SMTPDataError(451, f"{words} {address} {words}".encode()),
        smtplib.SMTPSenderRefused(553, f"{address} not allowed".encode(), address),
        RuntimeError(f"could not send to {address}: {words}"),
    ]
    for error in errors:
        text = describe(error)
        assert address not in text
        assert len(text) <= MAX_LENGTH


def test_refused_recipients_are_counted_with_their_codes():
    error = smtplib.SMTPRecipientsRefused(
        {"a@x.example": (550, b"no such user"), "b@x.example": (451, b"busy")}
    )
    assert describe(error) == (
        "SMTPRecipientsRefused: the mail server refused 2 recipients (code 451, 550)"
    )


def test_a_server_reply_keeps_its_code_and_words():
    error = smtplib.SMTPDataError(554, b"5.7.1 Message rejected\r\n  as <pat@x.example> spam")
    assert describe(error) == "SMTPDataError: 554 5.7.1 Message rejected as <[address]> spam"


def test_a_server_that_is_not_there_says_so():
    error = ConnectionRefusedError(111, "Connection refused")
    assert describe(error) == "ConnectionRefusedError: Connection refused"
    assert describe(TimeoutError()) == "TimeoutError"
    assert describe(socket.gaierror(-2, "Name or service not known")) == (
        "gaierror: Name or service not known"
    )


def test_a_long_reply_is_cut_short_after_its_addresses_are_gone():
    error = smtplib.SMTPDataError(554, ("x" * 290 + " <pat@x.example> " + "y" * 50).encode())
    text = describe(error)
    assert len(text) == MAX_LENGTH
    assert text.endswith("…")
    assert "pat@x" not in text
