"""Which mining municipality a town (woonplaats) lies in, to help residents pick the right municipality.

There is no BAG look-up offline. Residents know their town, not always their municipality: Nuth and Schinveld
merged into Beekdaelen in 2019, Hoensbroek is Heerlen. Someone who picks 'another municipality' and types
such a town would be told, wrongly, that their home lies outside the area. This small table of towns and
villages in the ten municipalities lets the form suggest the right one. A town not listed here is no claim
that it lies outside the area; the caseworker checks the address anyway.
"""

from .models.property import MINING_MUNICIPALITIES

_TOWNS = {
    "Beek": ("Beek", "Spaubeek", "Neerbeek", "Genhout"),
    "Beekdaelen": ("Nuth", "Schinnen", "Schinveld", "Merkelbeek", "Jabeek", "Bingelrade", "Amstenrade", "Oirsbeek",
                   "Sweikhuizen", "Wijnandsrade", "Vaesrade"),
    "Brunssum": ("Brunssum",),
    "Heerlen": ("Heerlen", "Hoensbroek", "Heerlerheide", "Heerlerbaan"),
    "Kerkrade": ("Kerkrade", "Eygelshoven"),
    "Landgraaf": ("Landgraaf", "Schaesberg", "Nieuwenhagen", "Ubach over Worms"),
    "Simpelveld": ("Simpelveld", "Bocholtz"),
    "Sittard-Geleen": ("Sittard", "Geleen", "Born", "Limbricht", "Munstergeleen", "Einighausen", "Guttecoven",
                       "Grevenbicht", "Obbicht", "Buchten", "Holtum"),
    "Stein": ("Stein", "Elsloo", "Urmond", "Berg aan de Maas"),
    "Voerendaal": ("Voerendaal", "Klimmen", "Ubachsberg"),
}
assert set(_TOWNS) == set(MINING_MUNICIPALITIES)


def _key(name: str) -> str:
    return " ".join(name.replace("-", " ").split()).casefold()


TOWN_MUNICIPALITY = {_key(town): municipality for municipality, towns in _TOWNS.items() for town in towns}
TOWN_MUNICIPALITY.update({_key(m): m for m in MINING_MUNICIPALITIES})


def mining_municipality_of(name: str) -> str | None:
    """The mining municipality a town or municipality name belongs to, or None if we do not know it."""
    return TOWN_MUNICIPALITY.get(_key(name or ""))


def same_name(a: str, b: str) -> bool:
    """'sittard geleen' and 'Sittard-Geleen' are the same name."""
    return _key(a) == _key(b)
