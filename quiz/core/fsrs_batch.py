"""Many questions' answers through FSRS at once: `Kernel.review` on numpy arrays.

A cold replay applies about a million answers spread over thousands of
questions. `Kernel.review` costs ~2.5 us of Python per answer; here the answers
of many questions advance together, step by step (step k: every question's
k-th answer), each FSRS formula one numpy operation over all the questions, so
the per-answer cost is what it takes to read the answers into arrays.

`run_many` takes (memory, card id, answers) per question and gives each one's
`Outcome`; it uses numpy only for a batch worth it (`MIN_LANES` questions, and
numpy is imported lazily, on the first batch of `IMPORT_AT` answers, so a small
log, and the app's launch, never pay its import). Below that, and for the
few long histories a batch ends with, `run_one` applies answers with the
scalar `Kernel.review`, which stays the reference.

Exactness: the operations are `Kernel.review`'s, in its order, in float64;
states, steps, intervals and the fuzz (integer CRC-32 and the same rounding)
are computed exactly. Only `numpy.power` may differ from libm's `pow` (Python's
`**`) in the last bit (numpy uses SIMD implementations where the CPU has them),
so stability and difficulty agree to ~1e-13 relative (3.5e-13 the most seen on 100,000 random
histories), not to the bit; a
due date could differ only if a rounded interval fell within that of a half day.
`tests/core/test_fsrs_batch.py` checks both against the scalar kernel on random
histories and on the benchmark's log. A question whose arithmetic leaves the
ordinary (a due date past the year 9999, a non-finite stability, a memory the
kernel would not produce) is replayed whole by `run_one` instead, so its
exceptional behaviour is the scalar kernel's.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from operator import itemgetter
from typing import Any, NamedTuple, Protocol

from quiz.core.fsrs_kernel import DAY_US, LEARNING, MAX_US, RELEARNING, REVIEW, Kernel, Memory

__all__ = [
    "COUNTS_NEW",
    "COUNTS_REVIEW",
    "IMPORT_AT",
    "MIN_LANES",
    "Outcome",
    "run_many",
    "run_one",
]

COUNTS_NEW, COUNTS_REVIEW = 1, 2
"""What an applied answer counts as for the daily limits: a new question, a review of a learned one (else 0)."""
MIN_LANES = 48
"""Questions a numpy step must advance to beat the scalar kernel (a step is ~60 numpy calls)."""
IMPORT_AT = 16_384
"""Answers (or buffered records) in one batch worth numpy, and its import (~0.1 s) with them.

The choice depends on the batch alone, never on whether numpy happens to be
imported already, so a replay computes the same floats in any process."""

Entry = Sequence[Any]
"""An answer as the `Replayer` holds it: (time in microseconds, id, rating 1-4, correct)."""
Counts = tuple[dict[int, int], dict[int, int]]
"""(new questions, reviews of learned ones) per bucket of time."""
Lane = tuple[Memory | None, int, Sequence[Entry]]
"""A question's memory before the answers (None: never answered), its card id, its answers in order."""


class Reviewer(Protocol):
    """What `run_one` needs: `Kernel.review` (tests pass a reference computed by `fsrs`)."""

    def review(self, memory: Memory, rating: int, now_us: int, card_id: int) -> Memory: ...


class Outcome(NamedTuple):
    """A question after a run of answers."""

    memory: Memory | None
    """None only if it had none and no answer could be applied."""
    codes: list[int]
    """Per answer: COUNTS_NEW, COUNTS_REVIEW or 0 (skipped answers are 0)."""
    answered: int
    """Answers applied (an answer whose due date would pass the year 9999 is skipped)."""
    right: int
    """Of those, the ones marked correct."""
    first: int
    """Time of the answer that introduced the question, when it was among these; else -1."""
    last: int
    """Time of the last applied answer, or -1."""


