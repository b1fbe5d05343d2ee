"""`quiz import` and `quiz export`: questions in from Moodle, Aiken, spreadsheets and
Anki, and out to Moodle, spreadsheets and Anki.

Exit statuses: 0 when everything came over as it was; 1 when something was
skipped or changed (each reported as `FILE:LINE: message`, then counted in a
closing summary); 2 when an input could not be read or the command was misused.
Outputs are written atomically and never over an existing file without --force.
"""

from __future__ import annotations

import argparse
import errno
import os
import tempfile
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from quiz.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, AddCommand, Context, UsageError

if TYPE_CHECKING:
    from quiz.formats.common import ImportedBank

MAX_IMPORT_BYTES = 64 * 1024 * 1024
"""A bigger file is refused before it is read: imports stay within bounded memory."""


def register(add: AddCommand) -> None:
    """Add `import` and `export` to the command line."""
    from quiz.formats import EXPORT_FORMATS, IMPORT_FORMATS

    command = add("import", "turn GIFT, Moodle XML, Aiken, CSV/TSV or Anki text files into YAML banks")
    command.add_argument("files", nargs="+", metavar="FILE", help="files to import")
    command.add_argument("--format", choices=IMPORT_FORMATS, help="the files' format (default: guessed)")
    command.add_argument("-o", "--output", metavar="OUT", help="a .yaml file (one deck) or a folder (default: .)")
    command.add_argument("--deck", metavar="NAME", help="put every question in this deck (categories become tags)")
    command.add_argument("--as", dest="as_type", choices=("card", "short"), default="card",
                         help="Anki fronts and backs become cards (default) or short answers")  # fmt: skip
    command.add_argument("--force", action="store_true", help="overwrite existing output files")
    command.set_defaults(run=run_import)
    export = add("export", "write banks as Moodle XML, GIFT, an Anki .apkg or CSV")
    export.add_argument("paths", nargs="*", metavar="PATH", help="bank files or folders (default: the banks in use)")
    export.add_argument("--to", required=True, choices=EXPORT_FORMATS, help="the format to write")
    export.add_argument("--deck", action="append", default=[], help="only this deck (repeatable)")
    export.add_argument("-o", "--output", metavar="OUT", help="the file to write ('-' for standard output)")
    export.add_argument("--force", action="store_true", help="overwrite an existing output file")
    export.set_defaults(run=run_export)


