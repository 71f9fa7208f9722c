from django.db import models


class UsedToken(models.Model):
    """A single-use confirmation that has been used (core/once.py): its token is unique, so a
    second use of the same form is refused by the database itself."""

    token = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return f"{self.token[:8]}… used {self.used_at:%Y-%m-%d %H:%M}"
