from __future__ import annotations

import datetime as dt
from typing import Any

import pghistory
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from psm.fields import EncryptedPhoneNumberField


class UserManager(DjangoUserManager["User"]):
    def create_superuser(  # type: ignore[override]
        self,
        username: str,
        email: str | None = None,
        password: str | None = None,
        **extra_fields: Any,
    ) -> User:
        extra_fields.setdefault("role", User.Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


# Audit (django-pghistory): role, activity and profile changes. The password hash, the
# encrypted phone and last_login (every login would be an "update") stay out.
@pghistory.track(
    exclude=["password", "last_login", "phone"],
    model_name="UserHistory",
    obj_field=pghistory.ObjForeignKey(related_name="audit_history"),
)
class User(AbstractUser):
    """A person who logs in. What they may do follows from `role` (architecture.md, Roles)."""

    class Role(models.TextChoices):
        VOLUNTEER = "volunteer", _("Volunteer (PSM)")
        STAFF = "staff", _("Dinsos staff")
        SUPERVISOR = "supervisor", _("Supervisor (Kepala Bidang)")
        ADMIN = "admin", _("Administrator")

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.VOLUNTEER)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = EncryptedPhoneNumberField(_("phone number"), blank=True, region="ID")  # at rest

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [models.Index(fields=["role"], name="user_role_idx")]

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Django admin access follows the role: only admins enter /admin/.
        self.is_staff = self.role == self.Role.ADMIN
        self.is_superuser = self.role == self.Role.ADMIN
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    # Role checks read like the architecture's table; "staff and above" is common.
    @property
    def is_volunteer(self) -> bool:
        return self.role == self.Role.VOLUNTEER

    @property
    def is_officer(self) -> bool:
        """Dinsos staff, supervisors and admins: may triage and see every case."""
        return self.role in {self.Role.STAFF, self.Role.SUPERVISOR, self.Role.ADMIN}

    @property
    def is_supervisor_or_admin(self) -> bool:
        return self.role in {self.Role.SUPERVISOR, self.Role.ADMIN}

    @property
    def is_admin_role(self) -> bool:
        return self.role == self.Role.ADMIN


class Invitation(models.Model):
    """A one-time set-password link for a new account.

    Only a SHA-256 hash of the token is stored: a database leak does not hand out logins.
    The link is dead once used, revoked (a newer invitation replaces it) or expired.
    """

    VALID_FOR_DAYS = 7

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("user")
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"

    def is_usable(self, now: dt.datetime) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > now
