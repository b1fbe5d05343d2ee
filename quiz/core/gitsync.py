"""Classes on git: the only module that runs the `git` command line.

A learner's scores folder may live inside a git work tree (a private repository
per learner: GitHub Classroom, GitLab, Gitea, a bare repository over SSH).
`sync` commits the learner's new records, pulls with rebase and pushes; each
device writes its own log file, so merges never conflict, and `.gitattributes`
marks the logs `merge=union` as a second guard. The teacher's side (`fetch_repo`)
clones or fetches each learner's repository shallowly, with symbolic links
checked out as plain files and no submodules.

Nothing here prompts or hangs: `GIT_TERMINAL_PROMPT=0`, SSH in batch mode, a
timeout on every command. Every failure is a `GitError` whose message is one
sentence fit for a learner; the records stay on disk (committed or not), and the
next sync sends them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from quiz.core.logs import LOG_SUFFIX

TIMEOUT = 60.0
"""Seconds any one git command may take (network included)."""

ATTRIBUTES = "*.jsonl merge=union"
IGNORES = "*.lock"
LOCAL_UNION = ("*.jsonl", ".gitattributes", ".gitignore", "README*", "*.md", "*.txt")
"""Files merged line by line in this clone (`.git/info/attributes`, never committed):
the logs, and the small text files a class template and a learner's own folder may
both have. When histories that grew apart meet (`quiz sync --init` on a folder
with logs, for a repository with commits), both sides' lines are kept: nothing is lost
and no conflict stops the sync."""


class GitError(Exception):
    """A git step failed; `str()` is one sentence for the learner."""


@dataclass
class Git:
    """Runs git in `cwd`, showing each command through `echo` when given (`-v`)."""

    cwd: Path
    echo: Callable[[str], None] | None = None
    timeout: float = TIMEOUT
    identity: tuple[str, str] | None = None
    """(name, email) to commit as when git has none configured."""

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "GIT_TERMINAL_PROMPT": "0",
                "GIT_SSH_COMMAND": env.get("GIT_SSH_COMMAND", "ssh") + " -o BatchMode=yes",
                "LC_ALL": "C",
                "LANGUAGE": "C",
            }
        )
        env.pop("GIT_ASKPASS", None)
        env.pop("SSH_ASKPASS", None)
        return env

    def run(self, *args: str, check: bool = True, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        """`git args...`; a `GitError` for a missing git, a timeout, or (with `check`) a failure."""
        git = shutil.which("git")
        if git is None:
            raise GitError("git is not installed (or not on PATH); install git to sync, nothing was lost")
        command = [git, *args]
        if self.echo is not None:
            self.echo("$ git " + " ".join(_quote(a) for a in args))
        try:
            proc = subprocess.run(
                command,
                cwd=cwd or self.cwd,
                env=self.env(),
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                timeout=self.timeout,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise GitError(
                f"git {_step(args)} did not finish within {self.timeout:g} seconds (is the network down?); "
                "nothing was lost"
            ) from None
        except OSError as error:
            raise GitError(f"git could not be started: {error.strerror or error}") from None
        if self.echo is not None:
            for line in (proc.stdout + proc.stderr).splitlines():
                self.echo("  " + line)
        if check and proc.returncode != 0:
            raise GitError(explain(_step(args), proc.stderr or proc.stdout))
        return proc


def _step(args: Sequence[str]) -> str:
    """The git command in `args` ("clone" in `-c core.symlinks=false clone ...`), for messages."""
    rest = list(args)
    while rest and rest[0].startswith("-"):
        rest = rest[2:] if rest[0] == "-c" else rest[1:]
    return rest[0] if rest else "git"


def _quote(arg: str) -> str:
    return arg if arg and all(c.isalnum() or c in "-_./:=@+," for c in arg) else repr(arg)


def explain(step: str, output: str) -> str:
    """One sentence for what git said when `git step` failed."""
    text = output.lower()
    if "could not read username" in text or "authentication failed" in text or "terminal prompts disabled" in text:
        return f"git {step}: the class repository asked for a password; set up a credential helper or SSH key"
    if "permission denied" in text or "host key verification failed" in text:
        return f"git {step}: access to the class repository was denied (check your SSH key or access rights)"
    if "could not resolve host" in text or "network is unreachable" in text or "connection refused" in text:
        return f"git {step}: the class repository could not be reached (no network?)"
    if "does not appear to be a git repository" in text or "not found" in text or "does not exist" in text:
        return f"git {step}: the class repository was not found (check the URL)"
    if "rejected" in text or "non-fast-forward" in text or "fetch first" in text:
        return f"git {step}: the class repository refused the push (it has changes this copy lacks)"
    last = next((line.strip() for line in reversed(output.splitlines()) if line.strip()), "")
    return f"git {step} failed: {last}" if last else f"git {step} failed"


def work_tree(folder: Path, git: Git | None = None) -> Path | None:
    """The root of the git work tree holding `folder`, or None (none, or no git)."""
    if not folder.is_dir() or shutil.which("git") is None:
        return None
    runner = git or Git(folder)
    try:
        proc = runner.run("rev-parse", "--show-toplevel", check=False, cwd=folder)
    except GitError:
        return None
    if proc.returncode != 0:
        return None
    return Path(proc.stdout.strip())


def _has_head(git: Git) -> bool:
    return git.run("rev-parse", "--verify", "-q", "HEAD", check=False).returncode == 0


@dataclass
class Tally:
    """Records added to the logs, told apart: answers, and the other kinds (undo,
    rerate, suspend, unsuspend, bury; a line that is not a record counts there too)."""

    answers: int = 0
    others: int = 0

    def add(self, line: str) -> None:
        """Count one added log line."""
        if not line.strip():
            return
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        if isinstance(record, dict) and record.get("kind") == "answer":
            self.answers += 1
        else:
            self.others += 1

    def describe(self) -> str:
        """ "12 answers (and 2 other records)", for a commit message."""
        text = f"{self.answers} answer{'' if self.answers == 1 else 's'}"
        if self.others:
            text += f" (and {self.others} other record{'' if self.others == 1 else 's'})"
        return text


def _tally_diff(git: Git, *args: str) -> Tally:
    """Count the log lines a `git diff` adds (`args` say which diff and which paths)."""
    tally = Tally()
    diff = git.run("diff", "--no-color", "--no-ext-diff", "--no-textconv", "-U0", *args).stdout
    for line in diff.splitlines():
        if line.startswith("+") and not line.startswith("+++"):
            tally.add(line[1:])
    return tally


def _tally_file(path: Path, tally: Tally) -> None:
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            for line in handle:
                tally.add(line)
    except OSError:
        pass


def pending(folder: Path, git: Git | None = None) -> Tally | None:
    """The records in the learner's log files not yet committed; None when `folder` is not in a work tree."""
    root = work_tree(folder, git) if folder.exists() else work_tree(folder.parent, git)
    if root is None:
        return None
    runner = git or Git(root)
    runner.cwd = root
    if not folder.is_dir():
        return Tally()
    pathspec = f":(glob){folder.resolve().relative_to(root.resolve()).as_posix()}/*{LOG_SUFFIX}"
    tally = _tally_diff(runner, "HEAD", "--", pathspec) if _has_head(runner) else Tally()
    untracked = runner.run("ls-files", "--others", "--exclude-standard", "-z", "--", pathspec).stdout
    for name in filter(None, untracked.split("\0")):
        _tally_file(root / name, tally)
    return tally


