"""The handling report's written summary: translated sentences with the figures filled in.

Each sentence carries its own plural form (ngettext on its leading number), so that a
translation can agree with it; sentences about what did not happen are left out or said once.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Status
from .report_tables import percent


def summary_sentences(report):
    """A few sentences that say what the figures say, each with its numbers."""
    overall = report.overall
    year = report.year
    sentences = [
        ngettext(
            "%(year)d: %(proposals)d proposal or suggestion; %(answered)d answered in "
            "%(replies)d reply letters.",
            "%(year)d: %(proposals)d proposals and suggestions; %(answered)d answered in "
            "%(replies)d reply letters.",
            overall.proposals,
        )
        % {
            "year": year,
            "proposals": overall.proposals,
            "answered": overall.proposals_answered,
            "replies": overall.replies,
        }
    ]
    if overall.replies:
        sentences.append(
            _(
                "Replies by class: A (solved or mostly solved) %(A)d, B (being solved) %(B)d, "
                "C (not solvable for now) %(C)d, D (for reference) %(D)d, no class stated %(none)d."
            )
            % {**overall.classes, "none": overall.classes[""]}
        )
    if overall.commitments:
        sentences.append(
            ngettext(
                "The replies make %(count)d commitment: %(completed)d completed (%(rate)s), "
                "%(open)d still open, %(not_pursued)d no longer pursued.",
                "The replies make %(count)d commitments: %(completed)d completed (%(rate)s), "
                "%(open)d still open, %(not_pursued)d no longer pursued.",
                overall.commitments,
            )
            % {
                "count": overall.commitments,
                "completed": overall.completed,
                "rate": percent(overall.completion_rate),
                "open": overall.open,
                "not_pursued": overall.statuses[Status.NOT_PURSUED],
            }
        )
        sentences.append(
            ngettext(
                "%(count)d commitment is overdue.",
                "%(count)d commitments are overdue.",
                overall.overdue,
            )
            % {"count": overall.overdue}
        )
        sentences.append(
            ngettext(
                "%(count)d open commitment has had no published update for %(days)d days.",
                "%(count)d open commitments have had no published update for %(days)d days.",
                overall.stale,
            )
            % {"count": overall.stale, "days": settings.TRACKER_STALE_DAYS}
        )
        most_overdue = max(report.organisations, key=lambda f: f.overdue, default=None)
        if most_overdue is not None and most_overdue.overdue:
            sentences.append(
                _("Most overdue: %(organisation)s, with %(count)d.")
                % {"organisation": most_overdue.organisation, "count": most_overdue.overdue}
            )
    else:
        sentences.append(_("The replies make no commitment that can be followed."))
    if overall.ratings:
        sentences.append(
            ngettext(
                "Proposers gave %(count)d rating. Handling: %(h_satisfied)d satisfied, "
                "%(h_basically)d basically satisfied, %(h_dissatisfied)d dissatisfied. "
                "Outcome: %(o_satisfied)d satisfied, %(o_basically)d basically satisfied, "
                "%(o_dissatisfied)d dissatisfied.",
                "Proposers gave %(count)d ratings. Handling: %(h_satisfied)d satisfied, "
                "%(h_basically)d basically satisfied, %(h_dissatisfied)d dissatisfied. "
                "Outcome: %(o_satisfied)d satisfied, %(o_basically)d basically satisfied, "
                "%(o_dissatisfied)d dissatisfied.",
                overall.ratings,
            )
            % {
                "count": overall.ratings,
                **{f"h_{level}": count for level, count in overall.handling.items()},
                **{f"o_{level}": count for level, count in overall.outcome.items()},
            }
        )
    else:
        sentences.append(_("No reply has been rated yet."))
    if overall.rehandling_rounds:
        sentences.append(
            ngettext(
                "%(count)d re-handling round was opened; %(open)d still awaits a new reply.",
                "%(count)d re-handling rounds were opened; %(open)d still await a new reply.",
                overall.rehandling_rounds,
            )
            % {"count": overall.rehandling_rounds, "open": overall.rehandling_open}
        )
    if report.internal:
        sentences.append(
            ngettext(
                "Not yet published: %(count)d update awaits publication (%(completing)d would "
                "complete a commitment), %(returned)d returned for changes.",
                "Not yet published: %(count)d updates await publication (%(completing)d would "
                "complete a commitment), %(returned)d returned for changes.",
                overall.awaiting_publication,
            )
            % {
                "count": overall.awaiting_publication,
                "completing": overall.awaiting_completion,
                "returned": overall.returned,
            }
        )
    return sentences
