from django.shortcuts import render

from ..docs import docs_sections


def docs(request):
    """App 接口文档: public, read from the OpenAPI document."""
    groups, models = docs_sections()
    return render(request, "api/docs.html", {"groups": groups, "models": models})
