"""Who has a conversation open, and who is typing a reply in it ("collision"): so that two
members do not answer the same customer at once.

Kept in Django's cache, never in the database: a conversation page's live poll checks in
every few seconds (static/portal/live.js), and a write per poll would cost more than the
poll itself. The cache is LocMem in the embedded default (one web process, which is what
gunicorn.conf.py runs on SQLite) and Redis when REDIS_URL is set, which every web process
shares; several web processes with LocMem would each see only their own members.

Per conversation, the cache holds:

- one entry per member viewing it, written only by that member's polls (so two members'
  polls never overwrite each other's), holding the time until which it counts;
- one entry per member typing a reply, the same way, for a few seconds after each ping;
- a roster (user id -> name) of who checked in lately, so that one read finds the
  entries to look at without asking the database who the members are. The roster is the
  only entry written by several members; it is rewritten only when someone new arrives,
  and a concurrent arrival it loses re-adds itself at its next poll.

Each entry carries its own deadline, read against the clock, so expiry is exact whatever
the backend's granularity (Redis counts whole seconds) and a test can move the clock.
"""

import time
from dataclasses import asdict, dataclass

from django.core.cache import cache

POLL_SECONDS = 3  # static/portal/live.js INTERVAL_MS
# Two polls and a margin: one late or lost poll does not make a member vanish.
VIEWING_SECONDS = 2 * POLL_SECONDS + 1
# live.js pings at most every 3 s while the member types: one ping may be late.
TYPING_SECONDS = 6
# The roster only says whose entries to read; an entry expires by itself.
ROSTER_SECONDS = 3600


@dataclass(frozen=True)
class Presence:
    name: str
    typing: bool

    def as_json(self) -> dict:
        return asdict(self)


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def _roster_key(conversation_id: int) -> str:
    return f"presence:{conversation_id}:roster"


def _viewing_key(conversation_id: int, user_id: int) -> str:
    return f"presence:{conversation_id}:viewing:{user_id}"


def _typing_key(conversation_id: int, user_id: int) -> str:
    return f"presence:{conversation_id}:typing:{user_id}"


def _mark(key: str, seconds: int, now: float) -> None:
    # The cache keeps it a second longer than it counts: the deadline decides, not the TTL.
    cache.set(key, now + seconds, seconds + 1)


def _check_in(conversation_id: int, user, now: float) -> dict[int, str]:
    """Record `user` as viewing; the roster, with `user` in it."""
    _mark(_viewing_key(conversation_id, user.pk), VIEWING_SECONDS, now)
    roster = cache.get(_roster_key(conversation_id)) or {}
    name = display_name(user)
    if roster.get(user.pk) != name:
        # Someone new (or renamed): the roster is rewritten, without those gone meanwhile.
        viewing = cache.get_many([_viewing_key(conversation_id, uid) for uid in roster])
        roster = {uid: known for uid, known in roster.items()
                  if viewing.get(_viewing_key(conversation_id, uid), 0) > now}
        roster[user.pk] = name
        cache.set(_roster_key(conversation_id), roster, ROSTER_SECONDS)
    return roster


def check_in(*, conversation_id: int, user) -> list[Presence]:
    """Record that `user` has the conversation open; who else has it open, and who of them
    is typing a reply (never `user`), by name."""
    now = time.time()
    roster = _check_in(conversation_id, user, now)
    others = [uid for uid in roster if uid != user.pk]
    if not others:
        return []
    keys = {uid: (_viewing_key(conversation_id, uid), _typing_key(conversation_id, uid))
            for uid in others}
    found = cache.get_many([key for pair in keys.values() for key in pair])
    present = []
    for uid, (viewing, typing) in keys.items():
        typing_now = found.get(typing, 0) > now
        # A typing ping counts as viewing too: typing outlives a poll that came late.
        if typing_now or found.get(viewing, 0) > now:
            present.append(Presence(name=roster[uid], typing=typing_now))
    return sorted(present, key=lambda p: (not p.typing, p.name.casefold()))


def record_typing(*, conversation_id: int, user) -> None:
    """Record that `user` is typing a reply in the conversation (and so viewing it)."""
    now = time.time()
    _check_in(conversation_id, user, now)
    _mark(_typing_key(conversation_id, user.pk), TYPING_SECONDS, now)


def _names(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    if len(names) == 3:
        return f"{names[0]}, {names[1]} and {names[2]}"
    return f"{names[0]}, {names[1]} and {len(names) - 2} others"


def describe(others: list[Presence]) -> str:
    """What the conversation page says about the others: "Alice is typing a reply…",
    "Bob and Carol are also viewing"; empty when nobody else is there."""
    parts = []
    typing = [p.name for p in others if p.typing]
    viewing = [p.name for p in others if not p.typing]
    if typing:
        verb = "is" if len(typing) == 1 else "are"
        parts.append(f"{_names(typing)} {verb} typing a reply…")
    if viewing:
        verb = "is" if len(viewing) == 1 else "are"
        parts.append(f"{_names(viewing)} {verb} also viewing")
    return " · ".join(parts)
