"""The handling report's charts, drawn on the server as SVG: geometry here, markup in templates.

Horizontal positions are percentages of the chart's width and vertical ones pixels, so a chart
fills a phone or an A4 page without scaling its text. Coordinates are written with a dot
whatever the language (`svg_number`): they are SVG attributes, not text for readers. The
Content-Security-Policy forbids style attributes, so colours come from classes (report.css).
"""

from dataclasses import dataclass

from django.utils import formats

from .models import Status

# Organisations per status chart: each block prints unbroken on an A4 page.
ORGANISATIONS_PER_BLOCK = 12
ROW_HEIGHT = 46  # pixels per organisation: its label, then its bar
BAR_TOP, BAR_HEIGHT = 20, 20
# A segment this share of the chart's width or wider shows its count inside.
LABEL_SHARE = 6
MONTH_CHART_HEIGHT, MONTH_BAR_AREA, MONTH_TOP = 190, 130, 22


def svg_number(value):
    return f"{round(value, 2):g}"


@dataclass
class Segment:
    status: Status
    count: int
    x: str
    width: str
    middle: str
    show_count: bool


@dataclass
class BarRow:
    label: str
    total: int
    label_y: int
    bar_y: int
    text_y: int
    segments: list


def status_bar_blocks(report):
    """Stacked bars of commitments by status, one per organisation, in blocks of a dozen.

    Bars share one scale (the largest organisation's total fills the width), so lengths compare.
    """
    organisations = [f for f in report.organisations if f.commitments]
    largest = max((f.commitments for f in organisations), default=0)
    rows = []
    for index, figures in enumerate(organisations):
        top = (index % ORGANISATIONS_PER_BLOCK) * ROW_HEIGHT
        offset = 0.0
        segments = []
        for status in Status:
            count = figures.statuses[status.value]
            if not count:
                continue
            share = 100 * count / largest
            segments.append(
                Segment(
                    status,
                    count,
                    svg_number(offset),
                    svg_number(share),
                    svg_number(offset + share / 2),
                    share >= LABEL_SHARE,
                )
            )
            offset += share
        rows.append(
            BarRow(
                str(figures.organisation),
                figures.commitments,
                top + 14,
                top + BAR_TOP,
                top + BAR_TOP + BAR_HEIGHT // 2,
                segments,
            )
        )
    blocks = [
        rows[start : start + ORGANISATIONS_PER_BLOCK]
        for start in range(0, len(rows), ORGANISATIONS_PER_BLOCK)
    ]
    return [{"rows": block, "height": len(block) * ROW_HEIGHT} for block in blocks]


@dataclass
class MonthBar:
    label: str  # the month's number, shown under the bar when there is room
    name: str  # the month in words, for the bar's title
    count: int
    x: str
    width: str
    middle: str
    y: int
    height: int
    value_y: int
    show_label: bool
    show_value: bool
    year_label: str  # under January and the first month


def month_bars(report):
    """Vertical bars of completions per month, every month of the period, zeros included."""
    series = report.completions_by_month
    months = len(series)
    largest = max((count for _month, count in series), default=0)
    slot = 100 / months if months else 0
    bars = []
    for index, (month, count) in enumerate(series):
        height = round(MONTH_BAR_AREA * count / largest) if largest else 0
        y = MONTH_TOP + MONTH_BAR_AREA - height
        first_of_year = index == 0 or month.month == 1
        bars.append(
            MonthBar(
                label=str(month.month),
                name=formats.date_format(month, "YEAR_MONTH_FORMAT"),
                count=count,
                x=svg_number(index * slot + slot * 0.15),
                width=svg_number(slot * 0.7),
                middle=svg_number(index * slot + slot / 2),
                y=y,
                height=height,
                value_y=y - 5,
                # Past a year and a half of months, every third is labelled and the numbers are
                # left to the bars' titles and the table: they would overlap on a phone.
                show_label=months <= 18 or month.month % 3 == 1,
                show_value=months <= 18,
                year_label=str(month.year) if first_of_year else "",
            )
        )
    return {
        "bars": bars,
        "height": MONTH_CHART_HEIGHT,
        "axis_y": MONTH_TOP + MONTH_BAR_AREA,
        "month_y": MONTH_TOP + MONTH_BAR_AREA + 16,
        "year_y": MONTH_TOP + MONTH_BAR_AREA + 34,
        "total": sum(count for _month, count in series),
    }
