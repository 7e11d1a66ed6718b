"""The case engine: a one-stop report carried to every agency as idempotent, retried steps.

A case is a saga. Filing it writes the case and one step per agency, in stages: the steps of
a stage run once every step of the stages before has finished. `CaseRunner` (run by
`nara worker`) claims due steps and calls each step's exchange service with its step key
(`moving-in:42:residents`), which the agency applies once (`nara.core.idempotency`), so a
step repeated after a crash changes nothing twice. A step names its service by id, in data:
the service's contract makes the request from the step's parameters, and the answer is kept
as the JSON the agency sent.

- A transient failure (the agency is unreachable, the database busy, an unexpected error) is
  retried with exponential back-off; after `max_attempts` the step waits for an official.
- A refusal (a 4xx problem from the agency) is final. If nothing has changed yet — the first
  stage — the case fails with the agency's message and nothing is half-done. Later, the
  registers that did change stay changed (a move is not undone because a vehicle could not
  follow it): the step is flagged for an official of its agency, who retries it or resolves
  it by hand, and the rest of the case goes on.

On PostgreSQL several workers claim steps with `FOR UPDATE SKIP LOCKED` and lock the cases
of their batch in id order before finishing a step, so that the last step of a stage is seen
by exactly one of them.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

import structlog
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session, sessionmaker

from nara.core.clock import Clock
from nara.core.db import savepoint_keeping_evidence, unit_of_work
from nara.core.errors import Invalid, Message, NaraError
from nara.core.history import record_change
from nara.core.pii import PiiCipher
from nara.exchange import CallContext, Exchange
from nara.exchange.contracts import Contract
from nara.exchange.contracts.registry import contract_of
from nara.exchange.preconditions import PERSON_PARTY
from nara.exchange.pubsub import RetryPolicy, backoff_seconds
from nara.lifeevents import repository
from nara.lifeevents.models import FINISHED_STEP_STATES, Case, LifeeventsChange, Step

log = structlog.get_logger("nara.lifeevents")

Req = TypeVar("Req", bound=BaseModel)
Ans = TypeVar("Ans")

CLIENT: Final = "gov24"
"""Cases are carried by the single window's subsystem."""
TRANSIENT_STATUSES: Final = frozenset({500, 502, 503, 504})
TRANSIENT_CODES: Final = frozenset({"provider_unreachable", "database_busy", "provider_failed"})
ERROR_LENGTH: Final = 1000
OPEN_CASE_STATES: Final = frozenset({"running", "attention"})


ANSWER_REF: Final = "$answer"


def from_answer(step: str, key: str) -> dict[str, list[str]]:
    """A step parameter taken, when the step runs, from an earlier step's answer: the
    newborn's person id that the resident register gave, for the family register's step."""
    return {ANSWER_REF: [step, key]}


class AnswerMissing(Exception):
    """A parameter refers to an answer that an earlier step did not give."""


def _resolved(session: Session, case: Case, params: dict[str, Any]) -> dict[str, Any]:
    if not any(isinstance(v, dict) and ANSWER_REF in v for v in params.values()):
        return params
    answers = {step.name: step.answer or {} for step in steps_of(session, case.id)}
    resolved: dict[str, Any] = {}
    for name, value in params.items():
        if isinstance(value, dict) and ANSWER_REF in value:
            step, key = value[ANSWER_REF]
            if key not in answers.get(step, {}):
                raise AnswerMissing(f"step {step} gave no {key}")
            resolved[name] = answers[step][key]
        else:
            resolved[name] = value
    return resolved


@dataclass(frozen=True)
class StepPlan:
    """One step of a case to be: which agency's service, for which purpose, with what."""

    name: str
    stage: int
    service: str
    purpose: str
    params: dict[str, Any]
    keyed: bool = True
    """A write applied once under the step key; False for a read (asked again if repeated)."""

    @property
    def agency(self) -> str:
        return self.service.split("/", 1)[0]


