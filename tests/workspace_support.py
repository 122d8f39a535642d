"""Helpers shared by the workspace tests: sample files and the progress-update form's data."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
# A Windows executable starts with "MZ" and carries a PE header further on.
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def png_bytes() -> bytes:
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("验收报告")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def update_form_data(*, version=None, evidence=(), initial_evidence=0, **fields) -> dict:
    """POST data of the progress-update form; `evidence` is a list of dicts for its rows."""
    data = {
        "as_of": "2024-10-01",
        "text": "已完成选址和设计。",
        "status": "on_track",
        "progress": "40",
        "reason": "",
        "new_target_date": "",
        "target_date_reason": "",
        "action": "save",
        "evidence-TOTAL_FORMS": str(max(len(evidence), 1)),
        "evidence-INITIAL_FORMS": str(initial_evidence),
        "evidence-MIN_NUM_FORMS": "0",
        "evidence-MAX_NUM_FORMS": "10",
    }
    if version is not None:
        data["version"] = str(version)
    for index, row in enumerate(evidence):
        for key, value in row.items():
            data[f"evidence-{index}-{key}"] = value
    data.update({key: str(value) for key, value in fields.items()})
    return data


def office_account():
    """An office user to act as the supervising office in a test's setup."""
    from commitments.models import Organisation, User
    from commitments.roles import assign_role

    user = User.objects.filter(role=User.Role.OFFICE, is_active=True).first()
    if user is None:
        office, _created = Organisation.objects.get_or_create(
            slug="setup-office", defaults={"name": "测试督办室", "is_office": True}
        )
        user = User(username="setup-office")
        assign_role(user, User.Role.OFFICE, office)
    return user


def staff_account(organisation):
    """A member of a bureau's staff, to act for it in a test's setup."""
    from commitments.models import User
    from commitments.roles import assign_role

    user = User.objects.filter(role=User.Role.STAFF, organisation=organisation).first()
    if user is None:
        user = User(username=f"setup-staff-{organisation.pk}")
        assign_role(user, User.Role.STAFF, organisation)
    return user


def submit(update):
    """Submit an update as its author (or its bureau's staff) would (commitments.workflow)."""
    from commitments import workflow

    by = update.author or staff_account(update.organisation)
    return workflow.update_submit(update=update, by=by, version=update.version)


def publish(update, by=None):
    """Publish an update as the office would, submitting it first if it is still with its author."""
    from commitments import workflow

    if update.state != update.State.SUBMITTED:
        submit(update)
    return workflow.update_publish(update=update, by=by or office_account())


def return_to_author(update, note, by=None):
    from commitments import workflow

    return workflow.update_return(update=update, by=by or office_account(), note=note)
