from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from psm.accounts.models import Invitation, User

logger = logging.getLogger(__name__)


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    full_name: str = "",
    email: str = "",
    phone: str = "",
    password: str | None = None,
) -> User:
    """Create a login. Without a password the account cannot log in until one is set."""
    user = User(username=username, role=role, full_name=full_name, email=email, phone=phone)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    return user


def user_sessions_end(*, user: User) -> int:
    """Log the user out everywhere by deleting their database sessions; returns how many.

    Sessions are signed blobs keyed by session id, not by user, so the live ones are
    decoded one by one. That is a scan of the unexpired sessions, fine for a city's staff and
    volunteers; a Redis session engine would need a per-user index instead.
    """
    ended = 0
    now = timezone.now()
    for session in Session.objects.filter(expire_date__gt=now).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def user_set_active(*, user: User, active: bool) -> User:
    """Enable or disable a login; disabling also ends every open session."""
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
    if not active:
        user_sessions_end(user=user)
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_link(*, token: str, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("invitation_accept", kwargs={"token": token})


@transaction.atomic
def invitation_create(
    *, user: User, base_url: str, created_by: User | None = None, send: bool = True
) -> tuple[Invitation, str]:
    """A fresh one-time link for `user`; earlier unused links die. Returns (invitation, token).

    The raw token exists only in memory and in the message sent; the link goes out after
    the transaction commits, so a rolled-back creation never mails a dead link.
    """
    now = timezone.now()
    Invitation.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        user=user,
        token_hash=_token_hash(token),
        expires_at=now + dt.timedelta(days=Invitation.VALID_FOR_DAYS),
        created_by=created_by,
    )
    # The user rows are saved instances and a 256-bit random token cannot collide in practice
    # (the unique index still guards it): skipping those lookups keeps bulk imports fast.
    invitation.full_clean(exclude=["user", "created_by"], validate_unique=False)
    invitation.save()
    if send:
        link = invitation_link(token=token, base_url=base_url)
        transaction.on_commit(
            lambda: invitation_send(invitation=invitation, link=link, token=token)
        )
    return invitation, token


def invitation_send(*, invitation: Invitation, link: str, token: str) -> list[str]:
    """Deliver an invitation link by email and, when the user has a WhatsApp/phone number,
    through the WhatsApp/SMS gateway of psm.notifications; returns the channels used.

    Runs after the commit (see invitation_create), synchronously like the email: the raw
    token must not sit in a broker queue. A channel that fails is logged (without the link)
    and skipped; the admin can resend the invitation from the profile.
    """
    # notifications sits above accounts (it imports the User model); import at call time.
    from psm.notifications.channels import ChannelError, send_text, whatsapp_number

    user = invitation.user
    channels: list[str] = []
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "link": link,
            "expires_at": invitation.expires_at,
            "days": Invitation.VALID_FOR_DAYS,
        }
        if user.email:
            subject = render_to_string("registration/invitation_subject.txt", context).strip()
            body = render_to_string("registration/invitation_email.txt", context)
            try:
                send_mail(subject, body, None, [user.email])
            except Exception as exc:  # noqa: BLE001 - reported, the other channel still goes
                logger.warning(
                    "invitation %s: email not sent (%s)", invitation.pk, exc.__class__.__name__
                )
            else:
                channels.append("email")
        number = whatsapp_number(user)
        if number:
            text = render_to_string("registration/invitation_whatsapp.txt", context).strip()
            try:
                send_text(
                    to=number,
                    text=text,
                    idempotency_key=f"psm-invitation-{invitation.pk}",
                    secret=token,
                )
            except ChannelError as exc:
                logger.warning("invitation %s: WhatsApp not sent (%s)", invitation.pk, exc)
            else:
                channels.append("whatsapp")
    return channels


def invitation_get_usable(*, token: str) -> Invitation | None:
    """The invitation this token opens, or None when unknown, used, revoked or expired."""
    invitation = (
        Invitation.objects.select_related("user").filter(token_hash=_token_hash(token)).first()
    )
    if invitation is None or not invitation.is_usable(timezone.now()):
        return None
    if not invitation.user.is_active:
        return None
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """Set the password through a one-time link; the link is dead afterwards."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("user")
        .filter(token_hash=_token_hash(token))
        .first()
    )
    if (
        invitation is None
        or not invitation.is_usable(timezone.now())
        or not invitation.user.is_active
    ):
        raise ValidationError(
            _("This invitation link is invalid, already used or expired."),
            code="invitation_invalid",
        )
    user = invitation.user
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    return user