def open_case(
    session: Session,
    clock: Clock,
    *,
    kind: str,
    applicant_person_id: int,
    applicant_account_id: int | None,
    report: dict[str, Any],
    steps: Sequence[StepPlan],
    confirmer_person_id: int | None = None,
    outcome: dict[str, Any] | None = None,
    actor: str,
) -> Case:
    """File a case; its first stage is due at once, unless a confirmation is awaited."""
    now = clock.now()
    waiting = confirmer_person_id is not None
    case = Case(
        kind=kind,
        state="awaiting_confirmation" if waiting else "running",
        applicant_person_id=applicant_person_id,
        applicant_account_id=applicant_account_id,
        report=report,
        outcome=outcome or {},
        confirmer_person_id=confirmer_person_id,
        confirmed_at=None,
        submitted_at=now,
        updated_at=now,
        finished_at=None,
    )
    session.add(case)
    session.flush()
    first = min(plan.stage for plan in steps)
    for plan in steps:
        due = plan.stage == first and not waiting
        session.add(
            Step(
                case_id=case.id,
                name=plan.name,
                stage=plan.stage,
                agency=plan.agency,
                service=plan.service,
                purpose=plan.purpose,
                params=plan.params,
                keyed=plan.keyed,
                state="due" if due else "waiting",
                attempts=0,
                next_attempt_at=now if due else None,
            )
        )
    session.flush()
    _log(session, clock, case, "filed", actor, {"steps": [plan.name for plan in steps]})
    return case


STEPS_KEY: Final = "nara.lifeevents.steps"
"""Where a batch keeps the steps of its cases in the session (loaded with one query)."""


def steps_of(session: Session, case_id: int) -> list[Step]:
    """A case's steps in stage order (from the batch's cache when a runner batch is on)."""
    cached: dict[int, list[Step]] | None = session.info.get(STEPS_KEY)
    if cached is not None and case_id in cached:
        return cached[case_id]
    return repository.steps_of_case(session, case_id)


def start(session: Session, clock: Clock, case: Case, *, actor: str) -> None:
    """Start a case that awaited a confirmation: its first stage becomes due."""
    now = clock.now()
    case.state, case.confirmed_at, case.updated_at = "running", now, now
    steps = steps_of(session, case.id)
    first = min(step.stage for step in steps)
    for step in steps:
        if step.stage == first:
            step.state, step.next_attempt_at = "due", now
    _log(session, clock, case, "confirmed", actor, {})


def cancel(session: Session, clock: Clock, case: Case, *, actor: str, reason: str) -> None:
    """Cancel a case before any step ran (a declined confirmation)."""
    now = clock.now()
    case.state, case.updated_at, case.finished_at = "cancelled", now, now
    for step in steps_of(session, case.id):
        step.state, step.next_attempt_at, step.finished_at = "cancelled", None, now
    _log(session, clock, case, "cancelled", actor, {"reason": reason})


def retry_step(session: Session, clock: Clock, case: Case, step: Step, *, actor: str) -> None:
    """An official sends a flagged step again, with its attempts counted afresh."""
    now = clock.now()
    step.state, step.attempts, step.next_attempt_at = "due", 0, now
    case.state, case.updated_at = "running", now
    _log(session, clock, case, "step_retried", actor, {"step": step.name})


def resolve_step(
    session: Session, clock: Clock, case: Case, step: Step, *, actor: str, note: str
) -> None:
    """An official records that a flagged step was settled by hand; the case goes on."""
    now = clock.now()
    step.state, step.finished_at = "resolved", now
    step.resolved_by, step.resolution_note = actor, note
    step.next_attempt_at = None
    _log(session, clock, case, "step_resolved", actor, {"step": step.name})
    _advance(session, clock, case)


# Running steps -----------------------------------------------------------------------------


def _error_text(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:ERROR_LENGTH]


def is_transient(error: BaseException) -> bool:
    """Whether trying again later may succeed: not a refusal by the agency."""
    if isinstance(error, AnswerMissing):
        return False
    if isinstance(error, NaraError):
        return error.status in TRANSIENT_STATUSES or error.code in TRANSIENT_CODES
    return True


