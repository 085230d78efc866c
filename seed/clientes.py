"""Clients and their identity documents.

Client ids follow registration time (as an identity column would have given them), names are
Peruvian (one or two given names; paternal and maternal surname), e-mails are ASCII and
unique, documents are unique and well-formed for their type.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import timedelta

from seed import peru
from seed.config import SeedConfig
from seed.formats import ascii_slug, ruc_persona, telefono_movil
from seed.model import Cliente, Documento
from seed.rand import (
    LIMA_UTC_OFFSET_MS,
    MS_PER_DAY,
    MS_PER_HOUR,
    Weighted,
    add_years,
    lima_date,
    office_instant,
    ranked,
    stream,
    to_datetime,
    to_ms,
)

ESTADOS_CLIENTE = Weighted([("activo", 85), ("inactivo", 10), ("bloqueado", 5)])
TIPOS_DOCUMENTO = Weighted([("DNI", 80), ("Carnet Extranjeria", 8), ("Pasaporte", 5), ("RUC", 7)])
#: Share of RUC holders who also register the DNI their RUC contains.
RUC_WITH_DNI = 0.5
#: Share of clients who gave a phone number.
WITH_PHONE = 0.97

_MALE = ranked(peru.MALE_NAMES)
_FEMALE = ranked(peru.FEMALE_NAMES)
_SURNAME = ranked(peru.SURNAMES, exponent=1.0, offset=4.0)
_DOMAIN = Weighted(peru.EMAIL_DOMAINS)
_LOCATION = Weighted(peru.LOCATIONS)
_PASSPORT_SHAPES = Weighted([("9D", 45), ("2L7D", 25), ("3L6D", 20), ("1L7D", 10)])
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
#: How people spell their e-mail's local part: g (given name), g2 (second given name),
#: p and m (paternal and maternal surname), yy (a birth year).
_EMAIL_SHAPE_WEIGHTS = [
    ("{g}.{p}", 30),
    ("{g}{p}", 10),
    ("{g[0]}{p}", 15),
    ("{g}.{p}{m[0]}", 10),
    ("{g}_{p}", 5),
    ("{p}.{g}", 5),
    ("{g}.{p}{yy}", 15),
    ("{g[0]}{p}{m[0]}", 10),
]
_EMAIL_SHAPES = Weighted(_EMAIL_SHAPE_WEIGHTS)
_EMAIL_SHAPES_TWO_NAMES = Weighted([*_EMAIL_SHAPE_WEIGHTS, ("{g}{g2}.{p}", 10)])


@dataclass(slots=True)
class ClientePlan:
    """A client and what later tables need to know about them."""

    cliente: Cliente
    registro_ms: int
    #: when an inactive or blocked client was deactivated (inside the transaction window)
    deactivated_ms: int | None
    #: where the client usually banks (transaction metadata)
    ubicacion: str


@dataclass(slots=True)
class _Person:
    nombre: str
    given: tuple[str, ...]
    paterno: str
    materno: str
    estado: str
    registro_ms: int
    deactivated_ms: int | None


def _given_names(rng: random.Random) -> tuple[str, ...]:
    names = _FEMALE if rng.random() < 0.5 else _MALE
    first = names.draw(rng)
    if first == "María" and rng.random() < 0.4:
        return (first, peru.MARIA_COMPOUNDS[rng.randrange(len(peru.MARIA_COMPOUNDS))])
    if rng.random() < 0.35:
        second = names.draw(rng)
        if second != first:
            return (first, second)
    return (first,)


def _registro_ms(rng: random.Random, config: SeedConfig, latest_ms: int) -> int:
    """A registration instant, more recent ones more likely (the bank grows), in office hours."""
    span_days = (latest_ms - config.history_start_ms) // MS_PER_DAY
    while True:
        day = span_days * math.sqrt(rng.random())
        day_start = config.history_start_ms + int(day) * MS_PER_DAY - LIMA_UTC_OFFSET_MS
        end = min(day_start + MS_PER_DAY, latest_ms)
        if end > day_start:
            return office_instant(rng, day_start, end)


def _people(config: SeedConfig) -> list[_Person]:
    rng = stream(config.seed, "clientes")
    people = []
    for _ in range(config.n_clientes):
        estado = ESTADOS_CLIENTE.draw(rng)
        given = _given_names(rng)
        paterno, materno = _SURNAME.draw(rng), _SURNAME.draw(rng)
        deactivated = None
        if estado == "activo":
            registro = _registro_ms(rng, config, config.cutoff_ms - MS_PER_HOUR)
        else:
            # registered well before, deactivated inside the transaction window
            registro = _registro_ms(rng, config, config.cutoff_ms - 60 * MS_PER_DAY)
            earliest = max(config.window_start_ms + MS_PER_DAY, registro + 30 * MS_PER_DAY)
            deactivated = office_instant(rng, earliest, config.cutoff_ms - MS_PER_HOUR)
        people.append(
            _Person(" ".join(given), given, paterno, materno, estado, registro, deactivated)
        )
    return people


def _email(rng: random.Random, person: _Person, taken: set[str]) -> str:
    g = ascii_slug(person.given[0])
    g2 = ascii_slug(person.given[1]) if len(person.given) > 1 else ""
    p, m = ascii_slug(person.paterno), ascii_slug(person.materno)
    yy = f"{rng.randrange(60, 106) % 100:02d}"  # a birth year
    shape = _EMAIL_SHAPES_TWO_NAMES.draw(rng) if g2 else _EMAIL_SHAPES.draw(rng)
    local = shape.format(g=g, g2=g2, p=p, m=m, yy=yy)
    domain = _DOMAIN.draw(rng)
    email = f"{local}@{domain}"
    while email in taken:
        email = f"{local}{rng.randrange(1, 1000)}@{domain}"
    taken.add(email)
    return email


def _passport(rng: random.Random) -> str:
    shape = _PASSPORT_SHAPES.draw(rng)
    if shape == "9D":
        return str(rng.randrange(100_000_000, 1_000_000_000))
    letters, digits = int(shape[0]), int(shape[2])
    return "".join(rng.choice(_LETTERS) for _ in range(letters)) + "".join(
        str(rng.randrange(10)) for _ in range(digits)
    )


def _document_dates(rng: random.Random, tipo: str, registro_ms: int):
    """(emision, vencimiento): valid on the registration day; a RUC does not expire."""
    registro = lima_date(registro_ms)
    validity = {"DNI": 8, "Carnet Extranjeria": 4, "Pasaporte": 10, "RUC": 15}[tipo]
    emision = registro - timedelta(days=rng.randrange(0, validity * 365 - 30))
    vencimiento = None if tipo == "RUC" else add_years(emision, validity)
    return emision, vencimiento


def generate_clientes(config: SeedConfig) -> tuple[list[ClientePlan], list[Documento]]:
    """The clients (ordered by id) and their documents (ordered by id)."""
    people = _people(config)
    # ids in registration order, like an identity column
    order = sorted(range(len(people)), key=lambda i: (people[i].registro_ms, i))

    contact = stream(config.seed, "clientes.contacto")
    docs_rng = stream(config.seed, "documentos")
    taken_emails: set[str] = set()
    taken_phones: set[str] = set()
    taken_numbers: set[str] = set()
    tipos = [TIPOS_DOCUMENTO.draw(docs_rng) for _ in people]
    # DNIs, unique, for DNI holders and for the RUC of natural persons (10 + DNI + check)
    needs_dni = sum(1 for t in tipos if t in ("DNI", "RUC"))
    dnis = iter(f"{n:08d}" for n in docs_rng.sample(range(1_000_000, 80_000_000), needs_dni))

    def unique(make) -> str:
        while True:
            number = make()
            if number not in taken_numbers:
                taken_numbers.add(number)
                return number

    plans: list[ClientePlan] = []
    documentos: list[Documento] = []
    for cliente_id, index in enumerate(order, start=1):
        person, tipo = people[index], tipos[index]
        email = _email(contact, person, taken_emails)
        telefono = None
        if contact.random() < WITH_PHONE:
            while (telefono := telefono_movil(f"9{contact.randrange(10**8):08d}")) in taken_phones:
                pass
            taken_phones.add(telefono)
        registro = to_datetime(person.registro_ms)
        changed = to_datetime(person.deactivated_ms or person.registro_ms)
        cliente = Cliente(
            cliente_id=cliente_id,
            nombre=person.nombre,
            apellido=f"{person.paterno} {person.materno}",
            email=email,
            telefono=telefono,
            fecha_registro=registro,
            estado=person.estado,
            updated_at=changed,
        )
        plans.append(
            ClientePlan(cliente, person.registro_ms, person.deactivated_ms, _LOCATION.draw(contact))
        )

        held: list[tuple[str, str]] = []
        if tipo == "DNI":
            held.append((tipo, unique(lambda: next(dnis))))
        elif tipo == "RUC":
            dni = next(dnis)
            held.append((tipo, unique(lambda dni=dni: ruc_persona(dni))))
            if docs_rng.random() < RUC_WITH_DNI:
                held.append(("DNI", unique(lambda dni=dni: dni)))
        elif tipo == "Carnet Extranjeria":
            held.append((tipo, unique(lambda: f"00{docs_rng.randrange(10**7):07d}")))
        else:
            held.append((tipo, unique(lambda: _passport(docs_rng))))
        for doc_tipo, numero in held:
            emision, vencimiento = _document_dates(docs_rng, doc_tipo, person.registro_ms)
            documentos.append(
                Documento(
                    documento_id=len(documentos) + 1,
                    cliente_id=cliente_id,
                    tipo_documento=doc_tipo,
                    numero_documento=numero,
                    fecha_emision=emision,
                    fecha_vencimiento=vencimiento,
                    created_at=registro,
                    updated_at=registro,
                )
            )
    assert to_ms(plans[-1].cliente.fecha_registro) < config.cutoff_ms
    return plans, documentos
