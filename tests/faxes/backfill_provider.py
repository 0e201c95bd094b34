"""A recorded fax provider for the backfill's tests: every All_Faxes_Status answers one fax
of the day asked for (at 09:00, the day's date as its reference), unless the test says the
day has none (NOT FOUND) or fails."""

import json
from dataclasses import dataclass, field

import responses

from tests.axion import bodies
from tests.faxes.recorded import FAX_URL, error_body


@dataclass
class DayProvider:
    not_found: set[str] = field(default_factory=set)
    failing: set[str] = field(default_factory=set)
    times: dict[str, str] = field(default_factory=dict)  # DATE: TIME of its one fax
    asked: list[str] = field(default_factory=list)  # the DATE of each All_Faxes_Status
    logins: int = 0

    def answer(self, request):
        payload = json.loads(request.body)
        if payload["METHOD"] == "User_Login":
            self.logins += 1
            return 200, {}, bodies.FAX_LOGIN_OK
        day = payload["DATE"]
        self.asked.append(day)
        if day in self.failing:
            # An answer the portal does not repeat (only transport failures are retried).
            return 200, {}, error_body("INVALID METHOD")
        if day in self.not_found:
            return 200, {}, error_body("NOT FOUND")
        fax = {"CUSTOMER_PROVIDED_FAX_FIELD": f"DAY-{day}", "SOURCE_NUMBER": "18059731214",
               "DESTINATION_NUMBER": "18058522606",
               "TIME": self.times.get(day, f"{day} 09:00:00"), "PAGES": "2",
               "STATUS": "SENT", "TRY_COUNT": "1"}
        return 200, {}, json.dumps({"RESULT": "OK", "DATE": day, "FAXES": [fax]})


def day_provider(provider: responses.RequestsMock) -> DayProvider:
    days = DayProvider()
    provider.add_callback(responses.POST, FAX_URL, callback=days.answer,
                          content_type="application/json")
    return days
