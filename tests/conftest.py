"""Shared fixtures: a small world of one bureau, one office, users per role, and a reply."""

import datetime
import os
from pathlib import Path

import pytest
from workspace_support import publish, submit

from commitments import version_watcher
from commitments.models import Commitment, Organisation, ProgressUpdate, Proposal, Reply, Session
from commitments.roles import assign_role

# Playwright runs an event loop in the test thread; Django must still allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SEED_LETTER = Path(__file__).resolve().parent.parent / "sample_data" / "reply-xinwu-2024-20.txt"


@pytest.fixture(autouse=True)
def _plain_static_storage(settings, tmp_path):
    # Manifest storage needs collectstatic; uploads go to a throwaway folder.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # Each test's transaction rolls the data version back, so a page stored by one test could be
    # served to the next; test_page_cache.py turns the cache on with an empty store.
    settings.TRACKER_PAGE_CACHE = False
    # The same for the counts and summaries a worker keeps (kept.py); test_kept_summaries.py
    # keeps them.
    settings.TRACKER_SUMMARY_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _forget_data_versions():
    yield
    # A test that committed (transaction=True) moved the versions this process saw, and the
    # watcher never lets a version go back: the next test's database counts from 1 again.
    version_watcher.watcher.close()


@pytest.fixture(autouse=True)
def _no_throttling(settings):
    # Tests call the API and the exports far faster than any client may; test_open_data.py
    # sets limits of its own.
    settings.TRACKER_THROTTLE_API_PER_MINUTE = 0
    settings.TRACKER_THROTTLE_EXPORTS_PER_MINUTE = 0


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # The real hasher takes a noticeable fraction of a second per user; tests create many.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    # Emails are sent by tasks; run them in the test, as `make run` does, so mail.outbox fills.
    # test_reminders.py queues them in the database and runs the worker instead.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def seed_text():
    return SEED_LETTER.read_text(encoding="utf-8")


@pytest.fixture
def bureau(db):
    return Organisation.objects.create(
        name="测试区工业和信息化局", short_name="测试工信局", slug="test-industry"
    )


@pytest.fixture
def other_bureau(db):
    return Organisation.objects.create(
        name="测试区住房和建设局", short_name="测试住建局", slug="test-housing"
    )


@pytest.fixture
def office_org(db):
    return Organisation.objects.create(
        name="测试区政协提案委员会", short_name="提案委", slug="test-office", is_office=True
    )


def make_user(django_user_model, username, role, organisation=None):
    user = django_user_model(username=username, email=f"{username}@example.org")
    user.set_password("correct horse battery staple")
    assign_role(user, role, organisation)
    return user


@pytest.fixture
def staff_user(django_user_model, bureau):
    return make_user(django_user_model, "staff-a", "staff", bureau)


@pytest.fixture
def other_staff_user(django_user_model, other_bureau):
    return make_user(django_user_model, "staff-b", "staff", other_bureau)


@pytest.fixture
def office_user(django_user_model, office_org):
    return make_user(django_user_model, "office", "office", office_org)


@pytest.fixture
def member_user(django_user_model):
    return make_user(django_user_model, "member", "member")


@pytest.fixture
def reply(bureau):
    session = Session.objects.create(body="cppcc", name="测试区政协一届一次会议", year=2024)
    proposal = Proposal.objects.create(
        session=session,
        number="7",
        title="关于改善社区停车的建议",
        proposers=["王小明"],
        lead_organisation=bureau,
    )
    return Reply.objects.create(
        proposal=proposal,
        organisation=bureau,
        reply_date=datetime.date(2024, 6, 1),
        index_number="TEST/2024-0007",
        contact_name="赵联系",
        contact_phone="13900000000",
        full_text="王小明委员：……",
    )


@pytest.fixture
def commitment(reply, bureau):
    return Commitment.objects.create(
        reply=reply,
        position=1,
        title="新建停车位",
        promised_text="年内新建公共停车位200个。",
        lead_organisation=bureau,
        original_target_date=datetime.date(2030, 12, 31),
    )


@pytest.fixture
def make_update(staff_user):
    def make(commitment, **fields):
        values = {
            "as_of": datetime.date(2024, 9, 1),
            "text": "已完成选址。",
            "status": "on_track",
            "progress": 30,
            "author": staff_user,
            "organisation": staff_user.organisation,
        }
        values.update(fields)
        return ProgressUpdate.objects.create(commitment=commitment, **values)

    return make


@pytest.fixture(autouse=True)
def _fail_on_csp_violation(request, monkeypatch):
    """A browser test fails if any page it opened broke the Content-Security-Policy.

    Chromium reports each refused inline style, inline script or outside resource on the
    console, with JavaScript on or off; every context the test opens is watched."""
    if request.node.get_closest_marker("browser") is None:
        yield
        return
    browser = request.getfixturevalue("browser")
    violations = []

    def record(message):
        if "Content Security Policy" in message.text:
            violations.append(f"{message.location.get('url')}: {message.text}")

    new_context = browser.new_context

    def watched_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        context.on("console", record)
        return context

    monkeypatch.setattr(browser, "new_context", watched_context)
    yield
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium: Playwright cannot download a browser on these machines.
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def publish_update(make_update, office_user):
    """Make an update, submit it and publish it, as the office would."""

    def make_published(commitment, **fields):
        update = make_update(commitment, **fields)
        submit(update)
        publish(update, by=office_user)
        return update

    return make_published


@pytest.fixture
def seed_reply(db):
    """The demo reply letter (sample_data/reply-xinwu-2024-20.txt), imported by `load_demo`
    (without the invented sample data: test_demo.py covers that)."""
    from io import StringIO

    from django.core.management import call_command

    call_command("load_demo", "--no-samples", stdout=StringIO())
    return Reply.objects.get(organisation__slug="xinwu-industry")


def link_proposer(member, proposal, name=None):
    """Make `member` a confirmed proposer of `proposal` (what the office's confirmation does)."""
    from django.utils import timezone

    from commitments.models import Proposer

    name = name or (proposal.proposers or [member.display_name()])[0]
    Proposer.objects.update_or_create(
        proposal=proposal, name=name, defaults={"member": member, "confirmed_at": timezone.now()}
    )
    return member
