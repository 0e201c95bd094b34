"""Fax alerts' pages: my watches (and watching from a fax's page), the organization's rules
(owners and admins), the attention list and marking a fax handled (agents and above)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.tenancy import role_required
from common.addresses import client_ip
from common.pagination import keyset_page
from fax_alerts import services
from fax_alerts.forms import RuleForm, WatchForm
from fax_alerts.models import AlertRule, Attention, RuleKind, Watch
from faxes.models import Fax
from faxes.views import destinations

PAGE_SIZE = 50

agent_required = role_required(Role.AGENT)
admin_required = role_required(Role.ADMIN)


def _back(request, default: str):
    """Back to the page the form was on (`next`, a path of this portal), else `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect(default)


@agent_required
def watch_list(request):
    form = WatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        watch = services.watch(organization=request.organization, user=request.user,
                               text=form.cleaned_data["text"],
                               match=form.cleaned_data["match"])
        messages.success(request, f"You watch {watch.get_match_display().lower()}: "
                                  f"{watch.text}.")
        return _back(request, "fax_watches")
    return render(request, "fax_alerts/watches.html", {
        "form": form, "watches": services.watches_of(request.user)},
        status=400 if form.errors else 200)


@agent_required
@require_POST
def remove_watch(request, pk: int):
    watch = get_object_or_404(Watch.objects.filter(user=request.user), pk=pk)
    services.unwatch(watch=watch)
    messages.success(request, f"You no longer watch {watch.text}.")
    return _back(request, "fax_watches")


def _rule_order(rule: AlertRule) -> tuple:
    """As the kinds read: failed, last try, stuck, none sent."""
    return list(RuleKind).index(rule.kind), rule.pk


@admin_required
def rule_list(request):
    form = RuleForm(request.POST or None, instance=AlertRule(organization=request.organization))
    if request.method == "POST" and form.is_valid():
        services.create_rule(organization=request.organization, user=request.user,
                             values={name: form.cleaned_data[name] for name in form.fields},
                             ip=client_ip(request))
        messages.success(request, "The rule is added.")
        return redirect("fax_alert_rules")
    return render(request, "fax_alerts/rules.html", {
        "form": form, "rules": sorted(AlertRule.objects.all(), key=_rule_order)},
        status=400 if form.errors else 200)


@admin_required
def edit_rule(request, pk: int):
    rule = get_object_or_404(AlertRule, pk=pk)
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        services.update_rule(rule=rule, user=request.user, ip=client_ip(request),
                             values={name: form.cleaned_data[name] for name in form.fields})
        messages.success(request, "The rule is saved.")
        return redirect("fax_alert_rules")
    return render(request, "fax_alerts/rule_form.html", {"form": form, "rule": rule},
                  status=400 if form.errors else 200)


@admin_required
@require_POST
def delete_rule(request, pk: int):
    services.delete_rule(rule=get_object_or_404(AlertRule, pk=pk), user=request.user,
                         ip=client_ip(request))
    messages.success(request, "The rule is deleted.")
    return redirect("fax_alert_rules")


@role_required(Role.VIEWER)
def attention_list(request):
    page = keyset_page(services.open_attention(), ordering=("-raised_at", "-id"),
                       cursor=request.GET.get("cursor"), size=PAGE_SIZE)
    return render(request, "fax_alerts/attention.html", {
        "page": page, **destinations([item.fax for item in page.items])})


@agent_required
@require_POST
def handle_attention(request, pk: int):
    attention = get_object_or_404(Attention.objects.select_related("fax"), pk=pk)
    if services.mark_handled(attention=attention, user=request.user, ip=client_ip(request)):
        messages.success(request, "Marked handled: it is off the attention list.")
    else:
        messages.info(request, f"{attention.handled_by_label or 'Someone'} had already "
                               "handled it.")
    return _back(request, "fax_attention")


def fax_panel_context(request, fax: Fax) -> dict:
    """What the fax page's alerts panel shows (templatetags.fax_alerts)."""
    return {
        "fax": fax, "request": request,
        "watch": services.watch_of_reference(request.user, fax.customer_field),
        "attention": Attention.objects.filter(fax=fax).first(),
        "alerts": list(services.alerts_of(fax)),
        "watch_form": WatchForm(initial={"text": fax.customer_field}),
    }

