"""Freshly migrated, the drift inspector finds nothing here, although many names differ from
the ones the migration state generates (see the migrations)."""

from django.db import models

#: 64 bytes, like django-taggit's unique constraint: PostgreSQL keeps the first 63.
LONG_UNIQUE = "driftnames_notice_total_sent_at_label_unique_4bb97a8e_uniq_toolo"
#: 12 ASCII bytes then two-byte characters: byte 63 falls inside one, so PostgreSQL keeps 62.
MULTIBYTE_UNIQUE = "driftnames_x" + "é" * 30


class Country(models.Model):
    # varchar primary key: Django adds a varchar_pattern_ops "_like" index (django_session too).
    code = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=50)
    region = models.CharField(max_length=20)

    class Meta:
        db_table = "driftnames_nation"  # AlterModelTable in 0002: old names stay
        # Not on Notice: Django's ProjectState.rename_field turns unique_together into lists,
        # which its autodetector cannot compare (squash verification compares states).
        unique_together = [("name", "region")]


class Page(models.Model):
    # text primary key: a text_pattern_ops "_like" index.
    path = models.TextField(primary_key=True)


class Notice(models.Model):
    """Created as OldNotice; 0002 renames the model and two fields."""

    country = models.ForeignKey(Country, on_delete=models.CASCADE)
    sent_at = models.DateTimeField(db_index=True)
    total = models.PositiveIntegerField(default=0)
    label = models.CharField(max_length=20)

    class Meta:
        indexes = [models.Index(fields=["label"], name="notice_label_ix")]
        constraints = [
            models.CheckConstraint(condition=models.Q(label__gt=""), name="notice_label_check"),
            models.UniqueConstraint(fields=["total", "sent_at", "label"], name=LONG_UNIQUE),
            models.UniqueConstraint(fields=["total", "country"], name=MULTIBYTE_UNIQUE),
        ]
