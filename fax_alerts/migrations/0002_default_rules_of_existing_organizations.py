"""Organizations that existed before fax alerts get the default rules a new one gets
(fax_alerts.services.DEFAULT_RULES): their failed faxes are told as before, to agents and
above, now by the "failed" rule."""

from django.db import migrations


def add_default_rules(apps, schema_editor):
    from fax_alerts.services import DEFAULT_RULES

    Organization = apps.get_model("accounts", "Organization")
    AlertRule = apps.get_model("fax_alerts", "AlertRule")
    with_rules = set(AlertRule.objects.values_list("organization_id", flat=True))
    AlertRule.objects.bulk_create([
        AlertRule(organization_id=pk, **{name: str(value) if name == "kind" else value
                                         for name, value in values.items()})
        for pk in Organization.objects.exclude(pk__in=with_rules).values_list("pk", flat=True)
        for values in DEFAULT_RULES])


class Migration(migrations.Migration):

    dependencies = [("fax_alerts", "0001_watches_rules_alerts_attention")]

    operations = [migrations.RunPython(add_default_rules, migrations.RunPython.noop)]
