"""Documents on referrals: multipart upload, metadata, streamed content, scope, limits."""

from __future__ import annotations

import hashlib
import uuid

from tests.api.test_referrals import make_referral
from tests.support import Api, assert_problem, unique_team


async def test_upload_list_read_and_download(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    referral = await make_referral(api, team)
    content = b"%PDF-1.4 risk assessment " + uuid.uuid4().bytes
    response = await me.post(
        f"/v1/referrals/{referral['id']}/documents",
        files={"file": ("risk.pdf", content, "application/pdf")},
        data={"kind": "risk_assessment"},
    )
    assert response.status_code == 201, response.text
    document = response.json()
    assert response.headers["location"].endswith(f"/v1/documents/{document['id']}")
    assert document["kind"] == "risk_assessment" and document["filename"] == "risk.pdf"
    assert document["size"] == len(content)
    assert document["sha256"] == hashlib.sha256(content).hexdigest()
    assert document["content_type"] == "application/pdf" and document["received_at"]

    listed = (await me.get(f"/v1/referrals/{referral['id']}/documents")).json()["items"]
    assert [d["id"] for d in listed] == [document["id"]]
    assert (await me.get(f"/v1/documents/{document['id']}")).json() == document
    downloaded = await me.get(f"/v1/documents/{document['id']}/content")
    assert downloaded.status_code == 200
    assert downloaded.content == content
    assert downloaded.headers["content-type"] == "application/pdf"
    assert "attachment" in downloaded.headers["content-disposition"]

    admin = api.as_("admin")
    trail = (await admin.get("/v1/audit", params={"subject_id": document["id"]})).json()["items"]
    # Revision 2 (R19): the list, the single read and the content read are each audited.
    assert [e["action"] for e in trail] == [
        "document.uploaded",
        "document.list_read",
        "document.read",
        "document.content_read",
    ]


async def test_documents_are_scoped_by_the_referrals_team(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    referral = await make_referral(api, team)
    document = (
        await me.post(
            f"/v1/referrals/{referral['id']}/documents",
            files={"file": ("plan.txt", b"plan", "text/plain")},
            data={"kind": "care_and_support_plan"},
        )
    ).json()
    outsider = api.as_("practitioner", teams=[unique_team()])
    assert_problem(await outsider.get(f"/v1/documents/{document['id']}"), 404, "not_found")
    assert_problem(await outsider.get(f"/v1/documents/{document['id']}/content"), 404, "not_found")
    assert_problem(
        await outsider.get(f"/v1/referrals/{referral['id']}/documents"), 404, "not_found"
    )
    upload = await outsider.post(
        f"/v1/referrals/{referral['id']}/documents",
        files={"file": ("x.txt", b"x", "text/plain")},
        data={"kind": "other"},
    )
    assert_problem(upload, 404, "not_found")


async def test_upload_refusals(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    referral = await make_referral(api, team)
    url = f"/v1/referrals/{referral['id']}/documents"
    bad_kind = await me.post(
        url, files={"file": ("a.txt", b"a", "text/plain")}, data={"kind": "selfie"}
    )
    assert_problem(bad_kind, 422, "validation_error")
    no_file = await me.post(url, data={"kind": "other"}, files={"x": ("a", b"", "text/plain")})
    assert_problem(no_file, 422, "validation_error")
    as_json = await me.post(url, json={"kind": "other"})
    assert_problem(as_json, 415, "unsupported_media_type")
    worker = api.as_("support_worker", teams=[team])
    forbidden = await worker.post(
        url, files={"file": ("a.txt", b"a", "text/plain")}, data={"kind": "other"}
    )
    assert_problem(forbidden, 403, "forbidden")
    missing = await me.post(
        f"/v1/referrals/{uuid.uuid4()}/documents",
        files={"file": ("a.txt", b"a", "text/plain")},
        data={"kind": "other"},
    )
    assert_problem(missing, 404, "not_found")


async def test_upload_over_the_limit_is_413(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    referral = await make_referral(api, team)
    big = b"0" * (20 * 1024 * 1024 + 1)
    response = await me.post(
        f"/v1/referrals/{referral['id']}/documents",
        files={"file": ("big.bin", big, "application/octet-stream")},
        data={"kind": "other"},
    )
    assert_problem(response, 413, "payload_too_large")
    listed = (await me.get(f"/v1/referrals/{referral['id']}/documents")).json()["items"]
    assert listed == []


async def test_non_latin_filename_downloads_and_metadata_has_an_etag(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    referral = await make_referral(api, team)
    uploaded = await me.post(
        f"/v1/referrals/{referral['id']}/documents",
        files={"file": ("计划 plan.pdf", b"%PDF-1.7", "application/pdf")},
        data={"kind": "other"},
    )
    assert uploaded.status_code == 201, uploaded.text
    document = uploaded.json()
    assert document["filename"] == "计划 plan.pdf"
    content = await me.get(f"/v1/documents/{document['id']}/content")
    assert content.status_code == 200 and content.content == b"%PDF-1.7"
    disposition = content.headers["content-disposition"]
    assert 'filename=" plan.pdf"' in disposition
    assert "filename*=UTF-8''%E8%AE%A1%E5%88%92%20plan.pdf" in disposition
    meta = await me.get(f"/v1/documents/{document['id']}")
    assert meta.headers["etag"] == f'"{document["sha256"]}"'


async def test_upload_checks_scope_and_role_before_the_kind(api: Api) -> None:
    team = unique_team()
    referral = await make_referral(api, team)
    url = f"/v1/referrals/{referral['id']}/documents"
    files = {"file": ("a.txt", b"a", "text/plain")}
    outsider = api.as_("practitioner", teams=[unique_team()])
    assert_problem(await outsider.post(url, files=files, data={"kind": "nope"}), 404, "not_found")
    manager = api.as_("team_manager")
    assert_problem(await manager.post(url, files=files, data={"kind": "nope"}), 403, "forbidden")


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
ZIP = b"PK\x03\x04" + b"\x00" * 16
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def test_uploads_are_an_allowlist_checked_by_their_bytes(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    referral = await make_referral(api, team)
    url = f"/v1/referrals/{referral['id']}/documents"
    accepted = (
        ("a.pdf", b"%PDF-1.7\n...", "application/pdf"),
        ("a.png", PNG, "image/png"),
        ("a.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 8, "image/jpeg"),
        ("a.gif", b"GIF89a" + b"\x00" * 8, "image/gif"),
        ("a.docx", ZIP, DOCX),
        ("a.odt", ZIP, "application/vnd.oasis.opendocument.text"),
        ("a.doc", OLE, "application/msword"),
        ("a.rtf", b"{\\rtf1 hello}", "application/rtf"),
        ("a.txt", "Café notes ✓".encode(), "text/plain; charset=utf-8"),
        ("a.csv", b"name,age\nA,7\n", "text/csv"),
    )
    for name, content, declared in accepted:
        response = await me.post(
            url, files={"file": (name, content, declared)}, data={"kind": "other"}
        )
        assert response.status_code == 201, (name, response.text)
        assert response.json()["content_type"] == declared.split(";")[0]
    refused = (
        ("a.html", b"<html><script>alert(1)</script></html>", "text/html"),
        ("a.svg", b"<svg onload=alert(1)>", "image/svg+xml"),
        ("a.exe", b"MZ\x90\x00" + b"\x00" * 16, "application/octet-stream"),
        ("a.pdf", b"<html><script>alert(1)</script>", "application/pdf"),  # not a PDF
        ("a.png", b"%PDF-1.7", "image/png"),  # a PDF declared as PNG
        ("a.txt", PNG, "text/plain"),  # binary declared as text
        ("a.txt", b"abc\x00def", "text/plain"),  # NUL
        ("a.csv", b"caf\xe9,1\n", "text/csv"),  # not UTF-8
        ("a.zip", ZIP, "application/zip"),
    )
    for name, content, declared in refused:
        response = await me.post(
            url, files={"file": (name, content, declared)}, data={"kind": "other"}
        )
        assert_problem(response, 415, "unsupported_document_type")
    listed = (await me.get(url, params={"limit": 100})).json()["items"]
    assert len(listed) == len(accepted)


async def test_document_content_is_served_sandboxed_and_nosniff(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    referral = await make_referral(api, team)
    uploaded = await me.post(
        f"/v1/referrals/{referral['id']}/documents",
        files={"file": ("n.txt", b"<script>alert(1)</script>", "text/plain")},
        data={"kind": "other"},
    )
    assert uploaded.status_code == 201, uploaded.text
    content = await me.get(f"/v1/documents/{uploaded.json()['id']}/content")
    assert content.status_code == 200
    assert content.headers["content-security-policy"] == "sandbox"
    assert content.headers["x-content-type-options"] == "nosniff"
    assert content.headers["content-disposition"].startswith("attachment")