def unsynced(folder: Path, git: Git | None = None) -> int | None:
    """Answers in the learner's log files not yet committed; None when `folder` is not in a work tree."""
    tally = pending(folder, git)
    return None if tally is None else tally.answers


@dataclass(frozen=True)
class SyncResult:
    """What a sync did."""

    committed: int
    """Answers committed by this sync."""
    others: int = 0
    """Other records (undo, rerate, suspend, unsuspend, bury) committed with them."""
    pushed: bool = False
    remote: bool = False
    """Whether the repository has a remote to pull from and push to."""
    kept_aside: tuple[tuple[str, str], ...] = ()
    """(file, new name) for each of the learner's files renamed to make way for the
    class repository's file of the same name."""


def _ensure_line(path: Path, line: str) -> bool:
    """Add `line` to a text file when missing; True when the file changed."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    if line in text.splitlines():
        return False
    with path.open("a", encoding="utf-8", newline="\n") as handle:
        handle.write(("" if not text or text.endswith("\n") else "\n") + line + "\n")
    return True


def _identity_args(git: Git, learner: str) -> list[str]:
    """`-c user.name=... -c user.email=...` when git has no identity configured."""
    name = git.run("config", "user.name", check=False).stdout.strip()
    email = git.run("config", "user.email", check=False).stdout.strip()
    args: list[str] = []
    if not name:
        args += ["-c", f"user.name={learner}"]
    if not email:
        args += ["-c", f"user.email={learner}@quiz.invalid"]
    return args


def _default_branch(git: Git) -> str | None:
    """The remote's default branch, or None when the remote has no branch yet (empty)."""
    proc = git.run("ls-remote", "--symref", "origin", "HEAD")
    for line in proc.stdout.splitlines():
        if line.startswith("ref: ") and line.endswith("\tHEAD"):
            return line[len("ref: refs/heads/") : -len("\tHEAD")]
    heads = git.run("ls-remote", "--heads", "origin").stdout.split()
    names = [ref.removeprefix("refs/heads/") for ref in heads if ref.startswith("refs/heads/")]
    if not names:
        return None
    return "main" if "main" in names else "master" if "master" in names else names[0]


