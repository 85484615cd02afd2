"""What the dashboard remembers per editor: when they last looked at a review's new citing papers."""

from django.conf import settings
from django.db import models

from articles.models import Review


class CitingPapersSeen(models.Model):
    """The moment an editor dismissed a review's "new citing papers" alert: papers linked after it are new to them.

    Without a row, papers linked since the editor joined count as new.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = "citing papers seen"
        verbose_name_plural = "citing papers seen"
        constraints = [models.UniqueConstraint(fields=["user", "review"], name="citingseen_once_per_user_review")]

    def __str__(self) -> str:
        return f"{self.user} saw review {self.review_id}'s citing papers at {self.seen_at:%Y-%m-%d %H:%M}"
