"""The synthetic tax office: adults are taxpayers at their addresses; some owe or are owed."""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy import Engine, text

from nara.core.pii import PiiCipher
from nara.nation import NationReport
from nara.nation._common import AS_OF, Counters
from nara.nation.build import generate_block
from nara.tax.models import ITEM_KINDS

Nation = tuple[Engine, NationReport]


def rows(engine: Engine, sql: str) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(text(sql))]


def _day(value: object) -> dt.date:
    return dt.date.fromisoformat(str(value)[:10])


def _nineteenth(birth: dt.date) -> dt.date:
    try:
        return birth.replace(year=birth.year + 19)
    except ValueError:  # 29 February
        return dt.date(birth.year + 19, 3, 1)


def test_every_adult_is_a_taxpayer_at_his_current_address_since_he_moved_in(
    nation: Nation,
) -> None:
    engine, _ = nation
    people = {
        int(str(pid)): (_day(birth), _day(registered))
        for pid, birth, registered in rows(
            engine, "SELECT id, birth_date, registered_on FROM residents_person"
        )
    }
    adults = {pid for pid, (birth, _) in people.items() if _nineteenth(birth) <= AS_OF}
    homes = {
        int(str(r[0])): r[1:]
        for r in rows(
            engine,
            "SELECT r.person_id, r.moved_in, a.sigungu_code, a.road_name, a.building_main, "
            "a.building_sub, a.address_detail, a.postcode FROM residents_residence r "
            "JOIN residents_address a ON a.id = r.address_id WHERE r.moved_out IS NULL",
        )
    }
    taxpayers = rows(
        engine,
        "SELECT person_id, address_since, registered_on, sigungu_code, road_name, "
        "building_main, building_sub, address_detail, postcode FROM tax_taxpayer",
    )

    assert {int(str(t[0])) for t in taxpayers} == adults
    assert len(taxpayers) == len(adults)
    for person_id, since, registered, *address in taxpayers:
        pid = int(str(person_id))
        moved_in, *home = homes[pid]
        assert _day(since) == _day(moved_in)
        assert [str(v) for v in address] == [str(v) for v in home]
        birth, on_register = people[pid]
        assert _day(registered) == max(_nineteenth(birth), on_register)


def test_about_one_in_eight_owes_and_one_in_twelve_is_owed_a_refund(nation: Nation) -> None:
    engine, _ = nation
    taxpayers = rows(engine, "SELECT count(*) FROM tax_taxpayer")[0][0]
    balances = rows(
        engine,
        "SELECT b.person_id, b.tax_kind, b.item, b.tax_year, b.amount_owed, "
        "b.amount_refundable, b.due_on, b.settled_on, t.registered_on FROM tax_balance b "
        "JOIN tax_taxpayer t ON t.person_id = b.person_id",
    )
    owing = [b for b in balances if int(str(b[4])) > 0]
    refunds = [b for b in balances if int(str(b[5])) > 0]

    assert 0.08 <= len(owing) / int(str(taxpayers)) <= 0.16
    assert 0.05 <= len(refunds) / int(str(taxpayers)) <= 0.11
    assert len({b[0] for b in balances}) == len(balances)  # at most one per person
    for _, kind, item, year, owed, refundable, due, settled, registered in balances:
        amount = int(str(owed)) + int(str(refundable))
        assert ITEM_KINDS[str(item)] == kind
        assert 10_000 <= amount <= 5_000_000 and amount % 10 == 0
        assert (int(str(owed)) == 0) != (int(str(refundable)) == 0)
        assert settled is None
        assert _day(registered).year <= int(str(year)) <= 2025
        if int(str(owed)):
            assert due is not None and str(year) <= str(due)[:4] and _day(due) < AS_OF
        else:
            assert due is None


def test_a_block_s_taxpayers_and_balances_depend_only_on_the_seed_and_block(
    cipher: PiiCipher,
) -> None:
    first = generate_block(11, 2, 2_000, Counters(), cipher)
    again = generate_block(11, 2, 2_000, Counters(), cipher)
    other = generate_block(12, 2, 2_000, Counters(), cipher)
    for name in ("tax_taxpayer", "tax_balance"):
        for column, values in first[name].columns.items():
            assert np.array_equal(values, again[name].columns[column]), (name, column)
    assert not np.array_equal(
        first["tax_balance"].columns["amount_owed"], other["tax_balance"].columns["amount_owed"]
    )
