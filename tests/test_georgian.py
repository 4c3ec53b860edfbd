"""ctkb's light Georgian stemmer (ingest/georgian.py): the inflected forms of a noun share a stem."""

from __future__ import annotations

import pytest

from ingest.georgian import stem, stem_text


@pytest.mark.parametrize(
    ("forms", "expected"),
    [
        # victim: nominative, genitive, dative, ergative, instrumental, plural, old plural genitive
        (["მსხვერპლი", "მსხვერპლის", "მსხვერპლს", "მსხვერპლმა", "მსხვერპლით", "მსხვერპლები"], "მსხვერპლ"),
        (["მსხვერპლებს", "მსხვერპლების", "მსხვერპლთა", "მსხვერპლისთვის", "მსხვერპლთან"], "მსხვერპლ"),
        # state (a vowel stem): nominative, dative, "in the state", "of the states", adverbial
        (["სახელმწიფო", "სახელმწიფოს", "სახელმწიფოში", "სახელმწიფოების", "სახელმწიფოდ"], "სახელმწიფო"),
        # trafficking, labour (-ა stem), from the child, until the court
        (["ტრეფიკინგი", "ტრეფიკინგის", "ტრეფიკინგით"], "ტრეფიკინგ"),
        (["შრომა", "შრომის", "შრომით", "შრომამ", "შრომად"], "შრომ"),
        # nouns in -ება: assistance, of assistance, to assistance, assistances; person (-ნი is its stem)
        (["დახმარება", "დახმარების", "დახმარებას", "დახმარებები", "დახმარებით"], "დახმარ"),
        (["ადამიანი", "ადამიანის", "ადამიანით", "ადამიანებს", "ადამიანთა"], "ადამიან"),
        # nouns in -ია, and the copula -ა ("is a penalty")
        (["პოლიცია", "პოლიციის", "პოლიციაში", "პოლიციამ"], "პოლიც"),
        (["სასჯელი", "სასჯელის", "სასჯელია"], "სასჯელ"),
        (["ბავშვი", "ბავშვიდან", "ბავშვამდე", "ბავშვზე", "ბავშვები"], "ბავშვ"),
    ],
)
def test_inflected_forms_share_a_stem(forms: list[str], expected: str) -> None:
    assert {stem(f) for f in forms} == {expected}


def test_short_words_and_other_scripts_are_left_alone() -> None:
    assert [stem(w) for w in ("და", "რომ", "არ", "victims", "жертвы", "12")] == [
        "და",
        "რომ",
        "არ",
        "victims",
        "жертвы",
        "12",
    ]


def test_stem_text_keeps_everything_but_georgian_endings() -> None:
    assert stem_text("მუხლი 3. მსხვერპლის (victim's) უფლებები") == "მუხლ 3. მსხვერპლ (victim's) უფლ"
