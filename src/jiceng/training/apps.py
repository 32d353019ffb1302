from django.apps import AppConfig


class Config(AppConfig):
    name = "jiceng.training"

    def ready(self) -> None:
        # The app's Excel roster joins the one import and export framework.
        from jiceng.training.rosters import register

        register()