def _union_locally(git: Git) -> None:
    """Make sure this clone merges `LOCAL_UNION` files line by line."""
    path = Path(git.run("rev-parse", "--git-path", "info/attributes").stdout.strip())
    path = path if path.is_absolute() else git.cwd / path
    path.parent.mkdir(parents=True, exist_ok=True)
    for pattern in LOCAL_UNION:
        _ensure_line(path, f"{pattern} merge=union")


def _aside(path: Path) -> Path:
    """A free name beside `path` for the learner's own copy: `README.md.local`, and
    `reviews.local.jsonl` for a log (still read as one of the learner's logs)."""
    for n in range(1, 1000):
        tag = "local" if n == 1 else f"local{n}"
        name = f"{path.stem}.{tag}{LOG_SUFFIX}" if path.suffix == LOG_SUFFIX else f"{path.name}.{tag}"
        candidate = path.with_name(name)
        if not candidate.exists() and not candidate.is_symlink():
            return candidate
    raise GitError(f"no free name to keep {path.name} aside; rename it, then sync again")


def _clear_way(git: Git, root: Path, ref: str) -> list[tuple[str, str]]:
    """Untracked files here that `ref` has too would stop the checkout: one with the
    same content is left for git to write again; another is renamed (`_aside`), never
    overwritten. Returns (file, new name) for each renamed one."""
    theirs: dict[str, str] = {}
    for entry in filter(None, git.run("ls-tree", "-r", "-z", "--full-tree", ref).stdout.split("\0")):
        meta, _, name = entry.partition("\t")
        theirs[name] = meta.split()[-1]
    moved: list[tuple[str, str]] = []
    for name in filter(None, git.run("ls-files", "--others", "-z").stdout.split("\0")):
        if name not in theirs:
            continue
        path = root / name
        if not path.is_symlink() and git.run("hash-object", "--", name).stdout.strip() == theirs[name]:
            path.unlink()
            continue
        target = _aside(path)
        path.rename(target)
        moved.append((name, target.relative_to(root).as_posix()))
    return moved


