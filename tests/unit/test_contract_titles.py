"""The contract speaks Vietnamese to clerks: every field of every fact (nested models too)
has a Vietnamese title, every fact type a Vietnamese name, every choice a label. The web
forms, the OpenAPI documents and the JSON Schemas read them from here."""

import unicodedata
from enum import Enum
from typing import Any, get_args, get_origin

from pydantic import BaseModel
from thidua_events.choices_vi import CHOICES_VI, label
from thidua_events.facts import FACTS

VIETNAMESE_LETTERS = set("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")


def _models_and_enums(annotation: Any, models: set[type[BaseModel]], enums: set[type[Enum]]) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in models:
            models.add(annotation)
            for field in annotation.model_fields.values():
                _models_and_enums(field.annotation, models, enums)
        return
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        enums.add(annotation)
        return
    for arg in get_args(annotation) if get_origin(annotation) is not None else ():
        _models_and_enums(arg, models, enums)


def _reachable() -> tuple[set[type[BaseModel]], set[type[Enum]]]:
    models: set[type[BaseModel]] = set()
    enums: set[type[Enum]] = set()
    for fact_type in FACTS.values():
        _models_and_enums(fact_type, models, enums)
    return models, enums


def _speaks_vietnamese(text: str | None) -> bool:
    """Non-empty, NFC (as every Vietnamese text the ledger keeps)."""
    return bool(text and text.strip()) and unicodedata.normalize("NFC", text or "") == text


def test_every_field_of_every_fact_and_nested_model_has_a_vietnamese_title() -> None:
    models, _ = _reachable()
    missing = [f"{model.__name__}.{name}" for model in models for name, field in model.model_fields.items()
               if not _speaks_vietnamese(field.title)]
    assert not missing, f"fields without a Vietnamese title (Field(title=...)): {sorted(missing)}"


def test_titles_are_vietnamese_not_the_field_names() -> None:
    models, _ = _reachable()
    english = [f"{model.__name__}.{name}: {field.title!r}" for model in models
               for name, field in model.model_fields.items()
               if field.title and not any(ch in VIETNAMESE_LETTERS for ch in field.title.casefold())
               and field.title.casefold().replace(" ", "_") == name]
    assert not english, english


def test_every_fact_type_has_a_vietnamese_name_of_its_own() -> None:
    missing = [name for name, kind in FACTS.items() if not _speaks_vietnamese(kind.title_vi)]
    assert not missing, f"fact types without title_vi: {missing}"
    names = [kind.title_vi for kind in FACTS.values()]
    assert len(set(names)) == len(names), "two fact types share a Vietnamese name: a clerk could not tell them apart"


def test_every_choice_of_every_enumeration_in_the_contract_has_a_label() -> None:
    _, enums = _reachable()
    missing = [f"{kind.__name__}.{member.name}" for kind in enums for member in kind
               if kind not in CHOICES_VI or str(member.value) not in CHOICES_VI[kind]]
    assert not missing, f"choices without a Vietnamese label (thidua_events/choices_vi.py): {missing}"
    assert all(label(member) for kind in enums for member in kind)


def test_the_json_schemas_carry_the_titles() -> None:
    schema = FACTS["ScoreRecorded"].model_json_schema()
    assert schema["properties"]["points"]["title"] == "Số điểm"
    assert schema["properties"]["scored_by_unit_id"]["title"] == "Đơn vị chấm chéo"
