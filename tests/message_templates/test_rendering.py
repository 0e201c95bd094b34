"""Filling a template's placeholders: pure functions, tested without the database."""

from types import SimpleNamespace

import pytest

from message_templates.rendering import (
    InvalidTemplate,
    MissingValues,
    check_text,
    placeholders_of,
    preview,
    render,
)


def person(name="Ada Lovelace", company="Analytical Engines", reference="PT-1815"):
    """A contact as render() reads one (contacts.Contact has these attributes)."""
    return SimpleNamespace(name=name, first_name=name.split()[0] if name.split() else "",
                           company=company, reference=reference)


class Member:
    def __init__(self, full_name="", username="grace"):
        self.full_name, self.username = full_name, username

    def get_full_name(self):
        return self.full_name

    def get_username(self):
        return self.username


def fill(text, contact=None, member=None, number=""):
    return render(text=text, contact=contact, member=member or Member("Grace Hopper"),
                  number=number)


@pytest.mark.parametrize(("text", "expected"), [
    ("Hi {first_name}", "Hi Ada"),
    ("Dear {name}", "Dear Ada Lovelace"),
    ("For {company}", "For Analytical Engines"),
    ("Ref {reference}", "Ref PT-1815"),
    ("— {my_name}", "— Grace Hopper"),
])
def test_each_placeholder_is_filled(text, expected):
    assert fill(text, person()) == expected


def test_my_name_is_the_username_without_a_full_name():
    assert fill("{my_name}", person(), Member(full_name="", username="gh")) == "gh"


def test_a_text_without_placeholders_needs_no_contact():
    assert fill("Open 9 to 5") == "Open 9 to 5"


def test_a_missing_value_names_the_placeholder_and_the_contact():
    with pytest.raises(MissingValues) as raised:
        fill("Hi {first_name} of {company}", person(company=""))
    assert str(raised.value) == "{company} has no value for Ada Lovelace"
    assert [m.placeholder for m in raised.value.missing] == ["company"]


def test_every_missing_value_is_named_once():
    with pytest.raises(MissingValues) as raised:
        fill("{company} {reference} {company}", person(company="", reference=" "))
    assert [m.placeholder for m in raised.value.missing] == ["company", "reference"]


def test_no_contact_names_the_number():
    with pytest.raises(MissingValues) as raised:
        fill("Hi {first_name}", None, number="+13235550187")
    assert str(raised.value) == "{first_name} needs a contact for (323) 555-0187"


def test_no_member_for_my_name():
    with pytest.raises(MissingValues) as raised:
        render(text="{my_name}", contact=None, member=None)
    assert raised.value.missing[0].placeholder == "my_name"


def test_doubled_braces_are_literal_braces():
    assert fill("{{first_name}} is {first_name}", person()) == "{first_name} is Ada"


def test_values_with_braces_are_not_rendered_again():
    assert fill("Hi {name}", person(name="Ada {company}")) == "Hi Ada {company}"


def test_placeholders_of_lists_names_not_literals():
    assert placeholders_of("{first_name} {{name}} {frist_name}") == {"first_name",
                                                                     "frist_name"}


def test_an_unknown_placeholder_is_refused_with_the_known_ones():
    with pytest.raises(InvalidTemplate) as raised:
        check_text("Hi {frist_name}")
    assert "{frist_name}" in str(raised.value)
    assert "{first_name}, {name}, {company}, {reference}, {my_name}" in str(raised.value)


@pytest.mark.parametrize("text", ["Hi {", "Hi }", "{first_name:>10}", "{first_name!r}", "{}",
                                  "{0}", "{first name}"])
def test_malformed_texts_are_refused(text):
    with pytest.raises(InvalidTemplate, match=r"\{\{ and \}\}"):
        check_text(text)


def test_preview_uses_sample_values():
    assert preview("Hi {first_name}, {{ok}}") == "Hi Ada, {ok}"
