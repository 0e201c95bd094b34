"""The activity page: the messaging side's chart, linked from the inbox."""

from django.shortcuts import render

from accounts.tenancy import member_required


@member_required
def message_activity(request):
    """Messages in and out per day, of the numbers the member sees (the chart reads the
    daily counts itself: templates/charts/message_chart.html)."""
    return render(request, "charts/activity.html")
