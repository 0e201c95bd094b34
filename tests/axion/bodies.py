"""The provider's own example values and bodies, copied from its text (typographic quotes
straightened, words split by the PDF joined again), string numbers and all.

The SMS part of the provider's text shows its examples only as images, so the SMS bodies
follow its field tables, with the values of its webhook examples.
"""

import json

API_KEY = "3d51aab5ddb453c4c9ed6c31936f17a930aab5e68ecb5ba6ef45837f45b193f6"
USERNAME = "john_doe"
PASSWORD = "my_secret_pass"
TOKEN = (
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJleHAiOjE1MTA5NTU3ODksImF1ZCI6ImJiMGJmMjI4YmU3MW"
    "ZiOWRkZmNlYjY5NzM4NmI2MmZhYjEwNzNmYzciLCJkYXRhIjp7InVzZXJfdW5pcXVlX2lkIjoiMTgzNDc3IiwidX"
    "Nlcl9sZXZlbCI6bnVsbCwiZnVsbF9uYW1lIjoiSnVhbiBNb3JyYSJ9fQ.ybky_Zp17Fjqm0qnk9bKVbwPuPLTQfz"
    "kjuUuIkqHK0s"
)
OTHER_TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.second-login.Q2Fub3RoZXIgdG9rZW4"

FAX_LOGIN_OK = '{"RESULT":"OK","SESSION_TOKEN":"' + TOKEN + '"}'

FAX_STATUS_OK = (
    '{"RESULT":"OK","CUSTOMER_PROVIDED_FAX_FIELD":"test 1","FAXES":'
    '[{"SOURCE_NUMBER":"18056421414","DESTINATION_NUMBER":"18002255288","TIME":"2016-12-12 '
    '12:43:59","PAGES":"2","STATUS":"SENT","TRY_COUNT":"1"}, {"SOURCE_NUMBER":"18056421415",'
    '"DESTINATION_NUMBER":"18002255211","TIME":"2016-12-12 12:44:38","PAGES":"2","STATUS":'
    '"SENT","TRY_COUNT":"3"}]}'
)

ALL_FAXES_OK = (
    '{"RESULT":"OK","DATE":"2017-11-29","FAXES":[{"CUSTOMER_PROVIDED_FAX_FIELD":"test 1",'
    '"SOURCE_NUMBER":"18059731214","DESTINATION_NUMBER":"18058522606","TIME":"2017-11-29 '
    '12:43:59","PAGES":"2","STATUS":"SENT","TRY_COUNT":"1"}, {"CUSTOMER_PROVIDED_FAX_FIELD":'
    '"test 1","SOURCE_NUMBER":"18059731214","DESTINATION_NUMBER":"18058522606","TIME":'
    '"2017-11-29 12:44:38","PAGES":"2","STATUS":"SENT","TRY_COUNT":"1"}, '
    '{"CUSTOMER_PROVIDED_FAX_FIELD":null,"SOURCE_NUMBER":"13103560491","DESTINATION_NUMBER":'
    '"1234","TIME":"2017-11-29 13:36:42","PAGES":"2","STATUS":"FAILED","TRY_COUNT":"1"}, '
    '{"CUSTOMER_PROVIDED_FAX_FIELD":"test 2","SOURCE_NUMBER":"18059731214",'
    '"DESTINATION_NUMBER":"18058522606","TIME":"2017-11-29 12:45:27","PAGES":"2","STATUS":'
    '"SENT","TRY_COUNT":"1"}]}'
)

FAX_GROUP_OK = (
    '{"RESULT":"OK","FAXES":[{"CUSTOMER_PROVIDED_FAX_FIELD":"test 1","SOURCE_NUMBER":'
    '"18059731214","DESTINATION_NUMBER":"18058522606","TIME":"2016-12-12 12:43:59","PAGES":'
    '"2","STATUS":"SENT","TRY_COUNT":"1"}, {"CUSTOMER_PROVIDED_FAX_FIELD":"test 1",'
    '"SOURCE_NUMBER":"18059731214","DESTINATION_NUMBER":"18058522606","TIME":"2016-12-12 '
    '12:44:38","PAGES":"2","STATUS":"SENT","TRY_COUNT":"1"}, {"CUSTOMER_PROVIDED_FAX_FIELD":'
    '"test 2","SOURCE_NUMBER":"18059731214","DESTINATION_NUMBER":"18058522606","TIME":'
    '"2016-12-12 12:45:27","PAGES":"2","STATUS":"SENT","TRY_COUNT":"1"}]}'
)

MESSAGE_UUID = "ffadb6a1-752e-11e8-a2fe-323630393164"

SMS_LOGIN_OK = json.dumps({"RESULT": "OK", "sessionToken": TOKEN})
SMS_VERSION_OK = json.dumps({"RESULT": "OK", "version": "9", "hash": "4f1c2ab",
                             "buildTime": "2021-04-30 10:00:00"})
SEND_OK = json.dumps({"RESULT": "OK", "customerProvidedId": "order-17",
                      "time": "2021-05-02T15:22:18Z", "uuid": MESSAGE_UUID})
INBOUND_MESSAGE = {
    "uuid": MESSAGE_UUID, "src": "+18056421415", "dst": ["+18056421414"],
    "text": "message text", "time": "2021-05-02T15:22:18Z", "media": "",
    "status": "RECEIVED", "userUuid": "", "associatedNumber": "+18056421414",
}


def messages_page(count: int, start: int = 0) -> str:
    """A getSMS answer holding `count` messages, numbered from `start`."""
    messages = [{**INBOUND_MESSAGE, "uuid": f"message-{start + n}"} for n in range(count)]
    return json.dumps({"RESULT": "OK", "customerProvidedId": None, "messages": messages})
