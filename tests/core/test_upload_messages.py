"""A failed upload names the person's file, never a path on our server."""

from __future__ import annotations

import pytest

from cmepath.core.uploads import upload_message, user_file_name


@pytest.mark.parametrize(
    ("message", "stored", "expected"),
    [
        (
            'Error when sniffing file "/var/lib/cmepath/outcomes/uploads/3f2a.csv": bad quote',
            [],
            "Error when sniffing file “orders 2024.csv”: bad quote",
        ),
        (
            "3f2a.csv: missing required column(s): unit",
            ["outcomes/uploads/3f2a.csv"],
            "“orders 2024.csv”: missing required column(s): unit",
        ),
        (
            "/srv/cmepath-x/3f2a.csv: no such file",
            [],
            "“orders 2024.csv”: no such file",
        ),
        (
            r"cannot read C:\srv\media\up\3f2a.csv now",
            [],
            "cannot read “orders 2024.csv” now",
        ),
    ],
)
def test_paths_and_stored_names_become_the_users_file_name(message, stored, expected):
    shown = upload_message(message, user_name="orders 2024.csv", stored_names=stored)
    assert shown == expected
    assert "/" not in shown and "3f2a" not in shown


@pytest.mark.parametrize(
    "message",
    [
        "The file is larger than 10 MiB; upload a smaller PDF.",
        "Use CSV and/or Parquet: 1/2 of the rows had no unit.",
        "missing column(s): order_date, unit",
    ],
)
def test_messages_without_paths_are_left_alone(message):
    assert upload_message(message, user_name="a.csv") == message


@pytest.mark.parametrize(
    ("sent", "name"),
    [
        ("C:\\Users\\me\\orders.csv", "orders.csv"),
        ("/home/me/orders.csv", "orders.csv"),
        ("", "your file"),
        (None, "your file"),
    ],
)
def test_user_file_name_drops_the_folders_a_browser_sent(sent, name):
    assert user_file_name(sent) == name
