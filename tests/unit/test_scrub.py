"""Comments lose e-mail addresses, phone numbers, IBANs and postcodes, and nothing else."""

import pytest

from server.core.scrub import scrub

SCRUBBED = [
    ("Mail me op jan.de.vries@gmail.com als het er is",
     "Mail me op [email] als het er is"),
    ("Stuur de factuur naar INFO@bakkerij-jansen.nl.", "Stuur de factuur naar [email]."),
    ("bel me even: 06-12345678", "bel me even: [phone]"),
    ("Mijn nummer is 06 12 34 56 78, liefst na 17 uur", "Mijn nummer is [phone], liefst na 17 uur"),
    ("tel 0612345678", "tel [phone]"),
    ("Bereikbaar op 020-1234567 of 020 123 4567", "Bereikbaar op [phone] of [phone]"),
    ("Bel (020) 123 4567 even terug", "Bel [phone] even terug"),
    ("+31 6 12345678 graag whatsappen", "[phone] graag whatsappen"),
    ("nummer +31 (0)20 123 4567", "nummer [phone]"),
    ("0031 6 1234 5678", "[phone]"),
    ("Call me on +44 20 7946 0958 please", "Call me on [phone] please"),
    ("Belgian number +32 470 12 34 56.", "Belgian number [phone]."),
    ("Geld terug op NL91 ABNA 0417 1643 00 aub", "Geld terug op [iban] aub"),
    ("refund to NL91ABNA0417164300", "refund to [iban]"),
    ("Rekening DE89 3704 0044 0532 0130 00", "Rekening [iban]"),
    ("Ik woon op 1234 AB in Utrecht", "Ik woon op [postcode] in Utrecht"),
    ("adres: Dorpsstraat 12, 3511ab Utrecht", "adres: Dorpsstraat 12, [postcode] Utrecht"),
    ("postcode 9712 cp Groningen", "postcode [postcode] Groningen"),
    ("Jan, 06-12345678, jan@example.nl, 1234 AB",
     "Jan, [phone], [email], [postcode]"),
]

UNTOUCHED = [
    "Betaald € 1.234,56 en 12,95 verzendkosten",
    "Prijs was €1299,- maar nu 999 euro",
    "Besteld op 12-03-2026, geleverd op 14/03/2026",
    "Delivered 2026-03-14 at 10:30",
    "Bestelnummer 2026123456 is nog niet binnen",
    "Order #100234567 arrived damaged",
    "Ordernummer: 1000234567",
    "3 stuks besteld, 2 ontvangen",
    "Ik bestelde 2 x 250 g koffie en 1000 mg vitamine C",
    "Sinds 2019 en in 2025 al drie keer besteld",
    "In 2024 is de service beter geworden",
    "Artikel 12345678 was uitverkocht",
    "Track & trace 3SABCD1234567 werkte niet",
    "Product code AB12 CDEF 3456 klopt niet",
    "Versie 1.2.3 van de app crasht",
    "Levertijd 2-3 werkdagen, werd 10 dagen",
    "Open van 09:00 tot 17:30",
    "Korting van 15% op 2 artikelen",
    "Bezorgd tussen 0800 en 1200",
    "Ik gaf een 10 want alles was top",
    "Het pakket woog 1500 kg, grapje, 1,5 kg",
    "Factuur 20260312 klopt niet",
    "email at the shop was answered quickly",
    "Nummer 0800-1234 van de klantenservice was gratis",
]


@pytest.mark.parametrize(("comment", "stored"), SCRUBBED)
def test_personal_details_become_placeholders(comment, stored):
    assert scrub(comment) == stored


@pytest.mark.parametrize("comment", UNTOUCHED)
def test_prices_dates_quantities_and_order_numbers_stay(comment):
    assert scrub(comment) == comment


def test_nothing_to_scrub_in_nothing():
    assert scrub(None) is None
    assert scrub("") == ""
