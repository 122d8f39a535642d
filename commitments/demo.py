"""The demo's invented sample data (示例数据): bureaus, proposals and a year of work on them.

Everything here is fictional and flagged `is_sample` (organisations, proposals), named with
"示例", and shown with a "示例数据 / sample data" badge on public pages. It is written through the
same functions as real work (the importer, workflow.py), so every rule holds; only the clock is
set back where a state needs time to pass (a stale commitment). `sample_data_remove` deletes
exactly this, leaving real letters alone.
"""

import datetime
import secrets

from django.db import transaction
from django.utils import timezone

from . import workflow
from .forms import EvidenceFormSet
from .importing import reply_import
from .models import (
    Commitment,
    Evidence,
    Follow,
    Measure,
    Organisation,
    ProgressUpdate,
    Proposal,
    Proposer,
    Rehandling,
    Reply,
    Review,
    ReviewMessage,
    SatisfactionRating,
    Session,
    User,
)
from .roles import assign_role

SAMPLE_SESSION = "示例区政协二届三次会议"
SAMPLE_BUREAUS = [
    ("示例区交通运输局", "示例交通局", "sample-transport"),
    ("示例区住房和城乡建设局", "示例住建局", "sample-housing"),
]
# username, role, organisation slug, name; the member 袁伟 (load_demo) proposes samples 1 and 2.
SAMPLE_USERS = [
    ("staff-transport", User.Role.STAFF, "sample-transport", "示例交通局 周敏"),
    ("staff-housing", User.Role.STAFF, "sample-housing", "示例住建局 吴刚"),
    ("member2", User.Role.MEMBER, None, "林委员"),
]
FAR = datetime.date(2027, 12, 31)
PAST = datetime.date(2025, 6, 30)  # an overdue commitment's date


def _letter(number, title, proposers, bureau, commitments, category="B"):
    return {
        "kind": "proposal",
        "number": number,
        "session": SAMPLE_SESSION,
        "proposers": proposers,
        "title": f"示例：{title}",
        "reply_date": "2024-06-20",
        "published_date": "2024-06-28",
        "index_number": f"SAMPLE/2024-{number}",
        "document_number": f"示例函〔2024〕{number}号",
        "category": category,
        "signer": "示例签发人",
        "contact": None,
        "measures": [{"title": "已开展调研", "text": "示例数据：已会同相关部门开展专题调研。"}],
        "commitments": [
            {"title": t, "text": f"示例数据：{t}。", "target_date": d, "target_phrase": None}
            for t, d in commitments
        ],
    }


LETTERS = [
    (
        "S01",
        "关于优化公交线网的提案",
        ["袁伟"],
        "sample-transport",
        [
            ("新开社区微循环公交线路3条", FAR),
            ("完成公交站台无障碍改造", FAR),
            ("试点夜间定制公交", FAR),
            ("公交智能调度平台建设", FAR),
            ("出租车停靠点规范设置", PAST),
        ],
    ),
    (
        "S02",
        "关于老旧小区加装电梯的提案",
        ["袁伟", "林委员"],
        "sample-housing",
        [
            ("年内完成加装电梯50部", FAR),
            ("简化加装电梯审批流程", FAR),
            ("建立加装电梯维保长效机制", FAR),
            ("既有住宅适老化改造补贴", FAR),
        ],
    ),
    (
        "S03",
        "关于完善停车设施的提案",
        ["示例委员甲"],
        "sample-transport",
        [("新建公共停车场2处", FAR), ("共享停车信息平台", FAR)],
    ),
]


def _update(commitment, author, office, *, state, status, progress, text, link=None, **fields):
    """One progress update, taken through the workflow to `state`."""
    data = {"evidence-TOTAL_FORMS": "0", "evidence-INITIAL_FORMS": "0"}
    if link:
        data.update(
            {
                "evidence-TOTAL_FORMS": "1",
                "evidence-0-url": link,
                "evidence-0-description": "示例数据：现场照片与验收材料",
            }
        )
    update = ProgressUpdate(
        commitment=commitment,
        as_of=timezone.localdate(),
        text=f"示例数据：{text}",
        status=status,
        progress=progress,
        **fields,
    )
    formset = EvidenceFormSet(data, instance=update, prefix="evidence")
    assert formset.is_valid(), formset.errors
    workflow.update_save(
        update=update, evidence_formset=formset, author=author, submit=state != "draft"
    )
    if state == "published":
        workflow.update_publish(update=update, by=office)
    elif state == "returned":
        workflow.update_return(update=update, by=office, note="示例数据：请补充照片。")
    return update


