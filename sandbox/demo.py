"""The demo: organization "demo" (Demo Clinic) whose connections point at the sandbox, and a
believable history at the sandbox provider for it to show.

`seed_demo` is idempotent: it creates what is missing and leaves what exists alone, so a
second run changes nothing (no second history, no new audit entry). The history is made from
a fixed random seed, relative to now:

- faxes over the past week (every status, null customer fields, unparseable destinations
  such as "1234"), plus some faxes of the next day that "arrive" while the demo runs and go
  QUEUED -> PROGRESS -> SENT/FAILED (see services.fax_state);
- a few hundred messages in both directions over the past days, in conversations with
  several contacts on two sandbox numbers, some of them MMS with real pictures
  (sandbox/demo_pictures.py), and the failures of one unreachable contact (a number ending
  in 0000).

In the portal, the organization gets contacts with names for most of the demo's numbers
(patients, and the offices most faxes go to) and the team inbox's labels. Then seed_demo
runs the first sync of messages and faxes itself (sandbox/first_sync.py), so the first page
shows them, and gives some of the synced conversations what a team leaves on them: labels,
an assignee, a closed status and an internal note.
"""

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from itertools import count

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Connection, Membership, Organization, Role
from accounts.tenancy import organization_scope
from contacts.models import Contact, ContactNumber
from faxes.models import Fax
from messaging.models import (
    Conversation,
    ConversationStatus,
    Label,
    LabelColour,
    Message,
    MessagingNumber,
    Note,
    secret_digest,
)
from sandbox import demo_pictures, first_sync
from sandbox import media as media_files
from sandbox import services as sandbox_services
from sandbox.models import (
    MessageStatus,
    SandboxAccount,
    SandboxFax,
    SandboxMedia,
    SandboxMessage,
    SandboxNumber,
)

SLUG = "demo"
NAME = "Demo Clinic"
USERNAME = "demo"
PASSWORD = "demo"  # demo only: never a real account's password
TIME_ZONE = "America/New_York"
SANDBOX_USERNAME = "demo-clinic"
MESSAGING_NUMBERS = ["+13109549528", "+18056421414"]
NUMBER_LABELS = {"+13109549528": "Front desk", "+18056421414": "Billing"}
# A number of the sandbox account that the portal does not have yet: add it on the numbers
# page to see a webhook being registered.
SPARE_NUMBERS = ["+16265550100"]
# More demo logins, one per role below the owner (password = username).
DEMO_MEMBERS = {"agent": Role.AGENT, "viewer": Role.VIEWER}
FAX_NUMBERS = ["18056421414", "18056421415"]
SEED = 20240501

CONTACTS = ["+12135550143", "+13235550187", "+16195550122", "+14155550199", "+17025550166",
            "+15105550111", "+19495550134", "+12125550000"]  # the last one is unreachable
INBOUND_TEXTS = [
    "Hi, I'd like to confirm my appointment for tomorrow.",
    "Can I reschedule to Thursday afternoon?",
    "Thanks! See you then.",
    "Is the clinic open on Saturday?",
    "Here is a photo of my insurance card.",
    "Running 10 minutes late, sorry!",
    "Do I need to fast before the blood test?",
    "Got it, thank you.",
    "Could you send me the address again?",
    "Yes, that works for me.",
]
OUTBOUND_TEXTS = [
    "Reminder: your appointment at Demo Clinic is tomorrow at 10:30.",
    "Of course. Thursday at 3 pm is available, shall we book it?",
    "You're booked. Reply STOP to stop reminders.",
    "We're open Saturday 9 am to 1 pm.",
    "Thanks, we received it.",
    "No problem, see you soon.",
    "Please don't eat for 8 hours before the test; water is fine.",
    "Demo Clinic, 1200 Harbor Blvd, Suite 4.",
    "Your lab results are ready. Please call us to discuss them.",
    "Your prescription is ready for pickup.",
]
AREA_CODES = ["805", "310", "213", "800", "626"]
FAX_FIELDS = ["referral", "lab-order", "INV", "patient", "records-request"]

