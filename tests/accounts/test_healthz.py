"""GET /healthz: reachable without login, and reveals nothing about organizations."""


def test_healthz_answers_200_with_status_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_healthz_contains_no_organization_name(owner_client, org):
    response = owner_client.get("/healthz")
    assert org.name.encode() not in response.content
    assert org.slug.encode() not in response.content