def _user(username, role, slug, name):
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, None
    password = secrets.token_urlsafe(9)
    user = User(username=username, first_name=name, email=f"{username}@example.org")
    user.set_password(password)
    organisation = Organisation.objects.get(slug=slug) if slug else None
    assign_role(user, role, organisation)
    return user, password


@transaction.atomic
def sample_data_load(*, office: User, member: User) -> list[tuple[str, str, str]]:
    """Load the sample set once; returns (username, role, password) for each user it made."""
    if Proposal.objects.filter(is_sample=True).exists():
        return []
    for name, short_name, slug in SAMPLE_BUREAUS:
        Organisation.objects.get_or_create(
            slug=slug, defaults={"name": name, "short_name": short_name, "is_sample": True}
        )
    made = []
    users = {}
    for username, role, slug, name in SAMPLE_USERS:
        users[username], password = _user(username, role, slug, name)
        if password:
            made.append((username, role, password))
    member2 = users["member2"]
    member2.filing_names = ["林委员"]
    member2.save(update_fields=["filing_names"])
    member.filing_names = sorted({*(member.filing_names or []), "袁伟"})
    member.save(update_fields=["filing_names"])

    replies = []
    for number, title, proposers, slug, commitments in LETTERS:
        bureau = Organisation.objects.get(slug=slug)
        letter = _letter(number, title, proposers, bureau, commitments)
        reply = reply_import(letter=letter, full_text="示例数据（虚构）", organisation=bureau)
        Proposal.objects.filter(pk=reply.proposal_id).update(is_sample=True)
        for link in reply.proposal.proposer_links.awaiting_confirmation():
            workflow.proposer_confirm(link=link, member=link.member, by=office)
        replies.append(reply)

    transport, housing = users["staff-transport"], users["staff-housing"]
    bus, elevator, parking = (list(r.commitments.order_by("position")) for r in replies)
    evidence = "https://example.org/sample/evidence"
    # Every status, through published updates (未启动 … 不再推进; 待评估 stays on parking[1]).
    _update(
        bus[0],
        transport,
        office,
        state="published",
        status="on_track",
        progress=40,
        text="已开通2条线路",
        link=evidence,
    )
    _update(
        bus[1],
        transport,
        office,
        state="published",
        status="completed",
        progress=100,
        text="站台改造全部完成",
        link=evidence,
    )
    _update(
        bus[2],
        transport,
        office,
        state="published",
        status="not_pursued",
        progress=0,
        text="客流不足，暂停试点",
        reason="示例数据：试运行客流不足，经论证不再推进。",
    )
    _update(
        bus[3],
        transport,
        office,
        state="published",
        status="challenges",
        progress=30,
        text="平台招标延期",
    )
    _update(
        bus[4], transport, office, state="published", status="stalled", progress=10, text="选址未定"
    )
    _update(
        elevator[1],
        housing,
        office,
        state="published",
        status="completed_modified",
        progress=100,
        text="审批时限由60日压缩至30日（原计划20日）",
        link=evidence,
    )
    _update(
        elevator[2],
        housing,
        office,
        state="published",
        status="ongoing",
        progress=50,
        text="维保机制常态运行",
    )
    _update(
        elevator[3],
        housing,
        office,
        state="published",
        status="not_started",
        progress=0,
        text="补贴办法起草中",
    )
    # Every update state.
    _update(
        bus[0],
        transport,
        office,
        state="draft",
        status="on_track",
        progress=60,
        text="第3条线路筹备中（草稿）",
    )
    _update(
        bus[3],
        transport,
        office,
        state="submitted",
        status="on_track",
        progress=45,
        text="平台已签约（待发布）",
    )
    _update(
        elevator[3],
        housing,
        office,
        state="returned",
        status="not_started",
        progress=5,
        text="补贴办法征求意见（被退回）",
    )
    # A sub-target roll-up: the 50 lifts split into two districts.
    north = workflow.subtarget_create(
        parent=elevator[0], by=housing, title="北片区加装电梯30部", text="示例数据", weight=3
    )
    workflow.subtarget_create(
        parent=elevator[0], by=housing, title="南片区加装电梯20部", text="示例数据", weight=2
    )
    _update(
        north,
        housing,
        office,
        state="published",
        status="on_track",
        progress=60,
        text="北片区已完工18部",
        link=evidence,
    )
    # A stale commitment: entered long ago, never updated.
    Commitment.objects.filter(pk=parking[0].pk).update(
        created_at=timezone.now() - datetime.timedelta(days=200)
    )
    # Reviews, a query and its answer.
    published = ProgressUpdate.objects.filter(
        commitment__reply__in=replies, state=ProgressUpdate.State.PUBLISHED
    ).order_by("pk")
    workflow.review_save(update=published[0], member=member, verdict="confirmed", comment="")
    query = workflow.review_save(
        update=published[3], member=member2, verdict="queried", comment="示例数据：延期原因？"
    )
    workflow.query_answer(review=query, by=transport, text="示例数据：因供应商资质复核延期。")
    # Ratings: satisfied with the buses; the lifts' outcome 不满意 opens re-handling round 2.
    workflow.rating_save(
        reply=replies[0], member=member, handling="satisfied", outcome="satisfied", comment=""
    )
    _rating, rehandling = workflow.rating_save(
        reply=replies[1],
        member=member2,
        handling="basically",
        outcome="dissatisfied",
        comment="示例数据：加装进度慢于承诺。",
    )
    second = _letter(
        "S02",
        "关于老旧小区加装电梯的提案",
        ["袁伟", "林委员"],
        None,
        [("第二轮：年内再完成加装电梯20部", FAR)],
    )
    second["index_number"] = "SAMPLE/2024-S02-2"
    reply_import(
        letter=second,
        full_text="示例数据（虚构）",
        organisation=Organisation.objects.get(slug="sample-housing"),
        rehandling=rehandling,
    )
    return made


