"""Encrypt the NIK/phone values already stored in plain text (psm.crypto); reversible."""

from django.db import migrations

from psm.crypto import encrypt_existing_rows

TABLE, COLUMNS, NIK = "accounts_user", ['phone'], None


def encrypt(apps, schema_editor):
    encrypt_existing_rows(schema_editor.connection, table=TABLE, columns=COLUMNS, nik_column=NIK)


def decrypt(apps, schema_editor):
    encrypt_existing_rows(
        schema_editor.connection, table=TABLE, columns=COLUMNS, nik_column=NIK, reverse=True
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_encrypt_phone_columns")]

    operations = [migrations.RunPython(encrypt, decrypt)]
