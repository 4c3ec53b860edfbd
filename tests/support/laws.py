"""Small law texts written for tests (a fictional state), in the layouts the parser must handle."""

from __future__ import annotations

from pathlib import Path

LAW_V1 = """LAW OF THE REPUBLIC OF TESTLAND ON COMBATING TRAFFICKING IN PERSONS

Chapter I
General provisions

Article 1
Purpose
This Law establishes measures to prevent trafficking in persons, to protect and assist victims and to
punish traffickers.

Article 2
Definitions
1. For the purposes of this Law:
(a) "trafficking in persons" means the recruitment, transportation, transfer, harbouring or receipt of
persons by means of threat, force, deception or abuse of a position of vulnerability for the purpose
of exploitation;
(b) "child" means any person under eighteen years of age.

Chapter II
Offences

Article 3
Trafficking in persons
1. Trafficking in persons is punishable by imprisonment for eight to twelve years.
2. Where the victim is a child, the penalty is imprisonment for twelve to twenty years.

Article 4
Non-punishment of victims
Victims shall not be punished for unlawful acts they were compelled to commit as a direct consequence
of being trafficked.
\f
Chapter III
Protection and assistance

Article 5
Assistance to victims
Victims shall receive safe accommodation, medical care, legal aid and interpretation free of charge,
in accordance with article 2 of this Law.

Article 6
Compensation
Victims have the right to compensation from the offender and, where that is not possible, from the
State Victims Fund.
"""

LAW_EXTRA = """GUIDELINES ON THE IDENTIFICATION OF VICTIMS OF TRAFFICKING

Article 1
Scope
These guidelines apply to labour inspectors, police officers and social workers.

Article 2
Indicators
Signs that a worker may be trafficked include confiscated passports, debts to the employer that can
never be repaid, and restrictions on movement.

Article 3
Referral
A first responder who identifies a possible victim refers the person to the coordination centre
within twenty-four hours.
"""


def write_laws(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {"law": folder / "testland_law.txt", "guide": folder / "testland_guide.txt"}
    files["law"].write_text(LAW_V1, encoding="utf-8")
    files["guide"].write_text(LAW_EXTRA, encoding="utf-8")
    return files
