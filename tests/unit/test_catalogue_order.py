"""The catalogue's stored sort key orders names as Vietnamese lists do, for every name."""

from hypothesis import given
from hypothesis import strategies as st
from thidua_events.text import vietnamese_sort_key
from thidua_ledger.catalogue import folded, sort_key

LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ0123456789"
syllable = st.text(alphabet=LETTERS + LETTERS.upper(), min_size=1, max_size=6)
names = st.lists(syllable, min_size=1, max_size=4).map(" ".join)


def by_syllables(name: str) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """The rule, stated plainly: syllable by syllable, each by its letters, then its tone."""
    return [vietnamese_sort_key(s) for s in name.split()]


@given(names, names)
def test_the_stored_key_orders_names_syllable_by_syllable(a: str, b: str) -> None:
    assert (sort_key(a) < sort_key(b)) == (by_syllables(a) < by_syllables(b))


@given(names, names)
def test_people_are_ordered_by_given_name_then_the_rest(a: str, b: str) -> None:
    def rule(name: str) -> tuple[list[tuple[tuple[int, ...], tuple[int, ...]]], ...]:
        words = name.split()
        return (by_syllables(words[-1]), by_syllables(" ".join(words[:-1]))) if len(words) > 1 \
            else (by_syllables(name), [])

    assert (sort_key(a, "people") < sort_key(b, "people")) == (rule(a) < rule(b))


def test_the_near_misses_of_the_order() -> None:
    ordered = ["An Bình", "Anh Dũng", "Anh Đào", "Ánh Dương"]  # "An" before "Anh"; D before Đ; tone last
    assert sorted(reversed(ordered), key=sort_key) == ordered
    people = ["Lê Văn An", "Trần Thị An", "Nguyễn Văn Bình"]
    assert sorted(reversed(people), key=lambda n: sort_key(n, "people")) == people


def test_search_folds_case_diacritics_and_d() -> None:
    assert folded("Cục Cảnh sát PCCC và CNCH, Đội 4") == ["cuc", "canh", "sat", "pccc", "va", "cnch", "doi", "4"]