def run_one(
    kernel: Reviewer, memory: Memory | None, card_id: int, entries: Sequence[Entry], counts: Counts | None, bucket: int
) -> Outcome:
    """The answers `entries` applied in order by `kernel.review`, one at a time;
    the counted ones added to `counts` per `bucket` microseconds of time."""
    review = kernel.review
    codes: list[int] = []
    answered = right = 0
    first = last = -1
    for now, _id, rating, correct in entries:
        try:
            if memory is None:
                memory = review(Memory(LEARNING, 0, None, None, now, None), rating, now, card_id)
                first = now
                code = COUNTS_NEW
            else:
                code = COUNTS_REVIEW if memory.state == REVIEW else 0
                memory = review(memory, rating, now, card_id)
        except OverflowError:
            # A due date past the year 9999; `records` refuses such times, this is a last guard.
            codes.append(0)
            continue
        codes.append(code)
        answered += 1
        if correct:
            right += 1
        last = now
        if code and counts is not None:
            days = counts[code - 1]
            number = now // bucket
            days[number] = days.get(number, 0) + 1
    return Outcome(memory, codes, answered, right, first, last)


def run_many(
    kernel: Reviewer, lanes: Sequence[Lane], counts: Counts | None, bucket: int, *, codes: bool = False
) -> list[Outcome]:
    """`run_one` of every lane, in bulk when it pays; `codes=False` leaves `Outcome.codes` empty
    for lanes done in bulk (their counts still go to `counts`)."""
    total = 0
    for lane in lanes:
        total += len(lane[2])
    if type(kernel) is Kernel and len(lanes) >= MIN_LANES and total >= IMPORT_AT and all(lane[2] for lane in lanes):
        return _Batch(kernel, lanes, counts, bucket).run(codes)
    return [run_one(kernel, memory, card_id, entries, counts, bucket) for memory, card_id, entries in lanes]


_time_of = itemgetter(0)
_NO_TIME = -(1 << 62)
"""The `last review` of a question never reviewed."""


class _Tables:
    """A kernel's settings as numpy lookup tables (made once per kernel)."""

    def __init__(self, np: Any, kernel: Kernel) -> None:
        w = kernel.w
        ratings = (1, 2, 3, 4)
        self.init_s = np.array([0.0] + [kernel.initial[r][0] for r in ratings])
        self.init_d = np.array([0.0] + [kernel.initial[r][1] for r in ratings])
        self.short_increase = np.array([1.0] + [kernel.short_increase[r] for r in ratings])
        self.delta = np.array([0.0] + [kernel.delta[r] for r in ratings])
        self.hard_penalty = np.array([1.0, 1.0, w[15], 1.0, 1.0])
        self.easy_bonus = np.array([1.0, 1.0, 1.0, 1.0, w[16]])
        maximum = kernel.maximum
        # fsrs's fuzz range of every interval from 0 to the maximum (`Kernel._fuzz_bounds`, vectorised).
        days = np.arange(maximum + 1, dtype=np.float64)
        delta = np.ones(maximum + 1)
        from fsrs.scheduler import FUZZ_RANGES

        for fuzz_range in FUZZ_RANGES:
            delta += fuzz_range["factor"] * np.maximum(np.minimum(days, fuzz_range["end"]) - fuzz_range["start"], 0.0)
        high = np.minimum(np.rint(days + delta), maximum)
        self.fuzz_low = np.minimum(np.maximum(2.0, np.rint(days - delta)), high).astype(np.int64)
        self.fuzz_high = high.astype(np.int64)
        self.fuzz_span = (high - self.fuzz_low + 1).astype(np.float64)
        self.fuzz_low_f = self.fuzz_low.astype(np.float64)
        # CRC-32's byte table (zlib's polynomial, reflected), for the fuzz's draw.
        table = []
        for byte in range(256):
            value = byte
            for _ in range(8):
                value = (value >> 1) ^ 0xEDB88320 if value & 1 else value >> 1
            table.append(value)
        self.crc = np.array(table, dtype=np.int64)
        self.learning = np.array(kernel.learning or (0,), dtype=np.int64)
        self.relearning = np.array(kernel.relearning or (0,), dtype=np.int64)


def _tables(np: Any, kernel: Kernel) -> _Tables:
    """The kernel's tables, made on its first batch and kept with it."""
    tables = kernel.tables
    if not isinstance(tables, _Tables):
        tables = kernel.tables = _Tables(np, kernel)
    return tables


