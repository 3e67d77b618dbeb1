"""Recorded cases: certification cases made from real sessions on the transcripts page
(``voicelab.models.RecordedCase``), played after the checklist's own cases.

Each step is sent as Alexa sent it then (the launch, or the intent with its slot values; a
value the log kept as an entity id is resolved through the exported model, as Alexa would),
and the answer is checked against the one recorded: the skill says the same words and sends
the same directives. A hand-off to Amazon Pay or Amazon's purchase dialogue is answered by
the sandboxes (accepted), as the shopper's session went on from there. What the test
shopper owns differs from the real shopper's, so an answer that depends on it may differ:
the case's result says where, in words, for the owner to judge.
"""

from catalog.models import Product
from voicelab.console.matcher import INTENT, LAUNCH, Understood
from voicelab.models import RecordedCase

from .dialogue import Answer, Dialogue
from .expectations import Case, Expect, Plan, heard

RECORDED = "Recorded from sessions"


def recorded_cases(plan: Plan) -> list[Case]:
    """One ``Case`` per recorded case of the store, in the order they were made."""
    cases = []
    for recorded in RecordedCase.objects.filter(store=plan.store).order_by("created_at", "pk"):
        cases.append(
            Case(
                f"recorded_{recorded.pk}",
                recorded.title,
                "A real session, recorded from the transcripts page: each turn gets the answer "
                "it got then.",
                RECORDED,
                _player(recorded),
            )
        )
    return cases


def _player(recorded: RecordedCase):
    def play(plan: Plan, d: Dialogue, x: Expect) -> None:
        for number, step in enumerate(recorded.steps, start=1):
            answer = _send(plan, d, step)
            _expect(x, number, step, answer)
            _answer_amazon(d, answer)

    return play


def _send(plan: Plan, d: Dialogue, step: dict) -> Answer:
    if step["request_type"] == "LaunchRequest":
        d.new_session()
        return d.send_understood(Understood(LAUNCH, text="(launch)"), said="opens the skill")
    intent = step.get("intent", "")
    slot_types = plan.matcher.slots_of.get(intent, {})
    slots = {}
    for name, value in (step.get("slots") or {}).items():
        type_name = slot_types.get(name)
        if type_name is None:
            continue
        slots[name] = _slot(plan, type_name, str(value))
    understood = Understood(INTENT, intent=intent, slots=slots, slot_types=slot_types, sample="*")
    said = ", ".join(f"{n} = {s['value']}" for n, s in slots.items())
    return d.send_understood(understood, said=f"{intent} ({said})" if said else intent)


def _slot(plan: Plan, type_name: str, value: str) -> dict:
    """The slot as Alexa fills it: an entity id the model knows resolves to its value."""
    for entity in plan.matcher.vocabulary.entities_by_type.get(type_name, []):
        if str(entity.id) == value:
            return {
                "type": type_name,
                "value": entity.value,
                "id": entity.id,
                "resolved": entity.value,
            }
    if value.isdigit() and type_name not in plan.matcher.vocabulary.entities_by_type:
        return {"type": type_name, "value": value, "id": None, "resolved": None}
    product = None
    if value.isdigit():
        product = Product.objects.filter(store=plan.store, pk=int(value)).first()
    words = product.spoken_name or product.name if product is not None else value
    return {"type": type_name, "value": words, "id": None, "resolved": None}


def _expect(x: Expect, number: int, step: dict, answer: Answer) -> None:
    expected = " ".join(str(step.get("expect_reply") or "").split())
    if expected:
        x.check(
            " ".join(answer.speech.split()) == expected,
            f'Turn {number}: the skill says "{expected}"',
            heard(answer),
        )
    wanted = sorted(step.get("expect_directives") or [])
    sent = sorted(_names(answer))
    x.check(
        sent == wanted,
        f"Turn {number}: the skill sends " + (", ".join(wanted) if wanted else "no directive"),
        ", ".join(sent) if sent else "no directive was sent",
    )


def _names(answer: Answer) -> list[str]:
    names = []
    for directive in answer.directives:
        kind, name = directive.get("type", ""), directive.get("name")
        names.append(f"{kind}:{name}" if name else kind)
    return names


def _answer_amazon(d: Dialogue, answer: Answer) -> None:
    if answer.pay_directive() is not None:
        d.amazon_pay()
    elif answer.isp_directive() is not None:
        d.purchase("accept")
