"""The charts on the dashboard, the fax page and the message activity page: drawn from
the daily counts, with their numbers as a table, for the member's own organization."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from charts.services import recount_activity
from tests.charts.pages import chart_on
from tests.factories import UserFactory
from tests.faxes.factories import FaxFactory
from tests.messaging.contact_factories import ContactFactory
from tests.messaging.factories import ConversationFactory, MessageFactory, MessagingNumberFactory

pytestmark = pytest.mark.django_db

# tests.clock.NOW: 07:00 on March 1st 2024 in New York, the organization's zone.
FEB_28 = datetime(2024, 2, 28, 17, 0, tzinfo=UTC)
LAB = "+18058522606"


def faxes(org, *, sent=0, failed=0, destination=LAB, when=FEB_28):
    for status, count in (("SENT", sent), ("FAILED", failed)):
        FaxFactory.create_batch(count, organization=org, status=status,
                                destination_number=destination, sent_at=when)


def counted(org):
    recount_activity(organization=org, days=30)


def day_row(chart, day: str) -> list[str]:
    return next(row for row in chart.rows if row[0] == day)


def test_the_dashboard_draws_faxes_per_day(clock, viewer_client, org):
    faxes(org, sent=2, failed=1)
    counted(org)
    chart = chart_on(viewer_client.get("/"), "fax-days")
    assert chart.svg["role"] == "img"
    assert chart.svg["viewbox"].startswith("0 0 ")
    assert chart.svg["width"] == "100%"
    assert chart.title == "Faxes sent and failed per day, last 30 days"
    assert chart.desc == ("Feb 1 to Mar 1: 2 sent, 1 failed; the busiest day was Feb 28 "
                          "with 3.")
    # One bar for the day, in two parts: the sent below, the failed (hatched) above.
    parts = [rect for rect in chart.rects if "x" in rect and "chart-track" not in rect["class"]]
    assert [rect["class"] for rect in parts] == ["chart-series-0", "chart-hatched"]
    assert parts[1]["fill"] == "url(#fax-days-hatch)"
    assert float(parts[1]["height"]) * 2 == pytest.approx(float(parts[0]["height"]), abs=0.2)


def test_the_table_holds_each_days_numbers(clock, viewer_client, org):
    faxes(org, sent=2, failed=1)
    counted(org)
    chart = chart_on(viewer_client.get("/"), "fax-days")
    assert day_row(chart, "Wed, Feb 28") == ["Wed, Feb 28", "2", "1"]


def test_days_without_faxes_are_drawn_as_zero(clock, viewer_client, org):
    faxes(org, sent=2, failed=1)
    counted(org)
    chart = chart_on(viewer_client.get("/"), "fax-days")
    assert len(chart.rows) == 30
    assert chart.rows[0][0] == "Thu, Feb 1" and chart.rows[-1][0] == "Fri, Mar 1"
    assert [row[1:] for row in chart.rows if row[0] != "Wed, Feb 28"] == [["0", "0"]] * 29
    # Dates are written under every seventh bar, today's included.
    assert [text for text in chart.texts if text.startswith(("Feb", "Mar"))] == [
        "Feb 2", "Feb 9", "Feb 16", "Feb 23", "Mar 1"]


def test_an_organization_without_faxes_gets_an_empty_chart(clock, viewer_client, org):
    chart = chart_on(viewer_client.get("/"), "fax-days")
    assert chart.desc == "Feb 1 to Mar 1: 0 sent, 0 failed."
    assert all(row[1:] == ["0", "0"] for row in chart.rows)


def test_failing_destinations_show_rate_counts_and_contact(clock, viewer_client, org):
    ContactFactory(organization=org, name="Harbor Lab", numbers=[LAB])
    faxes(org, sent=3, failed=2)
    faxes(org, sent=1, failed=4, destination="+13105550100")
    counted(org)
    chart = chart_on(viewer_client.get("/"), "failing-destinations")
    assert chart.texts == ["(310) 555-0100", "80% · 4 of 5",
                           "(805) 852-2606 · Harbor Lab", "40% · 2 of 5"]
    assert chart.rows == [["(310) 555-0100", "4", "5", "80%"],
                          ["Harbor Lab (805) 852-2606", "2", "5", "40%"]]
    assert "(805) 852-2606 (Harbor Lab): 40% (2 of 5 failed)" in chart.desc


def test_without_failing_destinations_the_chart_says_so(clock, viewer_client, org):
    faxes(org, sent=9)
    counted(org)
    chart = chart_on(viewer_client.get("/"), "failing-destinations")
    assert chart.svg == {}
    assert chart.paragraphs == ["No destination with at least 5 sent or failed faxes had a "
                                "failure in the last 30 days."]


def test_the_fax_page_has_both_fax_charts(clock, viewer_client, org):
    faxes(org, sent=1, failed=4)
    counted(org)
    response = viewer_client.get("/faxes/")
    assert day_row(chart_on(response, "fax-days"), "Wed, Feb 28") == ["Wed, Feb 28", "1", "4"]
    assert chart_on(response, "failing-destinations").rows == [
        ["(805) 852-2606", "4", "5", "80%"]]


def test_another_organizations_counts_are_never_shown(clock, viewer_client, org, other_org):
    faxes(other_org, sent=1, failed=4)
    counted(other_org)
    response = viewer_client.get("/")
    assert day_row(chart_on(response, "fax-days"), "Wed, Feb 28") == ["Wed, Feb 28", "0", "0"]
    assert chart_on(response, "failing-destinations").rows == []


def test_the_page_reads_the_same_queries_whatever_the_number_of_faxes(
        clock, viewer_client, org, django_assert_num_queries):
    def fill(first, count):
        for n in range(first, first + count):
            destination = f"+1805852{n:04d}"
            ContactFactory(organization=org, name=f"Office {n}", numbers=[destination])
            faxes(org, sent=3, failed=1 + n % 4, destination=destination,
                  when=FEB_28 - timedelta(days=n % 20))
        counted(org)

    fill(0, 2)
    for path in ("/", "/faxes/"):
        with CaptureQueriesContext(connection) as few:
            viewer_client.get(path)
        fill(2 + 40 * (path == "/faxes/"), 40)  # 160 more faxes
        with django_assert_num_queries(len(few)):
            response = viewer_client.get(path)
        assert len(chart_on(response, "failing-destinations").rows) == 10


# The messaging side.


def messages(org, number, *, inbound=0, outbound=0, when=FEB_28):
    conversation = ConversationFactory(own_number=number)
    MessageFactory.create_batch(inbound, conversation=conversation, direction="in",
                                status="RECEIVED", sent_at=when)
    MessageFactory.create_batch(outbound, conversation=conversation, sent_at=when)


def test_the_activity_page_draws_messages_in_and_out(clock, viewer_client, org):
    messages(org, MessagingNumberFactory(organization=org), inbound=3, outbound=2)
    counted(org)
    chart = chart_on(viewer_client.get("/activity/messages/"), "message-days")
    assert chart.title == "Messages in and out per day, last 30 days"
    assert day_row(chart, "Wed, Feb 28") == ["Wed, Feb 28", "3", "2"]


def test_the_dashboard_draws_messages_too(clock, viewer_client, org):
    messages(org, MessagingNumberFactory(organization=org), inbound=1)
    counted(org)
    chart = chart_on(viewer_client.get("/"), "message-days")
    assert day_row(chart, "Wed, Feb 28") == ["Wed, Feb 28", "1", "0"]


def test_a_member_sees_the_counts_of_the_numbers_they_may_use(clock, agent, agent_client,
                                                              org, admin_client_):
    theirs = MessagingNumberFactory(organization=org)
    theirs.allowed_users.add(agent.user)
    others = MessagingNumberFactory(organization=org)
    others.allowed_users.add(UserFactory())
    messages(org, theirs, inbound=1)
    messages(org, others, inbound=5)
    counted(org)
    mine = chart_on(agent_client.get("/activity/messages/"), "message-days")
    assert day_row(mine, "Wed, Feb 28") == ["Wed, Feb 28", "1", "0"]
    everyone = chart_on(admin_client_.get("/activity/messages/"), "message-days")
    assert day_row(everyone, "Wed, Feb 28") == ["Wed, Feb 28", "6", "0"]


def test_the_inbox_links_to_the_activity_page(viewer_client, org):
    assert b'href="/activity/messages/"' in viewer_client.get("/messaging/").content


def test_the_activity_page_asks_for_a_login(client, org):
    response = client.get("/activity/messages/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_outsider_sees_only_their_own_organizations_messages(clock, outsider_client, org):
    messages(org, MessagingNumberFactory(organization=org), inbound=4)
    counted(org)
    chart = chart_on(outsider_client.get("/activity/messages/"), "message-days")
    assert day_row(chart, "Wed, Feb 28") == ["Wed, Feb 28", "0", "0"]


def test_the_window_ends_today_in_the_organizations_zone(clock, viewer_client, org):
    chart = chart_on(viewer_client.get("/"), "fax-days")
    assert chart.rows[-1][0] == date(2024, 3, 1).strftime("%a, %b %-d")
