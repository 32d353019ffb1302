from django.apps import AppConfig


class Config(AppConfig):
    name = "jiceng.meetings"

    def ready(self) -> None:
        # The app's Excel roster joins the one import and export framework.
        from jiceng.meetings.rosters import register

        register()
