"""The eight built-in themes of a web shop, with their Dutch and English vocabularies.

Keywords follow server.core.themes: word forms by stem, `=word` for one spelling (and its
compounds), compounds found from five letters, several words in a row.
"""

from __future__ import annotations

from .themes import Theme

BUILT_IN: tuple[Theme, ...] = (
    Theme("delivery", "Levering", "Delivery", (
        "bezorging", "bezorgen", "bezorgd", "bezorger", "levering", "leveren", "geleverd",
        "levertijd", "afgeleverd", "=verzend", "verzonden", "verstuurd",
        "versturen", "pakket", "pakketje", "pakketpunt", "afhaalpunt", "zending", "koerier",
        "postnl", "dhl", "dpd", "gls", "=ups", "track trace", "te laat", "op tijd", "aangekomen",
        "aankomen", "ontving", "al binnen", "in huis", "onderweg", "sorteercentrum",
        "delivery", "delivered", "deliver", "shipping", "shipped", "ship", "shipment",
        "dispatched", "courier", "driver", "parcel", "package", "tracking", "arrived", "arrive",
        "collection point", "next day", "on time", "waiting for my order", "came",
    )),
    Theme("returns", "Retour", "Returns", (
        "retour", "retourneren", "geretourneerd", "retourlabel", "terugsturen",
        "teruggestuurd", "terug sturen", "omruilen", "ruilen", "geruild", "terugbetaling",
        "terugbetaald", "geld terug", "herroeping",
        "return", "returns", "returned", "refund", "refunded", "exchange", "exchanged",
        "send back", "sending back", "sent back", "money back",
    )),
    Theme("price", "Prijs", "Price", (
        "prijs", "prijzen", "=duur", "=dure", "goedkoop", "goedkoper", "kosten", "kost",
        "=korting", "aanbieding", "uitverkoop", "koopje", "=betaalbaar", "gratis",
        "price", "prices", "priced", "overpriced", "expensive", "cheap", "cheaper", "cost",
        "costs", "discount", "discounts", "deal", "deals", "sale", "bargain", "affordable",
        "value for money", "free shipping", "for less", "voor minder",
    )),
    Theme("quality", "Kwaliteit", "Quality", (
        "kwaliteit", "kwalitatief", "kapot", "defect", "=stuk", "stevig", "materiaal",
        "=stof", "versleten", "gaten", "deed het niet", "afgewerkt", "scheurde",
        "plat", "smaakt", "afkleuren", "kleurt af",
        "quality", "broke", "broken", "faulty", "defective", "sturdy", "material", "fabric",
        "worn out", "holes", "didn't work", "stopped working", "well made",
        "ripped", "went flat", "tastes", "colour runs", "as pictured", "zoals op de foto",
    )),
    Theme("service", "Klantenservice", "Service", (
        "klantenservice", "service", "klantcontact", "medewerker", "medewerkers", "helpdesk",
        "geholpen", "telefoon", "bellen", "gebeld", "belde", "mail", "gemaild", "chat",
        "gereageerd", "reactie", "reageert", "reageerde", "antwoord", "klacht", "opgelost",
        "advies", "klantvriendelijk", "kastje naar de muur", "whatsapp",
        "customer service", "support", "staff", "helpful", "helped", "help", "phone", "called",
        "call", "email", "emails", "reply", "replied", "answered", "complaint", "team",
        "sorted", "heard back", "department",
    )),
    Theme("payment", "Betaling", "Payment", (
        "betaling", "betalen", "betaald", "betaalpagina", "betaalmogelijkheden", "ideal",
        "afrekenen", "creditcard", "klarna", "paypal", "bancontact", "factuur", "afgeschreven",
        "achteraf betalen", "cadeaubon",
        "payment", "pay", "paid", "paying", "charged", "checkout", "credit card", "card",
        "invoice", "apple pay", "gift card", "declined",
    )),
    Theme("website", "Website", "Website", (
        "website", "site", "webshop", "=app", "zoekfunctie", "zoeken", "filteren", "navigatie",
        "menu", "inloggen", "wachtwoord", "account", "pagina", "laadt", "winkelmandje",
        "productinformatie", "productfoto", "maattabel", "bestellen ging", "voorraad",
        "search", "filtering", "navigation", "log in", "login", "password", "page", "load",
        "basket", "product photos", "product information", "size chart", "=ordering",
        "stock", "mobile",
    )),
    Theme("packaging", "Verpakking", "Packaging", (
        "verpakking", "verpakt", "ingepakt", "inpakken", "doos", "dozen", "karton", "plastic",
        "bubbeltjesplastic", "opvulmateriaal", "envelop", "gehavend", "ingedeukt",
        "=packaging", "=packaged", "packed", "wrapped", "gift wrapped", "box", "cardboard",
        "bubble wrap", "padding", "envelope", "dented", "crushed", "battered",
    )),
)
