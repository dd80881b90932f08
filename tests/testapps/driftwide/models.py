"""Every field type, many-to-many (auto-created and explicit through), multi-table
inheritance, proxy and unmanaged models, expression/partial indexes and constraints."""

import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower


class Owner(models.Model):
    code = models.CharField(max_length=20, unique=True)
    email = models.EmailField(db_index=True)


class Everything(models.Model):
    owner = models.ForeignKey(Owner, on_delete=models.CASCADE)
    owner_by_code = models.ForeignKey(
        Owner, on_delete=models.SET_NULL, null=True, to_field="code", related_name="+"
    )
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True)
    flag = models.BooleanField(default=False)
    name = models.CharField(max_length=100, db_column="full_name")
    body = models.TextField(blank=True, db_comment="free text")
    slug = models.SlugField()
    url = models.URLField()
    day = models.DateField(null=True)
    moment = models.DateTimeField(auto_now_add=True)
    clock = models.TimeField(null=True)
    span = models.DurationField(null=True)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    ratio = models.FloatField(default=0.0)
    small = models.SmallIntegerField(default=0)
    number = models.IntegerField(db_default=7)
    big = models.BigIntegerField(null=True)
    positive = models.PositiveIntegerField(default=0)
    positive_small = models.PositiveSmallIntegerField(default=0)
    positive_big = models.PositiveBigIntegerField(default=0)
    blob = models.BinaryField(null=True)
    token = models.UUIDField(default=uuid.uuid4, unique=True)
    data = models.JSONField(default=dict)
    address = models.GenericIPAddressField(null=True)
    upload = models.FileField(blank=True)
    path = models.FilePathField(path="/tmp", blank=True)
    tags = ArrayField(models.CharField(max_length=10), default=list)
    status = models.CharField(max_length=10, db_default="new")
    total = models.GeneratedField(
        expression=models.F("small") + models.F("positive"),
        output_field=models.BigIntegerField(),
        db_persist=True,
    )

    class Meta:
        db_table = "driftwide_everything_custom"
        indexes = [
            models.Index(Lower("slug"), name="dw_slug_lower_ix"),
            models.Index(fields=["day"], name="dw_day_recent_ix", condition=models.Q(flag=True)),
            models.Index(fields=["-moment", "ratio"], name="dw_moment_ratio_ix"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=0), name="dw_price_positive"),
            models.UniqueConstraint(
                fields=["url"], condition=models.Q(flag=True), name="dw_url_flagged_uniq"
            ),
            models.UniqueConstraint(Lower("name"), name="dw_name_lower_uniq"),
        ]


class Label(models.Model):
    text = models.CharField(max_length=30)
    items = models.ManyToManyField(Everything, related_name="labels")


class Group(models.Model):
    members = models.ManyToManyField(Owner, through="Membership")


class Membership(models.Model):
    # Indexed by the unique constraint on (owner, group), which starts with it.
    owner = models.ForeignKey(Owner, on_delete=models.CASCADE, db_index=False)
    group = models.ForeignKey(Group, on_delete=models.CASCADE)
    since = models.DateField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "group"], name="dw_membership_uniq")
        ]


class Place(models.Model):
    name = models.CharField(max_length=50)


class Restaurant(Place):
    serves_pizza = models.BooleanField(default=False)


class Cafe(Restaurant):
    class Meta:
        proxy = True


class Legacy(models.Model):
    owner = models.ForeignKey(Owner, on_delete=models.DO_NOTHING)

    class Meta:
        managed = False
        db_table = "driftwide_legacy_outside"
