"""State after 0004; 0003 and 0004 change the database with RunSQL only."""

from django.db import models


class Item(models.Model):
    name = models.CharField(max_length=50)
    extra = models.IntegerField(null=True)
