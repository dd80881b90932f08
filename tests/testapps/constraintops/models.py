"""Every shape of foreign key the constraint operations must handle (state after 0005).

0001 creates them with Python-level ``on_delete``; 0002 (non-atomic) switches each one's database
action; 0003 alters two of them in a way that makes Django drop and re-add the constraint; 0004
and 0005 add a CHECK and a foreign key ``NOT VALID`` and validate them.
"""

from django.db import models

from safemigrations.deletion import DB_CASCADE, DB_SET_NULL, InDatabaseToo


class Parent(models.Model):
    name = models.CharField(max_length=50)


class Child(models.Model):
    """Mode (a): the database alone cascades."""

    parent = models.ForeignKey(Parent, on_delete=DB_CASCADE, related_name="children", null=True)
    note = models.CharField(max_length=50, default="")


class Audited(models.Model):
    """Mode (b): Django keeps its CASCADE (signals fire) and the constraint cascades too."""

    parent = models.ForeignKey(
        Parent, on_delete=InDatabaseToo(models.CASCADE), related_name="audited", null=True
    )


class Node(models.Model):
    """A self-reference."""

    parent = models.ForeignKey("self", on_delete=DB_SET_NULL, null=True, related_name="kids")


class Coded(models.Model):
    code = models.CharField(max_length=20, unique=True)


class Weird(models.Model):
    """A custom column, a to_field, and a table name that needs quoting."""

    coded = models.ForeignKey(Coded, to_field="code", db_column="Coded Ref", on_delete=DB_CASCADE)

    class Meta:
        db_table = "Weird Table-Name"


class Profile(models.Model):
    parent = models.OneToOneField(Parent, on_delete=DB_CASCADE)


class Tag(models.Model):
    label = models.CharField(max_length=20)


class Article(models.Model):
    """An auto-created through table, both of whose keys get ON DELETE CASCADE."""

    tags = models.ManyToManyField(Tag)


class Order(models.Model):
    """A foreign key added without a constraint, then given one NOT VALID and validated."""

    parent = models.ForeignKey(Parent, on_delete=DB_CASCADE, related_name="orders")
    amount = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="constraintops_order_amount_gte_0"
            )
        ]
