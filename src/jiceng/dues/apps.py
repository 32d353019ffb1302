from django.apps import AppConfig


class Config(AppConfig):
    name = "jiceng.dues"

    def ready(self) -> None:
        # The app's Excel roster joins the one import and export framework.
        from jiceng.dues.rosters import register

        register()
