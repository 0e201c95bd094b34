"""Reading a CSV file of contacts: lenient headers, per-row errors, encodings, formula cells."""

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contacts.imports import FileProblem, Row, RowError, read_rows
from tests.contacts.helpers import csv_bytes


def _rows(content: bytes) -> list:
    return [row for row in read_rows(io.BytesIO(content)) if row is not None]


@pytest.mark.parametrize("header", [
    ["Name", "Phone", "Company", "E-mail", "Patient ID", "Notes"],
    [" NAME ", "Phone number", "Organisation", "Email address", "Ref", "Comments"],
    ["Full name", "Mobile", "Business", "e_mail", "Reference", "note"],
])
def test_headers_are_matched_leniently(header):
    [row] = _rows(csv_bytes([["Jane Doe", "805-642-1414", "Harbor", "j@example.test",
                              "P-1", "Hi"]], header=header))
    assert row.values == {"name": "Jane Doe", "company": "Harbor", "email": "j@example.test",
                          "reference": "P-1", "notes": "Hi"}
    assert row.numbers == ["+18056421414"]


def test_several_numbers_in_a_cell_and_in_several_columns():
    [row] = _rows(csv_bytes([["Jane", "(805) 642-1414; 323.555.0187 / 2135550123",
                              "+1 310 555 0100"]], header=["name", "phone", "fax"]))
    assert row.numbers == ["+18056421414", "+13235550187", "+12135550123", "+13105550100"]


def test_first_and_last_name_columns_make_the_name():
    [row] = _rows(csv_bytes([["Jane", "Doe", "8056421414"]],
                            header=["First name", "Last name", "Mobile"]))
    assert row.values["name"] == "Jane Doe"


def test_semicolon_separated_files_are_read():
    [row] = _rows(b"name;phone;company\nJane;805-642-1414;Harbor\n")
    assert (row.values["name"], row.values["company"]) == ("Jane", "Harbor")


def test_a_bad_number_is_an_error_of_its_row_saying_why():
    rows = _rows(csv_bytes([["Jane", "805-642-1414"], ["Bob", "555-12"], ["Cal", ""]]))
    assert isinstance(rows[0], Row)
    assert str(rows[1]).startswith("row 3: 555-12 is not a US number: a US number has 10")
    assert str(rows[2]) == "row 4: it has no phone number."


def test_an_empty_name_and_a_bad_e_mail_are_errors_of_the_row():
    [row] = _rows(csv_bytes([["", "805-642-1414", "", "bob@"]]))
    assert str(row) == "row 2: the name is empty; bob@ is not an e-mail address."


def test_formula_cells_are_kept_as_text():
    [row] = _rows(csv_bytes([["=HYPERLINK(\"http://x\")", "+1 805 642 1414", "+cmd",
                              "", "-1", "@SUM(A1)"]]))
    assert row.values == {"name": '=HYPERLINK("http://x")', "company": "+cmd", "email": "",
                          "reference": "-1", "notes": "@SUM(A1)"}


def test_cells_the_export_escaped_are_read_back_as_they_were():
    [row] = _rows(csv_bytes([["'=1+2", "'+18056421414", "'@home"]]))
    assert (row.values["name"], row.numbers, row.values["company"]) == (
        "=1+2", ["+18056421414"], "@home")


def test_a_null_character_is_an_error_of_its_row():
    [row] = _rows(b"name,phone\nJa\x00ne,8056421414\n")
    assert isinstance(row, RowError) and "null character" in row.message


def test_utf8_with_a_byte_order_mark_is_read():
    [row] = _rows("\ufeffName,Phone\nJosé,8056421414\n".encode())
    assert row.values["name"] == "José"


def test_a_file_in_another_encoding_is_refused_saying_how_to_save_it():
    content = csv_bytes([["José Müller", "8056421414"]], encoding="cp1252")
    with pytest.raises(FileProblem, match="not UTF-8 text.*CSV UTF-8"):
        _rows(content)


def test_a_file_without_a_name_column_is_refused_naming_what_it_found():
    with pytest.raises(FileProblem, match="no name column.*found: 'Phone', 'Company'"):
        _rows(b"Phone,Company\n8056421414,Harbor\n")


def test_a_file_without_a_number_column_is_refused():
    with pytest.raises(FileProblem, match="no phone number column"):
        _rows(b"Name,Company\nJane,Harbor\n")


def test_an_empty_file_is_refused():
    with pytest.raises(FileProblem, match="empty"):
        _rows(b"")


def test_blank_rows_are_skipped_and_rows_keep_their_spreadsheet_numbers():
    rows = _rows(b"name,phone\n\n,\nJane,8056421414\n")
    assert [row.line for row in rows] == [4]


cells = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)


@given(rows=st.lists(st.lists(cells, max_size=8), max_size=12))
@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
def test_garbage_rows_give_rows_or_row_errors_and_nothing_else(rows):
    content = csv_bytes(rows)
    results = list(read_rows(io.BytesIO(content)))
    assert all(result is None or isinstance(result, Row | RowError) for result in results)
    for result in results:
        if isinstance(result, RowError):
            assert str(result).startswith(f"row {result.line}: ")


@given(body=st.binary(max_size=300))
@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
def test_garbage_bytes_after_a_header_never_raise_but_a_file_problem(body):
    try:
        results = list(read_rows(io.BytesIO(b"name,phone\n" + body)))
    except FileProblem as problem:
        assert "UTF-8" in str(problem)
    else:
        assert all(result is None or isinstance(result, Row | RowError) for result in results)
