from tests.contacts.factories import contact_with


def test_list_shows_contacts(agent_client, org):
    contact_with(org, "+18056421414", name="Jane Doe")
    response = agent_client.get("/contacts/")
    assert response.status_code == 200
    assert "Jane Doe" in response.content.decode()
    assert "(805) 642-1414" in response.content.decode()


def test_pages_answer(agent_client, org):
    contact = contact_with(org, "+18056421414", name="Jane Doe", reference="P-1")
    for path in (f"/contacts/{contact.pk}/", f"/contacts/{contact.pk}/edit/",
                 f"/contacts/{contact.pk}/delete/",
                 "/contacts/new/?number=%2B13235550187&next=/messaging/",
                 "/contacts/import/", "/contacts/search/?q=jan", "/contacts/export.csv"):
        response = agent_client.get(path)
        assert response.status_code == 200, path
    assert agent_client.get("/contacts/search/?q=jan").json()["results"][0]["name"] == "Jane Doe"
    response = agent_client.post("/contacts/new/", {"name": "Bob", "numbers": "323 555 0187",
                                                   "next": "/messaging/"})
    assert response.status_code == 302 and response["Location"] == "/messaging/"
