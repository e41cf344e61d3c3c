"""Side-by-side revision diff: rows, line numbers, pairing and word-level spans."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cmepath.hub.diff import MAX_PAIRINGS, DiffRow, intraline, side_by_side


def kinds(rows: list[DiffRow]) -> list[str]:
    return [row.kind for row in rows]


def test_identical_texts_are_all_same() -> None:
    rows = side_by_side("a\nb\n", "a\nb\n")

    assert rows == [
        DiffRow("same", 1, "a", 1, "a", [("a", False)], [("a", False)]),
        DiffRow("same", 2, "b", 2, "b", [("b", False)], [("b", False)]),
    ]


def test_empty_texts_give_no_rows() -> None:
    assert side_by_side("", "") == []


def test_added_and_removed_lines_keep_their_own_numbers() -> None:
    rows = side_by_side("intro\nold line\nend", "intro\nend\nnew line")

    assert rows == [
        DiffRow("same", 1, "intro", 1, "intro", [("intro", False)], [("intro", False)]),
        DiffRow("removed", 2, "old line", None, "", [("old line", True)], []),
        DiffRow("same", 3, "end", 2, "end", [("end", False)], [("end", False)]),
        DiffRow("added", None, "", 3, "new line", [], [("new line", True)]),
    ]


def test_changed_line_marks_the_changed_words() -> None:
    rows = side_by_side(
        "First-line use rose from 43% to 62%.", "First-line use rose from 43.4% to 62.4%."
    )

    assert kinds(rows) == ["changed"]
    row = rows[0]
    assert (row.old_no, row.new_no) == (1, 1)
    # Nothing was taken out of the old line; ".4" went in twice.
    assert row.old_spans == [("First-line use rose from 43% to 62%.", False)]
    assert row.new_spans == [
        ("First-line use rose from 43", False),
        (".4", True),
        ("% to 62", False),
        (".4", True),
        ("%.", False),
    ]


def test_replaced_block_pairs_the_similar_line_not_the_first() -> None:
    # Given "b" deleted and "c old text" edited in the same place
    rows = side_by_side("a\nb\nc old text\nd", "a\nc new text here\nd\ne")

    # Then the edit is paired with its own old line, and "b" is simply removed
    assert kinds(rows) == ["same", "removed", "changed", "same", "added"]
    changed = rows[2]
    assert (changed.old_no, changed.old_text, changed.new_no) == (3, "c old text", 2)
    assert changed.new_spans == [
        ("c ", False),
        ("new", True),
        (" text", False),
        (" here", True),
    ]


def test_unrelated_lines_are_removed_and_added_not_changed() -> None:
    rows = side_by_side("Opioid prescribing guide", "Implicit bias training module")

    assert kinds(rows) == ["removed", "added"]


def test_intraline_spans_rebuild_both_lines() -> None:
    old_spans, new_spans = intraline("Take 10 mg daily.", "Take 5 mg twice daily.")

    assert "".join(text for text, _ in old_spans) == "Take 10 mg daily."
    assert "".join(text for text, _ in new_spans) == "Take 5 mg twice daily."
    assert [text for text, changed in new_spans if changed] == ["5", "twice "]


def test_html_is_left_as_text_for_the_template_to_escape() -> None:
    rows = side_by_side("", "<script>alert(1)</script>")

    assert rows == [
        DiffRow(
            "added",
            None,
            "",
            1,
            "<script>alert(1)</script>",
            [],
            [("<script>alert(1)</script>", True)],
        )
    ]


def test_wholesale_rewrite_of_a_long_text_is_not_paired() -> None:
    n = int(MAX_PAIRINGS**0.5) + 1
    old = "\n".join(f"old sentence number {i}" for i in range(n))
    new = "\n".join(f"new sentence number {i}" for i in range(n))

    rows = side_by_side(old, new)

    assert kinds(rows) == ["removed"] * n + ["added"] * n


_lines = st.lists(
    st.sampled_from(["a", "b", "c d", "c e", "x y z", "x y w", "", "<b>", "10 mg", "5 mg"]),
    max_size=15,
)


@settings(max_examples=300)
@given(old=_lines, new=_lines)
def test_rows_cover_both_texts_in_order(old: list[str], new: list[str]) -> None:
    rows = side_by_side("\n".join(old), "\n".join(new))

    old_side = [(r.old_no, r.old_text) for r in rows if r.old_no is not None]
    new_side = [(r.new_no, r.new_text) for r in rows if r.new_no is not None]
    old_lines = "\n".join(old).splitlines()
    new_lines = "\n".join(new).splitlines()
    assert old_side == list(enumerate(old_lines, start=1))
    assert new_side == list(enumerate(new_lines, start=1))
    for row in rows:
        assert "".join(t for t, _ in row.old_spans) == row.old_text
        assert "".join(t for t, _ in row.new_spans) == row.new_text
        if row.kind == "same":
            assert row.old_text == row.new_text
        if row.kind == "changed":
            assert row.old_text != row.new_text
