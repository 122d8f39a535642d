"""Deadlines a letter states become each commitment's original target date, from the day it is
imported; bureau staff are asked about a letter another body signed."""

import datetime

from django.core.management import call_command
from django.urls import reverse

from commitments.models import Commitment, Reply
from tests.test_import_preview import paste, preview_data

# Signed by the test bureau of conftest.py (测试区工业和信息化局), dated 1 March 2024.
DATED_LETTER = """对区政协二届三次会议第31号提案的答复

张三委员:
  您提出的《关于加快工业园区配套建设的提案》收悉,现答复如下:
  2023年,我局投入专项资金800万元,完成园区道路改造2公里。
  下一步,我局将加快园区污水管网建设,力争2024年底前完工。同时,明年6月底前建成园区人才公寓。我局还将持续优化园区服务。
  感谢您对工业和信息化工作的关心和支持。

测试区工业和信息化局
2024年3月1日
"""


def save(client, data, **extra):
    return client.post(reverse("workspace:import_save"), {**data, **extra})


def test_preview_shows_each_deadline_as_an_editable_date_beside_its_words(client, staff_user):
    client.force_login(staff_user)

    response = paste(client, DATED_LETTER)

    html = response.content.decode()
    data = preview_data(response)
    assert data["commitments-0-target_date"] == "2024-12-31"
    assert data["commitments-1-target_date"] == "2025-06-30"
    assert data["commitments-2-target_date"] == ""
    assert 'type="date" name="commitments-0-target_date"' in html
    assert "“2024年底前”" in html and "“明年6月底前”" in html
    assert "signed_elsewhere" not in data  # the staff's own bureau signed it


def test_saved_commitments_keep_the_dates_as_corrected_in_the_preview(client, staff_user):
    client.force_login(staff_user)
    data = preview_data(paste(client, DATED_LETTER))
    data["commitments-1-target_date"] = "2025-05-31"

    response = save(client, data)

    assert response.status_code == 302
    dates = [
        (c.original_target_date, c.current_target_date)
        for c in Commitment.objects.order_by("position")
    ]
    assert dates == [
        (datetime.date(2024, 12, 31), datetime.date(2024, 12, 31)),
        (datetime.date(2025, 5, 31), datetime.date(2025, 5, 31)),
        (None, None),
    ]


def test_imported_deadline_makes_a_commitment_overdue_at_once(client, staff_user):
    client.force_login(staff_user)
    save(client, preview_data(paste(client, DATED_LETTER)))

    overdue = Commitment.objects.overdue()

    assert [c.position for c in overdue] == [1, 2]  # both dates lie in the past


def test_import_reply_command_sets_the_original_target_dates(db, tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_text(DATED_LETTER, encoding="utf-8")

    call_command("import_reply", str(letter))

    assert [str(c.original_target_date) for c in Commitment.objects.order_by("position")] == [
        "2024-12-31",
        "2025-06-30",
        "None",
    ]


def test_reimport_never_moves_an_original_target_date(db, tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_text(DATED_LETTER, encoding="utf-8")
    call_command("import_reply", str(letter))
    letter.write_text(DATED_LETTER.replace("2024年底前", "2025年底前"), encoding="utf-8")

    call_command("import_reply", str(letter), "--update")

    first = Reply.objects.get().commitments.get(position=1)
    assert first.original_target_date == datetime.date(2024, 12, 31)


# -- a letter another body signed --------------------------------------------------------------


def test_staff_are_asked_about_a_letter_another_body_signed(client, staff_user, seed_text):
    client.force_login(staff_user)

    response = paste(client, seed_text)

    html = response.content.decode()
    assert "无锡高新区(新吴区)工业和信息化局" in html
    assert 'name="signed_elsewhere" value="co_handled"' in html
    assert 'name="signed_elsewhere" value="wrong_bureau"' in html
    assert "signed_elsewhere" not in preview_data(response)  # nothing is chosen for them


def test_unanswered_question_saves_nothing(client, staff_user, seed_text):
    client.force_login(staff_user)

    response = save(client, preview_data(paste(client, seed_text)))

    assert response.status_code == 200
    assert not Reply.objects.exists()


def test_wrong_bureau_saves_nothing_and_says_who_should_import_it(client, staff_user, seed_text):
    client.force_login(staff_user)
    data = preview_data(paste(client, seed_text))

    response = save(client, data, signed_elsewhere="wrong_bureau")

    assert response.status_code == 200
    assert not Reply.objects.exists()
    html = response.content.decode()
    assert "无锡高新区(新吴区)工业和信息化局" in html and "id_signed_elsewhere_error" in html


def test_co_handled_reply_is_filed_under_the_staffs_own_bureau(
    client, staff_user, bureau, seed_text
):
    client.force_login(staff_user)
    data = preview_data(paste(client, seed_text))

    response = save(client, data, signed_elsewhere="co_handled")

    assert response.status_code == 302
    assert Reply.objects.get().organisation == bureau


def test_the_office_is_not_asked_who_signed(client, office_user, seed_text):
    client.force_login(office_user)

    response = paste(client, seed_text)

    assert 'name="signed_elsewhere"' not in response.content.decode()
