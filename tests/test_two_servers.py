"""Two app servers on one PostgreSQL database and one media folder, as behind a load balancer:
what is published through one shows on the other at once, and an evidence file uploaded through
one downloads from the other.

The servers are real gunicorns on the test database, so it needs PostgreSQL, which CI runs the
suite on. bench/two_servers.py runs the same proof on a scratch database.
"""

import sys
from pathlib import Path

import pytest
from django.conf import global_settings
from django.db import connection

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import two_servers  # noqa: E402  (the proof lives in bench/, beside the script that runs it)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two servers share one database: needs PostgreSQL (set DATABASE_URL); "
    "SQLite's test database lives inside the test process",
)


@pytest.fixture
def servers_on_the_test_database(transactional_db, settings, tmp_path):
    # The servers check passwords with the real hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    passwords = two_servers.demo_accounts()
    env = two_servers.server_environment(
        two_servers.database_url(connection.settings_dict), tmp_path / "shared-media"
    )
    with two_servers.two_servers(env) as pair:
        yield pair, passwords, two_servers.demo_commitments()[0]


def test_a_publish_on_one_server_shows_on_the_other_with_its_evidence_file(
    servers_on_the_test_database,
):
    (server_a, server_b), passwords, commitment_id = servers_on_the_test_database

    proof = two_servers.prove(server_a, server_b, passwords, commitment_id)

    assert not proof.public_before_publish
    assert proof.staff_download_before_publish == proof.evidence
    assert proof.anonymous_before_publish == 302  # to the sign-in page
    assert proof.publish_status == 302
    assert proof.shown_after_seconds is not None
    assert proof.shown_after_seconds < two_servers.SHOWN_WITHIN_SECONDS
    assert proof.reads_showing == two_servers.READS
    assert proof.evidence_from_b == proof.evidence
