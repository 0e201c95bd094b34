"""The keywords that US carriers and the CTIA Messaging Principles and Best Practices
handbook expect a sender to honour, and matching an inbound text against them.

A keyword counts only as the whole message: "Stop", " stop! ", "STOP." and "ＳＴＯＰ" (full
width) match; "stop please", "don't stop" and "STOP2" do not. Case is ignored, and so is
anything around the word that is not a letter or a digit: white space of any script,
punctuation (ASCII, full width or typographic), symbols and emoji, invisible format
characters (a zero-width space, a byte order mark). Letters and digits inside or beside the
word are part of the message, so they prevent a match.

HELP and INFO both ask for help: the handbook names HELP, and carriers' own keyword lists
(and the large messaging platforms') answer INFO the same way.
"""

import unicodedata
from enum import StrEnum


class Keyword(StrEnum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"


OPT_OUT_WORDS = ("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE")
OPT_IN_WORDS = ("START", "UNSTOP", "YES")
HELP_WORDS = ("HELP", "INFO")

_WORDS = {word.casefold(): kind for kinds, kind in (
    (OPT_OUT_WORDS, Keyword.OPT_OUT), (OPT_IN_WORDS, Keyword.OPT_IN),
    (HELP_WORDS, Keyword.HELP)) for word in kinds}


def _ignored(character: str) -> bool:
    """White space, punctuation, symbols, control and format characters: what may surround
    a keyword (Unicode's categories Z*, P*, S*, Cc and Cf)."""
    category = unicodedata.category(character)
    return character.isspace() or category[0] in "ZPS" or category in ("Cc", "Cf")


def keyword_word(text: str | None) -> str | None:
    """The keyword that `text` is, as a whole message, upper case ("STOP"); None for
    anything else, an empty text (a picture sent alone) included."""
    if not text:
        return None
    # NFKC makes full-width and other compatibility forms plain ("ＳＴＯＰ！" is "STOP!").
    text = unicodedata.normalize("NFKC", text)
    start, end = 0, len(text)
    while start < end and _ignored(text[start]):
        start += 1
    while end > start and _ignored(text[end - 1]):
        end -= 1
    word = text[start:end].casefold()
    return word.upper() if word in _WORDS else None


def keyword_of(text: str | None) -> Keyword | None:
    """The kind of keyword that `text` is, as a whole message; None for anything else."""
    word = keyword_word(text)
    return _WORDS[word.casefold()] if word else None