def write_atomically(path: Path, data: bytes, *, force: bool) -> None:
    """Write via a temporary file in the same folder and a rename: never half a file."""
    if path.exists() and not force:
        raise FileExistsError(str(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError as error:  # a file where a folder should be
        raise NotADirectoryError(errno.ENOTDIR, f"{error.filename} is a file, not a folder") from None
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if not force and path.exists():
            raise FileExistsError(str(path))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write(path: Path, data: bytes, force: bool, command: str, ctx: Context) -> bool:
    """`write_atomically`, with a one-line message instead of a traceback."""
    try:
        write_atomically(path, data, force=force)
    except FileExistsError:
        print(f"quiz {command}: {path} appeared meanwhile: not overwritten (--force overwrites)", file=ctx.stderr)
        return False
    except OSError as error:
        print(f"quiz {command}: cannot write {path}: {error.strerror or error}", file=ctx.stderr)
        return False
    return True


def _read(path: Path) -> tuple[str | None, str]:
    """The file's text, or None and why it cannot be read."""
    try:
        size = path.stat().st_size
        if path.is_dir():
            return None, f"{path}: is a folder, not a file"
        if size > MAX_IMPORT_BYTES:
            return None, (f"{path}: {size / 2**20:.1f} MB is over the {MAX_IMPORT_BYTES // 2**20} MB import limit; "
                          "split it (Moodle: export one category at a time)")  # fmt: skip
        with path.open("rb") as stream:
            data = stream.read(MAX_IMPORT_BYTES + 1)
    except OSError as error:
        return None, f"{path}: cannot read the file: {error.strerror or error}"
    if b"\x00" in data[:8192]:
        return None, f"{path}:1:1: this is not a text file (it contains NUL bytes)"
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return None, f"{path}:{line}:{column}: not UTF-8 text (save it as UTF-8, e.g. 'CSV UTF-8' in a spreadsheet)"


def _summary(verb: str, done: int, total: int, reports: Sequence[object]) -> str:
    from quiz.formats.common import Report

    skipped = Counter(r.what or "other" for r in reports if isinstance(r, Report) and r.kind in ("skipped", "error"))
    changed = Counter(r.what or "other" for r in reports if isinstance(r, Report) and r.kind == "changed")
    noun = "question" if total == 1 else "questions"
    text = f"{verb} {done} of {total} {noun}"
    if total - done > 0:
        reasons = ", ".join(f"{count} {what}" for what, count in skipped.most_common())
        text += f"; {total - done} skipped" + (f": {reasons}" if reasons else "")
    if changed:
        text += "; changed on the way: " + ", ".join(f"{count} {what}" for what, count in changed.most_common())
    return text


def run_import(args: argparse.Namespace, ctx: Context) -> int:
    """Import every FILE; write one bank per deck."""
    from quiz.formats import detect, importer
    from quiz.formats.common import Report, slugify
    from quiz.formats.yaml_writer import render_bank

    if args.deck is not None and slugify(args.deck, words=12, fallback="") != args.deck:
        raise UsageError(f"--deck '{args.deck}' must be a slug such as '{slugify(args.deck, words=12)}'")
    status = EXIT_OK
    reports: list[Report] = []
    banks: dict[str, ImportedBank] = {}
    formats: dict[str, str] = {}
    seen = 0
    for name in args.files:
        path = Path(name)
        text, why = _read(path)
        if text is None:
            print(f"quiz import: {why}", file=ctx.stderr)
            status = EXIT_USAGE
            continue
        fmt = args.format or detect(name, text)
        if fmt is None:
            known = "gift, moodle-xml, aiken, csv, anki-txt"
            print(f"quiz import: {name}: cannot tell the format; give --format ({known})", file=ctx.stderr)
            status = EXIT_USAGE
            continue
        result = importer(fmt, as_short=args.as_type == "short")(text, name, args.deck)
        seen += result.seen
        reports.extend(result.reports)
        if result.fatal:
            status = EXIT_USAGE
            continue  # nothing from a file that could not be read to the end
        for bank in result.banks:
            formats.setdefault(bank.deck, fmt)
            if bank.deck in banks:
                _merge(banks[bank.deck], bank)
            else:
                banks[bank.deck] = bank
    rendered: list[tuple[Path, str, int]] = []
    for deck, bank in banks.items():
        path = _output(args.output, deck, len(banks))
        sources = ", ".join(sorted({PurePath(q.file).name for q in bank.questions}))
        header = [
            f"Imported by `quiz import` from {sources} ({formats[deck]}) on {datetime.now(UTC):%Y-%m-%d}.",
            "A comment above each question gives its line in the source and what could not come over.",
            f"Check it after editing: quiz check {path}",
        ]
        text, dropped = render_bank(bank, header, reports)
        reports.extend(dropped)
        if text:
            rendered.append((path, text, len(bank.questions)))
    for report in sorted(reports, key=lambda r: (r.file, r.line, r.column)):
        print(report, file=ctx.stderr)
    existing = [str(path) for path, _, _ in rendered if path.exists()]
    if existing and not args.force:
        verb = "exists" if len(existing) == 1 else "exist"
        print(
            f"quiz import: {', '.join(existing)} already {verb}: nothing written (--force overwrites)", file=ctx.stderr
        )
        return EXIT_USAGE
    imported = 0
    for path, text, count in rendered:
        if not _write(path, text.encode("utf-8"), args.force, "import", ctx):
            return EXIT_USAGE
        imported += count
        print(f"wrote {path} ({count} question{'s' if count != 1 else ''})", file=ctx.stdout)
    print(_summary("imported", imported, seen, reports), file=ctx.stderr)
    if status == EXIT_OK and (reports or imported < seen):
        status = EXIT_PROBLEMS
    return status


def _merge(target: ImportedBank, bank: ImportedBank) -> None:
    """Add another file's questions of the same deck: ids and source keys made unique."""
    from dataclasses import replace

    from quiz.formats.common import source_key

    for question in bank.questions:
        source = source_key(target, question.citation) if question.citation else None
        target.questions.append(replace(question, id=target.ids.make(question.id), source=source))


def _output(option: str | None, deck: str, count: int) -> Path:
    if option and Path(option).suffix.lower() in (".yaml", ".yml"):
        if count > 1:
            raise UsageError(f"the input holds {count} decks: give -o a folder, not the file {option}")
        return Path(option)
    return Path(option or ".") / f"{deck}.yaml"


def run_export(args: argparse.Namespace, ctx: Context) -> int:
    """Export the banks in use (or PATHs), optionally only some decks."""
    from quiz.core.bank import find_bank_files, load_paths
    from quiz.formats import EXTENSIONS, anki, csv_format, gift, moodle_xml_export

    targets = tuple(Path(p) for p in args.paths) or ctx.question_paths
    _, errors = find_bank_files(targets)
    if errors:
        for error in errors:
            print(f"quiz export: {error}", file=ctx.stderr)
        return EXIT_USAGE
    library, problems = load_paths(targets)
    if problems:
        for problem in problems:
            print(problem, file=ctx.stderr)
        print("quiz export: the banks have problems (see quiz check): nothing exported", file=ctx.stderr)
        return EXIT_USAGE
    banks = list(library.banks)
    if args.deck:
        known = {b.deck for b in banks}
        missing = [d for d in args.deck if d not in known]
        if missing:
            raise UsageError(f"no deck '{missing[0]}' (decks: {', '.join(sorted(known))})")
        banks = [b for b in banks if b.deck in args.deck]
    if args.output == "-" and args.to == "apkg":
        raise UsageError("an .apkg is a binary file: give -o FILE.apkg")
    default_name = banks[0].deck if len(banks) == 1 else "quiz"
    path = Path(args.output or f"{default_name}{EXTENSIONS[args.to]}")
    if args.output != "-" and path.exists() and not args.force:
        print(f"quiz export: {path} already exists: nothing written (--force overwrites)", file=ctx.stderr)
        return EXIT_USAGE
    data: bytes
    if args.to == "apkg":
        data, reports, written = anki.dumps_apkg(banks)
    else:
        writer = {"gift": gift.dumps, "moodle-xml": moodle_xml_export.dumps, "csv": csv_format.dumps}[args.to]
        text, reports, written = writer(banks)
        data = text.encode("utf-8")
    for report in reports:
        print(report, file=ctx.stderr)
    if args.output == "-":
        ctx.stdout.write(data.decode("utf-8"))
        ctx.stdout.flush()
    elif _write(path, data, args.force, "export", ctx):
        print(f"wrote {path}", file=ctx.stdout)
    else:
        return EXIT_USAGE
    total = sum(len(b.questions) for b in banks)
    print(_summary("exported", written, total, reports), file=ctx.stderr)
    return EXIT_PROBLEMS if reports else EXIT_OK
