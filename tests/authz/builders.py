"""Objects owned by one user, for the authorization matrix."""

from __future__ import annotations

from typing import Any

from tests.factories import BoardCertificationFactory, LicenceFactory


def licence(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = LicenceFactory(user=users["clinician_a"])
    return obj, {"pk": obj.pk}


def licence_api(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = LicenceFactory(user=users["clinician_a"])
    return obj, {"licence_id": obj.pk}


def board_cert(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = BoardCertificationFactory(user=users["clinician_a"])
    return obj, {"pk": obj.pk}


def board_cert_api(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = BoardCertificationFactory(user=users["clinician_a"])
    return obj, {"cert_id": obj.pk}


def proof(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    import io

    from pypdf import PdfWriter

    from cmepath.accounts.services import proof_upload

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buf = io.BytesIO()
    writer.write(buf)
    lic = LicenceFactory(user=users["clinician_a"])
    obj = proof_upload(actor=users["clinician_a"], licence=lic, data=buf.getvalue(), filename="p.pdf")
    return obj, {"pk": obj.pk}


def token(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    from cmepath.accounts.services import token_create

    obj, _ = token_create(actor=users["clinician_a"], name="owned")
    return obj, {"pk": obj.pk}


def _provider_with_member(users: dict[str, Any]) -> Any:
    from tests.catalog.factories import ProviderFactory

    provider = ProviderFactory(name=f"Matrix provider {users['provider'].pk}")
    provider.members.add(users["provider"])
    return provider


def _draft_activity(users: dict[str, Any]) -> Any:
    from tests.catalog.factories import make_activity

    return make_activity(_provider_with_member(users), status="draft")


def activity(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = _draft_activity(users)
    return obj, {"pk": obj.pk}


def activity_api(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = _draft_activity(users)
    return obj, {"activity_id": obj.pk}


def provider_org(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = _provider_with_member(users)
    return obj, {"provider_pk": obj.pk}
