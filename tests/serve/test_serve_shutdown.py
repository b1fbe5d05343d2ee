"""`quiz serve` stops without asyncio's late complaint about a closed loop, and hides nothing else."""

from __future__ import annotations

from types import SimpleNamespace

from quiz.cli.serve import _quiet_closed_loop


class _UnixSubprocessTransport:
    """Named as asyncio's transport is, for the repr the filter reads."""

    def __repr__(self) -> str:
        return "<_UnixSubprocessTransport closed pid=1 returncode=0>"


def test_only_the_closed_loop_message_of_a_subprocess_transport_is_dropped() -> None:
    shown: list[object] = []
    cases = [
        (RuntimeError("Event loop is closed"), _UnixSubprocessTransport()),
        (RuntimeError("Event loop is closed"), object()),
        (RuntimeError("something else"), _UnixSubprocessTransport()),
        (ValueError("Event loop is closed"), _UnixSubprocessTransport()),
    ]
    for error, owner in cases:
        _quiet_closed_loop(shown.append, SimpleNamespace(exc_value=error, object=owner))
    assert [item.exc_value for item in shown] == [error for error, _ in cases[1:]]  # type: ignore[attr-defined]
