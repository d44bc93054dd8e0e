"""Kommunen: the municipality the portal serves, from the settings (MUNICIPALITY_* in
.env.example), so that another municipality can run the portal without touching a template.
Stockholm's values are the defaults, for the demo."""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Municipality:
    name: str  # "Stockholms stad": in running text
    logo_text: str  # the letterhead's name, on screen and in every printed document
    address: str  # the address line of the letterhead
    registry_prefix: str  # the kommunstyrelse's diarienummer prefix, in examples ("KS")


def current() -> Municipality:
    return Municipality(
        name=settings.MUNICIPALITY_NAME,
        logo_text=settings.MUNICIPALITY_LOGO_TEXT,
        address=settings.MUNICIPALITY_ADDRESS,
        registry_prefix=settings.MUNICIPALITY_REGISTRY_PREFIX,
    )
