"""The preferences form: per kind the member receives, how it is e-mailed; the digest's
interval."""

from django import forms

from accounts.models import Role
from notifications.models import DIGEST_CHOICES, Delivery, Kind


class PreferencesForm(forms.Form):
    digest_minutes = forms.TypedChoiceField(
        label="Send digests", choices=DIGEST_CHOICES, coerce=int,
        help_text="A digest waits this long after its first notification, then sends one "
                  "e-mail per conversation.")

    def __init__(self, *args, role: Role, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = Kind.for_role(role)
        for kind in self.kinds:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label, choices=Delivery.choices, widget=forms.RadioSelect)
        # The kinds first, the interval last, as the page reads.
        self.order_fields([kind.value for kind in self.kinds])

    def kind_fields(self):
        return [self[kind.value] for kind in self.kinds]

    def deliveries(self) -> dict[Kind, Delivery]:
        return {kind: Delivery(self.cleaned_data[kind.value]) for kind in self.kinds}
