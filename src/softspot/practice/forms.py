"""Forms at the practice's boundary: each bad input is named by its field and nothing is saved."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _


class NewPasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    """A new password, twice (Django's validators: at least 10 characters, not common, not all digits)."""

    error_messages = {"password_mismatch": _("The two passwords differ; type the same one twice.")}  # noqa: RUF012

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password2"].help_text = _("Enter the same password as before, for verification.")


class ChangePasswordForm(NewPasswordForm):
    """A new password, and the current one first when the account has one."""

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        if user.has_usable_password():
            self.fields = {
                "current": forms.CharField(
                    label=_("Current password"),
                    strip=False,
                    widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                    error_messages={"required": _("Type your current password.")},
                ),
                **self.fields,
            }

    def clean_current(self) -> str:
        current: str = self.cleaned_data["current"]
        if not self.user.check_password(current):
            raise forms.ValidationError(_("That is not your current password; nothing was changed."))
        return current