# The portal's contacts: (name, company, reference) of most messaging contacts above (two
# stay numbers only, to show "Save as contact") and of the offices most faxes go to.
PATIENTS = {
    "+12135550143": ("Maria Gonzalez", "", "PT-10443"),
    "+13235550187": ("James Carter", "", "PT-10517"),
    "+16195550122": ("Aisha Rahman", "", "PT-10622"),
    "+14155550199": ("Tom Becker", "", "PT-10288"),
    "+15105550111": ("Linda Nguyen", "", "PT-10734"),
    "+19495550134": ("Robert Kim", "", "PT-10901"),
}
FAX_OFFICES = {
    "+18055550140": ("Harbor Medical Lab", "Harbor Medical Lab", ""),
    "+13105550162": ("Dr. Priya Patel", "Coastline Cardiology", ""),
    "+12135550178": ("Records Office", "St. Vincent Hospital", ""),
    "+18005550133": ("Claims Department", "Blue Harbor Health", ""),
    "+16265550191": ("Pacific Imaging Center", "Pacific Imaging Center", ""),
}
LABELS = [("Appointments", LabelColour.BLUE), ("Billing", LabelColour.GREEN),
          ("Follow-up", LabelColour.YELLOW), ("Insurance", LabelColour.PURPLE),
          ("Urgent", LabelColour.RED)]


@dataclass(frozen=True)
class Teamwork:
    """What the team left on the conversation with `party`: its labels, its assignee (a
    demo username), whether it is closed, and an internal note by `author` mentioning
    `mentions`."""

    party: str
    labels: tuple[str, ...]
    assignee: str | None
    closed: bool
    author: str
    note: str
    mentions: tuple[str, ...] = ()


TEAMWORK = [
    Teamwork("+12135550143", ("Appointments",), "agent", False, "demo",
             "She prefers mornings. @agent can you offer her Thursday at 9:00?", ("agent",)),
    Teamwork("+13235550187", ("Billing", "Follow-up"), USERNAME, False, "agent",
             "Asked about the lab invoice: waiting for Blue Harbor Health before we call "
             "back."),
    Teamwork("+16195550122", ("Insurance",), None, False, "agent",
             "Insurance card received and scanned into the file."),
    Teamwork("+15105550111", (), None, True, "agent",
             "Prescription picked up on Friday. Nothing left to do."),
    Teamwork("+14155550199", ("Urgent",), "agent", False, "agent",
             "Lab results need a call today. @demo please review them before 3 pm.",
             (USERNAME,)),
    Teamwork("+12125550000", (), None, True, "demo",
             "This number cannot receive texts: call the patient instead."),
    Teamwork("+19495550134", ("Appointments",), USERNAME, True, "demo",
             "Booked for the 14th at 10:30; the reminder goes out the day before."),
]


@dataclass
class DemoResult:
    organization: Organization
    account: SandboxAccount
    created: bool  # False when --if-new found the demo organization and did nothing
    # Why the first sync did not run from the command ("" when it did).
    not_synced: str = ""
    faxes: int = 0  # what the portal holds after seeding
    messages: int = 0


