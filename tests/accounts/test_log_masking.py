"""Issue 12, defect 17: a live share token (or an email/reset key) never reaches the logs.

The tests configure logging from ``settings.base.LOGGING`` (the test settings log nothing)
and restore the loggers afterwards.
"""

from __future__ import annotations

import logging
import logging.config

import pytest

from cmepath.core.logmask import MaskSecretPaths, mask_secrets

LOGGERS = ("django.request", "django.server")


@pytest.fixture
def production_logging():
    from cmepath.settings import base

    root = logging.getLogger()
    saved_root = (root.level, list(root.handlers))
    saved = {
        name: (lg.level, list(lg.filters), list(lg.handlers), lg.propagate)
        for name in LOGGERS
        for lg in [logging.getLogger(name)]
    }
    logging.config.dictConfig(base.LOGGING)
    yield
    root.setLevel(saved_root[0])
    root.handlers[:] = saved_root[1]
    for name, (level, filters, handlers, propagate) in saved.items():
        lg = logging.getLogger(name)
        lg.setLevel(level)
        lg.filters[:] = filters
        lg.handlers[:] = handlers
        lg.propagate = propagate


@pytest.mark.django_db
def test_a_404_below_a_live_share_link_logs_the_path_without_its_token(
    client, clinician, production_logging, caplog
):
    from cmepath.credits.services import share_link_create

    # given a live share link
    _, token = share_link_create(actor=clinician, label="Medical staff office")
    # when someone requests a path below it that does not exist
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(f"/credits/shared/{token}/no-such-page/")
    # then the 404 is logged with the token masked
    assert response.status_code == 404
    messages = [r.getMessage() for r in caplog.records if r.name == "django.request"]
    assert messages == ["Not Found: /credits/shared/***/no-such-page/"]
    assert all(token not in r.getMessage() for r in caplog.records)


def test_the_development_server_access_line_is_masked(production_logging, caplog):
    token = "Zq9-secret-share-token"
    with caplog.at_level(logging.WARNING, logger="django.server"):
        logging.getLogger("django.server").warning(
            '"%s" %s %s', f"GET /credits/shared/{token}/transcript.pdf?x=1 HTTP/1.1", 404, 179
        )
    assert caplog.records[-1].getMessage() == (
        '"GET /credits/shared/***/transcript.pdf?x=1 HTTP/1.1" 404 179'
    )


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("/credits/shared/abc123/", "/credits/shared/***/"),
        ("/credits/shared/abc123", "/credits/shared/***"),
        (
            "GET /credits/shared/a_b-c/certificates/7/ HTTP/1.1",
            "GET /credits/shared/***/certificates/7/ HTTP/1.1",
        ),
        ("/accounts/confirm-email/MTA:1tX:abc/", "/accounts/confirm-email/***/"),
        ("/accounts/password/reset/key/1-abc-def/", "/accounts/password/reset/key/***/"),
        ("/credits/ and /me/profile/ stay", "/credits/ and /me/profile/ stay"),
    ],
)
def test_mask_secrets(text, masked):
    assert mask_secrets(text) == masked


def test_the_filter_masks_dict_arguments_and_keeps_the_record():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "%(path)s", None, None
    )
    record.args = {"path": "/credits/shared/tok/"}
    assert MaskSecretPaths().filter(record) is True
    assert record.getMessage() == "/credits/shared/***/"
