"""Forms of the accounts pages: invitations, roles, sign-up by invitation, connections."""

from django import forms
from django.contrib.auth.forms import UserCreationForm

from accounts.models import Connection, Role, User


class InvitationForm(forms.Form):
    email = forms.EmailField(label="E-mail address")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.AGENT)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class SignUpForm(UserCreationForm):
    """The account a new member creates when accepting an invitation."""

    class Meta:
        model = User
        fields = ("username", "email")


class SecretInput(forms.PasswordInput):
    """A password input that never renders the stored value back into the page."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"autocomplete": "new-password", **(attrs or {})},
                         render_value=False)


class ConnectionForm(forms.ModelForm):
    """Edit a connection. Secret fields are write-only: blank keeps the stored value."""

    api_key = forms.CharField(label="API key", required=False, widget=SecretInput,
                              strip=True)
    password = forms.CharField(required=False, widget=SecretInput, strip=False)

    class Meta:
        model = Connection
        # The secrets are declared above and deliberately not model fields of the form, so
        # the form never copies a blank onto the connection; services.save_connection
        # decides what a blank means.
        fields = ("api_url", "username", "time_zone")
        labels = {"api_url": "API URL", "time_zone": "Time zone of the fax API"}
        help_texts = {
            "api_url": "The URL that Axion's support gave you for this API.",
            "time_zone": ("Fax times arrive without a time zone; they are read in this one. Faxes "
                          "already stored take the corrected time when they are synced again."),
        }

    field_order = ("api_url", "username", "api_key", "password", "time_zone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        is_new = self.instance.pk is None
        for name in ("api_key", "password"):
            field = self.fields[name]
            field.required = is_new
            if not is_new:
                field.help_text = "A value is stored. Leave blank to keep it."
        if self.instance.kind == Connection.Kind.SMS:
            # pop: the admin builds its SMS form without the field already.
            self.fields.pop("time_zone", None)

    def connection_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in ConnectionForm.field_order
                if name in self.fields}