def seed_demo(*, if_new: bool = False) -> DemoResult:
    """Make sure the demo exists; with `if_new`, do nothing when the organization exists."""
    organization = Organization.objects.filter(slug=SLUG).first()
    if organization is not None and if_new:
        account = SandboxAccount.objects.filter(username=SANDBOX_USERNAME).first()
        return DemoResult(organization=organization, account=account, created=False)
    now = timezone.now()
    with transaction.atomic():
        if organization is None:
            organization = accounts_services.create_organization(
                name=NAME, slug=SLUG, owner=_demo_user(), time_zone=TIME_ZONE)
        account, account_created = SandboxAccount.objects.get_or_create(
            username=SANDBOX_USERNAME,
            defaults={"name": NAME, "password": _random_password(), "time_zone": TIME_ZONE})
        numbers = [SandboxNumber.objects.get_or_create(number=number,
                                                       defaults={"account": account})[0]
                   for number in MESSAGING_NUMBERS]
        for number in SPARE_NUMBERS:
            SandboxNumber.objects.get_or_create(number=number, defaults={"account": account})
        _add_members(organization)
        _connect(organization, account, force=account_created)
        rng = random.Random(SEED)
        if not SandboxFax.objects.filter(account=account).exists():
            _seed_faxes(account, now, rng)
        if not SandboxMessage.objects.filter(account=account).exists():
            _seed_messages(account, numbers, now, rng)
        register_portal_numbers(organization, account, now)
        _add_contacts(organization)
        _add_labels(organization)
    # After the commit: the sync reads the sandbox over HTTP, in another thread.
    not_synced = first_sync.why_not_served()
    if not not_synced:
        today = now.astimezone(sandbox_services.account_tzinfo(account)).date()
        first_sync.run_first_sync(organization, today=today)
        _read_the_history(organization)
    _add_teamwork(organization, timezone.now())
    with organization_scope(organization):
        faxes, messages = Fax.objects.count(), Message.objects.count()
    return DemoResult(organization=organization, account=account, created=True,
                      not_synced=not_synced, faxes=faxes, messages=messages)


def register_portal_numbers(organization: Organization, account: SandboxAccount,
                            now: datetime) -> None:
    """The portal's own numbers of the demo, with their webhook URLs set at the sandbox.

    The callback URL is set on the sandbox's side directly, as Axion's support does on
    request: `make run` seeds the demo before the server that would answer updateNumber
    is up. The numbers page's "Register again" goes through updateNumber as usual.
    """
    with organization_scope(organization):
        for number in MESSAGING_NUMBERS:
            portal_number = MessagingNumber.objects.filter(number=number).first()
            if portal_number is None:
                portal_number = MessagingNumber(organization=organization, number=number,
                                                label=NUMBER_LABELS.get(number, ""))
                portal_number.set_new_secret()
                portal_number.save()
            sandbox_services.update_number(account=account, number=number,
                                           callback_url=portal_number.webhook_url)
            # Set at the sandbox for this organization's account: registered, so active.
            MessagingNumber.objects.filter(pk=portal_number.pk).update(
                registered_at=now, registration_error="",
                registered_url_digest=secret_digest(portal_number.webhook_url),
                activated_at=portal_number.activated_at or now)


def _demo_user():
    User = get_user_model()
    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        user = User(username=USERNAME, email="demo@example.test")
        user.set_password(PASSWORD)  # set directly: a demo login, not a validated password
        user.save()
    return user


def _add_members(organization: Organization) -> None:
    User = get_user_model()
    with organization_scope(organization):
        for username, role in DEMO_MEMBERS.items():
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, email=f"{username}@example.test")
                user.set_password(username)  # demo logins only
                user.save()
            Membership.objects.get_or_create(user=user, organization=organization,
                                             defaults={"role": role})


def _random_password() -> str:
    return secrets.token_urlsafe(18)


def _connect(organization: Organization, account: SandboxAccount, *, force: bool) -> None:
    """Point both connections at the sandbox, unless they already are (no new audit entry)."""
    for kind in (Connection.Kind.FAX, Connection.Kind.SMS):
        api_url = f"{settings.PORTAL_BASE_URL}/sandbox/{kind}"
        with organization_scope(organization):
            existing = Connection.objects.filter(kind=kind).first()
        if (not force and existing is not None and existing.api_url == api_url
                and existing.username == account.username):
            continue
        values = {"api_url": api_url, "api_key": account.api_key,
                  "username": account.username, "password": account.password}
        if kind == Connection.Kind.FAX:
            values["time_zone"] = account.time_zone
        accounts_services.save_connection(organization=organization, kind=kind, values=values,
                                          actor=None)


