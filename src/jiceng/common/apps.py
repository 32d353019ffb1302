from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "jiceng.common"

    def ready(self) -> None:
        from jiceng.common import lookups

        lookups.register()
