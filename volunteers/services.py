from __future__ import annotations

import datetime as dt

from django.db import transaction

from psm.accounts.models import User
from volunteers.models import Kelurahan, Volunteer


@transaction.atomic
def volunteer_create(
    *,
    user: User,
    kelurahan: Kelurahan,
    status: str = Volunteer.Status.ACTIVE,
    appointed_on: dt.date | None = None,
) -> Volunteer:
    volunteer = Volunteer(user=user, kelurahan=kelurahan, status=status, appointed_on=appointed_on)
    volunteer.full_clean()
    volunteer.save()
    return volunteer
