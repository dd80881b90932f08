from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)


class Book(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
    title = models.CharField(max_length=200)
    isbn = models.CharField(max_length=20, unique=True)

    class Meta:
        indexes = [models.Index(fields=["title"], name="harness_book_title_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(title=""), name="harness_book_title_nonempty"
            )
        ]
