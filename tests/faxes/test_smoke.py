import responses

from tests.axion import bodies
from tests.factories import ConnectionFactory

URL = "https://fax.axion.example/api"


@responses.activate
def test_lookup_day_stores_faxes_and_shows_them(viewer_client, org):
    ConnectionFactory(organization=org, api_url=URL)
    responses.post(URL, body=bodies.FAX_LOGIN_OK)
    responses.post(URL, body=bodies.ALL_FAXES_OK)
    response = viewer_client.get("/faxes/lookup/", {"day": "2017-11-29"})
    assert response.status_code == 200, response.content
    assert b"test 1" in response.content
    response = viewer_client.get("/faxes/")
    assert response.content.count(b"<tr>") == 5
    export = viewer_client.get("/faxes/export.csv")
    assert len(b"".join(export.streaming_content).splitlines()) == 5