@dataclass
class CaseRunner:
    """Runs due steps: `run_due` is one pass of `nara worker` over the cases."""

    session_factory: sessionmaker[Session]
    clock: Clock
    exchange: Exchange
    cipher: PiiCipher
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    batch: int = 50
    rng: Callable[[], float] = random.random
    on_finished: Callable[[Session, Clock, Case], None] | None = None
    """Called in the transaction that finishes a case (notices to the citizen)."""
    on_step_done: Callable[[Session, Clock, Case, Step, dict[str, Any]], None] | None = None
    """Called with a step's answer within the step's own savepoint (a result told at once):
    if it fails, the step fails with it and is tried again, and the batch goes on."""

    def run_due(self, *, limit: int | None = None) -> int:
        """Run up to `limit` due steps, a batch per transaction; the number run."""
        limit = self.batch * 10 if limit is None else limit
        done = 0
        while done < limit:
            ran = self.run_batch(min(self.batch, limit - done))
            if ran == 0:
                break
            done += ran
        return done

    def run_batch(self, size: int) -> int:
        """Claim up to `size` due steps and run them in one transaction."""
        with unit_of_work(self.session_factory) as session:
            now = self.clock.now()
            steps = repository.claim_due_steps(session, now, size)
            if not steps:
                return 0
            cases = repository.lock_cases(session, {step.case_id for step in steps})
            session.info[STEPS_KEY] = repository.steps_of_cases(session, cases)
            try:
                for step in steps:
                    case = cases[step.case_id]
                    if case.state in OPEN_CASE_STATES:
                        self._run(session, case, step)
                    else:  # a step left due by a case that ended meanwhile
                        step.state, step.next_attempt_at = "cancelled", None
            finally:
                session.info.pop(STEPS_KEY, None)
            return len(steps)

    def _run(self, session: Session, case: Case, step: Step) -> None:
        ctx = CallContext(
            session=session,
            clock=self.clock,
            cipher=self.cipher,
            client=CLIENT,
            purpose=step.purpose,
            user_id=f"case:{case.reference}",
            case=case.reference,
            represented_party=f"{PERSON_PARTY}{case.applicant_person_id}",
        )
        try:
            with savepoint_keeping_evidence(session):
                keys = {"step_key": step.key(case.kind)} if step.keyed else {}
                params = _resolved(session, case, step.params)
                contract = contract_of(step.service)
                request = _request(contract, {**keys, **params})
                answer = _stored(contract, self.exchange.call(contract, ctx, request))
                if self.on_step_done is not None:
                    self.on_step_done(session, self.clock, case, step, answer)
        except Exception as error:  # noqa: BLE001  (every failure of a step is recorded)
            self._failed(session, case, step, error)
            return
        now = self.clock.now()
        step.state, step.answer, step.finished_at = "done", answer, now
        step.next_attempt_at = None
        step.error_code = step.error_en = step.error_ko = None
        _advance(session, self.clock, case, on_finished=self.on_finished)

    def _failed(self, session: Session, case: Case, step: Step, error: BaseException) -> None:
        now = self.clock.now()
        step.attempts += 1
        if isinstance(error, NaraError):
            step.error_code = error.code
            step.error_en = error.message.en[:ERROR_LENGTH]
            step.error_ko = error.message.ko[:ERROR_LENGTH]
        else:
            step.error_code = "step_error"
            step.error_en = step.error_ko = _error_text(error)
            log.warning("step_error", case=case.reference, step=step.name, error=step.error_en)
        if is_transient(error) and step.attempts < self.policy.max_attempts:
            delay = backoff_seconds(
                step.attempts,
                base=self.policy.base_seconds,
                cap=self.policy.max_seconds,
                rng=self.rng,
            )
            step.next_attempt_at = now + dt.timedelta(seconds=delay)
            return
        step.next_attempt_at = None
        if _nothing_changed(session, case, step):
            step.state, step.finished_at = "failed", now
            _finish(session, self.clock, case, "failed", on_finished=self.on_finished)
            return
        step.state = "attention"
        case.state, case.updated_at = "attention", now
        _log(
            session,
            self.clock,
            case,
            "step_flagged",
            "system",
            {"step": step.name, "code": step.error_code, "attempts": step.attempts},
        )


