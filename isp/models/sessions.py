"""What the skill keeps about one shopper between the turns of a session.

``IspShopperState``: the session in which the Monetization API was last asked (so it is
asked once per session, and again after a purchase result), whether it answered, and the
collection the shopper was listening to (where free content resumes after a purchase
dialogue), and the product a pending question is about. ``ContentPlay``: every content item
played, so content is varied and the skill knows when the free part of a collection is used
up.
"""

from django.db import models

from merchant.models import Store
from orders.models import Customer

from .content import ContentCollection, ContentItem
from .products import InSkillProduct


class IspShopperState(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="isp_state")
    session_id = models.CharField(max_length=200, blank=True)
    continues_session_id = models.CharField(
        max_length=200,
        blank=True,
        help_text="The session a purchase dialogue interrupted, which this session continues.",
    )
    available = models.BooleanField(
        default=False, help_text="The Monetization API answered at the session's start."
    )
    collection = models.ForeignKey(
        ContentCollection, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    product = models.ForeignKey(
        InSkillProduct,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The product the skill's pending question is about.",
    )
    refreshed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "shopper's ISP session"

    def __str__(self):
        return f"ISP session of {self.customer}"


class ContentPlay(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="isp_content_plays"
    )
    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="plays")
    session_id = models.CharField(max_length=200, blank=True)
    spent_unit = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["customer", "-created_at"])]

    def __str__(self):
        return f"{self.item} to {self.customer}"
