from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0010_w7_carry_volunteer_changes"),
    ]

    operations = [
        migrations.DeleteModel(name="VolunteerChange"),
    ]
