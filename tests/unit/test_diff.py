"""What changed between two states: for any two states, the changes listed turn the first
into the second, and nothing that stayed the same is listed."""

from hypothesis import given
from hypothesis import strategies as st
from thidua_ledger.audit.diff import SECTIONS, _differences

items = st.dictionaries(st.tuples(st.sampled_from(sorted(SECTIONS)), st.sampled_from(["", "Phòng Đào tạo · 1",
                                                                                         "Phòng Hậu cần"])),
                        st.sampled_from(["50", "58", "hạng 1, tổng 88", "thành viên"]), max_size=8)


@given(items, items)
def test_the_changes_turn_the_old_state_into_the_new(old: dict[tuple[str, str], str],
                                                    new: dict[tuple[str, str], str]) -> None:
    changes = _differences(old, new, "e:1", 1)
    applied = dict(old)
    for c in changes:
        if c.after is None:
            del applied[(c.section, c.item)]
        else:
            applied[(c.section, c.item)] = c.after
        assert c.before != c.after and old.get((c.section, c.item)) == c.before
    assert applied == new
    assert len(changes) == len({k for k in set(old) | set(new) if old.get(k) != new.get(k)})
