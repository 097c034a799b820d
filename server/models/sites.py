"""Owners, their sites, the sites' team members and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from peewee import (
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
)
from werkzeug.security import check_password_hash, generate_password_hash

from .base import BaseModel, ListField, Versioned, utcnow

DIGESTS = ("daily", "weekly", "off")


class Owner(BaseModel):  # deleting one deletes its sites and surveys
    email = CharField(max_length=254, unique=True)
    password_hash = CharField(max_length=255)
    language = CharField(max_length=2, default="nl")
    created_at = DateTimeField(default=utcnow)
    # A session holds the number it began with; raising it ends every earlier session.
    session_generation = IntegerField(default=0)
    # The summary e-mail (server/jobs/digests.py): daily | weekly | off, and when it last went.
    digest = CharField(max_length=6, default="off")
    digest_sent_at = DateTimeField(null=True)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")

    def change_password(self, password: str) -> None:
        """A new password, and every session begun with the old one ends."""
        self.set_password(password)
        Owner.update(password_hash=self.password_hash,
                     session_generation=Owner.session_generation + 1
                     ).where(Owner.id == self.id).execute()

    def end_sessions(self) -> None:
        """Every session of this owner, on every device, stops opening the dashboard."""
        Owner.update(session_generation=Owner.session_generation + 1
                     ).where(Owner.id == self.id).execute()

    def set_digest(self, frequency: str) -> None:
        """How often the summary e-mail comes; "off" stops it."""
        if frequency not in DIGESTS:
            raise ValueError(f"digest must be one of {', '.join(DIGESTS)}")
        self.digest = frequency
        Owner.update(digest=frequency).where(Owner.id == self.id).execute()

    def check_password(self, password: str) -> bool:
        return self.has_password and check_password_hash(self.password_hash, password)

    @property
    def has_password(self) -> bool:
        """False for a team member who has not yet set one from the e-mailed link."""
        return not self.password_hash.startswith(UNUSABLE)

    def password_fingerprint(self) -> str:
        """Changes whenever the password does (scrypt salts every hash): a link that carries
        it works until the password is set, and never again."""
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:20]

    @classmethod
    def invited(cls, email: str) -> Owner:
        """The login of someone added to a team: no password until they set one."""
        return cls.create(email=email.strip().lower(),
                          password_hash=UNUSABLE + secrets.token_hex(16))

    @classmethod
    def by_email(cls, email: str) -> Owner | None:
        return cls.get_or_none(cls.email == email.strip().lower())


UNUSABLE = "!"  # a password hash that matches no password


class Site(Versioned):
    owner = ForeignKeyField(Owner, backref="sites", on_delete="CASCADE")
    name = CharField(max_length=200)
    origins = ListField(default=list)
    # The controller named in the privacy notice and the address for AVG requests.
    contact_email = CharField(max_length=254, null=True)
    created_at = DateTimeField(default=utcnow)
    # '#rrggbb' for the chosen score and the buttons (white text on it passes WCAG AA).
    brand_color = CharField(max_length=7, null=True)
    position = CharField(max_length=5, default="right")  # the popup's corner: right | left
    # Set while the site is archived: its surveys count as archived too, and restoring the
    # site gives each survey back the state it had (its own `archived_at` is left alone).
    archived_at = DateTimeField(null=True)

    @classmethod
    def visible_to(cls, owner: Owner | None):
        """The sites this login may open: its own and those it is a team member of."""
        return cls.select().where((cls.owner == owner) | cls.id.in_(
            Member.select(Member.site).where(Member.owner == owner)))

    def role_of(self, owner: Owner | None) -> str | None:
        """owner, manager, viewer, or None for someone without access."""
        if owner is None:
            return None
        if self.owner_id == owner.id:
            return "owner"
        member = Member.get_or_none(Member.site == self, Member.owner == owner)
        return member.role if member else None


ROLES = ("viewer", "manager")


class Member(BaseModel):
    """A colleague's access to one site: a viewer reads, a manager also changes settings;
    only the site's owner deletes it and chooses its members."""

    site = ForeignKeyField(Site, backref="members", on_delete="CASCADE")
    owner = ForeignKeyField(Owner, backref="memberships", on_delete="CASCADE")  # the login
    role = CharField(max_length=10)  # viewer | manager
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("site", "owner"), True),)


class ApiToken(BaseModel):
    site = ForeignKeyField(Site, backref="api_tokens", on_delete="CASCADE")
    name = CharField(max_length=100, default="")
    scope = CharField(max_length=10, default="read")  # read | export
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
    last_used_at = DateTimeField(null=True)
    revoked_at = DateTimeField(null=True)

    PREFIX = "tvr_"

    @classmethod
    def issue(cls, site: Site, scope: str = "read", name: str = "") -> tuple[ApiToken, str]:
        """Create a token; the plain value is returned once and never stored."""
        plain = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.create(site=site, scope=scope, name=name, token_hash=cls.digest(plain))
        return token, plain

    @staticmethod
    def digest(plain: str) -> str:
        return hashlib.sha256(plain.encode()).hexdigest()


class RefusedOrigin(BaseModel):
    """A web address that tried to show a site's widget and is not among its origins: the
    owner sees it on the install page (a shop's address, never a visitor's data)."""

    site = ForeignKeyField(Site, backref="refused_origins", on_delete="CASCADE")
    origin = CharField(max_length=255)
    last_seen_at = DateTimeField(default=utcnow)

    KEPT_DAYS = 7
    SHOWN = 5
    MOST = 50  # per site: anyone can claim an origin, so the table cannot be flooded

    class Meta:
        indexes = ((("site", "origin"), True),)

    @classmethod
    def note(cls, site: Site, origin: str) -> None:
        """Remember (or refresh) a refused origin of this site."""
        known = cls.select().where(cls.site == site)
        if known.count() >= cls.MOST and not known.where(cls.origin == origin).exists():
            return
        (cls.insert(site=site, origin=origin, last_seen_at=utcnow())
         .on_conflict(conflict_target=[cls.site, cls.origin],
                      update={cls.last_seen_at: utcnow()})
         .execute())

    @classmethod
    def recent(cls, site: Site) -> list[RefusedOrigin]:
        """The latest few seen within the last days, newest first."""
        since = utcnow() - dt.timedelta(days=cls.KEPT_DAYS)
        return list(cls.select().where(cls.site == site, cls.last_seen_at >= since)
                    .order_by(cls.last_seen_at.desc()).limit(cls.SHOWN))

    @classmethod
    def forget_old(cls, now: dt.datetime) -> int:
        return cls.delete().where(
            cls.last_seen_at < now - dt.timedelta(days=cls.KEPT_DAYS)).execute()