def _seed_faxes(account: SandboxAccount, now: datetime, rng: random.Random) -> None:
    tz = sandbox_services.account_tzinfo(account)
    today = now.astimezone(tz).date()
    faxes = []
    serial = 1000
    for days_ago in range(7, -2, -1):  # a week back, today, and tomorrow
        day = today - timedelta(days=days_ago)
        count = rng.randint(2, 4) if day.weekday() >= 5 else rng.randint(8, 14)
        for _ in range(count):
            moment = datetime.combine(day, time(8), tzinfo=tz) + timedelta(
                seconds=rng.randint(0, 10 * 3600))
            serial += 1
            faxes.append(_fax(account, moment, rng, serial))
    # Faxes in every state right now, and a few arriving during the next hour.
    for offset, serial_offset in ((-20, 1), (-150, 2), (-400, 3), (300, 4), (900, 5), (2400, 6)):
        faxes.append(_fax(account, now + timedelta(seconds=offset), rng, serial + serial_offset))
    # A resend under the same customer field, as in the provider's example.
    first = next(fax for fax in faxes if fax.customer_field and fax.outcome == "SENT")
    faxes.append(SandboxFax(account=account, customer_field=first.customer_field,
                            source=first.source, destination=first.destination,
                            time=first.time + timedelta(minutes=1), pages=first.pages,
                            outcome="SENT", try_count=1))
    SandboxFax.objects.bulk_create(faxes)


def _fax(account: SandboxAccount, moment: datetime, rng: random.Random, serial: int
         ) -> SandboxFax:
    field = None if rng.random() < 0.15 else f"{rng.choice(FAX_FIELDS)} {serial}"
    if rng.random() < 0.06:
        # Mis-dialled extensions: not a phone number at all (docs/provider.md quirk 11). They fail.
        return SandboxFax(account=account, customer_field=field, source=FAX_NUMBERS[0],
                          destination=rng.choice(["1234", "411", "0"]), time=moment,
                          pages=rng.randint(1, 3), outcome="FAILED", try_count=1)
    failed = rng.random() < 0.12
    # Most faxes go to the offices the clinic works with (contacts in the portal); written
    # as the fax API writes numbers, without "+".
    if rng.random() < 0.7:
        destination = rng.choice(sorted(FAX_OFFICES)).lstrip("+")
    else:
        destination = f"1{rng.choice(AREA_CODES)}{rng.randint(2000000, 9999999)}"
    return SandboxFax(
        account=account, customer_field=field, source=rng.choice(FAX_NUMBERS),
        destination=destination,
        time=moment, pages=rng.randint(1, 12), outcome="FAILED" if failed else "SENT",
        try_count=3 if failed else rng.choice([1, 1, 1, 2, 3]))


def _seed_messages(account: SandboxAccount, numbers: list[SandboxNumber], now: datetime,
                   rng: random.Random) -> None:
    rows: list[SandboxMessage] = []
    attachments: list[tuple[int, str]] = []  # (index in rows, media kind)
    for index, contact in enumerate(CONTACTS):
        own = numbers[index % len(numbers)]
        # Backwards from a recent last message, so every conversation is current.
        moment = now - timedelta(minutes=rng.randint(10, 36 * 60))
        unreachable = contact.endswith("0000")
        for _ in range(rng.randint(3, 6) if unreachable else rng.randint(30, 50)):
            moment -= timedelta(minutes=rng.randint(2, 480))
            inbound = not unreachable and rng.random() < 0.5
            text = rng.choice(INBOUND_TEXTS if inbound else OUTBOUND_TEXTS)
            kind = None
            if rng.random() < 0.07:
                kind = rng.choice(["png", "jpeg", "gif"] if inbound else ["png", "mp3"])
                if inbound and rng.random() < 0.5:
                    text = ""  # a picture alone: getSMS leaves `text` out
            if inbound:
                row = SandboxMessage(account=account, number=own, direction="in", src=contact,
                                     dst=[own.number], text=text, time=moment,
                                     status=MessageStatus.RECEIVED)
            else:
                row = SandboxMessage(
                    account=account, number=own, direction="out", src=own.number,
                    dst=[contact], text=text, time=moment,
                    status=MessageStatus.FAILED if unreachable else MessageStatus.SENT,
                    user_uuid=str(account.user_uuid))
            row.parties = SandboxMessage.parties_of(row.src, row.dst)  # bulk_create skips save()
            if kind:
                attachments.append((len(rows), kind))
            rows.append(row)
    SandboxMessage.objects.bulk_create(rows)
    ids = dict(SandboxMessage.objects.filter(uuid__in=[row.uuid for row in rows])
               .values_list("uuid", "id"))
    media = []
    pictures = count()
    for index, kind_name in attachments:
        kind, data = media_files.sample(kind_name)
        if kind_name in demo_pictures.FORMATS:
            # A picture that looks like one, the scenes in turn.
            data = demo_pictures.picture(next(pictures), kind_name)
        media.append(SandboxMedia(message_id=ids[rows[index].uuid], content_type=kind.content_type,
                                  extension=kind.extension, data=data))
    SandboxMedia.objects.bulk_create(media)


