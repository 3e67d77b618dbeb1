"""Form behaviour every admin page of the portal shares.

Text inputs carry no ``maxlength`` attribute: a browser would silently cut a pasted value
at the limit (a 5,600-character synonym saved as its first 140), so the limit is checked on
the server and a value that is too long gets a form error in words, with nothing cut.
"""

from typing import TYPE_CHECKING, Any

from django import forms
from django.db import models

if TYPE_CHECKING:
    # What the mixin is mixed into, so that the type checker knows its super() methods.
    from django.contrib.admin.options import BaseModelAdmin

    _AdminBase = BaseModelAdmin[Any]
else:
    _AdminBase = object

TOO_LONG = "At most %(limit_value)d characters, please (this has %(show_value)d)."


class NoSilentTruncation(_AdminBase):
    """Mixed into ModelAdmin and InlineModelAdmin classes."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.CharField) and isinstance(field, forms.CharField):
            field.widget.attrs.pop("maxlength", None)
            field.error_messages["max_length"] = TOO_LONG
        return field
