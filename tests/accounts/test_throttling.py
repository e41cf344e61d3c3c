"""Issue 12, defect 4: failed logins lock out the account, never everyone behind the proxy.

django-axes locks an account after 10 failures and a client address after 50 (in 15
minutes); allauth's ``login_failed`` rate is a second per-address brake. All of them see the
client address through the trusted proxies only (``CMEPATH_TRUSTED_PROXIES``);
``X-Forwarded-For`` from anyone else is ignored.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory

from cmepath.accounts.clientip import client_ip, parse_address
from tests.factories import UserFactory

PROXY = "10.0.0.1"
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _behind_a_proxy(settings):
    settings.CMEPATH_TRUSTED_PROXIES = [PROXY, "10.1.0.0/16"]
    cache.clear()  # allauth keeps its rate-limit counters in the cache
    yield
    cache.clear()


# --- the client address -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("remote", "xff", "expected"),
    [
        ("198.51.100.9", "203.0.113.5", "198.51.100.9"),  # not our proxy: the header is a lie
        (PROXY, "203.0.113.5", "203.0.113.5"),
        (PROXY, "", PROXY),
        (PROXY, "spoofed-by-client, 203.0.113.5", "203.0.113.5"),  # right-most untrusted hop
        (PROXY, "1.2.3.4, 203.0.113.5, 10.1.2.3", "203.0.113.5"),  # two proxies in the chain
        (PROXY, "203.0.113.5:5123", "203.0.113.5"),
        (PROXY, "[2001:db8::7]:443", "2001:db8::7"),
        (PROXY, "garbage", PROXY),
        ("::ffff:10.0.0.1", "203.0.113.5", "203.0.113.5"),  # IPv4-mapped proxy address
    ],
)
def test_client_ip_believes_forwarded_for_only_from_trusted_proxies(remote, xff, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=xff)
    assert client_ip(request) == expected


def test_without_trusted_proxies_the_connecting_address_is_the_client(settings):
    settings.CMEPATH_TRUSTED_PROXIES = []
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert client_ip(request) == PROXY


def test_parse_address_refuses_non_addresses():
    assert parse_address("not an ip") is None
    assert str(parse_address(" 192.0.2.1 ")) == "192.0.2.1"


# --- logins through the proxy -----------------------------------------------------------


def _login(email: str, password: str, client_address: str, remote: str = PROXY):
    return Client().post(
        "/accounts/login/",
        {"login": email, "password": password},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=client_address,
    )


def _signed_in(response) -> bool:
    return response.status_code == 302 and "login" not in response["Location"]


@pytest.mark.django_db
def test_twelve_failures_from_one_client_do_not_lock_out_other_users_behind_the_proxy():
    # given an attacker failing 12 times, through the proxy, against an account and strangers
    victim, other = UserFactory(), UserFactory()
    for i in range(12):
        target = victim.email if i % 2 else f"nobody{i}@example.test"
        assert _login(target, "wrong password here", "203.0.113.5").status_code == 200
    # then another user signs in with the right password from another address behind it
    assert _signed_in(_login(other.email, PASSWORD, "198.51.100.7"))
    # and even from the attacker's own address (a shared office NAT): the per-address brake
    # is far above 12
    third = UserFactory()
    assert _signed_in(_login(third.email, PASSWORD, "203.0.113.5"))


@pytest.mark.django_db
def test_an_account_is_still_locked_after_ten_failures_from_many_addresses():
    victim = UserFactory()
    for i in range(10):
        _login(victim.email, "wrong password here", f"203.0.113.{i + 1}")
    response = _login(victim.email, PASSWORD, "198.51.100.7")
    assert response.status_code == 429


@pytest.mark.django_db
def test_axes_records_the_client_address_not_the_proxy():
    from axes.models import AccessAttempt

    _login("nobody@example.test", "wrong password here", "203.0.113.5")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.5"]


@pytest.mark.django_db
def test_the_per_address_brake_counts_the_client_behind_the_proxy(settings):
    # given a per-address limit of 5 failed logins (the setting is 60; 5 keeps the test short)
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "5/15m/ip"}
    user = UserFactory()
    for i in range(5):
        _login(f"nobody{i}@example.test", "wrong password here", "203.0.113.5")
    # then that client is refused even with a right password
    refused = _login(user.email, PASSWORD, "203.0.113.5")
    assert not _signed_in(refused) and b"Too many" in refused.content
    # while another client behind the same proxy is not
    assert _signed_in(_login(user.email, PASSWORD, "198.51.100.7"))


@pytest.mark.django_db
def test_a_client_not_behind_the_proxy_cannot_escape_the_brake_with_a_forged_header(settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "5/15m/ip"}
    user = UserFactory()
    for i in range(5):
        _login(f"nobody{i}@example.test", "x" * 12, f"192.0.2.{i + 1}", remote="198.51.100.9")
    refused = _login(user.email, PASSWORD, "192.0.2.99", remote="198.51.100.9")
    assert not _signed_in(refused)


@pytest.mark.django_db
def test_an_address_is_locked_at_its_own_higher_limit(settings):
    # given an address limit of 5 (the setting is 50; 5 keeps the test short)
    settings.CMEPATH_AXES_ADDRESS_FAILURE_LIMIT = 5
    user = UserFactory()
    for i in range(5):
        _login(f"nobody{i}@example.test", "wrong password here", "203.0.113.5")
    # then that client address is locked out, whatever the account
    assert _login(user.email, PASSWORD, "203.0.113.5").status_code == 429
    # and other clients behind the same proxy are not
    assert _signed_in(_login(user.email, PASSWORD, "198.51.100.7"))


@pytest.mark.django_db
def test_signing_in_to_another_account_does_not_reset_the_count_against_a_victim():
    # given nine failures against a victim from one address
    victim, attacker = UserFactory(), UserFactory()
    for _ in range(9):
        _login(victim.email, "wrong password here", "203.0.113.5")
    # when the attacker signs in to an account of their own from that address
    assert _signed_in(_login(attacker.email, PASSWORD, "203.0.113.5"))
    # then the victim's count stands: one more failure locks the victim's account
    _login(victim.email, "wrong password here", "203.0.113.5")
    assert _login(victim.email, PASSWORD, "198.51.100.7").status_code == 429


@pytest.mark.django_db
def test_a_successful_sign_in_clears_that_accounts_own_failures():
    user = UserFactory()
    for _ in range(9):
        _login(user.email, "wrong password here", "203.0.113.5")
    assert _signed_in(_login(user.email, PASSWORD, "203.0.113.5"))
    for _ in range(9):
        _login(user.email, "wrong password here", "203.0.113.5")
    assert _signed_in(_login(user.email, PASSWORD, "203.0.113.5"))


def test_the_configured_limits():
    from django.conf import settings as django_settings

    assert django_settings.AXES_LOCKOUT_PARAMETERS == [["username"], ["ip_address"]]
    assert django_settings.AXES_FAILURE_LIMIT == 10
    assert django_settings.CMEPATH_AXES_ADDRESS_FAILURE_LIMIT > 12
    amount, _, per = django_settings.ACCOUNT_RATE_LIMITS["login_failed"].split("/")
    assert per == "ip" and int(amount) > 12
