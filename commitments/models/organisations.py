"""The organisations that handle proposals, the people who sign in, and the sessions."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..addresses import address


class Organisation(models.Model):
    name = models.CharField(
        _("name"),
        max_length=200,
        unique=True,
        help_text=_("Full name, as in the signature of the reply letters."),
    )
    short_name = models.CharField(
        _("short name"),
        max_length=50,
        blank=True,
        help_text=_("Short name shown in lists and charts, e.g. “Xinwu Industry Bureau”."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=60,
        unique=True,
        help_text=_("Identifier used in web addresses, e.g. xinwu-industry."),
    )
    is_office = models.BooleanField(
        _("supervising office"),
        default=False,
        help_text=_("Tick for the proposals committee or another office that supervises handling."),
    )
    is_sample = models.BooleanField(
        _("sample data"),
        default=False,
        help_text=_("Invented for the demo (load_demo); remove_demo deletes it."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisation")
        ordering = ["name"]

    def __str__(self):
        return self.short_name or self.name

    def get_absolute_url(self):
        return address("commitments:organisation", self.slug)


class User(AbstractUser):
    class Role(models.TextChoices):
        STAFF = "staff", _("bureau staff")
        OFFICE = "office", _("supervising office staff")
        MEMBER = "member", _("committee member")

    role = models.CharField(
        _("role"),
        max_length=10,
        choices=Role.choices,
        blank=True,
        help_text=_("Decides what this person can do in the workspace."),
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("Bureau staff must belong to one organisation."),
    )
    muted_notices = models.JSONField(
        _("emails turned off"),
        default=list,
        blank=True,
        help_text=_("The kinds of email this person chose not to receive."),
    )
    filing_names = models.JSONField(
        _("names filed under"),
        default=list,
        blank=True,
        help_text=_(
            'For committee members: the names their proposals give them, e.g. ["张三"]; '
            "the import proposes these matches to the office."
        ),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("user")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="staff") | Q(organisation__isnull=False),
                name="staff_user_has_organisation",
                violation_error_message=_("Bureau staff must have an organisation."),
            )
        ]

    @property
    def is_bureau_staff(self):
        return self.role == self.Role.STAFF

    @property
    def is_office(self):
        return self.role == self.Role.OFFICE or self.is_superuser

    @property
    def is_member(self):
        return self.role == self.Role.MEMBER

    def display_name(self) -> str:
        """The name people know: the full name, or the username when none is given."""
        return self.get_full_name() or self.username

    def wants_notice(self, kind: str) -> bool:
        return kind not in (self.muted_notices or [])


class Session(models.Model):
    class Body(models.TextChoices):
        CPPCC = "cppcc", _("CPPCC")
        CONGRESS = "congress", _("People's Congress")

    body = models.CharField(_("body"), max_length=10, choices=Body.choices)
    name = models.CharField(
        _("session"),
        max_length=100,
        unique=True,
        help_text=_("As written in the reply letter, e.g. “区政协二届三次会议”."),
    )
    year = models.PositiveSmallIntegerField(_("year"), help_text=_("The year the session met."))

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("session")
        ordering = ["-year", "name"]

    def __str__(self):
        return self.name
