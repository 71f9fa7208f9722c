from django.http import HttpRequest
from django.template.response import TemplateResponse

from dashboard.supplier import supplier_status


def home(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "dashboard/home.html", {"supplier": supplier_status()})
