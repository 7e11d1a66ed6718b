"""The services on their own: the database, not only the service's own check, keeps RRNs unique."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.errors import Conflict
from nara.core.pii import PiiCipher
from nara.residents import repository, service
from nara.residents.schemas import PersonCreate
from tests.residents.conftest import person_payload
from tests.support import count_rows


def test_a_concurrent_registration_of_the_same_number_is_a_conflict_not_a_crash(
    session: Session, clock: FixedClock, cipher: PiiCipher, monkeypatch: pytest.MonkeyPatch
) -> None:
    person_in = PersonCreate(**person_payload())
    service.register_person(
        session=session, clock=clock, cipher=cipher, actor="test", person_in=person_in
    )
    # The other request looked before this one wrote: its own check saw nothing.
    monkeypatch.setattr(repository, "person_by_rrn_index", lambda _session, _index: None)

    with pytest.raises(Conflict) as refused:
        service.register_person(
            session=session, clock=clock, cipher=cipher, actor="test", person_in=person_in
        )

    assert refused.value.code == "rrn_already_registered"
    assert count_rows(session, "residents_person") == 1
    assert count_rows(session, "residents_change") == 1
