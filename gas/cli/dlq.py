"""`gas dlq list QUEUE` and `gas dlq redrive QUEUE`: look into a dead-letter queue, send it back."""

from __future__ import annotations

import argparse
import json

from gas.cli.errors import CliError
from gas.cli.tables import utc
from gas.config import Settings
from gas.dead_letters import DLQ_SUFFIX, UnknownQueue, list_dead_letters, redrive, source_queue
from gas.resources import QUEUES

BODY_PREVIEW_CHARS = 200


def _queue(name: str) -> str:
    """The source queue named; CliError (bad input) for an unknown one."""
    try:
        return source_queue(name)
    except UnknownQueue as exc:
        raise CliError(str(exc), status=2) from None


def list_command(settings: Settings, args: argparse.Namespace) -> int:
    """Show what is on a dead-letter queue, oldest first, leaving it there."""
    queue = _queue(args.queue)
    letters = list_dead_letters(settings, queue)
    if args.json:
        for letter in letters:
            print(json.dumps({"message_id": letter.message_id, "sent_at": letter.sent_at,
                              "reason": letter.reason, "body": letter.body}))
        return 0
    print(f"{queue}{DLQ_SUFFIX}: {len(letters)} message(s)")
    for letter in letters:
        body = letter.body if len(letter.body) <= BODY_PREVIEW_CHARS else \
            letter.body[:BODY_PREVIEW_CHARS] + "…"
        print(f"{utc(letter.sent_at)}  {letter.message_id}  {letter.reason}\n    {body}")
    return 0


def redrive_command(settings: Settings, args: argparse.Namespace) -> int:
    """Send every dead-lettered message back to its source queue."""
    queue = _queue(args.queue)
    moved = redrive(settings, queue)
    print(f"moved {moved} message(s) from {queue}{DLQ_SUFFIX} back to {queue}")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add `gas dlq ...` to `gas`."""
    dlq = commands.add_parser("dlq", help="dead-letter queues").add_subparsers(
        dest="dlq_command", required=True)
    names = f"one of {', '.join(QUEUES)}"
    command = dlq.add_parser("list", help="show a dead-letter queue's messages")
    command.add_argument("queue", help=names)
    command.add_argument("--json", action="store_true", help="one JSON object per line")
    command.set_defaults(func=list_command)
    command = dlq.add_parser("redrive", help="send a dead-letter queue's messages back")
    command.add_argument("queue", help=names)
    command.set_defaults(func=redrive_command)
