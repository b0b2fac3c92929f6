"""factory_boy factories. Every name and NIK is invented (faker id_ID, psm.nik.generate_nik)."""

from __future__ import annotations

import datetime as dt

import factory
from faker import Faker

from psm.accounts.models import User
from psm.nik import SEX_FEMALE, SEX_MALE, generate_nik
from volunteers.models import Kelurahan, Volunteer

fake = Faker("id_ID")


def nik_for(birth_date: dt.date, sex: str, serial: int | None = None) -> str:
    return generate_nik(birth_date=birth_date, sex=sex, serial=serial)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n:04d}")
    full_name = factory.Faker("name", locale="id_ID")
    email = factory.LazyAttribute(lambda o: f"{o.username}@test.invalid")
    role = User.Role.VOLUNTEER
    password = factory.django.Password("kata-sandi-uji-123")


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Volunteer

    user = factory.SubFactory(UserFactory, role=User.Role.VOLUNTEER)
    kelurahan = factory.LazyFunction(lambda: Kelurahan.objects.order_by("?").first())
    status = Volunteer.Status.ACTIVE
    appointed_on = factory.LazyFunction(lambda: fake.date_between("-5y", "-1m"))


class NikFactory(factory.Factory):
    """A structurally valid NIK with the birth date and sex it encodes."""

    class Meta:
        model = dict

    birth_date = factory.LazyFunction(lambda: fake.date_of_birth(minimum_age=0, maximum_age=95))
    sex = factory.Iterator([SEX_MALE, SEX_FEMALE])
    nik = factory.LazyAttribute(lambda o: nik_for(o.birth_date, o.sex))
