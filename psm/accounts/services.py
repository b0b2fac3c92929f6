from __future__ import annotations

from django.db import transaction

from psm.accounts.models import User


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