def _rebase(git: Git, identity: list[str], upstream: str) -> None:
    """Put this copy's commits on top of `upstream` (unrelated histories too); on a
    conflict git cannot settle, undo the attempt and say which files."""
    pulled = git.run(*identity, "rebase", "-q", upstream, check=False)
    if pulled.returncode == 0:
        return
    conflicted = git.run("diff", "--name-only", "--diff-filter=U", check=False).stdout.split()
    git.run("rebase", "--abort", check=False)
    files = f" ({', '.join(conflicted[:5])}{', ...' if len(conflicted) > 5 else ''} differ on both sides)"
    raise GitError(
        "git rebase: your answers could not be put on top of the class repository's"
        + (files if conflicted else "")
        + "; they stay committed here and the next sync tries again"
    )


def sync(
    scores_dir: Path, learner: str, device: str, *, echo: Callable[[str], None] | None = None, timeout: float = TIMEOUT
) -> SyncResult:
    """Commit the learner's new records, pull with rebase, push.

    Raises `GitError` (one sentence) when the scores folder is not in a work tree
    or a step fails; whatever was committed stays committed, and what was not stays
    on disk for the next sync.
    """
    if shutil.which("git") is None:
        raise GitError("git is not installed (or not on PATH); install git to sync, nothing was lost")
    root = work_tree(scores_dir)
    if root is None:
        raise GitError(
            f"{scores_dir} is not in a git repository; run `quiz sync --init URL` with your class repository's URL"
        )
    git = Git(root, echo, timeout)
    _union_locally(git)
    folder = scores_dir / learner
    rel = folder.resolve().relative_to(root.resolve()).as_posix()
    pathspec = f":(glob){rel}/*{LOG_SUFFIX}"
    identity = _identity_args(git, learner)
    changed = [
        name
        for name, line in ((".gitattributes", ATTRIBUTES), (".gitignore", IGNORES))
        if _ensure_line(root / name, line)
    ]
    paths = ([pathspec] if folder.is_dir() else []) + changed
    if paths:
        git.run("add", "--", *paths)
    tally = _tally_diff(git, "--cached", "--", pathspec) if folder.is_dir() else Tally()
    if tally.answers or tally.others or changed:
        message = f"quiz: {learner}@{device}: {tally.describe()}"
        git.run(*identity, "commit", "-q", "-m", message, "--", *paths)
    remotes = git.run("remote").stdout.split()
    if "origin" not in remotes:
        return SyncResult(tally.answers, tally.others, pushed=False, remote=False)
    upstream = git.run("rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}", check=False)
    branch = upstream.stdout.strip().removeprefix("origin/") if upstream.returncode == 0 else _default_branch(git)
    moved: list[tuple[str, str]] = []
    if branch is not None:
        git.run("fetch", "-q", "origin", branch)
        moved = _clear_way(git, root, f"origin/{branch}")
        if _has_head(git):
            _rebase(git, identity, f"origin/{branch}")
        else:
            git.run("checkout", "-q", "-b", branch, f"origin/{branch}")
    if not _has_head(git):
        return SyncResult(tally.answers, tally.others, pushed=False, remote=True, kept_aside=tuple(moved))
    target = branch or git.run("symbolic-ref", "--short", "HEAD").stdout.strip() or "main"
    git.run("push", "-q", "-u", "origin", f"HEAD:refs/heads/{target}")
    return SyncResult(tally.answers, tally.others, pushed=True, remote=True, kept_aside=tuple(moved))


