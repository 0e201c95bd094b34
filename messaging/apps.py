from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"

    def ready(self):
        from django.db.models.signals import post_migrate

        from messaging.search import restore_sqlite_index

        # Django's rebuild of a SQLite table drops the search index's triggers.
        post_migrate.connect(restore_sqlite_index, sender=self,
                             dispatch_uid="messaging.restore_sqlite_index")
