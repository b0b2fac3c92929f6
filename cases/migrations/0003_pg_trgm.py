from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_load_categories")]
    operations = [TrigramExtension()]