@transaction.atomic
def sample_data_remove() -> int:
    """Delete the sample set (and its history), leaving real proposals and letters as they are."""
    proposals = Proposal.objects.filter(is_sample=True)
    replies = Reply.objects.filter(proposal__in=proposals)
    commitments = Commitment.objects.filter(reply__in=replies)
    updates = ProgressUpdate.objects.filter(commitment__in=commitments)
    reviews = Review.objects.filter(update__in=updates)
    count = proposals.count()
    ReviewMessage.objects.filter(review__in=reviews).delete()
    for model, rows in [
        (Review, reviews),
        (Follow, Follow.objects.filter(commitment__in=commitments)),
        (Evidence, Evidence.objects.filter(update__in=updates)),
    ]:
        _delete_with_history(model, rows)
    ReviewMessage.objects.filter(follow_up__in=updates).delete()
    _delete_with_history(ProgressUpdate, updates)
    Rehandling.objects.filter(proposal__in=proposals).delete()
    SatisfactionRating.objects.filter(reply__in=replies).delete()
    _delete_with_history(Commitment, commitments.filter(parent__isnull=False))
    _delete_with_history(Commitment, commitments)
    Measure.objects.filter(reply__in=replies).delete()
    _delete_with_history(Reply, replies)
    Proposer.objects.filter(proposal__in=proposals).delete()
    _delete_with_history(Proposal, proposals)
    Session.objects.filter(name=SAMPLE_SESSION, proposals__isnull=True).delete()
    sample_users = User.objects.filter(username__in=[u[0] for u in SAMPLE_USERS])
    for user in sample_users:
        # Only accounts that did nothing outside the sample set go with it.
        if not (user.reviews.exists() or user.ratings.exists() or user.proposer_links.exists()):
            user.delete()
    Organisation.objects.filter(is_sample=True, users__isnull=True, replies__isnull=True).delete()
    return count


def _delete_with_history(model, rows):
    pks = list(rows.values_list("pk", flat=True))
    history = getattr(model, "history", None)
    rows.model.objects.filter(pk__in=pks).delete()
    if history is not None:
        history.model.objects.filter(id__in=pks).delete()