def init(scores_dir: Path, url: str, *, echo: Callable[[str], None] | None = None, timeout: float = TIMEOUT) -> str:
    """Connect the scores folder to a class repository; returns what was done, in one sentence.

    An empty or missing scores folder becomes a clone of `url`; a folder already in
    a work tree of its own gets `url` as its `origin` (a folder inside a larger
    repository is refused, unless that one already syncs with `url`); any other folder is
    made a repository with `url` as `origin`. The next `sync` commits the learner's
    logs and puts them on top of what the class repository already has, even when
    the two histories are unrelated (see `_rebase`, `_clear_way`, `LOCAL_UNION`).
    """
    git = Git(scores_dir.parent if not scores_dir.exists() else scores_dir, echo, timeout)
    empty = not scores_dir.exists() or not any(scores_dir.iterdir())
    if empty:
        scores_dir.parent.mkdir(parents=True, exist_ok=True)
        if scores_dir.exists():
            scores_dir.rmdir()
        git.cwd = scores_dir.parent
        git.run("clone", "-q", "--no-recurse-submodules", "--", url, str(scores_dir))
        return f"cloned the class repository into {scores_dir}"
    root = work_tree(scores_dir)
    if root is None:
        git.cwd = scores_dir
        git.run("init", "-q")
        root = scores_dir
    git.cwd = root
    remotes = git.run("remote").stdout.split()
    current = git.run("remote", "get-url", "origin").stdout.strip() if "origin" in remotes else None
    if current != url and root.resolve() != scores_dir.resolve():
        # A larger repository (a source checkout, a home folder kept in git): never push it to the class.
        whose = f", whose origin is {current}" if current is not None else ""
        raise GitError(
            f"{scores_dir} is inside another git repository ({root}{whose}); "
            "choose a scores folder of its own with --scores, nothing was changed"
        )
    if current is None:
        git.run("remote", "add", "origin", url)
    elif current != url:
        git.run("remote", "set-url", "origin", url)
    if not _has_head(git):
        # A new repository's branch is named after the class repository's (main when it is empty).
        try:
            branch = _default_branch(git) or "main"
        except GitError:
            branch = "main"  # unreachable now: the sync that follows says so
        git.run("symbolic-ref", "HEAD", f"refs/heads/{branch}")
    return f"{root} now syncs with {url}"


@dataclass(frozen=True)
class Fetched:
    """A learner's repository fetched for a report: its folder, or why it failed."""

    path: Path | None
    error: str | None = None
    symlinks: tuple[str, ...] = ()
    """Paths that are symbolic links in the repository: never read, reported."""


def fetch_repo(url: str, dest: Path, *, timeout: float = TIMEOUT) -> Fetched:
    """Clone `url` shallowly into `dest`, or fetch it when already there; symbolic
    links are checked out as plain files and then removed (and listed), and no
    submodule is fetched. Never raises for a git failure: it is in `error`."""
    git = Git(dest if (dest / ".git").is_dir() else dest.parent, None, timeout)
    safe = ["-c", "core.symlinks=false", "-c", "protocol.file.allow=always", "-c", "submodule.recurse=false"]
    try:
        if (dest / ".git").is_dir():
            git.run(*safe, "fetch", "-q", "--depth", "1", "origin")
            git.run(*safe, "reset", "-q", "--hard", "FETCH_HEAD")
            git.run("clean", "-q", "-f", "-d", "-x")
        else:
            dest.parent.mkdir(parents=True, exist_ok=True)
            if dest.exists():
                shutil.rmtree(dest)
            git.run(*safe, "clone", "-q", "--depth", "1", "--no-recurse-submodules", "--", url, str(dest))
        git.cwd = dest
        listing = git.run("ls-files", "-s", "-z").stdout
    except GitError as error:
        return Fetched(None, str(error))
    links: list[str] = []
    for entry in filter(None, listing.split("\0")):
        meta, _, name = entry.partition("\t")
        if meta.startswith("120000"):
            links.append(name)
            (dest / name).unlink(missing_ok=True)
    return Fetched(dest, None, tuple(links))


def fetch_all(repos: Sequence[tuple[str, Path]], *, timeout: float = TIMEOUT, workers: int = 8) -> list[Fetched]:
    """`fetch_repo` for each (url, dest), in parallel, in the given order."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(repos) or 1))) as pool:
        return list(pool.map(lambda pair: fetch_repo(pair[0], pair[1], timeout=timeout), repos))
