"""The login page: it opens, and logging in lands on the organization's dashboard."""

from tests.factories import PASSWORD


def test_login_page_renders(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b"Log in" in response.content


def test_member_logs_in_and_sees_dashboard(client, owner):
    response = client.post("/accounts/login/",
                           {"username": owner.user.username, "password": PASSWORD},
                           follow=True)
    assert response.status_code == 200
    assert b"Harbor Clinic" in response.content
