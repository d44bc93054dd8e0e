"""Stockholm's organisations as of December 2019, with the later mergers (docs/domain.md §6).

Registry prefixes other than KS and SÖD are illustrative. The district councils date from the
reorganisation into fourteen districts on 2007-01-01; that date stands in as the start of validity
for every 2019 body.
"""

import datetime

from remiss.models import Organisation

Kind = Organisation.Kind
REGISTER_START = datetime.date(2007, 1, 1)

# name, administration, registry prefix, valid from, valid to, successor's name
SUCCESSORS = [
    (
        "Hägersten-Älvsjö stadsdelsnämnd",
        "Hägersten-Älvsjö stadsdelsförvaltning",
        "HÄÄ",
        datetime.date(2020, 7, 1),
    ),
    ("Järva stadsdelsnämnd", "Järva stadsdelsförvaltning", "JÄR", datetime.date(2023, 7, 1)),
    (
        "Norra innerstadens stadsdelsnämnd",
        "Norra innerstadens stadsdelsförvaltning",
        "NIS",
        datetime.date(2023, 7, 1),
    ),
]

MERGED_2020 = datetime.date(2020, 6, 30)
MERGED_2023 = datetime.date(2023, 6, 30)

# name, administration, prefix, last valid day, successor's name
DISTRICT_COUNCILS = [
    ("Bromma stadsdelsnämnd", "Bromma stadsdelsförvaltning", "BRO", None, None),
    (
        "Enskede-Årsta-Vantörs stadsdelsnämnd",
        "Enskede-Årsta-Vantörs stadsdelsförvaltning",
        "EÅV",
        None,
        None,
    ),
    ("Farsta stadsdelsnämnd", "Farsta stadsdelsförvaltning", "FAR", None, None),
    (
        "Hägersten-Liljeholmens stadsdelsnämnd",
        "Hägersten-Liljeholmens stadsdelsförvaltning",
        "HÄL",
        MERGED_2020,
        "Hägersten-Älvsjö stadsdelsnämnd",
    ),
    (
        "Hässelby-Vällingby stadsdelsnämnd",
        "Hässelby-Vällingby stadsdelsförvaltning",
        "HÄV",
        None,
        None,
    ),
    ("Kungsholmens stadsdelsnämnd", "Kungsholmens stadsdelsförvaltning", "KUN", None, None),
    (
        "Norrmalms stadsdelsnämnd",
        "Norrmalms stadsdelsförvaltning",
        "NOR",
        MERGED_2023,
        "Norra innerstadens stadsdelsnämnd",
    ),
    (
        "Rinkeby-Kista stadsdelsnämnd",
        "Rinkeby-Kista stadsdelsförvaltning",
        "RIK",
        MERGED_2023,
        "Järva stadsdelsnämnd",
    ),
    ("Skarpnäcks stadsdelsnämnd", "Skarpnäcks stadsdelsförvaltning", "SKA", None, None),
    ("Skärholmens stadsdelsnämnd", "Skärholmens stadsdelsförvaltning", "SKÄ", None, None),
    (
        "Spånga-Tensta stadsdelsnämnd",
        "Spånga-Tensta stadsdelsförvaltning",
        "SPT",
        MERGED_2023,
        "Järva stadsdelsnämnd",
    ),
    ("Södermalms stadsdelsnämnd", "Södermalms stadsdelsförvaltning", "SÖD", None, None),
    (
        "Älvsjö stadsdelsnämnd",
        "Älvsjö stadsdelsförvaltning",
        "ÄLV",
        MERGED_2020,
        "Hägersten-Älvsjö stadsdelsnämnd",
    ),
    (
        "Östermalms stadsdelsnämnd",
        "Östermalms stadsdelsförvaltning",
        "ÖST",
        MERGED_2023,
        "Norra innerstadens stadsdelsnämnd",
    ),
]

SPECIALIST_BOARDS = [
    ("Arbetsmarknadsnämnden", "Arbetsmarknadsförvaltningen", "AMN"),
    ("Exploateringsnämnden", "Exploateringskontoret", "EXPL"),
    ("Fastighetsnämnden", "Fastighetskontoret", "FN"),
    ("Idrottsnämnden", "Idrottsförvaltningen", "IDN"),
    ("Kulturnämnden", "Kulturförvaltningen", "KUL"),
    ("Kyrkogårdsnämnden", "Kyrkogårdsförvaltningen", "KGN"),
    ("Miljö- och hälsoskyddsnämnden", "Miljöförvaltningen", "MHN"),
    ("Servicenämnden", "Serviceförvaltningen", "SN"),
    ("Socialnämnden", "Socialförvaltningen", "SOC"),
    ("Stadsbyggnadsnämnden", "Stadsbyggnadskontoret", "SBN"),
    ("Trafiknämnden", "Trafikkontoret", "TN"),
    ("Utbildningsnämnden", "Utbildningsförvaltningen", "UBN"),
    ("Äldrenämnden", "Äldreförvaltningen", "ÄN"),
    ("Överförmyndarnämnden", "Överförmyndarförvaltningen", "ÖFN"),
]

EXECUTIVE_BOARD = ("Kommunstyrelsen", "Stadsledningskontoret", "KS")
FIRE_BRIGADE = ("Storstockholms brandförsvar", "Storstockholms brandförsvar", "SSBF")


# Outside the municipality (issue 16): remittents and instanser reached by e-mail. The addresses
# are illustrative (example.org), never the bodies' real ones.
# name, kind, contact address
OUTSIDE = [
    ("Finansdepartementet", Kind.STATE_AUTHORITY, "fi.remissvar@example.org"),
    ("Polismyndigheten, region Stockholm", Kind.STATE_AUTHORITY, "polisen@example.org"),
    ("Region Stockholm", Kind.REGION, "region@example.org"),
    ("Företagarna Stockholms stad", Kind.ASSOCIATION, "foretagarna@example.org"),
]


def organisation_rows() -> list[dict]:
    """Every organisation as keyword arguments, successors before the bodies they replaced."""
    rows = [
        dict(
            name=name,
            kind=Kind.DISTRICT_COUNCIL,
            administration=admin,
            registry_prefix=prefix,
            valid_from=valid_from,
        )
        for name, admin, prefix, valid_from in SUCCESSORS
    ]
    name, admin, prefix = EXECUTIVE_BOARD
    rows.append(
        dict(
            name=name,
            kind=Kind.EXECUTIVE_BOARD,
            administration=admin,
            registry_prefix=prefix,
            valid_from=REGISTER_START,
        )
    )
    rows += [
        dict(
            name=name,
            kind=Kind.DISTRICT_COUNCIL,
            administration=admin,
            registry_prefix=prefix,
            valid_from=REGISTER_START,
            valid_to=valid_to,
            successor=successor,
        )
        for name, admin, prefix, valid_to, successor in DISTRICT_COUNCILS
    ]
    rows += [
        dict(
            name=name,
            kind=Kind.SPECIALIST_BOARD,
            administration=admin,
            registry_prefix=prefix,
            valid_from=REGISTER_START,
        )
        for name, admin, prefix in SPECIALIST_BOARDS
    ]
    name, admin, prefix = FIRE_BRIGADE
    rows.append(
        dict(
            name=name,
            kind=Kind.MUNICIPAL_FEDERATION,
            administration=admin,
            registry_prefix=prefix,
            valid_from=REGISTER_START,
        )
    )
    rows += [
        dict(name=name, kind=kind, contact_email=email, valid_from=REGISTER_START)
        for name, kind, email in OUTSIDE
    ]
    return rows
