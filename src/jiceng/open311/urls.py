from django.urls import path, register_converter

from jiceng.open311 import views


class FormatConverter:
    """The response format, named by the URL's extension as the specification does."""

    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "open311_format")

app_name = "open311"
urlpatterns = [
    path("discovery.<open311_format:fmt>", views.discovery, name="discovery"),
    path("services.<open311_format:fmt>", views.services, name="services"),
    path("services/<slug:code>.<open311_format:fmt>", views.service, name="service"),
    path("requests.<open311_format:fmt>", views.requests, name="requests"),
    path("requests/<str:service_request_id>.<open311_format:fmt>", views.request_detail, name="request"),
    path("tokens/<str:token>.<open311_format:fmt>", views.token, name="token"),
]
