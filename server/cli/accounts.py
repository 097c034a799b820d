"""Owners, team members and API tokens: create-owner, set-password, add-member,
create-token, revoke-token."""

from __future__ import annotations

import sys

import click
from flask import Flask

from ..schemas import OwnerSchema
from .base import Failure, command, find_owner, find_site, load


def read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@command("create-owner")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_owner_cmd(app: Flask, email: str, password_stdin: bool):
    """Create a dashboard login."""
    from ..models import Owner

    data = load(OwnerSchema(), {"email": email, "password": read_password(password_stdin)})
    if Owner.by_email(data["email"]):
        raise Failure(f"an owner with e-mail {data['email']} already exists")
    owner = Owner(email=data["email"])
    owner.set_password(data["password"])
    owner.save()
    return {"id": owner.id, "email": owner.email}, f"owner {owner.id} created: {owner.email}"


@command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password_cmd(app: Flask, email: str, password_stdin: bool):
    """Set a new dashboard password."""
    owner = find_owner(email)
    data = load(OwnerSchema(), {"email": owner.email, "password": read_password(password_stdin)})
    owner.change_password(data["password"])
    return ({"id": owner.id, "email": owner.email},
            f"password changed for {owner.email}; every session of this owner has ended")


@command("create-token")
@click.option("--site", "site_ref", required=True, help="Site id or name.")
@click.option("--scope", type=click.Choice(["read", "export"]), default="read", show_default=True)
@click.option("--name", default="")
def create_token_cmd(app: Flask, site_ref: str, scope: str, name: str):
    """Create an API token; it is shown once, only its hash is kept."""
    from ..models import ApiToken

    token, plain = ApiToken.issue(find_site(site_ref), scope=scope, name=name)
    return ({"id": token.id, "token": plain, "scope": scope, "site": token.site_id},
            f"token {token.id} ({scope}); store it now, it is not shown again:\n{plain}")


@command("revoke-token")
@click.argument("token_id", type=int)
def revoke_token_cmd(app: Flask, token_id: int):
    """Revoke an API token by its id."""
    from ..models import ApiToken, utcnow

    token = ApiToken.get_or_none(ApiToken.id == token_id)
    if token is None:
        raise Failure(f"no token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        token.save()
    return {"id": token.id, "revoked": True}, f"token {token.id} revoked"




@command("add-member")
@click.option("--site", "site_ref", required=True, help="Site id or name.")
@click.argument("email")
@click.option("--role", type=click.Choice(["viewer", "manager"]), required=True,
              help="A viewer reads the site's pages; a manager also changes its settings.")
def add_member_cmd(app: Flask, site_ref: str, email: str, role: str):
    """Give a colleague access to one site; they set a password from an e-mailed link."""
    from ..members import MemberProblem, add_member

    site = find_site(site_ref)
    try:
        member, outcome = add_member(site, email, role)
    except MemberProblem as exc:
        raise Failure(str(exc)) from None
    told = {"added": ("they log in with their own password; a mail telling them is in the "
                      "outbox" if member.owner.has_password
                      else "a link to set a password is in the outbox"),
            "changed": "the role is changed", "unchanged": "already a member with this role"}
    return ({"id": member.id, "site": site.id, "email": member.owner.email, "role": role,
             "mailed": outcome == "added"},
            f"member {member.id} of {site.name}: {member.owner.email} ({role}); {told[outcome]}")
