"""The support console's address of an order by the number shown everywhere (on the list, in
emails, to the shopper): ``/support/orders/number/<number>/`` leads to the order's own page
(``/support/orders/<id>/``). Scoped like every support view: only the staff member's stores;
a number they do not have is a 404, a number several of their stores share opens the list
searched for it."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse

from .selectors import order_ids_by_number
from .views import store_ids_or_403


@login_required
def order_by_number(request: HttpRequest, number: str) -> HttpResponseRedirect:
    found = order_ids_by_number(store_ids=store_ids_or_403(request), number=number)
    if not found:
        raise Http404("No such order.")
    if len(found) > 1:
        return redirect(f"{reverse('support:order_list')}?{urlencode({'q': number})}")
    return redirect("support:order_detail", pk=found[0])