def _add_contacts(organization: Organization) -> None:
    """The demo's contacts, each with its one number, unless the number is some contact's
    already. Seed data, not a member's doing: written directly, without audit entries."""
    with organization_scope(organization):
        taken = set(ContactNumber.objects.values_list("number", flat=True))
        for number, (name, company, reference) in {**PATIENTS, **FAX_OFFICES}.items():
            if number in taken:
                continue
            contact = Contact.objects.create(organization=organization, name=name,
                                             company=company, reference=reference)
            ContactNumber.objects.create(organization=organization, contact=contact,
                                         number=number)


def _add_labels(organization: Organization) -> None:
    with organization_scope(organization):
        for name, colour in LABELS:
            Label.objects.get_or_create(organization=organization, name=name,
                                        defaults={"colour": colour})


def _read_the_history(organization: Organization, *, left_unread: int = 3) -> None:
    """The demo's week of messages was read long ago, but for its newest few conversations:
    an inbox as a team leaves it, not every synced inbound message unread."""
    with organization_scope(organization):
        unread = Conversation.objects.filter(unread_count__gt=0)
        newest = list(unread.order_by("-last_message_at").values_list("pk", flat=True)
                      [:left_unread])
        unread.exclude(pk__in=newest).update(unread_count=0, changed_at=timezone.now())


def _add_teamwork(organization: Organization, now: datetime) -> None:
    """Labels, assignees, closed conversations and notes on the synced conversations of
    TEAMWORK. A conversation with a note already has had its share (or a member's since):
    it is left alone, so a second run changes nothing. A conversation not synced yet gets
    it from a later run."""
    User = get_user_model()
    users = {user.username: user for user in User.objects.filter(
        username__in=[USERNAME, *DEMO_MEMBERS])}
    with organization_scope(organization):
        labels = {label.name: label for label in Label.objects.all()}
        conversations = {c.participants: c for c in Conversation.objects.filter(
            participants__in=[work.party for work in TEAMWORK])}
        for work in TEAMWORK:
            conversation = conversations.get(work.party)
            if conversation is None or conversation.notes.exists():
                continue
            # Just after the last message, so the note shows beneath it.
            written = min(now, (conversation.last_message_at or now) + timedelta(minutes=4))
            note = Note.objects.create(organization=organization, conversation=conversation,
                                       author=users.get(work.author), text=work.note,
                                       created_at=written)
            note.mentions.set([users[name] for name in work.mentions if name in users])
            conversation.labels.set([labels[name] for name in work.labels if name in labels])
            Conversation.objects.filter(pk=conversation.pk).update(
                assignee=users.get(work.assignee) if work.assignee else None,
                status=ConversationStatus.CLOSED if work.closed else ConversationStatus.OPEN,
                changed_at=now)
