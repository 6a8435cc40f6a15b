"""The e-mail about a finished job, as text and HTML: what was found, and what happens next.

A completed job's mail gives the file name, the variant count, the share found in dbSNP and
the most common consequence classes (from the summary; an older summary without them just
leaves that part out), and, to a Free user, when the result file will be archived.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime

from gas.config import Settings
from gas.jobs import COMPLETED
from gas.mailer import Mail
from gas.summaries import top_consequences

TOP_CONSEQUENCES = 5
_UNITS = (("day", 86_400), ("hour", 3_600), ("minute", 60), ("second", 1))


@dataclass(frozen=True)
class JobNews:
    """What the mail says about a job, worked out once and written as text and as HTML."""

    file_name: str
    completed: bool
    finished: str
    reason: str
    link: str
    facts: list[tuple[str, str]]  # (label, value) lines: variants, dbSNP
    consequences: list[str]  # "missense_variant: 12 (3.4%)"
    archive_note: str  # Free users: when the result goes to the archive; else ""
    upgrade_link: str


def when(epoch: float) -> str:
    """An epoch time as the mail shows it."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M UTC")


def duration(seconds: int) -> str:
    """A length of time in its largest whole unit ("5 minutes", "1 day")."""
    unit, size = next((unit, size) for unit, size in _UNITS if seconds >= size or size == 1)
    value = round(seconds / size)
    return f"{value} {unit}{'' if value == 1 else 's'}"


def news(settings: Settings, job: dict, summary: dict, premium: bool) -> JobNews:
    """What to tell the job's owner, from the row, its summary and the owner's plan now."""
    completed = job["job_status"] == COMPLETED
    total = summary.get("total_variants")
    facts, consequences, archive_note = [], [], ""
    if completed and isinstance(total, int):
        facts.append(("Variants", f"{total:,}"))
        if isinstance(summary.get("in_dbsnp"), int):
            share = summary.get("in_dbsnp_pct")
            share_text = f" ({share:.1f}%)" if isinstance(share, int | float) else ""
            facts.append(("Found in dbSNP", f"{summary['in_dbsnp']:,}{share_text}"))
        consequences = [f"{term}: {n:,} ({100 * n / total:.1f}%)" if total else f"{term}: {n:,}"
                        for term, n in top_consequences(summary, TOP_CONSEQUENCES)]
    if completed and not premium:
        window = settings.free_user_data_retention
        archive_note = (f"On the Free plan the result file moves to the archive at "
                        f"{when(job['complete_time'] + window)}, {duration(window)} after the "
                        "job finished; Premium keeps it at hand.")
    return JobNews(
        file_name=job.get("input_file_name") or "your file", completed=completed,
        finished=when(job.get("complete_time") or 0),
        reason=job.get("failure_reason") or "unknown error",
        link=f"{settings.base_url}/annotations/{job['job_id']}", facts=facts,
        consequences=consequences, archive_note=archive_note,
        upgrade_link=f"{settings.base_url}/subscribe",
    )


def _headline(item: JobNews) -> str:
    """The one sentence saying what happened."""
    if item.completed:
        return f"Your annotation job for {item.file_name} completed at {item.finished}."
    return f"Your annotation job for {item.file_name} failed at {item.finished}: {item.reason}"


def text(item: JobNews, greeting: str) -> str:
    """The plain-text part."""
    lines = [greeting, "", _headline(item)]
    if item.facts:
        lines += ["", *(f"{label}: {value}" for label, value in item.facts)]
    if item.consequences:
        lines += ["", "Most common consequences:", *(f"  {c}" for c in item.consequences)]
    if item.archive_note:
        lines += ["", item.archive_note, f"Upgrade: {item.upgrade_link}"]
    lines += ["", f"See the job: {item.link}", "", "-- GAS", ""]
    return "\n".join(lines)


def page(item: JobNews, greeting: str) -> str:
    """The HTML part (everything from the user or the file escaped)."""
    e = html.escape
    parts = [f"<p>{e(greeting)}</p>", f"<p>{e(_headline(item))}</p>"]
    if item.facts:
        rows = "".join(f'<tr><th align="left">{e(label)}</th><td>{e(value)}</td></tr>'
                       for label, value in item.facts)
        parts.append(f"<table>{rows}</table>")
    if item.consequences:
        listed = "".join(f"<li>{e(c)}</li>" for c in item.consequences)
        parts.append(f"<p>Most common consequences:</p><ul>{listed}</ul>")
    if item.archive_note:
        parts.append(f'<p>{e(item.archive_note)} <a href="{e(item.upgrade_link)}">Upgrade</a>'
                     "</p>")
    parts += [f'<p><a href="{e(item.link)}">See the job</a></p>', "<p>&mdash; GAS</p>"]
    return "".join(parts)


def compose(settings: Settings, job: dict, summary: dict, premium: bool, name: str | None,
            address: str) -> Mail:
    """The mail about a finished job to its owner."""
    item = news(settings, job, summary, premium)
    outcome = "is ready" if item.completed else "failed"
    greeting = f"Hello {name}," if name else "Hello,"
    return Mail(to_address=address, to_name=name,
                subject=f"GAS: annotation of {item.file_name} {outcome}",
                text=text(item, greeting), html=page(item, greeting))
