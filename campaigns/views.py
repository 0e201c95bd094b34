"""The campaign pages: the list, a new campaign, its page (the preview of a draft, the live
progress of a running one, the report of an ended one), start, pause, resume, cancel, the
CSV of outcomes, and the organization's default rate (admins).

Members see the campaigns of the numbers whose conversations they see; agents and above
create and run them from numbers they may send from (the same rule as sending a message);
every change is audited by the services. Another organization's campaign is a 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.tenancy import member_required, role_required
from campaigns import audience as audiences
from campaigns import report, services
from campaigns.forms import CampaignForm, DefaultRateForm
from campaigns.models import AudienceSource, Campaign, CampaignStatus
from common.addresses import client_ip
from common.pagination import keyset_page
from message_templates.models import MessageTemplate
from messaging.models import Label, MessagingNumber
from messaging.sending import check_attachment

may_work = role_required(Role.AGENT)
admins_only = role_required(Role.ADMIN)
PAGE_SIZE = 50
MAX_CSV_BYTES = 10 * 1024 * 1024


@member_required
def campaign_list(request):
    page = keyset_page(services.visible_campaigns(request.membership).select_related("own_number"),
                       ordering=("-id",), cursor=request.GET.get("after"), size=PAGE_SIZE)
    return render(request, "campaigns/list.html", {"page": page})


def _audience(form, files, membership) -> tuple[audiences.Audience, Label | None]:
    source = form.cleaned_data["source"]
    if source == AudienceSource.CSV:
        upload = files.get("csv_file")
        if upload is None:
            raise ValidationError({"csv_file": "Choose a CSV file."})
        if upload.size > MAX_CSV_BYTES:
            raise ValidationError({"csv_file": "At most 10 MB."})
        try:
            return audiences.from_csv(upload.read()), None
        except ValidationError as error:
            raise ValidationError({"csv_file": error.messages}) from error
    if source == AudienceSource.LABEL:
        label = Label.objects.filter(pk=form.cleaned_data["label"] or 0).first()
        if label is None:
            raise ValidationError({"label": "Choose a label."})
        return audiences.from_label(label, membership), label
    return audiences.from_pasted(form.cleaned_data["numbers"]), None


FORM_FIELD = {"csv": "csv_file", "recipients": "numbers", "media": "attachment",
              "from": "own_number"}


@may_work
def new_campaign(request):
    numbers = list(MessagingNumber.objects.usable_by(request.user).order_by("number"))
    form = CampaignForm(request.POST or None, request.FILES or None, numbers=numbers,
                        labels=list(Label.objects.all()),
                        templates=list(MessageTemplate.objects.all()),
                        default_rate=services.default_rate(organization=request.organization))
    if request.method == "POST" and form.is_valid():
        try:
            audience, label = _audience(form, request.FILES, request.membership)
            upload = request.FILES.get("attachment")
            attachment = check_attachment(upload.read()) if upload else None
            template = MessageTemplate.objects.filter(
                pk=form.cleaned_data["template"] or 0).first()
            campaign = services.create_campaign(
                organization=request.organization, user=request.user,
                name=form.cleaned_data["name"], own_number=form.cleaned_data["own_number"],
                text=form.cleaned_data["text"], audience=audience,
                source=form.cleaned_data["source"], attachment=attachment, label=label,
                template=template,
                rate_per_minute=form.cleaned_data["rate_per_minute"], ip=client_ip(request))
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                field = FORM_FIELD.get(field, field)
                form.add_error(field if field in form.fields else None, problems)
        except PermissionDenied as error:
            form.add_error("own_number", str(error))
        else:
            return redirect("campaign", campaign.pk)
    return render(request, "campaigns/new.html", {"form": form, "numbers": numbers},
                  status=400 if form.errors else 200)


def _campaign(request, pk) -> Campaign:
    return get_object_or_404(services.visible_campaigns(request.membership)
                             .select_related("own_number", "created_by"), pk=pk)


def _context(request, campaign: Campaign) -> dict:
    context = {"campaign": campaign, "live": campaign.status == CampaignStatus.RUNNING,
               "may_act": request.membership.allows(Role.AGENT)
               and campaign.own_number.may_send(request.user)}
    if campaign.status == CampaignStatus.DRAFT:
        context["preview"] = services.preview(campaign=campaign)
    if campaign.ended:
        context["outcomes"] = report.outcome_counts(campaign)
    return context


@member_required
def campaign_detail(request, pk):
    campaign = _campaign(request, pk)
    return render(request, "campaigns/detail.html", _context(request, campaign))


@member_required
def campaign_progress(request, pk):
    """The progress fragment, fetched again every few seconds while the campaign runs."""
    campaign = _campaign(request, pk)
    return render(request, "campaigns/_progress.html", _context(request, campaign))


ACTIONS = {"start": (services.start_campaign, "Started: the messages go out at {rate} a "
                                              "minute."),
           "pause": (services.pause_campaign, "Paused: nothing more is sent until you resume "
                                              "it."),
           "resume": (services.resume_campaign, "Resumed."),
           "cancel": (services.cancel_campaign, "Cancelled: nothing more is sent.")}


@may_work
@require_POST
def campaign_action(request, pk, action):
    campaign = _campaign(request, pk)
    if not campaign.own_number.may_send(request.user):
        raise PermissionDenied(f"You may not send from {campaign.own_number.number}.")
    act, done = ACTIONS[action]
    try:
        act(campaign=campaign, actor=request.user, ip=client_ip(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done.format(rate=campaign.rate_per_minute))
    return redirect("campaign", campaign.pk)


@member_required
def campaign_csv(request, pk):
    campaign = _campaign(request, pk)
    response = StreamingHttpResponse(report.outcome_rows(campaign),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}.csv"'
    return response


@admins_only
def campaign_settings(request):
    current = services.default_rate(organization=request.organization)
    form = DefaultRateForm(request.POST or None, initial={"rate_per_minute": current})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_default_rate(organization=request.organization,
                                      rate_per_minute=form.cleaned_data["rate_per_minute"],
                                      actor=request.user, ip=client_ip(request))
        except ValidationError as error:
            form.add_error("rate_per_minute", error.message_dict["rate_per_minute"])
        else:
            messages.success(request, "Saved.")
            return redirect("campaigns")
    return render(request, "campaigns/settings.html", {"form": form},
                  status=400 if form.errors else 200)
