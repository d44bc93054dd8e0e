"""Programmes sent on remiss and their focus areas (program, fokusområden)."""

from django.db import models

from remiss.history import HistoricalRecords


class Programme(models.Model):
    """Program (e.g. Stockholms stads säkerhetsprogram 2020–2023)."""

    name = models.CharField("namn", max_length=200, unique=True)
    period_start = models.PositiveSmallIntegerField("gäller från år")
    period_end = models.PositiveSmallIntegerField("gäller till år")
    adopted_on = models.DateField(
        "antaget",
        null=True,
        blank=True,
        help_text="Datum då kommunfullmäktige antog programmet. Tomt så länge det är ett förslag.",
    )
    legal_basis = models.TextField("rättslig grund", blank=True)
    description = models.TextField("beskrivning", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "program"
        verbose_name_plural = "program"
        ordering = ["-period_start", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="programme_period_ordered",
                violation_error_message="Programperioden kan inte sluta före den börjar.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def period(self) -> str:
        return f"{self.period_start}–{self.period_end}"


class FocusArea(models.Model):
    """Fokusområde: one numbered area of a programme, with its overall goals."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="focus_areas", verbose_name="program"
    )
    number = models.PositiveSmallIntegerField("nummer")
    title = models.CharField("rubrik", max_length=200)
    goal = models.TextField("övergripande mål", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "fokusområde"
        verbose_name_plural = "fokusområden"
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"],
                name="focus_area_number_unique_in_programme",
                violation_error_message="Programmet har redan ett fokusområde med det numret.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"
