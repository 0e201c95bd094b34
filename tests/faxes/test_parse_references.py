"""parse_references: what users paste into the lookup's references box."""

from faxes.services import parse_references


def test_one_reference_is_a_list_of_one():
    assert parse_references("INV-1001") == ["INV-1001"]


def test_references_one_per_line():
    assert parse_references("INV-1001\nINV-1002\r\nINV-1003") == [
        "INV-1001", "INV-1002", "INV-1003"]


def test_comma_separated_references():
    assert parse_references("INV-1001,INV-1002, INV-1003") == [
        "INV-1001", "INV-1002", "INV-1003"]


def test_lines_and_commas_mixed():
    assert parse_references("INV-1001, INV-1002\nINV-1003") == [
        "INV-1001", "INV-1002", "INV-1003"]


def test_surrounding_space_is_stripped_but_inner_space_kept():
    assert parse_references("  test 1  \n\ttest 2 ") == ["test 1", "test 2"]


def test_blank_lines_and_empty_items_are_dropped():
    assert parse_references("\n\nINV-1001,,\n , \nINV-1002\n") == ["INV-1001", "INV-1002"]


def test_repeats_are_dropped_keeping_the_first_order():
    assert parse_references("B\nA\nB\nA") == ["B", "A"]


def test_nothing_pasted_is_no_reference():
    assert parse_references("") == []
    assert parse_references("  \n , ") == []
    assert parse_references(None) == []