def _crc32(np: Any, table: Any, micros: Any, card_ids: Any) -> Any:
    """`zlib.crc32(micros.to_bytes(8, "little", signed=True), card_ids)` per element (ids below 2**32)."""
    crc = card_ids ^ 0xFFFFFFFF
    for shift in range(0, 64, 8):
        crc = table[(crc ^ (micros >> shift)) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


class _Batch:
    """The lanes in numpy arrays, sorted longest first so the active lanes of a step are a prefix."""

    def __init__(self, kernel: Kernel, lanes: Sequence[Lane], counts: Counts | None, bucket: int) -> None:
        import numpy as np

        self.np = np
        self.kernel = kernel
        self.tables = _tables(np, kernel)
        self.counts = counts
        self.bucket = bucket
        lengths = [len(lane[2]) for lane in lanes]
        self.order = order = sorted(range(len(lanes)), key=lengths.__getitem__, reverse=True)
        self.lanes = [lanes[index] for index in order]
        self.lengths = np.array([lengths[index] for index in order], dtype=np.int64)

    def run(self, want_codes: bool) -> list[Outcome]:
        """Every lane's `Outcome`, in the caller's order."""
        self.advance(*self._initial())
        self.count()
        return self._outcomes(want_codes)

    def _initial(self) -> tuple[Any, ...]:
        """The lanes' memories as arrays: state, step, stability, difficulty, due, last review, card id, fresh."""
        np = self.np
        lanes = self.lanes
        memories = [lane[0] for lane in lanes]
        fresh = np.array([memory is None for memory in memories], dtype=np.bool_)
        blank = (LEARNING, 0, None, None, 0, None)
        columns = list(zip(*[blank if memory is None else memory for memory in memories], strict=True))
        return (
            np.array(columns[0], dtype=np.int64),
            np.array([-1 if value is None else value for value in columns[1]], dtype=np.int64),
            np.array(columns[2], dtype=np.float64),
            np.array(columns[3], dtype=np.float64),
            np.array(columns[4], dtype=np.int64),
            np.array([_NO_TIME if value is None else value for value in columns[5]], dtype=np.int64),
            np.array([lane[1] & 0xFFFFFFFF for lane in lanes], dtype=np.int64),
            fresh,
        )

    def advance(
        self, state: Any, step: Any, stability: Any, difficulty: Any, due: Any, last: Any, card_ids: Any, fresh: Any
    ) -> None:
        """Run the lanes from these memories (arrays in the lanes' sorted order, changed in place)
        until they end or too few are left (`stopped`); `bad` marks the lanes `run_one` must redo."""
        np = self.np
        kernel, tables, lanes = self.kernel, self.tables, self.lanes
        count = len(lanes)
        lengths = self.lengths
        steps = int(lengths[0])
        # One pass over the answers (scattered in memory: each is read once), then numpy.
        flat_times, _ids, flat_ratings, flat_rights = zip(
            *chain.from_iterable([lane[2] for lane in lanes]), strict=True
        )
        filled = np.arange(steps) < lengths[:, None]  # lane x step
        times = np.zeros((count, steps), dtype=np.int64)
        times[filled] = np.array(flat_times, dtype=np.int64)
        ratings = np.ones((count, steps), dtype=np.int64)
        ratings[filled] = np.array(flat_ratings, dtype=np.int64)
        rights = np.zeros((count, steps), dtype=np.bool_)
        rights[filled] = np.array(flat_rights, dtype=np.bool_)
        del flat_times, _ids, flat_ratings, flat_rights
        times_by_step = np.ascontiguousarray(times.T)
        ratings_by_step = np.ascontiguousarray(ratings.T)
        active = filled.sum(axis=0).tolist()  # lanes with a k-th answer, per step k

        # Memories the kernel would not produce go through `run_one`, whole.
        with np.errstate(invalid="ignore"):
            has = ~np.isnan(stability)
            bad = (
                (has != ~np.isnan(difficulty))
                | (has & ((last == _NO_TIME) | ~(stability > 0) | ~np.isfinite(stability)))
                | (has & ~np.isfinite(difficulty))
                | ((state != LEARNING) & (state != REVIEW) & (state != RELEARNING))
                | ((step < 0) != (state == REVIEW))
            )

        codes = np.zeros((steps, count), dtype=np.int8)
        stopped = steps
        w = kernel.w
        factor, decay, retention_scale = kernel.factor, kernel.decay, kernel.interval_scale
        forget_short, recall_scale = kernel.forget_short, kernel.recall_scale
        w7_easy, one_minus_w7 = kernel.w7_easy, kernel.one_minus_w7
        maximum = float(kernel.maximum)
        fuzzing = kernel.fuzzing
        from fsrs.scheduler import MAX_DIFFICULTY, MIN_DIFFICULTY, STABILITY_MIN

        e = 2.718281828459045
        power, where = np.power, np.where
        with np.errstate(all="ignore"):
            for k in range(steps):
                n = active[k]
                if n < MIN_LANES:
                    stopped = k
                    break
                now = times_by_step[k, :n]
                rating = ratings_by_step[k, :n]
                st, sp = state[:n], step[:n]
                s, d = stability[:n], difficulty[:n]
                is_review = st == REVIEW
                if k == 0:
                    codes[0, :n] = where(fresh[:n], COUNTS_NEW, where(is_review, COUNTS_REVIEW, 0))
                else:
                    codes[k, :n] = where(is_review, COUNTS_REVIEW, 0)
                # Stability: fsrs's initial, short-term, forgetting and recall formulas.
                known = ~np.isnan(s)
                all_known = bool(known.all())
                elapsed = (now - last[:n]) // DAY_US
                short = elapsed < 1
                failed = rating == 1
                r = power(1 + factor * elapsed.astype(np.float64) / s, decay)
                forget = w[11] * power(d, -w[12]) * (power(s + 1, w[13]) - 1) * power(e, (1 - r) * w[14])
                forget_cap = s / forget_short
                forget = where(forget < forget_cap, forget, forget_cap)
                recall = s * (
                    1
                    + recall_scale
                    * (11 - d)
                    * power(s, -w[9])
                    * (power(e, (1 - r) * w[10]) - 1)
                    * tables.hard_penalty[rating]
                    * tables.easy_bonus[rating]
                )
                new_s = where(failed, forget, recall)
                if short.any():
                    increase = tables.short_increase[rating] * power(s, -w[19])
                    increase = where(~failed & (increase < 1.0), 1.0, increase)
                    new_s = where(short, s * increase, new_s)
                new_s = where(new_s < STABILITY_MIN, STABILITY_MIN, new_s)
                if not all_known:
                    new_s = where(known, new_s, tables.init_s[rating])
                new_d = w7_easy + one_minus_w7 * (d + (10.0 - d) * tables.delta[rating] / 9.0)
                new_d = where(
                    new_d < MIN_DIFFICULTY, MIN_DIFFICULTY, where(new_d > MAX_DIFFICULTY, MAX_DIFFICULTY, new_d)
                )
                if not all_known:
                    new_d = where(known, new_d, tables.init_d[rating])
                # State and step: `Kernel.review`'s branches as masks.
                new_state, new_step, interval, scheduled = self._steps(st, sp, rating, is_review, failed)
                days = np.fmin(np.fmax(np.rint((new_s / factor) * retention_scale), 1.0), maximum).astype(np.int64)
                if fuzzing:
                    fuzzed = np.flatnonzero(scheduled & (days >= 3))
                    if fuzzed.size:
                        lengths_in = days[fuzzed]
                        seed = _crc32(np, tables.crc, now[fuzzed], card_ids[:n][fuzzed])
                        drawn = np.rint(
                            seed.astype(np.float64) / 4294967296.0 * tables.fuzz_span[lengths_in]
                            + tables.fuzz_low_f[lengths_in]
                        )
                        days[fuzzed] = np.fmin(drawn, maximum).astype(np.int64)
                interval = where(scheduled, days * DAY_US, interval)
                new_due = now + interval
                odd = (new_due > MAX_US) | ~np.isfinite(new_s) | ~np.isfinite(new_d)
                if odd.any():
                    bad[:n] |= odd
                state[:n] = new_state
                step[:n] = new_step
                stability[:n] = new_s
                difficulty[:n] = new_d
                due[:n] = new_due
                last[:n] = now
        codes[:, bad] = 0
        self.stopped, self.bad, self.codes, self.times, self.rights, self.fresh = (
            stopped,
            bad,
            codes,
            times_by_step,
            rights,
            fresh,
        )
        self.memory = (state, step, stability, difficulty, due, last)
        self.done = np.minimum(lengths, stopped)
        """Per lane: the answers applied by the arrays."""

    def count(self) -> None:
        """Add the answers the arrays applied to the daily counts (the `run_one` ones add their own)."""
        np = self.np
        counts, bucket, codes, times = self.counts, self.bucket, self.codes, self.times
        if counts is None:
            return
        for code in (COUNTS_NEW, COUNTS_REVIEW):
            buckets, numbers = np.unique(times[codes == code] // bucket, return_counts=True)
            days = counts[code - 1]
            get = days.get
            for number, many in zip(buckets.tolist(), numbers.tolist(), strict=True):
                days[number] = get(number, 0) + many

    def lane_right(self) -> Any:
        """Per lane: the correct answers among those the arrays applied."""
        np = self.np
        return self.rights.cumsum(axis=1)[np.arange(len(self.lanes)), self.done - 1]

    def lane_last(self) -> Any:
        """Per lane: the time of the last answer the arrays applied."""
        np = self.np
        return self.times[self.done - 1, np.arange(len(self.lanes))]

    def _steps(self, st: Any, sp: Any, rating: Any, is_review: Any, failed: Any) -> tuple[Any, Any, Any, Any]:
        """(state, step, interval in microseconds, scheduled by stability) after the answers."""
        np = self.np
        kernel = self.kernel
        where = np.where
        interval = np.zeros(st.shape, dtype=np.int64)
        scheduled = is_review
        new_state, new_step = st, sp
        if kernel.relearning:
            lapse = is_review & failed
            if lapse.any():
                new_state = where(lapse, RELEARNING, new_state)
                new_step = where(lapse, 0, new_step)
                interval = where(lapse, kernel.relearning[0], interval)
                scheduled = is_review & ~lapse
        for which, steps, hard, table in (
            (LEARNING, kernel.learning, kernel.learning_hard, self.tables.learning),
            (RELEARNING, kernel.relearning, kernel.relearning_hard, self.tables.relearning),
        ):
            inside = st == which
            if not inside.any():
                continue
            if not steps:
                graduate = inside
            else:
                count = len(steps)
                graduate = inside & (sp >= count) & ~failed
                rest = inside & ~graduate
                again = rest & failed
                hard_ = rest & (rating == 2)
                advance = rest & (rating == 3) & (sp + 1 < count)
                graduate = graduate | (rest & ~(again | hard_ | advance))
                at = np.clip(sp, 0, count - 1)
                following = np.clip(sp + 1, 0, count - 1)
                assert hard is not None
                hard_interval = where(sp == 0, hard, table[at])
                interval = where(
                    again, steps[0], where(hard_, hard_interval, where(advance, table[following], interval))
                )
                new_step = where(again, 0, where(advance, sp + 1, new_step))
            new_state = where(graduate, REVIEW, new_state)
            new_step = where(graduate, -1, new_step)
            scheduled = scheduled | graduate
        return new_state, new_step, interval, scheduled

    def _outcomes(self, want_codes: bool) -> list[Outcome]:
        """Per lane, in the caller's order: the arrays' result, finished by `run_one` past
        `stopped` (the lanes still going there) or redone by it whole (the `bad` lanes)."""
        np = self.np
        kernel, lanes, counts, bucket = self.kernel, self.lanes, self.counts, self.bucket
        codes, bad, done = self.codes, self.bad, self.done
        state, step, stability, difficulty, due, last = self.memory
        right = self.lane_right().tolist()
        firsts = np.where(self.fresh, self.times[0], -1).tolist()
        lasts = self.lane_last().tolist()
        memories = list(
            zip(
                state.tolist(),
                step.tolist(),
                stability.tolist(),
                difficulty.tolist(),
                due.tolist(),
                last.tolist(),
                strict=True,
            )
        )
        lane_codes = codes.T
        results: list[Outcome | None] = [None] * len(lanes)
        bad_list = bad.tolist()
        done_list = done.tolist()
        for index, lane in enumerate(lanes):
            memory, card_id, entries = lane
            if bad_list[index]:
                outcome = run_one(kernel, memory, card_id, entries, counts, bucket)
            else:
                answered = done_list[index]
                st, sp, s, d, du, la = memories[index]
                memory = Memory(st, None if sp < 0 else sp, s, d, du, la)
                mine = lane_codes[index, :answered].tolist() if want_codes else []
                outcome = Outcome(memory, mine, answered, right[index], firsts[index], lasts[index])
                if answered < len(entries):
                    more = run_one(kernel, memory, card_id, entries[answered:], counts, bucket)
                    outcome = Outcome(
                        more.memory,
                        mine + more.codes if want_codes else [],
                        answered + more.answered,
                        outcome.right + more.right,
                        outcome.first,
                        more.last if more.last >= 0 else outcome.last,
                    )
            results[self.order[index]] = outcome
        return results  # type: ignore[return-value]
