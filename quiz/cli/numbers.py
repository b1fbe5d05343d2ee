"""Text for the retention table and the calibration chart (`quiz.core.retention`).

Shared by `quiz history` and the TUI's history screen, so both show the same figures
the same way. Plain strings only: nothing here comes from a bank or a log's text.
"""

from __future__ import annotations

from typing import Any

from quiz.core.retention import MATURE_DAYS, PERIODS, RetentionRow, ReviewStats

_EIGHTHS = " ▏▎▍▌▋▊▉█"


def hbar(share: float, width: int) -> str:
    """A horizontal bar of `share` (0-1) of `width` cells, in eighths."""
    eighths = max(0, min(width * 8, round(share * width * 8)))
    full, rest = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[rest] if rest else "")


def _cell(passed: int, total: int) -> str:
    share = RetentionRow.share(passed, total)
    return "-" if share is None else f"{share:.0%} of {total}"


def retention_table(stats: ReviewStats) -> str:
    """True retention: passed share of reviews of learned questions, young and mature, by period."""
    lines = [f"{'':<8}{'young':>16}{'mature':>16}{'all':>16}"]
    for row in stats.retention:
        lines.append(
            f"{row.period:<8}"
            f"{_cell(row.young_passed, row.young_total):>16}"
            f"{_cell(row.mature_passed, row.mature_total):>16}"
            f"{_cell(row.young_passed + row.mature_passed, row.young_total + row.mature_total):>16}"
        )
    return "\n".join(lines)


def calibration_chart(stats: ReviewStats, width: int = 24) -> str:
    """Predicted recall against observed pass rate, one pair of bars per tenth of prediction."""
    if not stats.calibration:
        return "No reviews of learned questions yet."
    lines = [f"{'predicted':<10}{'':>5} {'':<{width}}  observed"]
    for b in stats.calibration:
        lines.append(
            f"{b.low:.1f}-{b.high:.1f}   {b.predicted:>4.0%} {hbar(b.predicted, width):<{width}}  "
            f"{b.observed:>4.0%} {hbar(b.observed, width):<{width}}  ({b.reviews} reviews)"
        )
    return "\n".join(lines)


def render_review_stats(stats: ReviewStats) -> str:
    """Both, with titles, for `quiz history`."""
    return (
        "True retention (share of reviews of learned questions passed; young: interval under 21 days)\n"
        + retention_table(stats)
        + "\n\nCalibration (predicted recall at each review, by tenths, against the share passed)\n"
        + calibration_chart(stats)
        + "\n"
    )


def review_stats_json(stats: ReviewStats) -> dict[str, Any]:
    """The `true_retention` and `calibration` keys of `quiz history --json` (docs: README)."""

    def share(passed: int, total: int) -> dict[str, Any]:
        return {"passed": passed, "reviews": total, "retention": RetentionRow.share(passed, total)}

    lengths = dict(PERIODS)
    return {
        "true_retention": {
            "mature_days": MATURE_DAYS,
            "periods": [
                {
                    "period": row.period,
                    "days": lengths[row.period],
                    "young": share(row.young_passed, row.young_total),
                    "mature": share(row.mature_passed, row.mature_total),
                    "all": share(row.young_passed + row.mature_passed, row.young_total + row.mature_total),
                }
                for row in stats.retention
            ],
        },
        "calibration": {
            "reviews": stats.reviews,
            "bins": [
                {
                    "low": b.low,
                    "high": b.high,
                    "reviews": b.reviews,
                    "predicted": b.predicted,
                    "observed": b.observed,
                }
                for b in stats.calibration
            ],
        },
    }