def _request(contract: Contract[Req, Any], params: dict[str, Any]) -> Req:
    """A step's request made from its parameters; a refusal of the step, 422
    `params_invalid` as the provider gives it, when they do not fit the contract."""
    try:
        return contract.request.model_validate(params)
    except ValidationError as error:
        problems = error.errors(include_url=False, include_context=False, include_input=False)
        fields = ", ".join(".".join(str(p) for p in problem["loc"]) for problem in problems[:10])
        raise Invalid(
            "params_invalid",
            Message(
                f"The parameters do not fit the service {contract.service}: {fields}.",
                f"{contract.service} 서비스의 매개변수가 맞지 않습니다: {fields}.",
            ),
            {"service": contract.service},
        ) from None


def _stored(contract: Contract[Any, Ans], answer: Ans) -> dict[str, Any]:
    """A step's answer as the case keeps it: the JSON the provider sent, with the fields its
    purpose's view shows and no others; an answer that is not an object under `answer`."""
    found = contract.answers.dump_python(answer, mode="json", exclude_unset=True)
    return found if isinstance(found, dict) else {"answer": found}


def _nothing_changed(session: Session, case: Case, failed: Step) -> bool:
    """True when no step of the case has changed a register yet (it may fail as a whole)."""
    return not any(
        step.state in FINISHED_STEP_STATES
        for step in steps_of(session, case.id)
        if step.id != failed.id
    )


def _advance(
    session: Session,
    clock: Clock,
    case: Case,
    *,
    on_finished: Callable[[Session, Clock, Case], None] | None = None,
) -> None:
    """After a step finished: make the next stage due, or finish the case."""
    steps = steps_of(session, case.id)
    open_steps = [step for step in steps if step.state not in FINISHED_STEP_STATES]
    now = clock.now()
    case.updated_at = now
    if not open_steps:
        _finish(session, clock, case, "done", on_finished=on_finished)
        return
    if any(step.state == "attention" for step in open_steps):
        case.state = "attention"
    elif case.state == "attention":
        case.state = "running"
    stage = min(step.stage for step in open_steps)
    stage_steps = [step for step in open_steps if step.stage == stage]
    if all(step.state == "waiting" for step in stage_steps):
        for step in stage_steps:
            step.state, step.next_attempt_at = "due", now


def _finish(
    session: Session,
    clock: Clock,
    case: Case,
    state: str,
    *,
    on_finished: Callable[[Session, Clock, Case], None] | None,
) -> None:
    now = clock.now()
    case.state, case.updated_at, case.finished_at = state, now, now
    if state == "failed":
        for step in steps_of(session, case.id):
            if step.state in ("waiting", "due"):
                step.state, step.next_attempt_at, step.finished_at = "cancelled", None, now
    _log(session, clock, case, state, "system", {})
    if on_finished is not None:
        on_finished(session, clock, case)


def _log(  # noqa: PLR0917  (private helper, called positionally)
    session: Session, clock: Clock, case: Case, action: str, actor: str, data: dict[str, Any]
) -> None:
    record_change(
        session,
        clock,
        LifeeventsChange,
        entity="case",
        entity_id=case.id,
        action=action,
        data={"kind": case.kind, "reference": case.reference, "state": case.state, **data},
        actor=actor,
        event_type=f"lifeevent.{action}",
    )


STATE_MESSAGES: Final[dict[str, Message]] = {
    "awaiting_confirmation": Message(
        "Waiting for the household head's confirmation", "세대주 확인 대기 중"
    ),
    "running": Message("In progress", "처리 중"),
    "done": Message("Completed", "처리 완료"),
    "attention": Message("An official is looking into a step", "담당 공무원 확인 중"),
    "failed": Message("Refused: nothing was changed", "불수리: 변경된 내용 없음"),
    "cancelled": Message("Cancelled", "취소됨"),
}
