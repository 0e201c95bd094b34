"""keyword_of: the whole message, case-insensitive, white space and punctuation around it
ignored, as carriers match STOP, START and HELP."""

import pytest

from optouts.keywords import (
    HELP_WORDS,
    OPT_IN_WORDS,
    OPT_OUT_WORDS,
    Keyword,
    keyword_of,
    keyword_word,
)


@pytest.mark.parametrize("word", OPT_OUT_WORDS)
def test_each_opt_out_word_opts_out(word):
    assert keyword_of(word) == Keyword.OPT_OUT


@pytest.mark.parametrize("word", OPT_IN_WORDS)
def test_each_opt_in_word_opts_in(word):
    assert keyword_of(word) == Keyword.OPT_IN


@pytest.mark.parametrize("word", HELP_WORDS)
def test_help_and_info_ask_for_help(word):
    assert keyword_of(word) == Keyword.HELP


@pytest.mark.parametrize("text", [
    "Stop", "stop", "sToP", " stop! ", "STOP.", "Stop!!!", "\tSTOP\n", "...stop...",
    "“Stop”", "'stop'", "(stop)", "stop 🛑", "🛑STOP", "STOP\u00a0", "\u3000STOP\u3000",
    "\u200bSTOP\ufeff", "ＳＴＯＰ", "ｓｔｏｐ！", "STOP。", "¡Stop!", "-- stop --",
])
def test_spellings_of_stop_around_the_word_match(text):
    assert keyword_of(text) == Keyword.OPT_OUT


@pytest.mark.parametrize("text", [
    "stop please", "please stop", "don't stop", "STOP2", "2STOP", "stopp", "sto p",
    "STOP STOP", "Stop texting me", "unsubscribe me", "stop.me", "opt out", "opt-out",
    "stopall now", "yes please", "yess", "help me", "end of story",
])
def test_a_keyword_within_other_words_does_not_match(text):
    assert keyword_of(text) is None


@pytest.mark.parametrize("text", ["", None, "   ", "!!!", "\u200b", "🛑"])
def test_an_empty_or_media_only_message_matches_nothing(text):
    assert keyword_of(text) is None


def test_mixed_case_start_and_help_match():
    assert keyword_of(" Start. ") == Keyword.OPT_IN
    assert keyword_of("help?") == Keyword.HELP
    assert keyword_of("Unstop") == Keyword.OPT_IN


def test_a_long_message_is_not_a_keyword():
    assert keyword_of("stop " * 1000) is None


def test_words_far_after_stop_still_prevent_a_match():
    assert keyword_of("STOP" + " " * 500 + "please") is None


def test_the_word_matched_is_given_in_upper_case():
    assert keyword_word(" ｙｅｓ! ") == "YES"
    assert keyword_word("yes please") is None
