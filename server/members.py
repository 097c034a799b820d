"""Team members of a site: adding one (a login, made when needed, and a welcome mail with a
link to set a password) and removing one. Used by the command line and the dashboard."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate

from .db import write_transaction
from .mail.accounts import send_account_mail
from .models import ROLES, Member, Owner, Site

EMAIL = fields.Email(validate=validate.Length(max=254))


class MemberProblem(ValueError):
    """Why someone cannot be added: `code` is email, is_owner or role; the message English."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def add_member(site: Site, email: str, role: str) -> tuple[Member, str]:
    """The member and what happened: "added", "changed" (a new role) or "unchanged"."""
    email = email.strip().lower()
    try:
        EMAIL.deserialize(email)
    except ValidationError:
        raise MemberProblem("email", "enter a valid e-mail address") from None
    if role not in ROLES:
        raise MemberProblem("role", "choose viewer or manager")
    with write_transaction():
        owner = Owner.by_email(email) or Owner.invited(email)
        if owner.id == site.owner_id:
            raise MemberProblem("is_owner", "this is the site's owner already")
        member = Member.get_or_none(Member.site == site, Member.owner == owner)
        if member is not None:
            if member.role == role:
                return member, "unchanged"
            Member.update(role=role).where(Member.id == member.id).execute()
            member.role = role
            return member, "changed"
        member = Member.create(site=site, owner=owner, role=role)
    send_account_mail(owner, "member", site)
    return member, "added"


def site_members(site: Site) -> list[Member]:
    return list(Member.select(Member, Owner).join(Owner).where(Member.site == site)
                .order_by(Owner.email))


def remove_member(site: Site, member_id: int) -> bool:
    """The member loses access to this site (their login stays, for their other sites)."""
    return bool(Member.delete().where(Member.site == site, Member.id == member_id).execute())
