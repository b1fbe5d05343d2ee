"""A start with options only (the home screen) is parsed without building every
command's parser, and gets exactly what the whole parser gives."""

from __future__ import annotations

import contextlib
import io

import pytest

from quiz.cli import _parse_options_only, build_parser

OPTIONS_ONLY = [
    [],
    ["--learner", "bench"],
    ["--questions", "a", "--questions", "b", "--scores", "s", "--learner", "x"],
    ["--plain", "--color", "--wait", "--seed", "5"],
    ["--seed", "-5"],
    ["--learn", "bob"],  # an abbreviation, as argparse allows
    ["--ask-learner"],
    ["--learner", "drill"],  # a command's name as an option's value
    ["--questions=a"],
]
NOT_OPTIONS_ONLY = [
    ["drill"],
    ["--plain", "drill", "--deck", "d"],
    ["-h"],
    ["--help"],
    ["--learner"],
    ["--bogus"],
    ["--seed", "x"],
    ["--", "drill"],
    ["--plain", "--deck", "X"],  # a command's option without the command
]


@pytest.mark.parametrize("argv", OPTIONS_ONLY)
def test_options_alone_give_what_the_whole_parser_gives(argv: list[str]) -> None:
    light = _parse_options_only(argv)
    assert light is not None
    assert vars(light) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize("argv", NOT_OPTIONS_ONLY)
def test_anything_else_is_left_to_the_whole_parser_and_prints_nothing(argv: list[str]) -> None:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert _parse_options_only(argv) is None
    assert out.getvalue() == err.getvalue() == ""
